"""The REST API under /api/v1, with its OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from assistance.api import admin, auth, cases, errors, evaluate, policy

PREFIX = "/api/v1"


def register(app: Flask) -> Api:
    app.config.setdefault("API_TITLE", "救助认定 API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = Api(app)
    blueprints = (
        auth.blp,
        cases.blp,
        cases.queue_blp,
        cases.workflow_blp,
        admin.blp,
        evaluate.blp,
        policy.blp,
    )
    for blueprint in blueprints:
        api.register_blueprint(blueprint, url_prefix=PREFIX + (blueprint.url_prefix or ""))
    errors.register(app)
    return api
