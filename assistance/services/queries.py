"""Reading cases: one case with everything on it, lists in the actor's scope, and work queues."""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from datetime import date
from typing import Any, Protocol, cast

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel, col, func, select

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
from assistance.models.revisions import ReferenceRevision
from assistance.parameters import entered_stamp
from assistance.services import deadlines
from assistance.services.actors import Actor, actor_for, case_scope, visible_case
from assistance.services.casefiles import household_data
from assistance.services.kept_pages import KeptPage, KeptPages
from assistance.services.rechecks import case_rechecks
from assistance.services.transitions import delegated, facts_for, may_act
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
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    query = sa.select(*(c for c in table.c if c.name not in drop)).where(table.c.case_id == case_id)
    if actor_names:
        name = sa.func.coalesce(col(User.display_name), "").label("actor_name")
        query = query.add_columns(name).outerjoin(User, col(User.id) == table.c.actor_id)
    query = query.order_by(table.c.id.desc()).limit(1) if latest else query.order_by(table.c.id)
    return [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
        for row in session.execute(query).mappings()
    ]


def _present(session: Session, case_id: int) -> set[str]:
    """Which of the case's record tables have rows, asked in one statement: a case early in its
    procedure has none in most, and each table read is a round trip to the database."""
    tables = {**_STEP_MODELS, "evidence": Evidence, "evaluations": RulesEvaluation}
    probes = [
        sa.exists().where(model.__table__.c.case_id == case_id).label(name)  # type: ignore[attr-defined]
        for name, model in tables.items()
    ]
    row = session.execute(sa.select(*probes)).one()
    return {name for name, found in zip(tables, row, strict=True) if found}


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
    due: Sequence[CaseDeadline],
    today: date,
) -> dict[str, Any]:
    workflow = WORKFLOWS[case.procedure]
    open_due = sorted((d for d in due if d.met_on is None and not d.cancelled), key=lambda d: d.due_on)
    return {
        "id": case.id,
        "number": case.number,
        "procedure": case.procedure,
        "procedure_name": workflow.name,
        "state": case.state,
        "state_name": workflow.state(case.state).name,
        "final": workflow.state(case.state).final,
        "version": case.version,
        "application_date": case.application_date.isoformat(),
        "accepted_on": case.accepted_on.isoformat() if case.accepted_on else None,
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "county": case.county_code,
        "township": township,
        "village": village,
        "next_due": deadlines.describe(open_due[0], today) if open_due else None,
        "overdue": any(today > d.due_on for d in open_due),
    }


_TOWNSHIP, _VILLAGE = aliased(Area), aliased(Area)
_CASES: sa.Table = Case.__table__  # type: ignore[attr-defined]
# What a summary shows of a case; the ordering columns come along for the outer query.
_SUMMARY_COLUMNS = (
    "id", "number", "procedure", "state", "version", "application_date", "accepted_on", "closed_on",
    "county_code", "township_id", "village_id", "next_due_on",
)  # fmt: skip
Order = Callable[[Any], tuple[Any, ...]]


def _summaries(
    session: Session, where: ColumnElement[bool], order: Order, limit: int, offset: int, today: date
) -> list[dict[str, Any]]:
    """The summaries of a page of the cases ``where`` picks in ``order`` (given the columns to order
    by), with their area names and the deadlines still open on them. The page is cut before the
    area names are joined: a county's queue has thousands of cases, a page fifty."""
    page = (
        sa.select(*(_CASES.c[name] for name in _SUMMARY_COLUMNS))
        .where(where)
        .order_by(*order(_CASES.c))
        .offset(offset)
        .limit(limit)
        .subquery()
    )
    named = (
        sa.select(
            page,
            col(_TOWNSHIP.code).label("township_code"),
            col(_TOWNSHIP.name).label("township_name"),
            col(_VILLAGE.code).label("village_code"),
            col(_VILLAGE.name).label("village_name"),
        )
        .outerjoin(_TOWNSHIP, col(_TOWNSHIP.id) == page.c.township_id)
        .outerjoin(_VILLAGE, col(_VILLAGE.id) == page.c.village_id)
        .order_by(*order(page.c))
    )
    rows = session.execute(named).all()
    due: dict[int, list[CaseDeadline]] = defaultdict(list)
    if rows:
        open_due = select(CaseDeadline).where(
            col(CaseDeadline.case_id).in_([r.id for r in rows]),
            col(CaseDeadline.met_on).is_(None),
            col(CaseDeadline.cancelled).is_(False),
        )
        for d in session.exec(open_due).all():
            due[d.case_id].append(d)
    return [
        summary(
            cast(Summarised, r),
            _place(r.township_code, r.township_name),
            _place(r.village_code, r.village_name),
            due[r.id],
            today,
        )
        for r in rows
    ]


