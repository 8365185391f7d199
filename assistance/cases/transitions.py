"""Firing an action on a case: look it up in the procedure's table, check who acts and the
guards, write the records, the state change, the deadlines and the audit event in one
transaction."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from assistance import audit
from assistance.access import Actor, AfterAct, may_fire
from assistance.casefile.evaluation import evaluate_case
from assistance.cases import deadlines
from assistance.cases.acts import ACTS
from assistance.cases.claims import claim
from assistance.cases.effects import ActionContext
from assistance.db import Database
from assistance.documents import default_renderer, notices
from assistance.documents.issuing import PdfRenderer
from assistance.documents.source import Source
from assistance.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from assistance.models import Case, CaseDeadline, Investigation, Objection, Publicity
from assistance.models.base import utcnow
from assistance.models.steps import InformationCheck
from assistance.reference import places
from assistance.validation import load
from assistance.workdays import WorkingDayCalendar
from assistance.workflow import WORKFLOWS
from assistance.workflow.facts import CaseFacts, PublicityFacts
from assistance.workflow.machine import COUNTY, TOWNSHIP

DECIDED = ("recognised", "refused")
# How far back an act may take effect where the county has no setting of its own.
BACKDATING_WORKING_DAYS = 3


def county_of(
    session: Session, county_code: str, places_of: Case | None = None, revision: int | None = None
) -> places.Place | None:
    """The county and its settings. Asked several times while one case is read or acted on; kept
    for the session. ``places_of``: a case whose township and village are read along (its notices
    and page name them, by ``places.named``); ``revision``: the reference revision the actor was
    read with, if any, for the places the process keeps (``places``)."""
    known: dict[str, places.Place | None] = session.info.setdefault("counties", {})
    if county_code not in known:
        township, village = (places_of.township_id, places_of.village_id) if places_of else (None, None)
        known[county_code] = places.of_case(session, county_code, township, village, revision)
    return known[county_code]


def delegated(
    session: Session, county_code: str, places_of: Case | None = None, revision: int | None = None
) -> bool:
    """64号 第三十二条, 65号 第二十六条: whether the county delegated confirmation to townships."""
    county = county_of(session, county_code, places_of, revision)
    return county is not None and county.confirmation_delegated


@functools.cache
def _facts_query() -> sa.Select[Any]:
    """Everything ``facts_for`` reads, in one statement (parameters ``case_id`` and ``entered``, when
    the case entered its state): a guard is asked on every case page. Of tables, not of the ORM's
    classes, which would send it through the ORM's result handling."""

    def scalar(query: Any) -> Any:
        return query.limit(1).scalar_subquery()

    investigations, checks, publicities, objections = (
        model.__table__  # type: ignore[union-attr]
        for model in (Investigation, InformationCheck, Publicity, Objection)
    )
    case_id = sa.bindparam("case_id", type_=sa.Integer)
    visits = (
        sa.select(sa.func.count())
        .select_from(investigations)
        .where(investigations.c.case_id == case_id, investigations.c.recorded_at >= sa.bindparam("entered"))
    )
    publicity = (
        sa.select(publicities.c.id)
        .where(publicities.c.case_id == case_id, publicities.c.closed_on.is_(None))
        .order_by(publicities.c.id.desc())
    )
    latest = scalar(publicity)
    counted = sa.select(sa.func.count()).select_from(objections)
    return sa.select(
        scalar(visits).label("visits"),
        scalar(visits.where(investigations.c.level == TOWNSHIP)).label("township_visits"),
        scalar(visits.where(investigations.c.level == COUNTY)).label("county_visits"),
        scalar(
            sa.select(checks.c.result).where(checks.c.case_id == case_id).order_by(checks.c.id.desc())
        ).label("information_check"),
        scalar(publicity.with_only_columns(publicities.c.stage)).label("publicity_stage"),
        scalar(publicity.with_only_columns(publicities.c.round)).label("publicity_round"),
        scalar(publicity.with_only_columns(publicities.c.starts_on)).label("publicity_starts_on"),
        scalar(publicity.with_only_columns(publicities.c.ends_on)).label("publicity_ends_on"),
        scalar(counted.where(objections.c.publicity_id == latest)).label("publicity_objections"),
        scalar(counted.where(objections.c.case_id == case_id, objections.c.kind == "publicity")).label(
            "publicity_objections_total"
        ),
    )


