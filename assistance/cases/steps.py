"""Starting and meeting the step deadlines of ``workflow.steps``: a case entering a state whose
step staff owe within a time starts its deadline; leaving the state meets it. Suspension
(64号 第二十七条) sets it aside, and resuming starts it again from that day."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from assistance.cases import deadlines
from assistance.cases.snapshot import CaseSnapshot
from assistance.models import CaseDeadline, Publicity
from assistance.workflow.machine import DeadlineSpec
from assistance.workflow.steps import days_for, step_for, step_kind


def enter(snapshot: CaseSnapshot, state: str, on: date) -> CaseDeadline | None:
    case = snapshot.case
    step = step_for(case.procedure, state)
    if step is None:
        return None
    county = snapshot.county()
    days = days_for(case.procedure, step, county.step_days if county is not None else None)
    starts_on = _publicity_end(snapshot, on) if step.after_publicity else on
    spec = DeadlineSpec(step.kind, step.label, step.article, days)
    return deadlines.start(snapshot.session, case, spec, starts_on, snapshot.calendar())


def leave(snapshot: CaseSnapshot, state: str, on: date, *, done: bool = True) -> None:
    """The step of ``state`` is met (``done``), or set aside (a suspension)."""
    kind = step_kind(state)
    if done:
        deadlines.meet(snapshot.session, snapshot.case, (kind,), on)
        return
    for deadline in deadlines.open_deadlines(snapshot.session, snapshot.case):
        if deadline.kind == kind:
            deadline.cancelled = True


def _publicity_end(snapshot: CaseSnapshot, on: date) -> date:
    """Closing a publicity is owed from its last day: the step counts from then."""
    latest = snapshot.session.exec(
        select(Publicity).where(Publicity.case_id == snapshot.case.id).order_by(col(Publicity.id).desc())
    ).first()
    return max(on, latest.ends_on) if latest is not None else on
