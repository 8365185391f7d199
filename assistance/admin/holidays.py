"""Holiday schedules an administrator loads for years chinesecalendar does not know."""

from __future__ import annotations

import re
from datetime import date, timedelta
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


_RANGE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})\s*(?:(?:至|到|~|～|—)\s*(\d{4}-\d{1,2}-\d{1,2}))?\s*$")


def _days(text: str, field: str, *, weekdays_only: bool) -> list[str]:
    """Dates as the State Council's notice gives them, one per line or separated by 、 or commas:
    a day, or a span ("2027-02-10至2027-02-16"). Of a holiday span only Monday to Friday are
    listed: the schedule names the working days given up, and a weekend is not one."""
    found: list[str] = []
    for number, part in enumerate(re.split(r"[\n、,，;；]+", text), 1):
        if not part.strip():
            continue
        matched = _RANGE.match(part)
        if matched is None:
            raise InvalidInput.field(
                field, f"第{number}项“{part.strip()}”应为日期（2027-01-01）或日期段（2027-02-10至2027-02-16）"
            )
        try:
            first = date.fromisoformat(_padded(matched.group(1)))
            last = date.fromisoformat(_padded(matched.group(2) or matched.group(1)))
        except ValueError as exc:
            raise InvalidInput.field(field, f"第{number}项“{part.strip()}”不是有效日期") from exc
        if last < first or (last - first).days > 31:
            raise InvalidInput.field(field, f"第{number}项日期段应由早到晚，且不超过一个月")
        day = first
        while day <= last:
            if not weekdays_only or day.weekday() < 5:
                found.append(day.isoformat())
            day += timedelta(days=1)
    return sorted(set(found))


def _padded(text: str) -> str:
    year, month, day = text.split("-")
    return f"{year}-{int(month):02d}-{int(day):02d}"


def schedule_from_notice(year: Any, source: str, holidays: str, workdays: str) -> dict[str, Any]:
    """The JSON schedule of ``load_schedule`` from a form filled in from the notice's dates."""
    try:
        numeric = int(str(year).strip())
    except ValueError as exc:
        raise InvalidInput.field("year", "应为年份，如 2027") from exc
    return {
        "year": numeric,
        "source": source.strip(),
        "holidays": _days(holidays, "holidays", weekdays_only=True),
        "workdays": _days(workdays, "workdays", weekdays_only=False),
    }


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