def recorded_columns() -> sa.sql.ColumnCollection[str, Any]:
    """The columns ``facts_for`` reads (parameters ``case_id`` and ``entered``), for a statement
    that reads them with others: its row can be given to ``facts_for`` as ``recorded``."""
    return _facts_query().selected_columns


def nothing_recorded() -> Any:
    """``_facts_query``'s row for a case with no records: no visit, check, publicity or objection."""
    return SimpleNamespace(**dict.fromkeys(recorded_columns().keys()))


def facts_for(
    session: Session,
    case: Case,
    today: date,
    extra: dict[str, Any] | None = None,
    open_due: Sequence[CaseDeadline] | None = None,
    recorded: Any = None,
) -> CaseFacts:
    """What the guards look at; ``open_due``: the case's open deadlines, and ``recorded``: the row of
    ``_facts_query``, if the caller has them."""
    row = recorded
    if row is None:
        row = session.execute(_facts_query(), {"case_id": case.id, "entered": case.state_entered_at}).one()
    open_publicity = None
    if row.publicity_stage is not None:
        open_publicity = PublicityFacts(
            row.publicity_stage,
            row.publicity_round,
            row.publicity_starts_on,
            row.publicity_ends_on,
            row.publicity_objections,
        )
    by_level = {TOWNSHIP: row.township_visits or 0, COUNTY: row.county_visits or 0}
    check = row.information_check
    total_objections = row.publicity_objections_total or 0
    if open_due is None:
        open_due = deadlines.open_deadlines(session, case)
    due = {d.kind: d.due_on for d in open_due}
    verifications = by_level.get(COUNTY, 0)
    if by_level.get(TOWNSHIP) and delegated(session, case.county_code):
        # 64号 第三十二条: a township holding the county's power of confirmation also makes the
        # county's home verification (第二十三条); only it or the county can record one in review.
        verifications += by_level[TOWNSHIP]
    if extra and extra.get("waived"):
        # The applicant said in writing they will not object: the window need not run out.
        due.pop("objection_window", None)

    # Several guards may ask; the case file is read and decided once.
    @functools.cache
    def engine_path() -> str | None:
        return evaluate_case(session, case).path

    return CaseFacts(
        procedure=case.procedure,
        state=case.state,
        today=today,
        filing_channel=case.filing_channel,
        proxy_authorisation=case.proxy_authorisation,
        economic_check_authorised=case.economic_check_authorised,
        commitment_signed=case.commitment_signed,
        extended=case.extended,
        entered_state_on=case.state_entered_on,
        investigations_since_entered=row.visits or 0,
        county_verifications_since_entered=verifications,
        information_check=check,
        open_publicity=open_publicity,
        publicity_objections_total=total_objections,
        due=due,
        engine_path=engine_path,
    )


def _validated(
    action: str, payload: Any, today: date, case: Case, window: int, calendar: WorkingDayCalendar
) -> dict[str, Any]:
    """The act's data, its date settled: an act takes effect on the day it is entered, or, with a
    reason, on a day up to ``window`` working days before (a paper record entered late); never
    before the case's latest act, so that no step can be dated ahead of the one it follows."""
    data = load(ACTS[action].payload_for(case.procedure)(), payload)
    on = data.get("on") or today
    if on > today:
        raise InvalidInput.field("on", "办理日期不能晚于今天")
    if on < case.application_date:
        raise InvalidInput.field("on", "办理日期不能早于申请日期")
    if case.last_act_on is not None and on < case.last_act_on:
        raise InvalidInput.field(
            "on", f"办理日期不能早于本案上一次办理的日期（{case.last_act_on.isoformat()}）"
        )
    if on < today:
        earliest = calendar.working_days_before(today, window)
        if on < earliest:
            raise InvalidInput.field(
                "on",
                f"办理日期最早只能补录到{window}个工作日前（{earliest.isoformat()}），请按实际录入之日办理",
            )
        if not data.get("backdating_reason"):
            raise InvalidInput.field("backdating_reason", "办理日期早于今天的，须说明补录原因")
    data["on"] = on
    return data


