"""The published OpenAPI says what the service does: each act's request body is the schema the
service validates for that act and procedure (``cases.acts``), and the answers match what is
documented, as schemathesis checks them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from marshmallow import ValidationError
from schemathesis import checks

from assistance.app import create_app
from assistance.cases.acts import ACTS
from assistance.db import Database
from assistance.demo import (
    WANG_JIANGUO,
    dibao_edge_household,
    illness_poverty_household,
    seed_areas_and_accounts,
)
from assistance.migrate import upgrade
from assistance.parameters import ENTRY_DIR_VARIABLE, ENVIRONMENT_VARIABLE
from assistance.workflow import WORKFLOWS

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo12345"
TODAY = date(2025, 9, 22)
ACTIONS = sorted(ACTS)
PREFIX = "#/components/schemas/"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    url = f"sqlite:///{tmp_path_factory.mktemp('contract') / 'contract.sqlite3'}"
    upgrade(url)
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(ROOT / "examples" / "local-parameters"))
    monkeypatch.setenv(ENTRY_DIR_VARIABLE, str(tmp_path_factory.mktemp("contract-entries")))
    application = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "contract", "TODAY": TODAY})
    seed_areas_and_accounts(application.extensions["assistance_db"], PASSWORD)
    yield application
    monkeypatch.undo()
    db: Database = application.extensions["assistance_db"]
    db.engine.dispose()


@pytest.fixture(scope="module")
def spec(app: Flask) -> dict[str, Any]:
    found: dict[str, Any] = app.test_client().get("/api/v1/openapi.json").get_json()
    return found


def _component(spec: dict[str, Any], reference: dict[str, str]) -> tuple[str, dict[str, Any]]:
    name = reference["$ref"].removeprefix(PREFIX)
    return name, spec["components"]["schemas"][name]


def _bodies(spec: dict[str, Any], action: str) -> list[tuple[str, dict[str, Any]]]:
    body = spec["paths"][f"/api/v1/cases/{{case_id}}/actions/{action}"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    return [_component(spec, r) for r in schema.get("oneOf", [schema])]


def _example(spec: dict[str, Any], prop: dict[str, Any]) -> Any:
    """A value the documented property allows."""
    if "$ref" in prop:
        return _minimal(spec, _component(spec, prop)[1])
    if "enum" in prop:
        return next(v for v in prop["enum"] if v is not None)
    kind = prop.get("type")
    if kind == "string":
        return TODAY.isoformat() if prop.get("format") == "date" else "甲" * max(prop.get("minLength", 1), 1)
    if kind == "boolean":
        return True
    if kind == "integer":
        return max(prop.get("minimum", 1), 1)
    if kind == "array":
        return [_example(spec, prop["items"]) for _ in range(prop.get("minItems", 0))]
    raise AssertionError(f"undocumented property type: {prop}")


def _minimal(spec: dict[str, Any], component: dict[str, Any]) -> dict[str, Any]:
    """A body with every required property and nothing else, as the documentation has it."""
    return {name: _example(spec, component["properties"][name]) for name in component.get("required", [])}


@pytest.mark.parametrize("action", ACTIONS)
def test_each_act_documents_the_schema_of_each_procedure_that_has_it(
    spec: dict[str, Any], action: str
) -> None:
    documented = {name for name, _ in _bodies(spec, action)}
    having = [w.procedure for w in WORKFLOWS.values() if w.has_action(action)]
    validated = {ACTS[action].payload_for(p).__name__.removesuffix("Schema") for p in having}
    assert documented == validated


@pytest.mark.parametrize("action", ACTIONS)
def test_the_documented_body_is_the_one_the_service_validates(spec: dict[str, Any], action: str) -> None:
    for procedure in (w.procedure for w in WORKFLOWS.values() if w.has_action(action)):
        validator = ACTS[action].payload_for(procedure)
        name, component = next(
            c for c in _bodies(spec, action) if c[0] == validator.__name__.removesuffix("Schema")
        )
        body = _minimal(spec, component)
        if action == "record_investigation" and body.get("method") == "remote_visit":
            body["method"] = "home_visit"  # the schema says nothing of the reason a remote visit needs
        validator().load(body)  # what the documentation requires, the service accepts
        for required in component.get("required", []):
            with pytest.raises(ValidationError):
                validator().load({k: v for k, v in body.items() if k != required})
        assert component.get("additionalProperties") is False, name
        with pytest.raises(ValidationError):
            validator().load({**body, "undocumented": "x"})
        assert set(component["properties"]) == set(validator().load_fields), name


def test_acts_answer_as_documented(app: Flask) -> None:
    """schemathesis's conformance checks (status codes, content types, response schemas) on every
    act, against a case of each procedure, from each desk and from nobody. Not its check that
    every schema-valid body is accepted: an act's date may not lie in the future, nor a
    publicity start before the act, which no JSON Schema can say (the service answers 422)."""
    client = app.test_client()
    client.post("/api/v1/auth/login", json={"username": "wangjianguo", "password": PASSWORD})
    cases = []
    for procedure, village, household in (
        ("dibao_edge", "140802001001", dibao_edge_household()),
        ("illness_poverty", "140802101001", illness_poverty_household(TODAY)),
    ):
        # The account files as the applicant only for its own household (cases.filing).
        household["members"][0]["id_number"] = WANG_JIANGUO
        filed = client.post(
            "/api/v1/cases",
            json={
                "procedure": procedure,
                "village": village,
                "economic_check_authorised": True,
                "commitment_signed": True,
                "household": household,
            },
        )
        assert filed.status_code == 201, filed.json
        cases.append(filed.json["id"])
    identities: list[dict[str, str]] = [{}]
    for username in ("wangjianguo", "beicheng", "jiezhou", "yanhu"):
        signed_in = app.test_client()
        signed_in.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
        cookie = signed_in.get_cookie("session")
        assert cookie is not None
        identities.append({"session": cookie.value})

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if "/actions/" in result.ok().path or result.ok().path == "/api/v1/cases/{case_id}"
    ]
    assert len(operations) == len(ACTS) + 1
    for operation in operations:

        @given(operation.as_strategy())
        @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def call(case: Any) -> None:
            for case_id in cases:
                case.path_parameters = {"case_id": case_id}
                for cookies in identities:
                    case.call_and_validate(
                        cookies=cookies,
                        checks=[
                            checks.not_a_server_error,
                            checks.status_code_conformance,
                            checks.content_type_conformance,
                            checks.response_headers_conformance,
                            checks.response_schema_conformance,
                        ],
                    )

        call()
