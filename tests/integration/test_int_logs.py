"""After a server error the log names the request, the kind of error and where it was raised, and
holds none of the request's personal data: not the values a SQL statement was given, not the
message of an error that quotes them. (A red-team pass found names, ID numbers, a password hash
and a report's content in the log after a 500.)"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from integration_support import ApiClient, dibao_edge_household

from assistance.db import Database
from assistance.reading import pages

ID_NUMBER = "140802198003151239"
NAME = "王建国"


def _fails_with_personal_data(db: Database, how: str) -> Any:
    def read(*_: Any, **__: Any) -> Any:
        if how == "statement":
            with db.reading() as session:
                session.execute(
                    sa.text("SELECT * FROM no_such_table WHERE name = :name"), {"name": f"{NAME} {ID_NUMBER}"}
                )
        raise RuntimeError(f"{NAME} {ID_NUMBER} 举报内容")

    return read


@pytest.mark.parametrize("how", ["statement", "message"])
def test_a_server_error_logs_its_request_without_personal_data(
    app: Flask,
    db: Database,
    api: ApiClient,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    how: str,
) -> None:
    case = api.file("wangjianguo", "dibao_edge", "140802001001", dibao_edge_household())
    monkeypatch.setattr(pages, "case_page", _fails_with_personal_data(db, how))
    capsys.readouterr()
    answer = api.as_("wangjianguo").get(f"/api/v1/cases/{case['id']}", headers={"X-Request-ID": "req-7f3a"})
    # SQLite reads a missing table as the database being unavailable (503).
    assert answer.status_code in (500, 503)
    assert answer.headers["X-Request-ID"] == "req-7f3a"
    logged = "".join(capsys.readouterr())
    assert "[req-7f3a]" in logged, logged
    assert ID_NUMBER not in logged and NAME not in logged and "举报内容" not in logged, logged


def test_every_answer_names_its_request(app: Flask) -> None:
    first, second = (app.test_client().get("/healthz") for _ in range(2))
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    offered = app.test_client().get("/healthz", headers={"X-Request-ID": "<script>"})
    assert offered.headers["X-Request-ID"] != "<script>"
