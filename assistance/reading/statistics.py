"""Counts for a county's or township's dashboard: cases by state, township and month, and the
cases with a deadline past due, all within the actor's area scope."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlmodel import col, select

from assistance.access import CASES, actor_for, require
from assistance.cases import deadlines
from assistance.db import Database
from assistance.models import Area, Case, CaseDeadline
from assistance.workflow import WORKFLOWS

MONTHS = 12


def _months_back(today: date, count: int) -> list[tuple[int, int]]:
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(out))


def case_statistics(db: Database, user_id: int, today: date, months: int = MONTHS) -> dict[str, Any]:
    with db.reading() as session:
        actor = actor_for(session, user_id)
        require(actor, "read_statistics")
        # Plain tuples: (procedure, state, township_id, application_date, closed_on).
        rows = [
            (c.procedure, c.state, c.township_id, c.application_date, c.closed_on)
            for c in session.exec(select(Case).where(CASES.where(actor))).all()
        ]
        overdue_rows = session.exec(
            select(CaseDeadline, Case)
            .join(Case, col(Case.id) == col(CaseDeadline.case_id))
            .where(
                CASES.where(actor),
                col(CaseDeadline.met_on).is_(None),
                col(CaseDeadline.cancelled).is_(False),
                col(CaseDeadline.due_on) < today,
            )
            .order_by(col(CaseDeadline.due_on), col(Case.id))
        ).all()
        township_ids = {r[2] for r in rows} | {c.township_id for _, c in overdue_rows}
        names = {a.id: a.name for a in session.exec(select(Area).where(col(Area.id).in_(township_ids))).all()}
        calendar = deadlines.calendar_for(session, actor.reference_revision)

    by_state: dict[str, list[dict[str, Any]]] = {}
    for procedure, workflow in WORKFLOWS.items():
        counts = Counter(state for p, state, *_ in rows if p == procedure)
        by_state[procedure] = [
            {"state": s.id, "name": s.name, "final": s.final, "count": counts[s.id]}
            for s in workflow.states
            if counts[s.id]
        ]
    open_by_township: Counter[int] = Counter(r[2] for r in rows if r[4] is None)
    closed_by_township: Counter[int] = Counter(r[2] for r in rows if r[4] is not None)
    townships = set(open_by_township) | set(closed_by_township)
    ranked = sorted(
        townships, key=lambda t: (-(open_by_township[t] + closed_by_township[t]), names.get(t, str(t)))
    )
    by_township = [
        {"name": names.get(t, str(t)), "open": open_by_township[t], "closed": closed_by_township[t]}
        for t in ranked
    ]
    filed = Counter((r[3].year, r[3].month) for r in rows)
    closed = Counter((r[4].year, r[4].month) for r in rows if r[4] is not None)
    by_month = [
        {"month": f"{y}-{m:02d}", "label": f"{y}年{m}月", "filed": filed[(y, m)], "closed": closed[(y, m)]}
        for y, m in _months_back(today, months)
    ]
    overdue = [
        {
            "case_id": case.id,
            "number": case.number,
            "procedure": case.procedure,
            "procedure_name": WORKFLOWS[case.procedure].name,
            "state_name": WORKFLOWS[case.procedure].state(case.state).name,
            "township": names.get(case.township_id, ""),
            "label": deadline.label,
            "article": deadline.article,
            "due_on": deadline.due_on.isoformat(),
            "days_overdue": (today - deadline.due_on).days,
            "late_working_days": calendar.working_days_between(deadline.due_on, today),
        }
        for deadline, case in overdue_rows
    ]
    return {
        "total": len(rows),
        "open": sum(1 for r in rows if r[4] is None),
        "by_state": by_state,
        "by_township": by_township,
        "by_month": by_month,
        "overdue": overdue,
        "overdue_cases": len({o["case_id"] for o in overdue}),
    }
