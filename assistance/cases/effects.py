"""What each action writes besides the state change: the records the regulations ask for.

Each effect runs inside the transaction of ``transitions.fire``; raising ``InvalidInput`` there
rolls back the whole act.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from assistance.access import Actor, may
from assistance.casefile.evaluation import evaluate_case, record_evaluation
from assistance.cases import deadlines, materials, rechecks
from assistance.errors import InvalidInput
from assistance.intake import reports
from assistance.models import (
    Appraisal,
    Case,
    Evidence,
    InformationCheck,
    Investigation,
    MaterialNotice,
    Objection,
    Opinion,
    Publicity,
    Termination,
)
from assistance.models.base import utcnow
from assistance.workdays import WorkingDayCalendar
from assistance.workflow.machine import Transition, Workflow
from assistance.workflow.vocabulary import GROUNDS

# "公示不少于7天" (64号 第二十二条、第二十三条, 65号 第十六条).
PUBLICITY_DAYS = 7
# A publicity may be announced ahead of its first day, not weeks ahead.
PUBLICITY_LEAD_DAYS = 10


@dataclass
class ActionContext:
    session: Session
    case: Case
    actor: Actor
    workflow: Workflow
    transition: Transition
    data: dict[str, Any]
    on: date
    calendar: WorkingDayCalendar
    # The day the act is entered (``on`` may be a few working days before, with a reason).
    today: date
    # What the audit event records of the act, beyond the action itself.
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def case_id(self) -> int:
        assert self.case.id is not None
        return self.case.id


Effect = Callable[[ActionContext], None]


def _note(ctx: ActionContext) -> None:
    if ctx.data.get("note"):
        ctx.detail["note"] = ctx.data["note"]


def _opinion(
    ctx: ActionContext, stage: str, decision: str, reasons: str, as_of: date | None = None
) -> Opinion:
    """Record a human opinion beside the engine's decision on the same facts.

    A human decision that departs from the engine's must say why, so that a notice can give the
    human reasons and never blame the rules for a decision people took.
    """
    evaluation = evaluate_case(ctx.session, ctx.case, as_of)
    row = record_evaluation(ctx.session, ctx.case, ctx.actor.user_id, evaluation)
    departure = (ctx.data.get("departure_reason") or "").strip()
    agrees = evaluation.eligible is None or evaluation.eligible == (decision == "approve")
    if not agrees and not departure:
        engine = "符合" if evaluation.eligible else "不符合"
        raise InvalidInput.field(
            "departure_reason",
            f"规则引擎对现有案卷的结论为“{engine}认定条件”，与本意见不一致，须说明理由",
        )
    chosen = list(dict.fromkeys(ctx.data.get("criteria") or []))
    known = {c["id"] for c in evaluation.decision.get("criteria", [])}
    if chosen and decision != "reject":
        raise InvalidInput.field("criteria", "只有不予认定（不同意）时才选择不符合的认定条件")
    unknown = [c for c in chosen if c not in known]
    if unknown:
        raise InvalidInput.field("criteria", f"没有这些认定条件：{'、'.join(unknown)}")
    opinion = Opinion(
        case_id=ctx.case_id,
        recorded_by=ctx.actor.user_id,
        stage=stage,
        decision=decision,
        reasons=reasons,
        criteria=chosen or None,
        evaluation_id=row.id,
        engine_outcome=evaluation.outcome,
        departure_reason=departure if not agrees else "",
    )
    ctx.session.add(opinion)
    ctx.detail.update(decision=decision, engine_outcome=evaluation.outcome, agrees_with_engine=agrees)
    return opinion


def request_materials(ctx: ActionContext) -> None:
    ctx.session.add(
        MaterialNotice(
            case_id=ctx.case_id,
            recorded_by=ctx.actor.user_id,
            missing=list(dict.fromkeys(ctx.data["missing"])),
            note=ctx.data.get("note", ""),
        )
    )
    ctx.detail["missing"] = ctx.data["missing"]


def resubmit_materials(ctx: ActionContext) -> None:
    notice = ctx.session.exec(
        select(MaterialNotice)
        .where(MaterialNotice.case_id == ctx.case_id, col(MaterialNotice.answered_at).is_(None))
        .order_by(col(MaterialNotice.id).desc())
    ).first()
    if notice is not None:
        notice.answered_at = utcnow()
    # Materials handed in now count for acceptance; one already handed in is never taken back.
    supplied = []
    for name in ("economic_check_authorised", "commitment_signed"):
        if ctx.data.get(name) and not getattr(ctx.case, name):
            setattr(ctx.case, name, True)
            supplied.append(name)
    authorisation = (ctx.data.get("proxy_authorisation") or "").strip()
    if authorisation:
        if ctx.case.filing_channel == "self":
            raise InvalidInput.field("proxy_authorisation", "本人申请的，无需委托手续")
        ctx.case.proxy_authorisation = authorisation
        supplied.append("proxy_authorisation")
    if notice is not None:
        materials.everything_asked_for_is_here(ctx.session, ctx.case, notice)
    ctx.detail["supplied"] = supplied
    _note(ctx)


def accept(ctx: ActionContext) -> None:
    ctx.case.accepted_on = ctx.on
    _note(ctx)


def request_check(ctx: ActionContext) -> None:
    ctx.session.add(InformationCheck(case_id=ctx.case_id, recorded_by=ctx.actor.user_id, requested_on=ctx.on))
    _note(ctx)


def check_result(result: str) -> Effect:
    def effect(ctx: ActionContext) -> None:
        check = ctx.session.exec(
            select(InformationCheck)
            .where(InformationCheck.case_id == ctx.case_id, col(InformationCheck.result).is_(None))
            .order_by(col(InformationCheck.id).desc())
        ).first()
        if check is None:
            check = InformationCheck(case_id=ctx.case_id, recorded_by=ctx.actor.user_id, requested_on=ctx.on)
            ctx.session.add(check)
        check.result = result
        check.findings = ctx.data.get("findings", "")
        check.result_recorded_on = ctx.on
        ctx.detail.update(result=result, findings=check.findings)

    return effect


def find_not_eligible(ctx: ActionContext) -> None:
    _opinion(ctx, "township_check", "reject", ctx.data["reasons"])


def _evidence_ids(ctx: ActionContext) -> list[int]:
    ids: list[int] = list(dict.fromkeys(ctx.data.get("evidence_ids") or []))
    if ids:
        found = set(
            ctx.session.exec(
                select(Evidence.id).where(col(Evidence.id).in_(ids), Evidence.case_id == ctx.case_id)
            ).all()
        )
        missing = [i for i in ids if i not in found]
        if missing:
            raise InvalidInput.field("evidence_ids", f"本案没有编号为{missing}的材料")
    return ids


def raise_objection(ctx: ActionContext) -> None:
    ids = _evidence_ids(ctx)
    ctx.session.add(
        Objection(
            case_id=ctx.case_id,
            recorded_by=ctx.actor.user_id,
            kind="applicant",
            raised_on=ctx.on,
            raised_by=ctx.data.get("raised_by") or ctx.actor.display_name,
            real_name=True,
            content=ctx.data["content"],
            evidence_id=ids[0] if ids else None,
        )
    )
    ctx.detail.update(content=ctx.data["content"], evidence_ids=ids)


def recheck(decision: str) -> Effect:
    def effect(ctx: ActionContext) -> None:
        if decision == "reject":
            _opinion(ctx, "recheck", "reject", ctx.data["reasons"])
        else:
            ctx.session.add(
                Opinion(
                    case_id=ctx.case_id,
                    recorded_by=ctx.actor.user_id,
                    stage="recheck",
                    decision="approve",
                    reasons=ctx.data["reasons"],
                )
            )
            ctx.detail["decision"] = decision
            _check_again(ctx)

    return effect


def _check_again(ctx: ActionContext) -> None:
    """65号 第十五条: when the recheck upholds an objection to the county's information check, the
    check goes back to the county with the applicant's evidence; the initial opinion, which needs a
    qualified check, waits for the new result."""
    if ctx.case.procedure != "illness_poverty":
        return
    latest = ctx.session.exec(
        select(InformationCheck)
        .where(InformationCheck.case_id == ctx.case_id)
        .order_by(col(InformationCheck.id).desc())
    ).first()
    if latest is not None and latest.result == "not_qualified":
        ctx.session.add(
            InformationCheck(case_id=ctx.case_id, recorded_by=ctx.actor.user_id, requested_on=ctx.on)
        )
        ctx.detail["information_check"] = "requested_again"


def close_not_qualified(ctx: ActionContext) -> None:
    ctx.detail["waived"] = bool(ctx.data.get("waived"))
    _note(ctx)


def record_investigation(ctx: ActionContext) -> None:
    if ctx.data["conducted_on"] > ctx.on:
        raise InvalidInput.field("conducted_on", "调查日期不能晚于记录日期")
    ctx.session.add(
        Investigation(
            case_id=ctx.case_id,
            recorded_by=ctx.actor.user_id,
            method=ctx.data["method"],
            level=ctx.actor.role,
            conducted_on=ctx.data["conducted_on"],
            investigators=ctx.data["investigators"],
            findings=ctx.data["findings"],
            emergency_reason=ctx.data.get("emergency_reason", ""),
        )
    )
    ctx.detail.update(method=ctx.data["method"], conducted_on=ctx.data["conducted_on"].isoformat())


def _publicise(ctx: ActionContext, stage: str) -> Publicity:
    # The 7 days run in real time from when the posting is recorded: a posting entered late
    # starts its period on the day it is entered, so that no backdated act shortens it.
    earliest = max(ctx.on, ctx.today)
    starts_on: date = ctx.data.get("starts_on") or earliest
    latest = ctx.on + timedelta(days=PUBLICITY_LEAD_DAYS)
    if not earliest <= starts_on <= latest:
        span = f"{earliest.isoformat()}至{latest.isoformat()}"
        raise InvalidInput.field(
            "starts_on", f"公示开始日期应在{span}之间（自录入之日起算，最多提前{PUBLICITY_LEAD_DAYS}日公告）"
        )
    rounds = ctx.session.exec(
        select(Publicity).where(Publicity.case_id == ctx.case_id, Publicity.stage == stage)
    ).all()
    # The posting day itself is not counted (民法典 第二百零一条); a last day that falls on a
    # holiday moves to the next working day (第二百零三条).
    ends_on = ctx.calendar.add_calendar_days(starts_on, PUBLICITY_DAYS).due_on
    publicity = Publicity(
        case_id=ctx.case_id,
        recorded_by=ctx.actor.user_id,
        stage=stage,
        round=len(rounds) + 1,
        starts_on=starts_on,
        ends_on=ends_on,
        place=ctx.data["place"],
    )
    ctx.session.add(publicity)
    ctx.detail.update(
        stage=stage, round=publicity.round, starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat()
    )
    return publicity


def start_publicity(ctx: ActionContext) -> None:
    if ctx.case.procedure == "illness_poverty":
        # 65号 第十六条: the township's initial opinion is what is publicised.
        _opinion(ctx, "initial", "approve", ctx.data.get("reasons") or "经调查核实，拟认定为因病致贫重病患者")
    _publicise(ctx, "township")


def start_simplified_publicity(ctx: ActionContext) -> None:
    _publicise(ctx, "township")


def _open_publicity(ctx: ActionContext) -> Publicity:
    publicity = ctx.session.exec(
        select(Publicity)
        .where(Publicity.case_id == ctx.case_id, col(Publicity.closed_on).is_(None))
        .order_by(col(Publicity.id).desc())
    ).first()
    assert publicity is not None, "guarded by PUBLICITY_OPEN / PUBLICITY_OVER"
    return publicity


def record_objection(ctx: ActionContext) -> None:
    publicity = _open_publicity(ctx)
    if ctx.on > publicity.ends_on:
        raise InvalidInput.field("on", f"公示期已于{publicity.ends_on.isoformat()}届满")
    ids = _evidence_ids(ctx)
    publicity.objections_raised = True
    ctx.session.add(
        Objection(
            case_id=ctx.case_id,
            recorded_by=ctx.actor.user_id,
            kind="publicity",
            publicity_id=publicity.id,
            raised_on=ctx.on,
            raised_by=ctx.data.get("raised_by", ""),
            real_name=bool(ctx.data.get("real_name")),
            content=ctx.data["content"],
            evidence_id=ids[0] if ids else None,
        )
    )
    ctx.detail.update(publicity_id=publicity.id, real_name=bool(ctx.data.get("real_name")))
    if ctx.data.get("real_name"):
        ctx.detail["report_id"] = reports.register_objection(
            ctx.session, ctx.case, ctx.actor.user_id, ctx.on, ctx.data
        )


def close_publicity(ctx: ActionContext) -> None:
    publicity = _open_publicity(ctx)
    publicity.closed_on = ctx.on
    ctx.detail.update(publicity_id=publicity.id, objections=publicity.objections_raised)
    _note(ctx)


def record_appraisal(ctx: ActionContext) -> None:
    ctx.session.add(
        Appraisal(
            case_id=ctx.case_id,
            recorded_by=ctx.actor.user_id,
            held_on=ctx.data["held_on"],
            participants=ctx.data["participants"],
            result=ctx.data["result"],
            minutes=ctx.data["minutes"],
        )
    )
    ctx.detail["result"] = ctx.data["result"]


def give_initial_opinion(ctx: ActionContext) -> None:
    _opinion(ctx, "initial", ctx.data["decision"], ctx.data["reasons"])


def refer_direct(ctx: ActionContext) -> None:
    reasons = (
        ctx.data.get("reasons")
        or "县级乡村振兴部门认定的防返贫监测对象，未纳入低保、特困等保障范围，报请直接认定"
    )
    _opinion(ctx, "initial", "approve", reasons)


def _delegation(ctx: ActionContext) -> None:
    ctx.case.decided_by_level = ctx.actor.role
    if not may(ctx.actor, "confirm_by_own_power"):
        ctx.detail["delegated"] = True


def confirm(ctx: ActionContext) -> None:
    _opinion(ctx, "county", "approve", ctx.data["reasons"])
    _delegation(ctx)
    if ctx.case.procedure == "dibao_edge":
        _publicise(ctx, "county")
    else:
        # 65号 第十七条: the confirmed patient's details go to the medical-insurance bureau.
        ctx.case.push_status = "queued"


def confirm_without_publicity(ctx: ActionContext) -> None:
    _opinion(ctx, "county", "approve", ctx.data["reasons"])
    _delegation(ctx)
    _schedule_first_recheck(ctx)


def _schedule_recheck(ctx: ActionContext, chosen: str | None = None) -> None:
    """64号 第二十六条: the family's next recheck, yearly or half-yearly, noted in the audit event."""
    row = rechecks.schedule(ctx.session, ctx.case, ctx.on, ctx.actor.user_id, chosen)
    ctx.detail["next_recheck"] = {"due_on": row.due_on.isoformat(), "interval_months": row.interval_months}


