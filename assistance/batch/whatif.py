"""Policy what-if: the county's current cases decided again under proposed parameters (a new
dibao standard, say), to see who would enter or leave. Nothing about any case changes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlmodel import col, select

from assistance.access import JOBS, actor_for, require
from assistance.casefile.household import case_file
from assistance.db import Database
from assistance.errors import FieldProblem, Forbidden, InvalidInput
from assistance.models import Case, Member
from assistance.parameters import parameter_table
from assistance.workflow import WORKFLOWS
from rules import CaseFileError, ParameterError, evaluate_data
from rules.money import yuan
from rules.parameters import ParameterTable

# Cases still being decided, and families already recognised: those a new standard affects.
CURRENT_STATES = ("recognised",)


def _outcome(data: dict[str, Any], table: ParameterTable) -> tuple[str, str | None, str | None]:
    """(outcome, per-capita monthly income, the reason it could not be decided)."""
    try:
        decision = evaluate_data(data, table)
    except ParameterError as exc:
        return "undetermined", None, f"参数未配置：{exc}"
    return decision.outcome, yuan(decision.income.per_capita_monthly), None


def what_if(db: Database, user_id: int, county: str, overrides: Any, today: date) -> dict[str, Any]:
    if not isinstance(overrides, Mapping) or not overrides:
        raise InvalidInput.field("overrides", '请给出测算参数，如 {"dibao_standard.urban": "800.00"}')
    with db.reading() as session:
        actor = actor_for(session, user_id)
        require(actor, "run_batch_jobs")
        if not JOBS.allows(actor, county):
            raise Forbidden("只有本县民政部门工作人员可以测算本县案件")
        open_states = {s for w in WORKFLOWS.values() for s in w.open_states}
        cases = session.exec(
            select(Case)
            .where(Case.county_code == county, col(Case.state).in_([*open_states, *CURRENT_STATES]))
            .order_by(col(Case.id))
        ).all()
        table = parameter_table(session=session)
        rows = []
        for case in cases:
            current_file = case_file(session, case)
            proposed_file = {**current_file, "parameter_overrides": dict(overrides)}
            try:
                proposed = _outcome(proposed_file, table)
            except CaseFileError as exc:
                raise InvalidInput(
                    "测算参数有误",
                    [
                        FieldProblem(e.field.replace("parameter_overrides", "overrides"), e.message)
                        for e in exc.errors
                    ],
                ) from exc
            current = _outcome(current_file, table)
            applicant = session.get(Member, case.applicant_member_id) if case.applicant_member_id else None
            rows.append(
                {
                    "case": case.id,
                    "number": case.number,
                    "procedure": case.procedure,
                    "state": case.state,
                    "applicant": applicant.name if applicant else "",
                    "current": current[0],
                    "proposed": proposed[0],
                    "per_capita_monthly": current[1],
                    "note": current[2] or proposed[2] or "",
                }
            )
    entering = [r for r in rows if r["current"] != "eligible" and r["proposed"] == "eligible"]
    leaving = [r for r in rows if r["current"] == "eligible" and r["proposed"] != "eligible"]
    return {
        "county": county,
        "overrides": {k: str(v) for k, v in overrides.items()},
        "evaluated_on": today.isoformat(),
        "cases": len(rows),
        "entering": entering,
        "leaving": leaving,
        "unchanged": len(rows) - len(entering) - len(leaving),
        "undetermined": [r for r in rows if "undetermined" in (r["current"], r["proposed"])],
        "note": "测算结果仅供政策研究，不改变任何案件，也不作为认定依据。",
    }
