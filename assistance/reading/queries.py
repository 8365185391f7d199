"""Reading cases: one case with everything on it, lists in the actor's scope, and work queues."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import date
from typing import Any, Protocol, cast

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlmodel import Session, SQLModel, col, func, select

from assistance.access import CASES, Actor, actor_and_case_stamp, actor_for, may_fire, visible_case
from assistance.access.permissions import role_fires
from assistance.casefile.household import household_data
from assistance.cases import deadlines
from assistance.cases.rechecks import case_rechecks
from assistance.cases.transitions import delegated, facts_for, nothing_recorded, recorded_columns
from assistance.db import Database
from assistance.models import (
    Appraisal,
    Area,
    AuditEvent,
    Case,
    CaseDeadline,
    Evidence,
    InformationCheck,
    Investigation,
    MaterialNotice,
    Objection,
    Opinion,
    Publicity,
    RulesEvaluation,
    Termination,
    User,
)
from assistance.models.revisions import reference_moved, transaction_revision
from assistance.parameters import entered_stamp
from assistance.reading.kept_pages import KeptPage, KeptPages
from assistance.reference import places
from assistance.workflow import WORKFLOWS

_STEP_MODELS: dict[str, type[SQLModel]] = {
    "material_notices": MaterialNotice,
    "information_checks": InformationCheck,
    "investigations": Investigation,
    "publicities": Publicity,
    "objections": Objection,
    "appraisals": Appraisal,
    "opinions": Opinion,
    "terminations": Termination,
}


def _records(
    session: Session,
    model: type[SQLModel],
    case_id: int,
    drop: tuple[str, ...] = (),
    latest: bool = False,
    actor_names: bool = False,
) -> list[dict[str, Any]]:
    """A case's rows of one table as plain data, oldest first (or only the latest): read as rows,
    not as ORM objects, since a case page reads a dozen tables and changes none. ``actor_names``:
    with the display name of each row's ``actor_id`` as ``actor_name``."""
    query = _records_query(model, drop, latest, actor_names)
    return [_as_json(row.items()) for row in session.execute(query, {"case_id": case_id}).mappings()]


def _as_json(values: Iterable[tuple[Any, Any]]) -> dict[str, Any]:
    """A row's values as the page shows them: dates and times in ISO form."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values}


@functools.cache
def _records_query(
    model: type[SQLModel], drop: tuple[str, ...], latest: bool, actor_names: bool
) -> sa.Select[Any]:
    """``_records``'s statement, built once (parameter ``case_id``): a case page reads a dozen."""
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    query = sa.select(*(c for c in table.c if c.name not in drop)).where(
        table.c.case_id == sa.bindparam("case_id")
    )
    if actor_names:
        users: sa.Table = User.__table__  # type: ignore[attr-defined]
        name = sa.func.coalesce(users.c.display_name, "").label("actor_name")
        query = query.add_columns(name).outerjoin(users, users.c.id == table.c.actor_id)
    return query.order_by(table.c.id.desc()).limit(1) if latest else query.order_by(table.c.id)


def _present_and_recorded(session: Session, case: Case) -> tuple[set[str], Any]:
    """Which of the case's record tables have rows, and what the guards look at in them
    (``transitions.facts_for``'s ``recorded``), asked in one statement: a case early in its
    procedure has no rows in most tables, and each table read is a round trip to the database."""
    row = session.execute(_present_query(), {"case_id": case.id, "entered": case.state_entered_at}).one()
    return {name for name in _RECORD_TABLES if getattr(row, name)}, row


_RECORD_TABLES: dict[str, type[SQLModel]] = {
    **_STEP_MODELS,
    "evidence": Evidence,
    "evaluations": RulesEvaluation,
}


@functools.cache
def _present_query() -> sa.Select[Any]:
    return _PRESENT.add_columns(*recorded_columns())


_PRESENT = sa.select(
    *(
        sa.exists().where(model.__table__.c.case_id == sa.bindparam("case_id")).label(name)  # type: ignore[attr-defined]
        for name, model in _RECORD_TABLES.items()
    )
)


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


def _place(code: str | None, name: str | None) -> dict[str, str] | None:
    return {"code": code, "name": name or ""} if code else None


def summary(
    case: Summarised,
    township: dict[str, str] | None,
    village: dict[str, str] | None,
    next_due: deadlines.Shown | None,
    today: date,
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
        "township": township,
        "village": village,
        "next_due": deadlines.describe(next_due, today) if next_due is not None else None,
        "overdue": next_due is not None and today > next_due.due_on,
    }


def nearest_open(due: Sequence[CaseDeadline]) -> CaseDeadline | None:
    """The open deadline due first (of two due the same day, the one started first)."""
    return min((d for d in due if d.met_on is None and not d.cancelled), key=lambda d: d.due_on, default=None)


