"""The demo stands where the README says on every day it is loaded, and loads whole or not at all."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from database_support import empty
from flask import Flask
from integration_support import ApiClient, Clock
from sqlmodel import select

from assistance import audit, demo
from assistance.clock import beijing
from assistance.db import Database
from assistance.demo import load_demo
from assistance.models import AuditEvent, Case, User
from assistance.workdays import WorkingDayCalendar

# Two weeks around 国庆节 2026: 10-01…10-07 off, Saturday 10-10 a working day (调休).
NATIONAL_DAY_FORTNIGHT = [date(2026, 9, 28) + timedelta(days=n) for n in range(14)]
CALENDAR = WorkingDayCalendar()

# The README's table of demo accounts: who finds which case waiting, in which state.
WAITING = {
    "王建国": ("beicheng", "filed"),
    "赵桂兰": ("yanhu", "information_check"),
    "孙立平": ("beicheng", "publicity"),
    "陈志强": ("yanhu", "county_review"),
    "周海燕": ("jiezhou", "accepted"),
}


def _first_working_day_from(day: date) -> date:
    while not CALENDAR.is_working_day(day):
        day += timedelta(days=1)
    return day


def _reload(db: Database, day: date) -> list[demo.DemoCase]:
    empty(db)
    cases = load_demo(db, day)
    assert cases is not None
    return cases


def _deadline(page: dict[str, Any], kind: str) -> dict[str, Any]:
    found = [d for d in page["deadlines"] if d["kind"] == kind and not d.get("met_on")]
    assert len(found) == 1, page["deadlines"]
    return found[0]


@pytest.mark.parametrize("day", NATIONAL_DAY_FORTNIGHT, ids=str)
def test_every_demo_case_waits_at_its_desk_on_every_day(
    app: Flask, db: Database, api: ApiClient, clock: Clock, day: date
) -> None:
    clock.today = day
    cases = _reload(db, day)
    assert {c.applicant: c.waiting_at for c in cases} == {name: desk for name, (desk, _) in WAITING.items()}
    for case in cases:
        desk, state = WAITING[case.applicant]
        page = api.as_(desk).get(f"/api/v1/cases/{case.case_id}").get_json()
        assert page["state"] == state, (case.applicant, page["state"])
        queue = api.as_(desk).get("/api/v1/queue?limit=200").get_json()
        assert case.case_id in [item["id"] for item in queue["items"]], (desk, case.applicant)
        # Nothing of the demo is overdue on the day it is loaded.
        assert not any(d["due_on"] < day.isoformat() for d in page["deadlines"] if not d.get("met_on"))
        if case.applicant == "孙立平":
            publicity = page["publicities"][-1]
            assert publicity["starts_on"] <= day.isoformat() <= publicity["ends_on"]
        if case.applicant == "陈志强":
            assert _deadline(page, "county_review")["due_on"] == _first_working_day_from(day).isoformat()
        if case.applicant == "周海燕":
            due = date.fromisoformat(_deadline(page, "investigation_start")["due_on"])
            assert day < due and CALENDAR.working_days_between(day, due) <= 3


def test_the_demo_history_is_recorded_on_the_days_it_took_place(db: Database) -> None:
    day = date(2026, 12, 6)  # a Sunday: the day `make run` first failed
    _reload(db, day)
    with db.reading() as session:
        events = session.exec(select(AuditEvent).order_by(AuditEvent.case_id, AuditEvent.seq)).all()
        _, _, breaks = audit.verify_all(session)
    assert not breaks
    assert events
    for event in events:
        assert beijing(event.at).date() == event.on
        assert CALENDAR.is_working_day(event.on), event


def test_a_demo_that_fails_part_way_leaves_nothing(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    empty(db)
    calls = 0
    real_fire = demo.fire

    def failing_fire(*args: Any, **kwargs: Any) -> int:
        nonlocal calls
        calls += 1
        if calls == 6:
            raise RuntimeError("the machine stopped")
        return real_fire(*args, **kwargs)

    monkeypatch.setattr(demo, "fire", failing_fire)
    with pytest.raises(RuntimeError):
        load_demo(db, date(2026, 12, 7))
    with db.reading() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Case)).scalar_one() == 0
        assert session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one() == 0
    monkeypatch.setattr(demo, "fire", real_fire)
    assert load_demo(db, date(2026, 12, 7)) is not None


def test_the_demo_is_loaded_once(db: Database) -> None:
    _reload(db, date(2026, 12, 7))
    assert load_demo(db, date(2026, 12, 8)) is None
    with db.reading() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Case)).scalar_one() == len(WAITING)
    assert demo.is_demo_database(db)
