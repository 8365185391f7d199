"""Cases listed in the actor's scope: one line per case with its nearest open deadline, read as
plain rows a page at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, Protocol, cast

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlmodel import col

from assistance.access import CASES, actor_for
from assistance.cases import deadlines
from assistance.db import Database
from assistance.errors import InvalidInput
from assistance.models import (
    Area,
    Case,
    CaseDeadline,
    Member,
)
from assistance.workdays import WorkingDayCalendar
from assistance.workflow import WORKFLOWS


class Summarised(Protocol):
    """What a case's summary shows of it: a Case, or a row of its columns (``_SUMMARY_COLUMNS``)."""

    id: int | None
    number: str | None
    procedure: str
    state: str
    version: int
    application_date: date
    accepted_on: date | None
    closed_on: date | None
    county_code: str


def place(code: str | None, name: str | None) -> dict[str, str] | None:
    return {"code": code, "name": name or ""} if code else None


def summary(
    case: Summarised,
    township: dict[str, str] | None,
    village: dict[str, str] | None,
    next_due: deadlines.Shown | None,
    today: date,
    calendar: WorkingDayCalendar | None = None,
    applicant: str | None = None,
) -> dict[str, Any]:
    """A case in a line, with the nearest of its open deadlines (``next_due``), if any."""
    workflow = WORKFLOWS[case.procedure]
    state = workflow.state(case.state)
    return {
        "id": case.id,
        "number": case.number,
        "procedure": case.procedure,
        "procedure_name": workflow.name,
        "state": case.state,
        "state_name": state.name,
        "final": state.final,
        "version": case.version,
        "application_date": case.application_date.isoformat(),
        "accepted_on": case.accepted_on.isoformat() if case.accepted_on else None,
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "county": case.county_code,
        "applicant_name": applicant,
        "township": township,
        "village": village,
        "next_due": deadlines.describe(next_due, today, calendar) if next_due is not None else None,
        "overdue": next_due is not None and today > next_due.due_on,
    }


def nearest_open(due: Sequence[CaseDeadline]) -> CaseDeadline | None:
    """The open deadline due first (of two due the same day, the one started first)."""
    return min((d for d in due if d.met_on is None and not d.cancelled), key=lambda d: d.due_on, default=None)


# Hot statements are built of tables, not of the ORM's classes: a statement that names a mapped
# class goes through the ORM's result handling, a third of its CPU, even when it loads no object.
AREAS_TABLE: sa.Table = Area.__table__  # type: ignore[attr-defined]
TOWNSHIP_TABLE, VILLAGE_TABLE = AREAS_TABLE.alias("township"), AREAS_TABLE.alias("village")
CASES_TABLE: sa.Table = Case.__table__  # type: ignore[attr-defined]
MEMBERS_TABLE: sa.Table = Member.__table__  # type: ignore[attr-defined]
_APPLICANTS = MEMBERS_TABLE.alias("applicant")
DEADLINES_TABLE: sa.Table = CaseDeadline.__table__  # type: ignore[attr-defined]
# What a summary shows of a case; the ordering columns come along for the outer query.
_SUMMARY_COLUMNS = (
    "id", "number", "procedure", "state", "version", "application_date", "accepted_on", "closed_on",
    "county_code", "township_id", "village_id", "next_due_on", "revision", "applicant_member_id",
)  # fmt: skip
# What a summary shows of the nearest open deadline. No name is also a case column's, so that a
# row of the page serves as both the case and its deadline (``deadlines.Shown``).
_DEADLINE_COLUMNS = (
    "kind", "label", "article", "starts_on", "days", "working_days", "due_on", "warning", "met_on",
    "cancelled",
)  # fmt: skip
Order = Callable[[Any], tuple[Any, ...]]


def page_query(where: ColumnElement[bool], order: Order, *totals: Any) -> sa.Select[Any]:
    """A page (parameters ``limit`` and ``offset``) of the cases ``where`` picks in ``order``
    (given the columns to order by), with their area names and their nearest open deadline. The
    page is cut before anything is joined: a county's queue has thousands of cases, a page fifty.
    The deadline is the one the case's ``next_due_on`` names (that column is kept from them).
    ``totals``: window aggregates over all the cases picked, on every row of the page."""
    page = (
        sa.select(*(CASES_TABLE.c[name] for name in _SUMMARY_COLUMNS), *totals)
        .where(where)
        .order_by(*order(CASES_TABLE.c))
        .offset(sa.bindparam("offset", type_=sa.Integer))
        .limit(sa.bindparam("limit", type_=sa.Integer))
        .subquery()
    )
    nearest = sa.and_(
        DEADLINES_TABLE.c.case_id == page.c.id,
        DEADLINES_TABLE.c.due_on == page.c.next_due_on,
        DEADLINES_TABLE.c.met_on.is_(None),
        DEADLINES_TABLE.c.cancelled.is_(False),
    )
    return (
        sa.select(
            page,
            TOWNSHIP_TABLE.c.code.label("township_code"),
            TOWNSHIP_TABLE.c.name.label("township_name"),
            VILLAGE_TABLE.c.code.label("village_code"),
            VILLAGE_TABLE.c.name.label("village_name"),
            _APPLICANTS.c.name.label("applicant_name"),
            *(DEADLINES_TABLE.c[name] for name in _DEADLINE_COLUMNS),
        )
        .outerjoin(_APPLICANTS, _APPLICANTS.c.id == page.c.applicant_member_id)
        .outerjoin(TOWNSHIP_TABLE, TOWNSHIP_TABLE.c.id == page.c.township_id)
        .outerjoin(VILLAGE_TABLE, VILLAGE_TABLE.c.id == page.c.village_id)
        .outerjoin(DEADLINES_TABLE, nearest)
        .order_by(*order(page.c), DEADLINES_TABLE.c.id)
    )


