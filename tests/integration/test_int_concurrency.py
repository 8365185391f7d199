"""Two staff firing at the same case at once: exactly one act lands, every other gets 409."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Flask
from integration_support import ApiClient, Clock, dibao_edge_household
from sqlmodel import col, select

from assistance.cases.filing import file_case
from assistance.cases.transitions import fire
from assistance.db import Database
from assistance.documents import default_renderer
from assistance.errors import Conflict, ServiceError
from assistance.models import AuditEvent, Case, IssuedDocument, User

RACERS = 6


def _user(db: Database, username: str) -> int:
    with db.reading() as session:
        user = session.exec(select(User).where(User.username == username)).one()
        assert user.id is not None
        return user.id


def test_concurrent_acts_on_one_case_let_exactly_one_win(
    app: Flask, db: Database, api: ApiClient, clock: Clock
) -> None:
    clock.today = date(2025, 9, 22)
    case_id = api.file("wangjianguo", "dibao_edge", "140802001001", dibao_edge_household())["id"]
    township = _user(db, "beicheng")
    start = threading.Barrier(RACERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def racer() -> None:
        start.wait()
        try:
            fire(db, township, case_id, "accept", {}, clock.today)
            outcome = "won"
        except Conflict:
            outcome = "409"
        except ServiceError as exc:  # pragma: no cover - reported below
            outcome = f"{exc.status} {exc.message}"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=racer) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["409"] * (RACERS - 1) + ["won"], outcomes
    with db.reading() as session:
        accepted = session.exec(
            select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.action == "accept")
        ).all()
    assert len(accepted) == 1
    case = api.case("beicheng", case_id)
    assert case["state"] == "accepted"
    assert case["version"] == 2
    # One of each: the material review met, the overall limit and the next step started once.
    assert sorted(d["kind"] for d in case["deadlines"]) == ["overall", "step_accepted", "step_filed"]


def test_the_same_seen_version_lets_only_the_first_act_through(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 22)
    case = api.file("wangjianguo", "dibao_edge", "140802001001", dibao_edge_household())
    seen = f'"{case["version"]}"'
    client = api.as_("beicheng")
    first = client.post(f"/api/v1/cases/{case['id']}/actions/accept", json={}, headers={"If-Match": seen})
    assert first.status_code == 200
    second = client.post(
        f"/api/v1/cases/{case['id']}/actions/request_information_check", json={}, headers={"If-Match": seen}
    )
    assert second.status_code == 409
    assert (second.json or {})["message"] == "案件已被他人更新，请刷新后重试"


def test_filings_at_once_in_a_new_year_draw_distinct_numbers(db: Database, clock: Clock) -> None:
    """The first numbers of a year, drawn at once: each filing gets its own case number and its
    application form its own document number, and none fails on the counter row they all create
    (``db.next_in_series``)."""
    clock.today = date(2026, 1, 5)
    applicant, township = _user(db, "wangjianguo"), _user(db, "beicheng")
    start = threading.Barrier(RACERS)
    filed: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()

    def racer() -> None:
        payload = {
            "procedure": "dibao_edge",
            "village": "140802001001",
            "economic_check_authorised": True,
            "commitment_signed": True,
            "household": dibao_edge_household(),
        }
        start.wait()
        try:
            case_id, _ = file_case(db, applicant, payload, clock.today)
            fire(db, township, case_id, "accept", {}, clock.today)  # issues the application form
            with lock:
                filed.append(case_id)
        except Exception as exc:
            with lock:
                failures.append(repr(exc))

    threads = [threading.Thread(target=racer) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == [] and len(filed) == RACERS
    with db.reading() as session:
        numbers = session.exec(select(Case.number).where(col(Case.id).in_(filed))).all()
        documents = session.exec(
            select(IssuedDocument.number).where(col(IssuedDocument.case_id).in_(filed))
        ).all()
    assert sorted(n[-5:] for n in numbers if n) == [f"{i:05d}" for i in range(1, RACERS + 1)]
    assert len(documents) == len(set(documents)) >= RACERS


class _Watched:
    """The process's renderer, noting in ``seen`` each template it checks (renders to HTML)."""

    def __init__(self, seen: list[str]) -> None:
        self.inner = default_renderer()
        self.seen = seen

    def render_html(self, template_name: str, context: Mapping[str, Any]) -> str:
        self.seen.append(f"check {template_name}")
        return self.inner.render_html(template_name, context)

    def render_pdf(
        self, template_name: str, context: Mapping[str, Any], *, issued: date | None = None
    ) -> bytes:
        return self.inner.render_pdf(template_name, context, issued=issued)


