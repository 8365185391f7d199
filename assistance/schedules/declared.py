"""The schedules, declared once: when each is due, what it does, and on which article it rests.
The runner (``running``), the administrator's page and the API all walk this table.

Each schedule names the period a run covers (a month, a quarter, a day). A period's run is due from
its first day on (for the lists, the first working day of the month or quarter after it) until it
has run, so a worker that was down on the day runs it when it comes back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlmodel import Session

from assistance.db import Database
from assistance.documents.agency_lists import last_complete_month, last_complete_quarter
from assistance.workdays import WorkingDayCalendar


@dataclass(frozen=True, slots=True)
class Ran:
    """What a run did, for its record: done (with the list it issued) or nothing to do."""

    status: str
    detail: str
    document_id: int | None = None


@dataclass(frozen=True, slots=True)
class Schedule:
    code: str
    title: str
    when: str
    article: str
    # The period due on a day (None: none yet), from the working-day calendar.
    period_due: Callable[[date, WorkingDayCalendar], str | None]
    # Runs within the caller's transaction, for a county and period, on a day.
    run: Callable[[Session, str, str, date], Ran]
    # Then, after that transaction commits, in transactions of its own: what is too large for
    # one (a pruned list's rows, deleted in batches). Safe to repeat; a failure is logged and the
    # next run finds what it left.
    afterwards: Callable[[Database], object] | None = None


# The monthly list goes to the medical-insurance bureau by the 10th (issue 20).
SEND_BY_DAY: Final = 10


def first_working_day(year: int, month: int, calendar: WorkingDayCalendar) -> date:
    day = date(year, month, 1)
    while not calendar.is_working_day(day):
        day = day.replace(day=day.day + 1)
    return day


def _in_window(day: date, month: int, calendar: WorkingDayCalendar) -> bool:
    """From the first working day of ``month`` (of ``day``'s year) to its 10th, when a list is
    sent: a worker down on the day catches up within the window, and a county put into service
    mid-month does not issue a list for a month it never kept (staff make that one by hand)."""
    opening = first_working_day(day.year, month, calendar)
    return day.month == month and opening <= day <= max(opening, date(day.year, month, SEND_BY_DAY))


def last_month_once_working(day: date, calendar: WorkingDayCalendar) -> str | None:
    """Last month, from the first working day of this month to the 10th."""
    return last_complete_month(day) if _in_window(day, day.month, calendar) else None


def last_quarter_once_working(day: date, calendar: WorkingDayCalendar) -> str | None:
    """Last quarter, from the first working day of this quarter to the 10th of its first month."""
    return last_complete_quarter(day) if _in_window(day, (day.month - 1) // 3 * 3 + 1, calendar) else None


def every_day(day: date, _calendar: WorkingDayCalendar) -> str | None:
    return day.isoformat()


def _declared() -> dict[str, Schedule]:
    # The runs import services that import the models; declared here, run there.
    from assistance.schedules import work
    from assistance.screening import retention

    schedules = (
        Schedule(
            "edge_medical_monthly",
            "低保边缘家庭月报名单（报医保部门）",
            "每月第一个工作日生成上月名单（当月10日前未生成的补生成）",
            "64号 第二十五条",
            last_month_once_working,
            work.medical_monthly_list,
        ),
        Schedule(
            "edge_disability_quarterly",
            "低保边缘家庭季报名单（报残联）",
            "每季度第一个工作日生成上季度名单（该月10日前未生成的补生成）",
            "64号 第二十五条",
            last_quarter_once_working,
            work.disability_quarterly_list,
        ),
        Schedule(
            "township_digest",
            "乡镇（街道）每日逾期和临期提醒",
            "每天早晨",
            "64号 第二十四条、65号 第十九条（办理时限）",
            every_day,
            work.township_digests,
        ),
        Schedule(
            "recheck_reminders",
            "定期核查提前提醒（提前10个工作日）",
            "每天早晨",
            "64号 第二十六条",
            every_day,
            work.recheck_reminders,
        ),
        Schedule(
            retention.SCHEDULE,
            "删除超过保留期限的政策测算变化家庭清单（统计数字保留）",
            "每天",
            "本系统的保留期限设置 ASSISTANCE_SCREENING_RETENTION_DAYS（默认90天；非法规要求）",
            every_day,
            work.screening_retention,
            retention.delete_marked,
        ),
    )
    return {s.code: s for s in schedules}


SCHEDULES: Final[dict[str, Schedule]] = _declared()

__all__ = ["SCHEDULES", "Ran", "Schedule", "first_working_day"]
