"""After a server error the log names the request, the kind of error and where it was raised, and
holds none of the request's personal data: not the values a SQL statement was given, not the
message of an error that quotes them. (A red-team pass found names, ID numbers, a password hash
and a report's content in the log after a 500.)"""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from integration_support import ApiClient, dibao_edge_household

from assistance.db import Database
from assistance.queue.procrastinate_app import ProcrastinateQueue
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
    lines = [json.loads(line) for line in logged.splitlines() if line.startswith("{")]
    error = [line for line in lines if line["level"] == "ERROR"]
    assert error and all(line["request_id"] == "req-7f3a" for line in error), logged
    assert ID_NUMBER not in logged and NAME not in logged and "举报内容" not in logged, logged


def test_every_answer_names_its_request(app: Flask) -> None:
    first, second = (app.test_client().get("/healthz") for _ in range(2))
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    offered = app.test_client().get("/healthz", headers={"X-Request-ID": "<script>"})
    assert offered.headers["X-Request-ID"] != "<script>"


def test_every_request_writes_one_json_access_line(
    app: Flask, api: ApiClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 20 item 4: structured lines, a request id on each, the access log on, and no query
    string (a search by name or ID number would put them in the log)."""
    capsys.readouterr()
    answer = api.as_("beicheng").get(f"/api/v1/cases?q={ID_NUMBER}", headers={"X-Request-ID": "req-acc1"})
    (line,) = [
        json.loads(raw)
        for raw in capsys.readouterr().err.splitlines()
        if raw.startswith("{") and json.loads(raw)["logger"] == "assistance.access"
    ]
    assert line["request_id"] == "req-acc1" and line["status"] == answer.status_code
    assert line["route"] == "/api/v1/cases" and line["method"] == "GET"
    assert isinstance(line["user_id"], int) and line["duration_ms"] >= 0
    assert line["time"].endswith("+08:00")
    assert ID_NUMBER not in json.dumps(line)


def test_metrics_count_requests_acts_and_the_backlog(app: Flask, api: ApiClient) -> None:
    case = api.file("wangjianguo", "dibao_edge", "140802001001", dibao_edge_household())
    api.act("beicheng", case["id"], "accept")
    scraped = app.test_client().get("/metrics").get_data(as_text=True)
    assert 'assistance_acts_total{action="accept"}' in scraped
    assert "assistance_documents_waiting" in scraped and "assistance_batch_jobs" in scraped
    assert 'flask_http_request_total{method="POST",status="200"}' in scraped
    assert "王建国" not in scraped


def test_metrics_show_the_job_queues_depth_on_postgresql(app: Flask, db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        return
    queue = ProcrastinateQueue(db.url)
    try:
        queue.defer("run_schedules", day="2025-12-01")
    finally:
        queue.stop()
    scraped = app.test_client().get("/metrics").get_data(as_text=True)
    assert 'assistance_queue_tasks{queue="scheduled",status="todo"} 1.0' in scraped
    with db.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM procrastinate_jobs"))


def test_behind_a_proxy_the_clients_address_is_the_one_logged(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """deploy/nginx forwards the client's address; with ASSISTANCE_PROXIES=1 the service believes
    one proxy about it (the access log, the security log and the sign-in limits use it)."""
    from assistance.app import create_app

    behind = create_app({"TESTING": True, "DATABASE_URL": database, "SECRET_KEY": "t", "PROXIES": 1})
    capsys.readouterr()
    behind.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.9"})
    (line,) = [
        json.loads(raw) for raw in capsys.readouterr().err.splitlines() if '"assistance.access"' in raw
    ]
    assert line["address"] == "203.0.113.9"
    behind.extensions["assistance_db"].engine.dispose()