def available_actions(
    session: Session, actor: Actor, case: Case, today: date, due: Sequence[CaseDeadline] | None = None
) -> list[dict[str, Any]]:
    """What this actor may do now, each with the guards that still stand in the way (``due``: the
    case's deadlines, if the caller has them)."""
    workflow = WORKFLOWS[case.procedure]
    delegation = delegated(session, case.county_code)
    facts = None
    out = []
    for t in workflow.from_state(case.state):
        if not may_act(actor, workflow, t, delegation):
            continue
        if facts is None:
            open_due = None if due is None else [d for d in due if d.met_on is None and not d.cancelled]
            facts = facts_for(session, case, today, open_due=open_due)
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


def _stamp(session: Session, actor: Actor, case_id: int) -> tuple[Hashable, Case] | None:
    """What a kept page of the case must have been built at, and the case (for building one), or
    None when the actor cannot see it."""
    row = session.execute(
        sa.select(Case, col(ReferenceRevision.revision))
        .outerjoin(ReferenceRevision, sa.true())
        .where(col(Case.id) == case_id, case_scope(actor))
    ).first()
    if row is None:
        return None
    case, reference = row
    return (case.version, case.revision, reference, entered_stamp()), case


def case_page(db: Database, user_id: int, case_id: int, today: date) -> KeptPage:
    """The case page as JSON, kept by the process between changes of the case."""
    with db.reading() as session:
        actor = actor_for(session, user_id)
        found = _stamp(session, actor, case_id)
        if found is None:  # 404 in the words every reader gets
            case = visible_case(session, actor, case_id)
            data = _build_case_detail(session, actor, case, today)
            return KeptPage(None, json.dumps(data, ensure_ascii=False), data["version"])
        stamp, case = found
        key = (case_id, actor, today)
        kept = CASE_PAGES.get(key, stamp)
        if kept is not None:
            return kept
        data = _build_case_detail(session, actor, case, today)
        page = KeptPage(stamp, json.dumps(data, ensure_ascii=False), data["version"])
        CASE_PAGES.keep(key, page)
        return page


def case_detail(db: Database, user_id: int, case_id: int, today: date) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(case_page(db, user_id, case_id, today).text)
    return data


def _build_case_detail(session: Session, actor: Actor, case: Case, today: date) -> dict[str, Any]:
    due = session.exec(
        select(CaseDeadline).where(CaseDeadline.case_id == case.id).order_by(col(CaseDeadline.id))
    ).all()
    # Reads the county (whose delegation the actions depend on) with the township and village.
    delegated(session, case.county_code, places_of=case)
    township, village = session.get(Area, case.township_id), session.get(Area, case.village_id)
    places = [_place(a.code, a.name) if a else None for a in (township, village)]
    data = summary(case, places[0], places[1], due, today)
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
    present = _present(session, case.id or 0)
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
    data["history"] = _records(session, AuditEvent, case.id or 0, actor_names=True)
    data["available_actions"] = available_actions(session, actor, case, today, due)
    return data


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
        where = case_scope(actor)
        if procedure:
            where = sa.and_(where, col(Case.procedure) == procedure)
        if state:
            where = sa.and_(where, col(Case.state) == state)
        return {
            "items": _summaries(session, where, lambda c: (c.id.desc(),), limit, offset, today),
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
                    role in workflow.roles_for(t, delegation)
                    for t in workflow.from_state(state)
                    if t.action not in _NOT_WORK
                )
            )
            if states:
                found.append((procedure, delegation, states))
    return tuple(found)


def _workable(actor: Actor) -> ColumnElement[bool]:
    """Cases in a state where the actor's role has work to do, per the workflow tables; where a
    county delegated confirmation to its townships (64号 第三十二条), per that county."""
    delegating = col(Case.county_code).in_(
        select(Area.code).where(Area.level == "county", col(Area.confirmation_delegated).is_(True))
    )
    clauses = [
        sa.and_(
            col(Case.procedure) == procedure,
            col(Case.state).in_(states),
            delegating if delegation else sa.not_(delegating),
        )
        for procedure, delegation, states in _work_states(actor.role)
    ]
    return sa.or_(*clauses) if clauses else sa.false()


def _most_urgent(columns: Any) -> tuple[Any, ...]:
    return (columns.next_due_on.asc().nulls_last(), columns.id)


def work_queue(
    db: Database, user_id: int, today: date, *, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Open cases in the actor's area on which the actor's role can act, the most urgent first
    (the nearest open deadline; cases without one last), a page at a time."""
    with db.reading() as session:
        actor = actor_for(session, user_id)
        where = sa.and_(case_scope(actor), col(Case.closed_on).is_(None), _workable(actor))
        next_due = col(Case.next_due_on)
        total, overdue = session.exec(
            select(func.count(), func.count(sa.case((next_due < today, 1)))).select_from(Case).where(where)
        ).one()
        return {
            "items": _summaries(session, where, _most_urgent, limit, offset, today),
            "total": total,
            "overdue": overdue,
            "limit": limit,
            "offset": offset,
        }
