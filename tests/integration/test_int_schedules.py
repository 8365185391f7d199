"""Scheduled work (issue 20 item 6), with the clock advanced day by day: the monthly 医保 list on
the first working day of each month and the quarterly 残联 list on the first working day of each
quarter, without anyone asking; each once, whoever runs the schedules how often; switched off per
county by the administrator; the township digests and the recheck reminders on the queue."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Flask
from integration_support import ApiClient, Clock, after_publicity, dibao_edge_to_county_review
from sqlmodel import col, select

from assistance.cases import deadlines
from assistance.db import Database
from assistance.models import IssuedDocument, PeriodicRecheck, ScheduleRun, User
from assistance.schedules.digests import latest_digests
from assistance.schedules.running import run_due


def _uid(db: Database, username: str) -> int:
    with db.reading() as session:
        return session.exec(select(User.id).where(User.username == username)).one() or 0


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _lists(db: Database, kind: str) -> list[tuple[str | None, date]]:
    with db.reading() as session:
        rows = session.exec(
            select(IssuedDocument)
            .where(IssuedDocument.kind == kind, IssuedDocument.county_code == "140802")
            .order_by(col(IssuedDocument.id))
        ).all()
        return [(d.period, d.issued_on) for d in rows]


def test_the_lists_appear_on_the_first_working_day_without_anyone_asking(db: Database) -> None:
    # 2025: National Day and Mid-Autumn ran from 1 to 8 October; 1 November was a Saturday.
    for day in _days(date(2025, 9, 20), date(2025, 12, 2)):
        run_due(db, day)
        run_due(db, day)  # a second worker, or the same one a quarter of an hour later
    assert _lists(db, "edge_medical_monthly") == [
        ("2025-09", date(2025, 10, 9)),
        ("2025-10", date(2025, 11, 3)),
        ("2025-11", date(2025, 12, 1)),
    ]
    assert _lists(db, "edge_disability_quarterly") == [("2025-Q3", date(2025, 10, 9))]
    with db.reading() as session:
        run = session.exec(
            select(ScheduleRun).where(
                ScheduleRun.schedule == "edge_medical_monthly", ScheduleRun.period == "2025-10"
            )
        ).all()
    assert len(run) == 2 and {r.status for r in run} == {"done"}  # 盐湖区 and 永济市, once each


def test_a_county_switched_off_gets_no_list_and_the_others_do(api: ApiClient, db: Database) -> None:
    answer = api.as_("admin").put("/api/v1/schedules/140802/edge_medical_monthly", json={"enabled": False})
    assert answer.status_code == 200, answer.json
    assert (
        api.as_("yanhu")
        .put("/api/v1/schedules/140802/edge_medical_monthly", json={"enabled": True})
        .status_code
        == 403
    )
    bad = api.as_("admin").put("/api/v1/schedules/140802/nothing", json={"enabled": "yes"})
    assert bad.status_code == 422
    ran = run_due(db, date(2025, 12, 1))
    assert {(r["schedule"], r["county"]) for r in ran if r["schedule"] == "edge_medical_monthly"} == {
        ("edge_medical_monthly", "140881")
    }
    assert _lists(db, "edge_medical_monthly") == []
    shown = api.as_("admin").get("/api/v1/schedules").json or {}
    monthly = next(s for s in shown["items"] if s["code"] == "edge_medical_monthly")
    by_county = {c["county"]: c for c in monthly["counties"]}
    assert by_county["140802"]["enabled"] is False and by_county["140802"]["last_run"] is None
    assert by_county["140881"]["last_run"]["status"] == "done"


def test_the_morning_digest_lists_late_steps_and_rechecks_due_soon(
    app: Flask, api: ApiClient, clock: Clock, db: Database
) -> None:
    late = dibao_edge_to_county_review(api, clock)
    recognised = dibao_edge_to_county_review(api, clock)
    recognised = api.act(
        "yanhu", recognised["id"], "confirm", reasons="经审查符合认定条件", place="槐东社区公示栏"
    )
    clock.today = after_publicity(recognised)
    api.act("yanhu", recognised["id"], "close_county_publicity")
    with db.reading() as session:
        recheck = session.exec(
            select(PeriodicRecheck).where(PeriodicRecheck.case_id == recognised["id"])
        ).one()
        calendar = deadlines.calendar_for(session)
    overall = next(d for d in late["deadlines"] if d["kind"] == "overall")
    county_due = date.fromisoformat(overall["due_on"])
    morning = calendar.add_working_days(county_due, 2).due_on
    run_due(db, morning)
    township = api.as_("beicheng")
    digest = latest_digests(db, _uid(db, "beicheng"), morning)
    assert [d["township"] for d in digest] == ["北城街道"]
    overdue = digest[0]["overdue"]
    assert {o["case_id"] for o in overdue} == {late["id"]}
    assert next(o for o in overdue if o["step"] == overall["label"])["late_working_days"] == 2
    assert digest[0]["rechecks"] == []
    clock.today = morning
    page = township.get("/queue")
    assert page.status_code == 200 and late["number"] in page.text and "逾期" in page.text
    assert latest_digests(db, _uid(db, "huaidong"), morning) == []  # villages do not read digests

    def days_ahead(n: int) -> date:
        day = recheck.due_on
        while calendar.working_days_between(day, recheck.due_on) < n or not calendar.is_working_day(day):
            day -= timedelta(days=1)
        return day

    eleven_before, ten_before = days_ahead(11), days_ahead(10)
    run_due(db, eleven_before)
    assert latest_digests(db, _uid(db, "beicheng"), eleven_before)[0]["rechecks"] == []
    run_due(db, ten_before)
    reminders = latest_digests(db, _uid(db, "beicheng"), ten_before)[0]["rechecks"]
    assert [(r["case_id"], r["working_days_left"]) for r in reminders] == [(recognised["id"], 10)]
    # 解州镇's staff see only their own township's digest.
    assert [d["township"] for d in latest_digests(db, _uid(db, "jiezhou"), ten_before)] == ["解州镇"]


def test_the_administrator_sees_and_switches_the_schedules_on_a_page(api: ApiClient, db: Database) -> None:
    run_due(db, date(2025, 12, 1))
    admin = api.as_("admin")
    shown = admin.get("/admin/schedules")
    assert shown.status_code == 200
    assert "低保边缘家庭月报名单（报医保部门）" in shown.text and "2025-11" in shown.text
    assert api.as_("yanhu").get("/admin/schedules").status_code == 403
    token = re.search(r'name="csrf_token" value="([^"]+)"', shown.text)
    assert token
    switched = admin.post(
        "/admin/schedules/140881/township_digest", data={"enabled": "0", "csrf_token": token.group(1)}
    )
    assert switched.status_code == 302
    run_due(db, date(2025, 12, 2))
    with db.reading() as session:
        runs = session.exec(
            select(ScheduleRun).where(
                ScheduleRun.county_code == "140881", ScheduleRun.day == date(2025, 12, 2)
            )
        ).all()
    assert {r.schedule for r in runs} == {"recheck_reminders", "screening_retention"}
