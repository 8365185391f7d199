"""The result of one eligibility criterion: what was tested, under which article, with which
figures, and a one-sentence Chinese explanation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

Result = Literal["pass", "fail", "not_applicable"]
PASS: Final = "pass"
FAIL: Final = "fail"
NOT_APPLICABLE: Final = "not_applicable"


# The result types of a decision are plain (not frozen) slotted dataclasses: about twenty are
# built per decision, and a frozen dataclass takes four times as long to construct. Treat them
# as immutable all the same.
@dataclass(slots=True)
class Criterion:
    id: str
    title: str
    result: Result
    article: str
    explanation: str
    figures: dict[str, str] = field(default_factory=dict)
    # False where another path (64号 第十五条 direct recognition) makes this criterion moot.
    decisive: bool = True

    @property
    def passed(self) -> bool:
        return self.result != FAIL

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "result": self.result,
            "article": self.article,
            "figures": self.figures,
            "explanation": self.explanation,
            "decisive": self.decisive,
        }


def outcome_of(result: bool) -> Result:
    return PASS if result else FAIL
