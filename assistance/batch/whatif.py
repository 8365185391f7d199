"""Policy what-if: the county's current cases decided again under proposed parameters (a new
dibao standard, say), to see who would enter or leave, at once. Nothing about any case changes.

The cases are read and decided as one chunk of the ``what_if`` batch job (``deciding``), so the
answer at once and the job's agree case by case."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa

from assistance.access import JOBS, actor_for, require
from assistance.batch.deciding import CASES, read_and_decide
from assistance.batch.job_kinds import override_problems, overrides_probe
from assistance.casefile.populations import SELECT
from assistance.db import Database
from assistance.errors import FieldProblem, Forbidden, InvalidInput
from assistance.parameters import parameter_table
from rules import CaseFileError, ParameterError, evaluate, parse_case_file
from rules.parameters import ParameterTable


def _check(overrides: Mapping[str, Any], table: ParameterTable, today: date) -> None:
    """Refuse overrides the parser or the engine would not take, each under its own field, whether
    or not the county has a case to decide."""
    try:
        evaluate(parse_case_file(overrides_probe(overrides, today)), table)
    except ParameterError:
        pass  # a value the probe itself needs: the overrides were read
    except CaseFileError as exc:
        problems = override_problems(exc, "overrides")
        raise InvalidInput("测算参数有误", problems or [FieldProblem("overrides", str(exc))]) from exc


def what_if(db: Database, user_id: int, county: str, overrides: Any, today: date) -> dict[str, Any]:
    if not isinstance(overrides, Mapping) or not overrides:
        raise InvalidInput.field("overrides", '请给出测算参数，如 {"dibao_standard.urban": "800.00"}')
    with db.reading() as session:
        actor = actor_for(session, user_id)
        require(actor, "run_batch_jobs")
        if not JOBS.allows(actor, county):
            raise Forbidden("只有本县民政部门工作人员可以测算本县案件")
        _check(overrides, parameter_table(session=session), today)
        last = session.execute(sa.select(sa.func.max(CASES.c.id)).where(SELECT["what_if"](county))).scalar()
    params = {"overrides": {str(k): str(v) for k, v in overrides.items()}}
    refs, heads, outcomes = read_and_decide(db, "what_if", county, params, 0, last) if last else ([], {}, [])
    rows = [
        {
            "case": ref.id,
            "number": ref.number,
            "procedure": ref.procedure,
            "state": ref.state,
            "applicant": heads.get(ref.applicant_member_id or 0, ""),
            "current": current.outcome,
            "proposed": proposed.outcome,
            "per_capita_monthly": current.per_capita,
            "note": current.note or proposed.note,
        }
        for ref, (current, proposed) in zip(refs, outcomes, strict=True)
    ]
    entering = [r for r in rows if r["current"] != "eligible" and r["proposed"] == "eligible"]
    leaving = [r for r in rows if r["current"] == "eligible" and r["proposed"] != "eligible"]
    return {
        "county": county,
        "overrides": params["overrides"],
        "evaluated_on": today.isoformat(),
        "cases": len(rows),
        "entering": entering,
        "leaving": leaving,
        "unchanged": len(rows) - len(entering) - len(leaving),
        "undetermined": [r for r in rows if "undetermined" in (r["current"], r["proposed"])],
        "note": "测算结果仅供政策研究，不改变任何案件，也不作为认定依据。",
    }
