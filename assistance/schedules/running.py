"""Running the schedules that are due (``declared``), for every county in service, and the
administrator's view and switches. The queue calls ``run_due`` every hour with today's date in
Beijing; a test calls it with any date, which is how the clock is advanced."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from assistance import security_log
from assistance.access import actor_for, require
from assistance.cases import deadlines
from assistance.db import Database
from assistance.errors import InvalidInput
from assistance.models import Area, ScheduleRun, ScheduleSetting
from assistance.models.base import utcnow
from assistance.schedules.declared import SCHEDULES, Ran, Schedule
from rules.counties import COUNTIES

log = logging.getLogger(__name__)
DONE, NOTHING, FAILED = "done", "nothing", "failed"


def _counties_in_service(session: Session) -> list[str]:
    """Counties with areas loaded: the others have nobody to send a list or read a digest."""
    codes = session.exec(select(Area.county_code).distinct()).all()
    return sorted(c for c in codes if c in COUNTIES)


def _switched_off(session: Session) -> set[tuple[str, str]]:
    rows = session.exec(select(ScheduleSetting).where(col(ScheduleSetting.enabled).is_(False))).all()
    return {(r.county_code, r.schedule) for r in rows}


def run_due(db: Database, day: date) -> list[dict[str, Any]]:
    """Run every schedule due on ``day`` that has not run for its period, county by county; what
    each run did. Safe to call any number of times, from any number of workers."""
    with db.reading() as session:
        counties = _counties_in_service(session)
        calendar = deadlines.calendar_for(session)
        off = _switched_off(session)
        due = [(s, p) for s in SCHEDULES.values() if (p := s.period_due(day, calendar)) is not None]
        finished = {
            (r.schedule, r.county_code, r.period)
            for r in session.exec(
                select(ScheduleRun).where(
                    col(ScheduleRun.period).in_({p for _, p in due}), col(ScheduleRun.status) != FAILED
                )
            ).all()
        } if due else set()  # fmt: skip
    ran = []
    for schedule, period in due:
        for county in counties:
            if (county, schedule.code) in off or (schedule.code, county, period) in finished:
                continue
            outcome = _run_one(db, schedule, county, period, day)
            if outcome is not None:
                ran.append({"schedule": schedule.code, "county": county, "period": period, **outcome})
    return ran


def _the_run(session: Session, schedule: str, county: str, period: str) -> ScheduleRun | None:
    """The record of one county's run for a period, locked until the commit (PostgreSQL)."""
    return session.exec(
        select(ScheduleRun)
        .where(
            ScheduleRun.schedule == schedule, ScheduleRun.county_code == county, ScheduleRun.period == period
        )
        .with_for_update()
    ).first()


def _record(
    session: Session, row: ScheduleRun | None, schedule: str, county: str, period: str, day: date, ran: Ran
) -> None:
    if row is None:
        row = ScheduleRun(schedule=schedule, county_code=county, period=period, day=day, status=ran.status)
        session.add(row)
    row.status, row.detail, row.document_id = ran.status, ran.detail[:2000], ran.document_id
    row.day, row.ran_at = day, utcnow()
    session.flush()


def _run_one(db: Database, schedule: Schedule, county: str, period: str, day: date) -> dict[str, Any] | None:
    """One county's run, with its record, in one transaction: a run that fails leaves nothing but
    the record of its failure, and is tried again at the next round. Then what it leaves for
    afterwards, outside that transaction."""
    try:
        with db.transaction() as session:
            claimed = _the_run(session, schedule.code, county, period)
            if claimed is not None and claimed.status != FAILED:
                return None
            ran = schedule.run(session, county, period, day)
            _record(session, claimed, schedule.code, county, period, day, ran)
    except IntegrityError:
        return None  # another worker recorded the same run first; its work stands, this one's not
    except Exception as exc:
        log.exception("scheduled %s for county %s, period %s, failed", schedule.code, county, period)
        ran = Ran(FAILED, f"{type(exc).__name__}: {exc}")
        with db.transaction() as session:
            _record(
                session,
                _the_run(session, schedule.code, county, period),
                schedule.code,
                county,
                period,
                day,
                ran,
            )
    if ran.status != FAILED and schedule.afterwards is not None:
        try:
            schedule.afterwards(db)
        except Exception:
            # The run stands; what it left is invisible to readers and found by the next run.
            log.exception("after scheduled %s for county %s, period %s", schedule.code, county, period)
    return {"status": ran.status, "detail": ran.detail, "document_id": ran.document_id}


def overview(db: Database, user_id: int, day: date) -> list[dict[str, Any]]:
    """Each schedule with, per county in service, whether it is on and its latest run."""
    with db.reading() as session:
        require(actor_for(session, user_id), "manage_schedules")
        counties = _counties_in_service(session)
        calendar = deadlines.calendar_for(session)
        off = _switched_off(session)
        latest_ids = select(func.max(ScheduleRun.id)).group_by(ScheduleRun.schedule, ScheduleRun.county_code)
        latest = {
            (r.schedule, r.county_code): r
            for r in session.exec(select(ScheduleRun).where(col(ScheduleRun.id).in_(latest_ids))).all()
        }
    return [
        {
            "code": s.code,
            "title": s.title,
            "when": s.when,
            "article": s.article,
            "period_due_today": s.period_due(day, calendar),
            "counties": [
                {
                    "county": county,
                    "county_name": COUNTIES[county],
                    "enabled": (county, s.code) not in off,
                    "last_run": _run_json(latest.get((s.code, county))),
                }
                for county in counties
            ],
        }
        for s in SCHEDULES.values()
    ]


def _run_json(run: ScheduleRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "period": run.period,
        "day": run.day.isoformat(),
        "status": run.status,
        "detail": run.detail,
        "document_id": run.document_id,
        "ran_at": run.ran_at.isoformat(),
    }


def switch(db: Database, user_id: int, county: str, code: str, enabled: Any) -> dict[str, Any]:
    """Switch one schedule on or off for one county."""
    if code not in SCHEDULES:
        raise InvalidInput.field("schedule", f"应为以下之一：{'、'.join(SCHEDULES)}")
    if county not in COUNTIES:
        raise InvalidInput.field("county", "应为运城市的县（市、区）代码")
    if not isinstance(enabled, bool):
        raise InvalidInput.field("enabled", "应为 true 或 false")
    with db.transaction() as session:
        actor = actor_for(session, user_id)
        require(actor, "manage_schedules")
        setting = session.get(ScheduleSetting, (county, code))
        if setting is None:
            setting = ScheduleSetting(county_code=county, schedule=code)
            session.add(setting)
        setting.enabled, setting.changed_by, setting.changed_at = enabled, actor.user_id, utcnow()
        security_log.record(
            session,
            "schedule_switched",
            actor=actor,
            detail={"county": county, "schedule": code, "enabled": enabled},
        )
    return {"county": county, "schedule": code, "enabled": enabled}


__all__ = ["overview", "run_due", "switch"]
