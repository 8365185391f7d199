"""The parameter values of a what-if's listed decisions, each set named once (issue 21)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from assistance.screening.explained import ThresholdSets, expand
from rules.parameters import ParameterValue


def _value(kind: str, area: str, amount: str) -> ParameterValue:
    return ParameterValue(kind, kind, "元", "140802", area, date(2024, 1, 1), Decimal(amount), "测试")


def test_one_set_is_named_alike_whatever_the_order_or_the_process() -> None:
    standard, multiplier = (
        _value("dibao_standard", "urban", "715.00"),
        _value("edge_upper_multiplier", "*", "1.5"),
    )
    here, elsewhere = ThresholdSets(), ThresholdSets()
    first = here.name({standard.key: standard, multiplier.key: multiplier})
    # The same values, as other objects, in another order, in another process's sets.
    copies = [_value("edge_upper_multiplier", "*", "1.5"), _value("dibao_standard", "urban", "715.00")]
    assert elsewhere.name({v.key: v for v in copies}) == first
    assert here.name({standard.key: standard, multiplier.key: multiplier}) == first
    assert here.named == {first: {"dibao_standard.urban": "715.00", "edge_upper_multiplier": "1.5"}}
    other = here.name({standard.key: _value("dibao_standard", "urban", "760.00")})
    assert other != first and len(here.named) == 2


def test_a_line_gets_its_values_back_and_an_older_line_is_left_as_it_was() -> None:
    named = {"a1": {"dibao_standard.urban": "715.00"}}
    line = {"number": "X1", "baseline": {"outcome": "eligible", "thresholds": "a1"}, "reform": None}
    assert expand(line, named) == {
        "number": "X1",
        "baseline": {"outcome": "eligible", "thresholds": {"dibao_standard.urban": "715.00"}},
        "reform": None,
    }
    assert line["baseline"] == {"outcome": "eligible", "thresholds": "a1"}  # the stored line is not changed
    older = {"number": "X2", "baseline": {"thresholds": {"dibao_standard.urban": "700.00"}}, "reform": None}
    assert expand(older, named) == older