def summaries(rows: Iterable[Any], today: date, calendar: WorkingDayCalendar | None = None) -> list[Any]:
    """The summaries of the rows of a ``_page_query``."""
    shown: set[int] = set()
    out = []
    for r in rows:
        if r.id in shown:  # two open deadlines due the same day: the first started
            continue
        shown.add(r.id)
        out.append(summary_of_row(r, today, calendar))
    return out


def summary_of_row(r: Any, today: date, calendar: WorkingDayCalendar | None = None) -> dict[str, Any]:
    """The summary of a row of a ``_page_query``."""
    return summary(
        cast(Summarised, r),
        place(r.township_code, r.township_name),
        place(r.village_code, r.village_name),
        cast(deadlines.Shown, r) if r.due_on is not None else None,
        today,
        calendar,
        r.applicant_name,
    )


# A search (``q``): the case number, or the name or ID number of anyone in the household; an ID
# number in full, or its last four characters. Written with parameters (``search_parameters``), so
# that the statements that carry it are built once.
_LIKE = sa.bindparam("q_like", type_=sa.String)
_SEARCH: ColumnElement[bool] = sa.or_(
    _LIKE.is_(None),
    CASES_TABLE.c.number.like(_LIKE, escape="\\"),
    sa.exists(
        sa.select(MEMBERS_TABLE.c.id).where(
            MEMBERS_TABLE.c.household_id == CASES_TABLE.c.household_id,
            sa.or_(
                MEMBERS_TABLE.c.name.like(_LIKE, escape="\\"),
                MEMBERS_TABLE.c.id_number == sa.bindparam("q_id", type_=sa.String),
                MEMBERS_TABLE.c.id_number.like(sa.bindparam("q_tail", type_=sa.String)),
            ),
        )
    ),
)
# ``overdue``: only the cases with a deadline past due today.
_OVERDUE_ONLY: ColumnElement[bool] = sa.or_(
    sa.bindparam("overdue_only", type_=sa.Boolean).is_(False),
    CASES_TABLE.c.next_due_on < sa.bindparam("today", type_=sa.Date),
)
FILTERS: ColumnElement[bool] = sa.and_(_SEARCH, _OVERDUE_ONLY)
SEARCH_LENGTH = 40


def search_parameters(q: str | None, overdue: bool, today: date) -> dict[str, Any]:
    """The values ``FILTERS`` takes for a search and the overdue switch."""
    text = (q or "").strip()
    if len(text) > SEARCH_LENGTH:
        raise InvalidInput.field("q", f"搜索内容不超过{SEARCH_LENGTH}字")
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    tail = (
        text.upper()
        if len(text) == 4 and text[:3].isdigit() and (text[3].isdigit() or text[3] in "xX")
        else None
    )
    return {
        "q_like": f"%{escaped}%" if text else None,
        "q_id": text.upper() if text else None,
        "q_tail": f"%{tail}" if tail else None,
        "overdue_only": overdue,
        "today": today,
    }


def list_cases(
    db: Database,
    user_id: int,
    today: date,
    *,
    procedure: str | None = None,
    state: str | None = None,
    q: str | None = None,
    overdue: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """The cases in the actor's scope, newest first; narrowed by procedure, state, a search
    (case number, a member's name or ID number, full or its last four) and past-due only."""
    parameters = search_parameters(q, overdue, today)
    with db.reading() as session:
        actor = actor_for(session, user_id)
        where = sa.and_(CASES.where(actor), FILTERS)
        if procedure:
            where = sa.and_(where, col(Case.procedure) == procedure)
        if state:
            where = sa.and_(where, col(Case.state) == state)
        page = page_query(where, lambda c: (c.id.desc(),))
        return {
            "items": summaries(
                session.execute(page, {"limit": limit, "offset": offset, **parameters}),
                today,
                deadlines.calendar_for(session, actor.reference_revision),
            ),
            "limit": limit,
            "offset": offset,
        }