def _schedule_first_recheck(ctx: ActionContext) -> None:
    if ctx.case.procedure == "dibao_edge":
        _schedule_recheck(ctx)


def close_county_publicity(ctx: ActionContext) -> None:
    close_publicity(ctx)
    _schedule_first_recheck(ctx)


def periodic_recheck(result: str) -> Effect:
    """64号 第二十六条: the township's recheck, beside the engine's decision on the household as
    it stands today under today's parameters."""

    def effect(ctx: ActionContext) -> None:
        decision = "approve" if result == "continue" else "reject"
        opinion = _opinion(ctx, "periodic_recheck", decision, ctx.data["reasons"], as_of=ctx.on)
        rechecks.complete(ctx.session, ctx.case, ctx.on, result, opinion.evaluation_id, ctx.actor.user_id)
        if result == "continue":
            _schedule_recheck(ctx, ctx.data.get("interval"))

    return effect


def exit_decision(decision: str) -> Effect:
    """The county confirms the exit (with a written notice) or keeps the recognition."""

    def effect(ctx: ActionContext) -> None:
        _opinion(ctx, "exit", decision, ctx.data["reasons"], as_of=ctx.on)
        _delegation(ctx)
        if decision == "approve":
            _schedule_recheck(ctx, ctx.data.get("interval"))

    return effect