# Hot statements are built of tables, not of the ORM's classes: a statement that names a mapped
# class goes through the ORM's result handling, a third of its CPU, even when it loads no object.
_AREAS: sa.Table = Area.__table__  # type: ignore[attr-defined]
_TOWNSHIP, _VILLAGE = _AREAS.alias("township"), _AREAS.alias("village")
_CASES: sa.Table = Case.__table__  # type: ignore[attr-defined]
_DEADLINES: sa.Table = CaseDeadline.__table__  # type: ignore[attr-defined]
# What a summary shows of a case; the ordering columns come along for the outer query.
_SUMMARY_COLUMNS = (
    "id", "number", "procedure", "state", "version", "application_date", "accepted_on", "closed_on",
    "county_code", "township_id", "village_id", "next_due_on", "revision",
)  # fmt: skip
# What a summary shows of the nearest open deadline. No name is also a case column's, so that a
# row of the page serves as both the case and its deadline (``deadlines.Shown``).
_DEADLINE_COLUMNS = (
    "kind", "label", "article", "starts_on", "days", "working_days", "due_on", "warning", "met_on",
    "cancelled",
)  # fmt: skip
Order = Callable[[Any], tuple[Any, ...]]


def _page_query(where: ColumnElement[bool], order: Order, *totals: Any) -> sa.Select[Any]:
    """A page (parameters ``limit`` and ``offset``) of the cases ``where`` picks in ``order``
    (given the columns to order by), with their area names and their nearest open deadline. The
    page is cut before anything is joined: a county's queue has thousands of cases, a page fifty.
    The deadline is the one the case's ``next_due_on`` names (that column is kept from them).
    ``totals``: window aggregates over all the cases picked, on every row of the page."""
    page = (
        sa.select(*(_CASES.c[name] for name in _SUMMARY_COLUMNS), *totals)
        .where(where)
        .order_by(*order(_CASES.c))
        .offset(sa.bindparam("offset", type_=sa.Integer))
        .limit(sa.bindparam("limit", type_=sa.Integer))
        .subquery()
    )
    nearest = sa.and_(
        _DEADLINES.c.case_id == page.c.id,
        _DEADLINES.c.due_on == page.c.next_due_on,
        _DEADLINES.c.met_on.is_(None),
        _DEADLINES.c.cancelled.is_(False),
    )
    return (
        sa.select(
            page,
            _TOWNSHIP.c.code.label("township_code"),
            _TOWNSHIP.c.name.label("township_name"),
            _VILLAGE.c.code.label("village_code"),
            _VILLAGE.c.name.label("village_name"),
            *(_DEADLINES.c[name] for name in _DEADLINE_COLUMNS),
        )
        .outerjoin(_TOWNSHIP, _TOWNSHIP.c.id == page.c.township_id)
        .outerjoin(_VILLAGE, _VILLAGE.c.id == page.c.village_id)
        .outerjoin(_DEADLINES, nearest)
        .order_by(*order(page.c), _DEADLINES.c.id)
    )


def _summaries(rows: Iterable[Any], today: date) -> list[Any]:
    """The summaries of the rows of a ``_page_query``."""
    shown: set[int] = set()
    out = []
    for r in rows:
        if r.id in shown:  # two open deadlines due the same day: the first started
            continue
        shown.add(r.id)
        out.append(_summary_of_row(r, today))
    return out


def _summary_of_row(r: Any, today: date) -> dict[str, Any]:
    """The summary of a row of a ``_page_query``."""
    return summary(
        cast(Summarised, r),
        _place(r.township_code, r.township_name),
        _place(r.village_code, r.village_name),
        cast(deadlines.Shown, r) if r.due_on is not None else None,
        today,
    )


def available_actions(
    session: Session,
    actor: Actor,
    case: Case,
    today: date,
    due: Sequence[CaseDeadline] | None = None,
    recorded: Any = None,
) -> list[dict[str, Any]]:
    """What this actor may do now, each with the guards that still stand in the way (``due``: the
    case's deadlines, and ``recorded``: what ``transitions.facts_for`` reads of its records, if the
    caller has them)."""
    workflow = WORKFLOWS[case.procedure]
    delegation = delegated(session, case.county_code, revision=actor.reference_revision)
    facts = None
    out = []
    for t in workflow.from_state(case.state):
        if not may_fire(actor, workflow, t, delegation):
            continue
        if facts is None:
            open_due = None if due is None else [d for d in due if d.met_on is None and not d.cancelled]
            facts = facts_for(session, case, today, open_due=open_due, recorded=recorded)
        blocked = [reason for g in t.guards if (reason := g.check(facts))]
        out.append(
            {
                "action": t.action,
                "name": t.name,
                "article": t.article,
                "target": t.target_for(case.suspended_from),
                "allowed": not blocked,
                "blocked_by": blocked,
            }
        )
    return out


