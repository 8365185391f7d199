"""Work queues: the cases in a role's area where the role has work to do, most urgent first, with
each line kept as JSON while nothing it shows has changed."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlmodel import Session, func

from assistance.access import CASES, Actor, actor_for
from assistance.access.permissions import role_fires
from assistance.cases import deadlines
from assistance.db import Database
from assistance.reading.kept_pages import KeptPage, KeptPages
from assistance.reading.listings import (
    AREAS_TABLE,
    CASES_TABLE,
    FILTERS,
    page_query,
    search_parameters,
    summaries,
    summary_of_row,
)
from assistance.workflow import WORKFLOWS

# Acts on a case that do not make it anyone's work: the applicant withdrawing, the bureau
# stopping or pausing it, a deadline extended.
_NOT_WORK = ("withdraw", "terminate", "extend", "suspend")


@functools.cache
def _work_states(role: str) -> tuple[tuple[str, bool, tuple[str, ...]], ...]:
    """Per procedure, without and with delegated confirmation, the open states in which a role has
    work to do: the workflow tables do not change while the service runs."""
    found = []
    for procedure, workflow in WORKFLOWS.items():
        for delegation in (False, True):
            states = tuple(
                state
                for state in workflow.open_states
                if any(
                    role_fires(role, workflow, t, delegation)
                    for t in workflow.from_state(state)
                    if t.action not in _NOT_WORK
                )
            )
            if states:
                found.append((procedure, delegation, states))
    return tuple(found)


def _written_in(column: Any, names: tuple[str, ...]) -> ColumnElement[bool]:
    """``column IN (names)`` with the names written into the statement: a list of values is sent as
    one parameter each, rendered anew on every execution, and a queue's states are some forty
    names that never change while the service runs."""
    assert all(name.isidentifier() for name in names)  # workflow state ids: nothing to quote
    written: ColumnElement[bool] = column.in_([sa.literal_column(f"'{name}'") for name in names])
    return written


def _workable(role: str) -> ColumnElement[bool]:
    """Cases in a state where the role has work to do, per the workflow tables; where a county
    delegated confirmation to its townships (64号 第三十二条), per that county."""
    delegating = CASES_TABLE.c.county_code.in_(
        sa.select(AREAS_TABLE.c.code).where(
            AREAS_TABLE.c.level == "county", AREAS_TABLE.c.confirmation_delegated.is_(True)
        )
    )
    clauses = [
        sa.and_(
            CASES_TABLE.c.procedure == procedure,
            _written_in(CASES_TABLE.c.state, states),
            delegating if delegation else sa.not_(delegating),
        )
        for procedure, delegation, states in _work_states(role)
    ]
    return sa.or_(*clauses) if clauses else sa.false()


def _most_urgent(columns: Any) -> tuple[Any, ...]:
    return (columns.next_due_on.asc().nulls_last(), columns.id)


@functools.cache
def _queue_queries(role: str) -> tuple[sa.Select[int, int], sa.Select[Any]]:
    """A role's queue: its totals and a page of it, for any actor of the role (parameters
    ``scope``, ``today``, ``limit``, ``offset``). Built once per role: a queue is read more than any
    other page, and building its statement cost more than running it."""
    where = sa.and_(CASES.where_for_role(role), CASES_TABLE.c.closed_on.is_(None), _workable(role), FILTERS)
    overdue = sa.case((CASES_TABLE.c.next_due_on < sa.bindparam("today", type_=sa.Date), 1))
    totals = sa.select(func.count(), func.count(overdue)).select_from(CASES_TABLE).where(where)
    # The totals ride on the page's rows; asked alone only for a page past the end.
    page = page_query(
        where,
        _most_urgent,
        func.count().over().label("queue_total"),
        func.count(overdue).over().label("queue_overdue"),
    )
    return totals, page


def _queue(
    session: Session, user_id: int, today: date, limit: int, offset: int, filters: dict[str, Any]
) -> tuple[Actor, Sequence[Any], int, int]:
    """The actor, the rows of a page of their queue (``_page_query``) and its totals: all cases and
    those overdue (of those the ``filters``, ``listings.search_parameters``, let through)."""
    actor = actor_for(session, user_id)
    totals, page = _queue_queries(actor.role)
    parameters = {"scope": CASES.value_of(actor), "limit": limit, "offset": offset, **filters}
    rows = session.execute(page, parameters).all()
    if rows:
        return actor, rows, rows[0].queue_total, rows[0].queue_overdue
    if offset:
        total, overdue = session.execute(totals, parameters).one()
        return actor, rows, total, overdue
    return actor, rows, 0, 0


def work_queue(
    db: Database,
    user_id: int,
    today: date,
    *,
    limit: int = 50,
    offset: int = 0,
    q: str | None = None,
    overdue: bool = False,
) -> dict[str, Any]:
    """Open cases in the actor's area on which the actor's role can act, the most urgent first
    (the nearest open deadline; cases without one last), a page at a time."""
    with db.reading() as session:
        filters = search_parameters(q, overdue, today)
        actor, rows, total, late = _queue(session, user_id, today, limit, offset, filters)
        return {
            "items": summaries(rows, today, deadlines.calendar_for(session, actor.reference_revision)),
            "total": total,
            "overdue": late,
            "limit": limit,
            "offset": offset,
        }


# A queue line as JSON, kept per case while nothing it shows has changed: a queue is read more
# than any page, and most of its lines are the same from one read to the next.
QUEUE_LINES = KeptPages(5000)


def work_queue_json(
    db: Database,
    user_id: int,
    today: date,
    *,
    limit: int = 50,
    offset: int = 0,
    q: str | None = None,
    overdue: bool = False,
) -> str:
    """``work_queue`` as JSON, each line built only when its case has changed since last built
    (its version and revision), the reference revision has (area names) or the day (a deadline
    falls overdue)."""
    filters = search_parameters(q, overdue, today)
    with db.reading() as session:
        actor, rows, total, late = _queue(session, user_id, today, limit, offset, filters)
        calendar = deadlines.calendar_for(session, actor.reference_revision)
    lines = []
    shown: set[int] = set()
    for r in rows:
        if r.id in shown:  # two open deadlines due the same day: the first started
            continue
        shown.add(r.id)
        stamp = (r.version, r.revision, actor.reference_revision, today)
        line = QUEUE_LINES.get(r.id, stamp)
        if line is None:
            text = json.dumps(summary_of_row(r, today, calendar), ensure_ascii=False)
            QUEUE_LINES.keep(r.id, line := KeptPage(stamp, text, r.version))
        lines.append(line.text)
    totals = json.dumps({"total": total, "overdue": late, "limit": limit, "offset": offset})
    return f'{{"items":[{",".join(lines)}],{totals[1:]}'
