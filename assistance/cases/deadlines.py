"""Deadlines the regulations set on a case, counted in Chinese working days.

A deadline starts on the date of the act that starts it (that day not counted), is met by the
act the regulation asks for, and is cancelled when the case ends without that act.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session, col, select

from assistance.db import for_this_transaction
from assistance.models import Case, CaseDeadline, HolidaySchedule
from assistance.workdays import DueDate, WorkingDayCalendar, parse_schedule
from assistance.workflow.machine import DeadlineSpec

# Calendars by the schedules they were built from: a calendar computes each year's working days
# once (a few milliseconds a year), and most acts start a deadline.
_CALENDARS: dict[str, WorkingDayCalendar] = {}
_KEPT = 8
# The calendar of the latest reference revision read with an actor.
_BY_REVISION: dict[int, WorkingDayCalendar] = {}


_SCHEDULES = select(HolidaySchedule).order_by(col(HolidaySchedule.year))


def calendar_for(session: Session, revision: int | None = None) -> WorkingDayCalendar:
    """chinesecalendar, plus every year's schedule an administrator has loaded. ``revision``: the
    reference revision the actor was read with, if any (schedules change only with it): the
    calendar built for it serves without reading the schedules. A transaction that loads a
    schedule passes none."""
    if revision is not None and (known := _BY_REVISION.get(revision)) is not None:
        return known
    rows = session.execute(_SCHEDULES).scalars().all()
    key = json.dumps([[row.year, row.data] for row in rows], sort_keys=True, default=str)
    calendar = _CALENDARS.get(key)
    if calendar is None:
        calendar = WorkingDayCalendar(parse_schedule(row.data) for row in rows)
        if len(_CALENDARS) >= _KEPT:
            _CALENDARS.clear()
        _CALENDARS[key] = calendar
    if revision is not None:
        _BY_REVISION.clear()  # the latest revision's only
        _BY_REVISION[revision] = calendar
    return calendar


def _due(calendar: WorkingDayCalendar, starts_on: date, days: int, working: bool) -> DueDate:
    if working:
        return calendar.add_working_days(starts_on, days)
    return calendar.add_calendar_days(starts_on, days)


# session.info key: each case's open deadlines as last read, kept while no flush writes deadlines
# (an act asks for them for its guards, to meet, to start and to close).
_OPEN = "open_deadlines"


# Built once: every act and case page reads it.
_OPEN_OF_CASE = select(CaseDeadline).where(
    CaseDeadline.case_id == sa.bindparam("case_id"),
    col(CaseDeadline.met_on).is_(None),
    col(CaseDeadline.cancelled).is_(False),
)


def open_deadlines(session: Session, case: Case) -> list[CaseDeadline]:
    kept: dict[int, list[CaseDeadline]] = for_this_transaction(session, _OPEN, dict)
    if case.id not in kept:
        kept[case.id or 0] = list(session.execute(_OPEN_OF_CASE, {"case_id": case.id}).scalars().all())
    # The same objects the caller changes: one met or cancelled since is open no more.
    return [d for d in kept[case.id or 0] if d.met_on is None and not d.cancelled]


@event.listens_for(Session, "after_flush")
def _forget_open(session: Session, _context: Any) -> None:
    kept = session.info.get(_OPEN)
    if kept:
        for d in (*session.new, *session.dirty, *session.deleted):
            if isinstance(d, CaseDeadline):
                kept.pop(d.case_id, None)


def none_yet(session: Session, case: Case) -> None:
    """A case made in this transaction has no deadlines: nothing to read before starting one."""
    kept: dict[int, list[CaseDeadline]] = for_this_transaction(session, _OPEN, dict)
    kept[case.id or 0] = []


def start(
    session: Session, case: Case, spec: DeadlineSpec, on: date, calendar: WorkingDayCalendar
) -> CaseDeadline:
    assert case.id is not None
    # A period started again (a new objection after a recheck) replaces the one still open.
    for previous in open_deadlines(session, case):
        if previous.kind == spec.kind:
            previous.cancelled = True
    due = _due(calendar, on, spec.days, spec.working_days)
    deadline = CaseDeadline(
        case_id=case.id,
        kind=spec.kind,
        label=spec.label,
        article=spec.article,
        starts_on=on,
        days=spec.days,
        working_days=spec.working_days,
        due_on=due.due_on,
        warning=due.warning,
    )
    session.add(deadline)
    kept = session.info.get(_OPEN, {}).get(case.id)
    if kept is not None:
        kept.append(deadline)
    return deadline


def meet(session: Session, case: Case, kinds: Iterable[str], on: date) -> None:
    wanted = set(kinds)
    for deadline in open_deadlines(session, case):
        if deadline.kind in wanted:
            deadline.met_on = on


def close(session: Session, case: Case, on: date, *, decided: bool) -> None:
    """At the end of a case: the overall limit is met by a decision; everything else lapses."""
    for deadline in open_deadlines(session, case):
        if decided and deadline.kind == "overall":
            deadline.met_on = on
        else:
            deadline.cancelled = True


def extend(session: Session, case: Case, kind: str, days: int, calendar: WorkingDayCalendar) -> None:
    for deadline in open_deadlines(session, case):
        if deadline.kind == kind:
            due = _due(calendar, deadline.starts_on, days, deadline.working_days)
            deadline.days = days
            deadline.due_on = due.due_on
            deadline.warning = due.warning


def recompute_estimated(session: Session, calendar: WorkingDayCalendar) -> int:
    """After a holiday schedule is loaded: every open deadline that was estimated Monday–Friday
    is counted again; returns how many changed."""
    changed = 0
    estimated = session.exec(
        select(CaseDeadline).where(
            col(CaseDeadline.met_on).is_(None),
            col(CaseDeadline.cancelled).is_(False),
            CaseDeadline.warning != "",
        )
    ).all()
    for deadline in estimated:
        due = _due(calendar, deadline.starts_on, deadline.days, deadline.working_days)
        if (due.due_on, due.warning) != (deadline.due_on, deadline.warning):
            deadline.due_on, deadline.warning = due.due_on, due.warning
            changed += 1
    return changed


class Shown(Protocol):
    """What a deadline's description reads: a CaseDeadline, or a row of its columns."""

    kind: str
    label: str
    article: str
    starts_on: date
    days: int
    working_days: bool
    due_on: date
    warning: str
    met_on: date | None
    cancelled: bool


def describe(deadline: Shown, today: date, calendar: WorkingDayCalendar | None = None) -> dict[str, Any]:
    """A deadline as people read it; past due, with how many working days late (``calendar``)."""
    if deadline.met_on is not None:
        status = "met" if deadline.met_on <= deadline.due_on else "met_late"
    elif deadline.cancelled:
        status = "cancelled"
    else:
        status = "overdue" if today > deadline.due_on else "open"
    return {
        "kind": deadline.kind,
        "label": deadline.label,
        "article": deadline.article,
        "starts_on": deadline.starts_on.isoformat(),
        "days": deadline.days,
        "unit": "工作日" if deadline.working_days else "日",
        "due_on": deadline.due_on.isoformat(),
        "status": status,
        "overdue": status == "overdue",
        "late_working_days": (
            calendar.working_days_between(deadline.due_on, today)
            if status == "overdue" and calendar is not None
            else None
        ),
        "met_on": deadline.met_on.isoformat() if deadline.met_on else None,
        "warning": deadline.warning,
    }