# A worker holds the pages its users read lately: about a thousand pages of some ten kilobytes each.
CASE_PAGES = KeptPages(1000)


def _stamp(version: int, revision: int, reference: int | None) -> Hashable:
    """What a kept page of a case must have been built at: the case's version and revision, the
    reference revision, the parameters entered. Read before anything the page shows, so that a
    page is never older than its stamp."""
    return (version, revision, reference, entered_stamp())


def case_page(db: Database, user_id: int, case_id: int, today: date) -> KeptPage:
    """The case page as JSON, kept by the process between changes of the case."""
    with db.reading() as session:
        actor, found = actor_and_case_stamp(session, user_id, case_id)
        stamp = None if found is None else _stamp(*found, actor.reference_revision)
        key = (case_id, actor, today)
        kept = CASE_PAGES.get(key, stamp) if stamp is not None else None
        if kept is not None:
            return kept
        case = visible_case(session, actor, case_id)  # 404 in the words every reader gets
        data = _build_case_detail(session, actor, case, today)
        page = KeptPage(stamp, json.dumps(data, ensure_ascii=False), data["version"])
        if stamp is not None:
            CASE_PAGES.keep(key, page)
        return page


class PageOfTheAct:
    """The case page as an act leaves it, for its answer: built in the act's transaction (``then``
    of ``transitions.fire`` and ``filing.file_case``), where the act has already read much of what
    the page shows, and kept once that transaction has committed."""

    def __init__(self, today: date) -> None:
        self.today = today
        self._built: tuple[Hashable, KeptPage] | None = None

    def __call__(
        self, session: Session, actor: Actor, case: Case, *, created: AuditEvent | None = None
    ) -> None:
        session.flush()
        stamp = _stamp_of_the_act(session, actor, case)
        data = _build_case_detail(session, actor, case, self.today, created)
        page = KeptPage(stamp, json.dumps(data, ensure_ascii=False), data["version"])
        self._built = (case.id, actor, self.today), page

    def committed(self) -> KeptPage | None:
        """The page, once the act's transaction has committed (None if no act built one)."""
        if self._built is None:
            return None
        key, page = self._built
        CASE_PAGES.keep(key, page)
        return page


def _stamp_of_the_act(session: Session, actor: Actor, case: Case) -> Hashable:
    """``_stamp`` as the act leaves the case, known without reading it: the act gave the case its
    version and this transaction's revision (``transitions.fire``; a filed case has its own, and
    any bulk UPDATE of it in this transaction writes the same, ``models.revisions``), and the
    reference revision is the one the actor was read with, unless the transaction itself moved
    it, to this transaction's revision."""
    moved = reference_moved(session)
    reference = transaction_revision(session) if moved else actor.reference_revision
    return _stamp(case.version, case.revision, reference)


def case_detail(db: Database, user_id: int, case_id: int, today: date) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(case_page(db, user_id, case_id, today).text)
    return data


_DEADLINES_OF_CASE = (
    select(CaseDeadline).where(CaseDeadline.case_id == sa.bindparam("case_id")).order_by(col(CaseDeadline.id))
)


def _build_case_detail(
    session: Session, actor: Actor, case: Case, today: date, created: AuditEvent | None = None
) -> dict[str, Any]:
    """``created``: the case was filed in this transaction and this is its only event
    (``actors.AfterAct``): it has no deadlines and no records of any step yet."""
    due: Sequence[CaseDeadline] = []
    if created is None:
        due = session.execute(_DEADLINES_OF_CASE, {"case_id": case.id}).scalars().all()
    # Reads the county (whose delegation the actions depend on) with the township and village.
    delegated(session, case.county_code, places_of=case, revision=actor.reference_revision)
    township, village = (places.named(session, a) for a in (case.township_id, case.village_id))
    data = summary(
        case,
        _place(township.code, township.name),
        _place(village.code, village.name),
        nearest_open(due),
        today,
    )
    data["deadlines"] = [deadlines.describe(d, today) for d in due]
    data["filing"] = {
        "channel": case.filing_channel,
        "proxy_name": case.proxy_name,
        "proxy_authorisation": case.proxy_authorisation,
        "economic_check_authorised": case.economic_check_authorised,
        "commitment_signed": case.commitment_signed,
        "extended": case.extended,
        "extension_reason": case.extension_reason,
        "decided_by_level": case.decided_by_level,
        "push_status": case.push_status,
    }
    data["household"] = household_data(session, case)
    data["periodic_rechecks"] = case_rechecks(session, case)
    present, recorded = (
        _present_and_recorded(session, case) if created is None else (set(), nothing_recorded())
    )
    for name, model in _STEP_MODELS.items():
        data[name] = _records(session, model, case.id or 0) if name in present else []
    data["evidence"] = (
        _records(session, Evidence, case.id or 0, drop=("content",)) if "evidence" in present else []
    )
    evaluations = (
        _records(session, RulesEvaluation, case.id or 0, drop=("case_file",), latest=True)
        if "evaluations" in present
        else []
    )
    data["latest_evaluation"] = evaluations[0] if evaluations else None
    if created is None:
        data["history"] = _records(session, AuditEvent, case.id or 0, actor_names=True)
    else:
        data["history"] = [{**_plain(created), "actor_name": actor.display_name}]
    data["available_actions"] = available_actions(session, actor, case, today, due, recorded)
    return data