def refuse(ctx: ActionContext) -> None:
    _opinion(ctx, "county", "reject", ctx.data["reasons"])
    _delegation(ctx)


def _ground(ctx: ActionContext, action: str) -> None:
    ground = ctx.data["ground"]
    grounds = GROUNDS[ctx.case.procedure]
    if ground not in grounds:
        raise InvalidInput.field("ground", f"本程序的事由应为以下之一：{'、'.join(grounds)}")
    ctx.session.add(
        Termination(
            case_id=ctx.case_id,
            recorded_by=ctx.actor.user_id,
            action=action,
            ground=ground,
            article=_cited_article(grounds[ground]),
            note=ctx.data.get("note", ""),
        )
    )
    ctx.detail.update(ground=ground, ground_text=grounds[ground])


def _cited_article(text: str) -> str:
    """ "…（64号 第二十七条（一））" → "64号 第二十七条（一）"."""
    return text[text.rindex("（6") + 1 : -1]


def suspend(ctx: ActionContext) -> None:
    _ground(ctx, "suspend")
    ctx.case.suspended_from = ctx.case.state


def resume(ctx: ActionContext) -> None:
    ctx.session.add(
        Termination(
            case_id=ctx.case_id,
            recorded_by=ctx.actor.user_id,
            action="resume",
            ground="",
            article=ctx.transition.article,
            note=ctx.data.get("note", ""),
        )
    )
    _note(ctx)


def terminate(ctx: ActionContext) -> None:
    _ground(ctx, "terminate")


def extend(ctx: ActionContext) -> None:
    ctx.case.extended = True
    ctx.case.extension_reason = ctx.data["reason"]
    deadlines.extend(ctx.session, ctx.case, "overall", ctx.workflow.overall_extended_days, ctx.calendar)
    ctx.detail["reason"] = ctx.data["reason"]


def withdraw(ctx: ActionContext) -> None:
    ctx.detail["reason"] = ctx.data.get("reason", "")


def deliver_notice(ctx: ActionContext) -> None:
    ctx.detail.update(method=ctx.data["method"], recipient=ctx.data["recipient"])
    _note(ctx)


__all__ = ["ActionContext", "Effect"]
