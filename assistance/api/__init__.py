"""The REST API under /api/v1, with its OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api
from werkzeug.routing import IntegerConverter

from assistance.api import (
    admin,
    auth,
    cases,
    documents,
    errors,
    evaluate,
    imports,
    jobs,
    policy,
    reports,
    schemas,
    screening,
)

PREFIX = "/api/v1"
# Ids are 32-bit on every database; a larger number in a path is simply not found, rather than
# an overflow inside the database driver.
LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def _id_schema(converter: IdConverter) -> dict[str, Any]:
    return {"type": "integer", "minimum": 0, "maximum": LARGEST_ID}


class AssistanceApi(Api):  # type: ignore[misc]  # flask-smorest has no type hints
    ERROR_SCHEMA = schemas.ErrorSchema


def register(app: Flask) -> Api:
    app.config.setdefault("API_TITLE", "救助认定 API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.url_map.converters["int"] = IdConverter
    api = AssistanceApi(app)
    api.register_converter(IdConverter, _id_schema)
    schemas.register(api)
    blueprints = (
        auth.blp,
        cases.blp,
        cases.queue_blp,
        cases.workflow_blp,
        cases.recheck_blp,
        documents.blp,
        documents.case_blp,
        documents.lists_blp,
        documents.verify_blp,
        documents.archives_blp,
        admin.blp,
        evaluate.blp,
        policy.blp,
        reports.blp,
        imports.blp,
        jobs.blp,
        jobs.schedules_blp,
        screening.blp,
    )
    for blueprint in blueprints:
        api.register_blueprint(blueprint, url_prefix=PREFIX + (blueprint.url_prefix or ""))
    errors.register(app)
    return api
