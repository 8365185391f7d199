"""Periodic rechecks of recognised 低保边缘家庭 (64号 第二十六条): scheduled when a family is
recognised and after each recheck, listed per township when due, done through the workflow's
acts (``recheck_continue``, ``recheck_exit``, then the county's ``confirm_exit`` or
``keep_recognised``), each recorded with the rules engine's decision on the household as it stands
on the day of the recheck, under the parameters in force that day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from assistance.access import RECHECKS, actor_for, require
from assistance.casefile.household import case_file
from assistance.db import Database
from assistance.models import Area, Case, Member, PeriodicRecheck
from assistance.models.rechecks import CANCELLED, DONE, DUE
from rules import CaseFileError
from rules.parsing import parse_case_file
from rules.recheck import ARTICLE, HALF_YEARLY_MONTHS, YEARLY_MONTHS, add_months, recheck_interval

INTERVALS = {"yearly": YEARLY_MONTHS, "half_yearly": HALF_YEARLY_MONTHS}


def _interval(session: Session, case: Case, on: date, chosen: str | None) -> tuple[int, str]:
    if chosen:
        months = INTERVALS[chosen]
        label = "每年" if months == YEARLY_MONTHS else "每半年"
        return months, f"经办人员确定{label}核查一次（{ARTICLE}）。"
    data = case_file(session, case)
    data["application_date"] = on.isoformat()
    try:
        found = recheck_interval(parse_case_file(data), on)
    except CaseFileError:
        return YEARLY_MONTHS, f"案卷不完整，暂按每年核查一次（{ARTICLE}）。"
    return found.months, found.explanation


def open_recheck(session: Session, case: Case) -> PeriodicRecheck | None:
    return session.exec(
        select(PeriodicRecheck)
        .where(PeriodicRecheck.case_id == case.id, PeriodicRecheck.status == DUE)
        .order_by(col(PeriodicRecheck.id).desc())
    ).first()


def schedule(
    session: Session, case: Case, on: date, user_id: int, chosen: str | None = None
) -> PeriodicRecheck:
    """The next recheck, counted from ``on``; one still open is replaced."""
    assert case.id is not None
    previous = open_recheck(session, case)
    if previous is not None:
        previous.status = CANCELLED
    months, basis = _interval(session, case, on, chosen)
    row = PeriodicRecheck(
        case_id=case.id,
        township_id=case.township_id,
        scheduled_on=on,
        due_on=add_months(on, months),
        interval_months=months,
        basis=basis,
        recorded_by=user_id,
    )
    session.add(row)
    return row


def complete(
    session: Session, case: Case, on: date, result: str, evaluation_id: int | None, user_id: int
) -> None:
    """The recheck that was due is done (a recheck ahead of its date, on reported changes, also
    counts as done)."""
    row = open_recheck(session, case)
    if row is None:
        return
    row.status, row.done_on, row.result = DONE, on, result
    row.evaluation_id, row.recorded_by = evaluation_id, user_id


def due_rechecks(db: Database, user_id: int, today: date, within_days: int = 30) -> list[dict[str, Any]]:
    """Rechecks due within ``within_days`` of today, or overdue, in the user's area, soonest first."""
    with db.reading() as session:
        actor = actor_for(session, user_id)
        require(actor, "review_rechecks")
        query = (
            select(PeriodicRecheck, Case)
            .join(Case, col(Case.id) == col(PeriodicRecheck.case_id))
            .where(
                PeriodicRecheck.status == DUE,
                col(PeriodicRecheck.due_on) <= today + timedelta(days=within_days),
            )
        )
        query = query.where(RECHECKS.where(actor, col(Case.county_code), col(PeriodicRecheck.township_id)))
        rows = session.exec(query.order_by(col(PeriodicRecheck.due_on), col(Case.id))).all()
        areas = {c.village_id for _, c in rows} | {c.township_id for _, c in rows}
        names = (
            {a.id: a.name for a in session.exec(select(Area).where(col(Area.id).in_(areas))).all()}
            if areas
            else {}
        )
        heads = {
            m.id: m.name
            for m in session.exec(
                select(Member).where(col(Member.id).in_([c.applicant_member_id for _, c in rows]))
            ).all()
        } if rows else {}  # fmt: skip
        return [
            {
                "id": r.id,
                "case_id": c.id,
                "number": c.number,
                "applicant": heads.get(c.applicant_member_id, ""),
                "township": names.get(c.township_id, ""),
                "village": names.get(c.village_id, ""),
                "scheduled_on": r.scheduled_on.isoformat(),
                "due_on": r.due_on.isoformat(),
                "interval_months": r.interval_months,
                "basis": r.basis,
                "overdue": r.due_on < today,
                "days_left": (r.due_on - today).days,
            }
            for r, c in rows
        ]


# States a case can have reached only through recognition: the only ones with rechecks.
_RECOGNISED_STATES = frozenset({"recognised", "exit_review", "exited"})


def case_rechecks(session: Session, case: Case) -> list[dict[str, Any]]:
    if case.procedure != "dibao_edge" or case.state not in _RECOGNISED_STATES:
        return []  # only a recognised family is rechecked (64号 第二十六条)
    rows = session.exec(
        select(PeriodicRecheck).where(PeriodicRecheck.case_id == case.id).order_by(col(PeriodicRecheck.id))
    ).all()
    return [
        {
            "id": r.id,
            "scheduled_on": r.scheduled_on.isoformat(),
            "due_on": r.due_on.isoformat(),
            "interval_months": r.interval_months,
            "basis": r.basis,
            "status": r.status,
            "done_on": r.done_on.isoformat() if r.done_on else None,
            "result": r.result,
            "evaluation_id": r.evaluation_id,
        }
        for r in rows
    ]


__all__ = ["INTERVALS", "case_rechecks", "complete", "due_rechecks", "open_recheck", "schedule"]
