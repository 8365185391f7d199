"""Schemathesis against the served OpenAPI: whatever a client sends, signed in or not, the API
answers with a 4xx or a success, never a server error."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from database_support import migrated_database
from flask import Flask
from hypothesis import HealthCheck, given, settings

from assistance.app import create_app
from assistance.db import Database
from assistance.demo import dibao_edge_household, seed_areas_and_accounts
from assistance.parameters import ENTRY_DIR_VARIABLE, ENVIRONMENT_VARIABLE

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo12345"


# The suite's run is short; a red-team run sets these, e.g. 300 examples on postgresql.
EXAMPLES = int(os.environ.get("ASSISTANCE_FUZZ_EXAMPLES", "25"))
BACKEND = os.environ.get("ASSISTANCE_FUZZ_BACKEND", "sqlite")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    databases = migrated_database(BACKEND, tmp_path_factory, "fuzz")
    url = next(databases)
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(ROOT / "examples" / "local-parameters"))
    # Whatever values the fuzzer manages to enter stay with this module.
    monkeypatch.setenv(ENTRY_DIR_VARIABLE, str(tmp_path_factory.mktemp("fuzz-entries")))
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "fuzz",
            "TODAY": date(2025, 9, 22),
            # Each hand-made input signs in afresh, from one address (the limit has its own test).
            "SIGN_IN_RATE_LIMIT": "10000 per minute",
        }
    )
    db: Database = application.extensions["assistance_db"]
    seed_areas_and_accounts(db, PASSWORD)
    client = application.test_client()
    client.post("/api/v1/auth/login", json={"username": "wangjianguo", "password": PASSWORD})
    filed = client.post(
        "/api/v1/cases",
        json={
            "procedure": "dibao_edge",
            "village": "140802001001",
            "economic_check_authorised": True,
            "commitment_signed": True,
            "household": dibao_edge_household(),
        },
    )
    assert filed.status_code == 201, filed.json
    yield application
    monkeypatch.undo()
    db.engine.dispose()
    next(databases, None)


def _session(app: Flask, username: str) -> dict[str, str]:
    client = app.test_client()
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200
    cookie = client.get_cookie("session")
    assert cookie is not None
    return {"session": cookie.value}


def test_no_input_makes_the_api_fail(app: Flask) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # The same generated request from an anonymous caller and from each desk.
    identities = [{}] + [_session(app, name) for name in ("wangjianguo", "beicheng", "yanhu", "admin")]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40

    for operation in operations:

        @given(operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def call(case: Any) -> None:
            for cookies in identities:
                response = case.call(cookies=cookies)
                assert response.status_code < 500, (case.operation.label, response.status_code, response.text)

        call()


# Inputs the red team found answered with 500, each with the field its 4xx must name.
NESTED = '{"household":' * 60_000 + "1" + "}" * 60_000
HAND_MADE: list[tuple[str, str, str, Any, str]] = [
    # (method, path, user, JSON body or raw text, field)
    ("GET", "/api/v1/cases?offset=2147483648", "yanhu", None, "offset"),
    ("GET", "/api/v1/queue?offset=9999999999999", "beicheng", None, "offset"),
    ("GET", "/cases?offset=2147483648", "yanhu", None, "offset"),
    ("GET", "/queue?offset=99999999999", "beicheng", None, "offset"),
    ("POST", "/api/v1/cases", "wangjianguo", NESTED, "(根)"),
    ("POST", "/api/v1/cases", "wangjianguo", '{"a":' * 40 + "1" + "}" * 40, "a" + ".a" * 32),
    ("GET", "/api/v1/cases?state=filed%00", "yanhu", None, "state"),
    ("POST", "/api/v1/reports", "beicheng", {"subject": "举报\u0000", "content": "x"}, "subject"),
    ("POST", "/api/v1/cases/1/actions/accept", "beicheng", {"note": "补录\u0000"}, "note"),
    (
        "POST",
        "/api/v1/cases/1/actions/request_materials",
        "beicheng",
        {"missing": ["id\u0000"]},
        "missing[0]",
    ),
    ("PUT", "/api/v1/cases/1/household", "wangjianguo", {"address": "槐东\u0000社区"}, "address"),
    ("POST", "/api/v1/cases/1/actions/accept", "beicheng", '{"note": "\\ud800"}', "note"),
    ("POST", "/api/v1/reports", "beicheng", '{"subject": "a", "content": "\\udfff\\u4e00"}', "content"),
    ("POST", "/api/v1/auth/login", "", {"username": "admin\u0000", "password": "x"}, "username"),
]


@pytest.mark.parametrize(
    ("method", "path", "username", "body", "field"), HAND_MADE, ids=lambda v: str(v)[:40]
)
def test_hand_made_inputs_get_a_4xx_that_names_the_field(
    app: Flask, method: str, path: str, username: str, body: Any, field: str
) -> None:
    client = app.test_client()
    if username:
        client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    kwargs: dict[str, Any] = {}
    if isinstance(body, str):
        kwargs = {"data": body, "content_type": "application/json"}
    elif body is not None:
        kwargs = {"json": body}
    response = client.open(path, method=method, **kwargs)
    assert 400 <= response.status_code < 500, (response.status_code, response.get_data(as_text=True)[:300])
    if path.startswith("/api/"):
        assert field in [e["field"] for e in response.get_json()["errors"]], response.get_json()
    else:
        assert field in response.get_data(as_text=True)
