"""Firing an action on a case: look it up in the procedure's table, check who acts and the
guards, write the records, the state change, the deadlines and the audit event in one
transaction."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from assistance import audit, metrics
from assistance.access import may_fire
from assistance.casefile.evaluation import evaluate_case
from assistance.cases import deadlines, steps
from assistance.cases.acts import ACTS
from assistance.cases.claims import claim
from assistance.cases.effects import ActionContext
from assistance.cases.snapshot import AfterAct, CaseSnapshot
from assistance.db import Database
from assistance.documents import default_renderer, notices
from assistance.documents.issuing import PdfRenderer
from assistance.documents.source import Source
from assistance.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from assistance.models import Case
from assistance.models.base import utcnow
from assistance.validation import load
from assistance.workdays import WorkingDayCalendar
from assistance.workflow import WORKFLOWS
from assistance.workflow.facts import CaseFacts, PublicityFacts
from assistance.workflow.machine import COUNTY, TOWNSHIP

DECIDED = ("recognised", "refused")
# How far back an act may take effect where the county has no setting of its own.
BACKDATING_WORKING_DAYS = 3


def facts_for(snapshot: CaseSnapshot, today: date, extra: dict[str, Any] | None = None) -> CaseFacts:
    """What the guards look at, on ``today``; ``extra``: the act's data, if an act asks."""
    session, case = snapshot.session, snapshot.case
    row = snapshot.recorded()
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
    due = {d.kind: d.due_on for d in snapshot.open_deadlines()}
    verifications = by_level.get(COUNTY, 0)
    if by_level.get(TOWNSHIP) and snapshot.delegated():
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
        _apply(CaseSnapshot(session, actor, case), action, payload, today, renderer or default_renderer())
        if then is not None:
            then(CaseSnapshot(session, actor, case))
    metrics.act_fired(action)  # once committed
    return case_id


def _apply(snapshot: CaseSnapshot, action: str, payload: Any, today: date, renderer: PdfRenderer) -> None:
    session, actor, case = snapshot.session, snapshot.actor, snapshot.case
    workflow = WORKFLOWS[case.procedure]
    if not workflow.has_action(action):
        raise NotFound(f"{workflow.name}没有“{action}”这一操作")
    county = snapshot.county()
    calendar = snapshot.calendar()
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
    facts = facts_for(snapshot, data["on"], data)
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
        # 64号 第二十七条: a suspension sets the step aside; resuming starts it again.
        steps.leave(snapshot, before, ctx.on, done=target != "suspended")
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
    if target is not None and target != before and not workflow.state(target).final:
        steps.enter(snapshot, target, ctx.on)
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


__all__ = ["facts_for", "fire"]
