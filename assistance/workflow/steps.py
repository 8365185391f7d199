"""The steps of each procedure that staff owe within a time: a state in which the case waits on
them, and the working days they have once it is entered. Where the regulation gives the number
it is fixed (65号 第十四条 has none, 第十五条 has 3 to start the investigation); where it asks for
the step “及时” (64号 第十九条、第二十二条、第二十三条) the county sets its own days, and these are
the defaults until it does (``Area.step_days``, keyed ``dibao_edge.investigation``;
``PUT /api/v1/areas/{county}/step-days``).

The overall limit and the periods that acts start (objection windows, rechecks, the 65号 county
review) are declared on the transitions (``starts``); a step here is met by leaving its state.
A publicity's step is counted from the publicity's last day: closing it is what is owed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Step:
    state: str
    label: str
    article: str
    days: int  # working days: the regulation's, or the default a county may change
    settable: bool = True
    after_publicity: bool = False

    @property
    def kind(self) -> str:
        return step_kind(self.state)


def step_kind(state: str) -> str:
    """The deadline kind of the step owed in ``state``."""
    return f"step_{state}"


_EDGE: Final = "64号"
_ILLNESS: Final = "65号"

STEPS: Final[dict[str, tuple[Step, ...]]] = {
    "dibao_edge": (
        Step("filed", "材料审查（受理）期限", f"{_EDGE} 第十七条（县级规定期限）", 5),
        Step("accepted", "提请信息核对期限", f"{_EDGE} 第十九条“及时提请”", 2),
        Step("information_check", "县级信息核对反馈期限", f"{_EDGE} 第十九条“及时反馈”", 10),
        Step("investigation", "调查核实期限", f"{_EDGE} 第二十一条（县级规定期限）", 10),
        Step("publicity", "公示期满后结束公示期限", f"{_EDGE} 第二十二条", 2, after_publicity=True),
        Step("appraisal", "民主评议期限", f"{_EDGE} 第二十二条“公示结束后及时”", 5),
        Step("initial_opinion", "初审意见报送期限", f"{_EDGE} 第二十二条", 3),
        Step("county_review", "县级审查确认期限", f"{_EDGE} 第二十三条（县级规定期限）", 10),
        Step("county_publicity", "确认公示期满后认定期限", f"{_EDGE} 第二十三条", 2, after_publicity=True),
    ),
    "illness_poverty": (
        Step("filed", "材料审查（受理）期限", f"{_ILLNESS} 第十四条（县级规定期限）", 5),
        Step("investigation", "调查核实期限", f"{_ILLNESS} 第十五条（县级规定期限）", 10),
        Step(
            "publicity", "公示期满后报送县级期限", f"{_ILLNESS} 第十六条“及时报送”", 2, after_publicity=True
        ),
    ),
}

# A county's days for a step: at least one, at most what the overall 30-working-day limit allows.
LOWEST_DAYS: Final = 1
HIGHEST_DAYS: Final = 30


def step_for(procedure: str, state: str) -> Step | None:
    return next((s for s in STEPS.get(procedure, ()) if s.state == state), None)


def setting_key(procedure: str, step: Step) -> str:
    """How a county's setting names a step: ``dibao_edge.investigation``."""
    return f"{procedure}.{step.state}"


def settable() -> dict[str, Step]:
    return {setting_key(p, s): s for p, steps in STEPS.items() for s in steps if s.settable}


def days_for(procedure: str, step: Step, county_days: dict[str, int] | None) -> int:
    key = setting_key(procedure, step)
    if step.settable and county_days and key in county_days:
        return int(county_days[key])
    return step.days
