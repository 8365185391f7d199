"""The engine's decision: outcome, the figures behind it, and every criterion explained.

Its JSON form is published as ``schemas/decision.schema.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from rules import vocabulary as v
from rules.criteria import FAIL, Criterion
from rules.household import Household
from rules.income import IncomeAssessment
from rules.parameters import ParameterValue
from rules.property import Holdings
from rules.thresholds import thresholds_to_list

ELIGIBLE: Final = "eligible"
NOT_ELIGIBLE: Final = "not_eligible"
ENGINE_VERSION: Final = "1"

PATHS: Final = {
    "standard": "一般程序",
    "direct": "直接认定（64号 第十五条）",
    "simplified": "简化程序（64号 第十五条）",
}


@dataclass(slots=True)
class Decision:
    procedure: str
    application_date: date
    county: str
    area: str
    outcome: str
    path: str | None
    referral: str | None
    summary: str
    household: Household
    income: IncomeAssessment
    criteria: tuple[Criterion, ...]
    holdings: Holdings
    thresholds: dict[str, ParameterValue]
    warnings: tuple[str, ...] = ()
    medical: dict[str, Any] | None = field(default=None)

    @property
    def eligible(self) -> bool:
        return self.outcome == ELIGIBLE

    @property
    def failed(self) -> list[Criterion]:
        return [c for c in self.criteria if c.result == FAIL and c.decisive]

    def criterion(self, criterion_id: str) -> Criterion:
        return next(c for c in self.criteria if c.id == criterion_id)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "engine_version": ENGINE_VERSION,
            "procedure": self.procedure,
            "procedure_name": v.PROCEDURES[self.procedure],
            "application_date": self.application_date.isoformat(),
            "county": self.county,
            "area": self.area,
            "outcome": self.outcome,
            "path": self.path,
            "referral": self.referral,
            "summary": self.summary,
            "household": self.household.to_dict(),
            "income": self.income.to_dict(),
            "property": self.holdings.to_dict(),
            "criteria": [c.to_dict() for c in self.criteria],
            "thresholds": thresholds_to_list(self.thresholds),
            "warnings": list(self.warnings),
        }
        if self.medical is not None:
            data["medical"] = self.medical
        return data


def summarise(procedure: str, eligible: bool, path: str | None, failed: list[Criterion]) -> str:
    name = "低保边缘家庭" if procedure == v.DIBAO_EDGE else "因病致贫重病患者"
    if eligible:
        article = "64号 第二条" if procedure == v.DIBAO_EDGE else "65号 第六条"
        if path == "direct":
            return f"属于防返贫监测对象，可直接认定为{name}（64号 第十五条）。"
        if path == "simplified":
            return f"符合{name}认定条件，可经公示后按简化程序认定（64号 第十五条）。"
        return f"符合{name}认定条件（{article}）。"
    reasons = "；".join([f"{c.title}（{c.article}）" for c in failed])
    return f"不符合{name}认定条件：{reasons}。"
