"""Holiday schedules an administrator loads for years chinesecalendar does not know."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from assistance import security_log
from assistance.access import actor_for, require
from assistance.cases import deadlines
from assistance.db import Database
from assistance.errors import FieldProblem, InvalidInput
from assistance.models import HolidaySchedule
from assistance.models.base import utcnow
from assistance.workdays import ScheduleError, WorkingDayCalendar, parse_schedule, schedule_to_data


def load_schedule(db: Database, admin_id: int, payload: Any, year: int | None = None) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise InvalidInput.field("(根)", "应为 JSON 对象")
    try:
        schedule = parse_schedule(payload)
    except ScheduleError as exc:
        raise InvalidInput("节假日安排有误", [FieldProblem(f, m) for f, m in exc.errors]) from exc
    if year is not None and schedule.year != year:
        raise InvalidInput.field("year", f"与地址中的年份 {year} 不一致")
    with db.transaction() as session:
        actor = actor_for(session, admin_id)
        require(actor, "load_holidays")
        row = session.get(HolidaySchedule, schedule.year)
        data = schedule_to_data(schedule)
        if row is None:
            row = HolidaySchedule(year=schedule.year, source=schedule.source, data=data, loaded_by=admin_id)
            session.add(row)
        else:
            row.source, row.data, row.loaded_by, row.loaded_at = schedule.source, data, admin_id, utcnow()
        session.flush()
        recounted = deadlines.recompute_estimated(session, deadlines.calendar_for(session))
        detail = {"year": schedule.year, "source": schedule.source, "deadlines_recounted": recounted}
        security_log.record(
            session, "holidays_loaded", actor=actor, subject="holiday_schedule", detail=detail
        )
        return {"year": schedule.year, "source": schedule.source, **data, "deadlines_recounted": recounted}


def list_schedules(db: Database) -> list[dict[str, Any]]:
    calendar = WorkingDayCalendar()
    with db.reading() as session:
        loaded = {
            r.year: r for r in session.exec(select(HolidaySchedule).order_by(col(HolidaySchedule.year)))
        }
    years = sorted(set(loaded) | {y for y in range(2004, 2031) if calendar.is_known(y)})
    return [
        {
            "year": y,
            "origin": "loaded" if y in loaded else "chinesecalendar",
            "source": loaded[y].source if y in loaded else "chinesecalendar 软件包",
        }
        for y in years
    ]