def fire(
    db: Database,
    user_id: int,
    case_id: int,
    action: str,
    payload: Any,
    today: date,
    expected_version: int | None = None,
    renderer: PdfRenderer | None = None,
    then: AfterAct | None = None,
) -> int:
    """Fire ``action`` on the case; returns the case id. Raises a ServiceError, having written
    nothing, when the act is not allowed or its data is wrong.

    ``renderer`` lays out the documents the act issues (``acts.ACTS``); by default the
    process-wide WeasyPrint renderer. ``then`` runs last in the act's transaction."""
    with db.transaction() as session:
        actor, case = claim(session, user_id, case_id, expected_version)
        _apply(session, actor, case, action, payload, today, renderer or default_renderer())
        if then is not None:
            then(session, actor, case)
    return case_id


def _apply(
    session: Session, actor: Actor, case: Case, action: str, payload: Any, today: date, renderer: PdfRenderer
) -> None:
    workflow = WORKFLOWS[case.procedure]
    if not workflow.has_action(action):
        raise NotFound(f"{workflow.name}没有“{action}”这一操作")
    county = county_of(session, case.county_code, places_of=case, revision=actor.reference_revision)
    calendar = deadlines.calendar_for(session, actor.reference_revision)
    window = county.backdating_working_days if county is not None else BACKDATING_WORKING_DAYS
    data = _validated(action, payload, today, case, window, calendar)
    transition = workflow.transition(action, case.state)
    if transition is None:
        allowed = "、".join(t.name for t in workflow.from_state(case.state)) or "无"
        raise Conflict(
            f"案件当前状态为“{workflow.state(case.state).name}”，不能进行此操作",
            [FieldProblem("state", f"当前状态可进行的操作：{allowed}")],
        )
    delegation = county is not None and county.confirmation_delegated
    if not may_fire(actor, workflow, transition, delegation):
        raise Forbidden(f"您的角色不能进行“{transition.name}”（{transition.article}）")
    facts = facts_for(session, case, data["on"], data)
    failures = [reason for guard in transition.guards if (reason := guard.check(facts))]
    if failures:
        raise Conflict(
            f"尚不能进行“{transition.name}”", [FieldProblem("guard", reason) for reason in failures]
        )
    ctx = ActionContext(session, case, actor, workflow, transition, data, data["on"], calendar, today)
    if ctx.on < today:
        ctx.detail.update(entered_on=today.isoformat(), backdating_reason=data["backdating_reason"])
    act = ACTS[action]
    act.effect(ctx)
    case.last_act_on = ctx.on
    before = case.state
    target = transition.target_for(case.suspended_from)
    # 64号 第二十七条: suspending pauses the stage and resuming continues it; what was recorded in
    # the stage before the pause (an investigation, a county verification) still counts.
    pause = transition.returns or (case.suspended_from is not None and case.suspended_from == before)
    # With the state, in the same UPDATE.
    case.updated_at = utcnow()
    deadlines.meet(session, case, transition.meets, ctx.on)
    if target is not None and target != before:
        case.state = target
        if not pause:
            case.state_entered_on = ctx.on
            case.state_entered_at = utcnow()
        if transition.returns:
            case.suspended_from = None
        if workflow.state(target).final:
            case.closed_on = ctx.on
            case.outcome = target
            deadlines.close(session, case, ctx.on, decided=target in DECIDED)
        elif workflow.state(before).final:
            # 64号 第二十六条: a recognised family whose exit is under review is an open case again.
            case.closed_on = None
            case.outcome = None
    for spec in transition.starts:
        deadlines.start(session, case, spec, ctx.on, calendar)
    # After the records and deadlines, so that a notice can state them (an objection window's due
    # date); before the audit event, which lists the documents issued.
    source = Source(session, case, action, transition.name, before, ctx.on, data)
    issued = notices.issue_for(source, act.documents_for(case.procedure), actor.user_id, renderer)
    if issued:
        ctx.detail["documents"] = [
            {"id": d.id, "kind": d.kind, "number": d.number, "version": d.version} for d in issued
        ]
    audit.record(session, case, actor, action, ctx.on, before, case.state, ctx.detail)
    session.flush()


__all__ = ["delegated", "facts_for", "fire", "nothing_recorded", "recorded_columns"]
