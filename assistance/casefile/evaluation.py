"""The rules engine's decision on a case as it stands, recorded with the case as evidence."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from assistance.access.actors import actor_for, visible_case
from assistance.casefile.household import case_file
from assistance.db import Database, for_this_transaction
from assistance.models import Case, RulesEvaluation
from assistance.parameters import parameter_table
from rules import CaseFileError, ParameterError, ParameterTable, evaluate_data
from rules.decision import ENGINE_VERSION

UNDETERMINED = "undetermined"


@dataclass(frozen=True, slots=True)
class Evaluation:
    outcome: str  # eligible | not_eligible | undetermined
    path: str | None
    decision: dict[str, Any]
    case_file: dict[str, Any]

    @property
    def eligible(self) -> bool | None:
        return None if self.outcome == UNDETERMINED else self.outcome == "eligible"


def evaluate_case(session: Session, case: Case, as_of: date | None = None) -> Evaluation:
    """Decide the stored case file. A parameter missing for the county and date leaves the engine
    undetermined (with the reason) rather than failing the act the staff member is recording.

    ``as_of`` decides the household as it stands on that date instead of the application date (a
    periodic recheck, 64号 第二十六条: the 12 months before it, the parameters in force on it)."""
    data = case_file(session, case)
    if as_of is not None:
        data["application_date"] = as_of.isoformat()
    table = parameter_table(session=session)
    # An act decides the case for its guards and again for its documents: the same case file
    # under the same parameters is decided once per transaction.
    decided: dict[tuple[str, int], Evaluation] = for_this_transaction(session, _DECIDED, dict)
    key = (json.dumps(data, sort_keys=True, default=str), id(table))
    if key not in decided:
        decided[key] = _evaluation(data, table)
    return decided[key]


_DECIDED = "decisions"  # session.info key (for_this_transaction)


def _evaluation(data: dict[str, Any], table: ParameterTable) -> Evaluation:
    try:
        decision = evaluate_data(data, table)
    except ParameterError as exc:
        return Evaluation(UNDETERMINED, None, {"outcome": UNDETERMINED, "error": f"参数未配置：{exc}"}, data)
    except CaseFileError as exc:
        return Evaluation(UNDETERMINED, None, {"outcome": UNDETERMINED, "error": str(exc)}, data)
    return Evaluation(decision.outcome, decision.path, decision.to_dict(), data)


def record_evaluation(session: Session, case: Case, user_id: int, evaluation: Evaluation) -> RulesEvaluation:
    assert case.id is not None
    row = RulesEvaluation(
        case_id=case.id,
        recorded_by=user_id,
        outcome=evaluation.outcome,
        engine_version=ENGINE_VERSION,
        case_file=evaluation.case_file,
        decision=evaluation.decision,
    )
    session.add(row)
    session.flush()
    return row


def current_decision(db: Database, user_id: int, case_id: int) -> Evaluation:
    """The engine's decision on the case file as it stands, within the user's scope, not recorded
    (a case page shows it beside the evidence)."""
    with db.reading() as session:
        case = visible_case(session, actor_for(session, user_id), case_id)
        return evaluate_case(session, case)


def record_current(db: Database, user_id: int, case_id: int) -> RulesEvaluation:
    """Decide the case file as it stands and keep the decision with the case as evidence."""
    with db.transaction() as session:
        actor = actor_for(session, user_id)
        case = visible_case(session, actor, case_id)
        return record_evaluation(session, case, actor.user_id, evaluate_case(session, case))