def test_a_document_is_checked_before_its_number_is_drawn(api: ApiClient, db: Database, clock: Clock) -> None:
    # Drawing a number locks the county's counter until the commit: every other act of the county
    # that issues a document waits while this one holds it, so the template is checked first.
    clock.today = date(2025, 9, 22)
    case_id = api.file("wangjianguo", "dibao_edge", "140802001001", dibao_edge_household())["id"]
    seen: list[str] = []

    def statement(_conn: Any, _cursor: Any, text: str, *_: Any) -> None:
        if "documentnumbercounter" in text:
            seen.append("draw number")

    sa.event.listen(db.engine, "before_cursor_execute", statement)
    try:
        fire(db, _user(db, "beicheng"), case_id, "accept", {}, clock.today, renderer=_Watched(seen))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", statement)
    assert [step.split()[0] for step in seen] == ["check", "draw"], seen
    assert api.case("beicheng", case_id)["state"] == "accepted"


def _corrections(app: Flask, case_id: int, body: dict[str, Any], headers: dict[str, str]) -> list[int]:
    """RACERS corrections of the household at once, each from its own signed-in browser."""
    clients = []
    for _ in range(RACERS):
        client = app.test_client()
        client.post("/api/v1/auth/login", json={"username": "beicheng", "password": "demo12345"})
        clients.append(client)
    start = threading.Barrier(RACERS)
    statuses: list[int] = []
    lock = threading.Lock()

    def racer(client: Any) -> None:
        start.wait()
        status = client.put(f"/api/v1/cases/{case_id}/household", json=body, headers=headers).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=racer, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_concurrent_corrections_from_one_seen_version_let_exactly_one_win(
    app: Flask, db: Database, api: ApiClient, clock: Clock
) -> None:
    clock.today = date(2025, 9, 22)
    case = api.file("wangjianguo", "dibao_edge", "140802001001", dibao_edge_household())
    household = dibao_edge_household()
    household["address"] = "盐湖区北城街道槐东社区5号楼"
    statuses = _corrections(app, case["id"], household, {"If-Match": f'"{case["version"]}"'})
    assert sorted(statuses) == [200] + [409] * (RACERS - 1), statuses
    with db.reading() as session:
        updates = session.exec(
            select(AuditEvent).where(
                AuditEvent.case_id == case["id"], AuditEvent.action == "update_household"
            )
        ).all()
    assert len(updates) == 1
    assert api.case("beicheng", case["id"])["version"] == case["version"] + 1


def test_concurrent_corrections_lose_no_update(
    app: Flask, db: Database, api: ApiClient, clock: Clock
) -> None:
    """Without If-Match each correction lands on the one before it or is told to retry; every
    one that lands moves the version, and none fails."""
    clock.today = date(2025, 9, 22)
    case = api.file("wangjianguo", "dibao_edge", "140802001001", dibao_edge_household())
    statuses = _corrections(app, case["id"], dibao_edge_household(), {})
    assert set(statuses) <= {200, 409}, statuses
    landed = statuses.count(200)
    assert landed >= 1
    assert api.case("beicheng", case["id"])["version"] == case["version"] + landed