def _plain(row: SQLModel) -> dict[str, Any]:
    """A row held as an object, as ``_records`` reads rows of its table."""
    table: sa.Table = row.__table__  # type: ignore[attr-defined]
    return _as_json((c.name, getattr(row, c.name)) for c in table.c)


def list_cases(
    db: Database,
    user_id: int,
    today: date,
    *,
    procedure: str | None = None,
    state: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    with db.reading() as session:
        actor = actor_for(session, user_id)
        where = CASES.where(actor)
        if procedure:
            where = sa.and_(where, col(Case.procedure) == procedure)
        if state:
            where = sa.and_(where, col(Case.state) == state)
        page = _page_query(where, lambda c: (c.id.desc(),))
        return {
            "items": _summaries(session.execute(page, {"limit": limit, "offset": offset}), today),
            "limit": limit,
            "offset": offset,
        }


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
    delegating = _CASES.c.county_code.in_(
        sa.select(_AREAS.c.code).where(_AREAS.c.level == "county", _AREAS.c.confirmation_delegated.is_(True))
    )
    clauses = [
        sa.and_(
            _CASES.c.procedure == procedure,
            _written_in(_CASES.c.state, states),
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
    where = sa.and_(CASES.where_for_role(role), _CASES.c.closed_on.is_(None), _workable(role))
    overdue = sa.case((_CASES.c.next_due_on < sa.bindparam("today", type_=sa.Date), 1))
    totals = sa.select(func.count(), func.count(overdue)).select_from(_CASES).where(where)
    # The totals ride on the page's rows; asked alone only for a page past the end.
    page = _page_query(
        where,
        _most_urgent,
        func.count().over().label("queue_total"),
        func.count(overdue).over().label("queue_overdue"),
    )
    return totals, page


def _queue(
    session: Session, user_id: int, today: date, limit: int, offset: int
) -> tuple[Actor, Sequence[Any], int, int]:
    """The actor, the rows of a page of their queue (``_page_query``) and its totals: all cases and
    those overdue."""
    actor = actor_for(session, user_id)
    totals, page = _queue_queries(actor.role)
    parameters = {"scope": CASES.value_of(actor), "today": today, "limit": limit, "offset": offset}
    rows = session.execute(page, parameters).all()
    if rows:
        return actor, rows, rows[0].queue_total, rows[0].queue_overdue
    if offset:
        total, overdue = session.execute(totals, parameters).one()
        return actor, rows, total, overdue
    return actor, rows, 0, 0


def work_queue(
    db: Database, user_id: int, today: date, *, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Open cases in the actor's area on which the actor's role can act, the most urgent first
    (the nearest open deadline; cases without one last), a page at a time."""
    with db.reading() as session:
        _, rows, total, overdue = _queue(session, user_id, today, limit, offset)
        return {
            "items": _summaries(rows, today),
            "total": total,
            "overdue": overdue,
            "limit": limit,
            "offset": offset,
        }


# A queue line as JSON, kept per case while nothing it shows has changed: a queue is read more
# than any page, and most of its lines are the same from one read to the next.
QUEUE_LINES = KeptPages(5000)


def work_queue_json(db: Database, user_id: int, today: date, *, limit: int = 50, offset: int = 0) -> str:
    """``work_queue`` as JSON, each line built only when its case has changed since last built
    (its version and revision), the reference revision has (area names) or the day (a deadline
    falls overdue)."""
    with db.reading() as session:
        actor, rows, total, overdue = _queue(session, user_id, today, limit, offset)
    lines = []
    shown: set[int] = set()
    for r in rows:
        if r.id in shown:  # two open deadlines due the same day: the first started
            continue
        shown.add(r.id)
        stamp = (r.version, r.revision, actor.reference_revision, today)
        line = QUEUE_LINES.get(r.id, stamp)
        if line is None:
            text = json.dumps(_summary_of_row(r, today), ensure_ascii=False)
            QUEUE_LINES.keep(r.id, line := KeptPage(stamp, text, r.version))
        lines.append(line.text)
    totals = json.dumps({"total": total, "overdue": overdue, "limit": limit, "offset": offset})
    return f'{{"items":[{",".join(lines)}],{totals[1:]}'
