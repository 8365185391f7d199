"""The speed-ups of the explained engine keep its answers: the compiled reading plan
(rules.plan) builds the records the dataclasses would, the values a decision resolves for its
county, area and date are shared only where they are the same, and the fast ID check is the
standard one."""

from __future__ import annotations

import dataclasses
import random
from datetime import date
from decimal import Decimal
from typing import Any

from unit_casedata import check_char, edge_case, family_of_three, member

from rules import evaluate, load_parameters, parse_case_file
from rules.casefile import CaseFile
from rules.idnumber import check_character
from rules.parameters import ParameterTable, ParameterValue
from rules.thresholds import Thresholds


def records_in(value: Any) -> list[Any]:
    """Every declared record in a parsed case file, the case file first."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found = [value]
        for field in dataclasses.fields(value):
            found += records_in(getattr(value, field.name))
        return found
    if isinstance(value, tuple):
        return [record for item in value for record in records_in(item)]
    return []


def test_a_record_read_through_the_plan_is_the_one_its_dataclass_builds() -> None:
    """The plan builds records through their slots; rebuilding each through the dataclass's own
    ``__init__`` (``replace`` calls it) must give the same record, every default included."""
    data = family_of_three(
        incomes=[
            {"member": "m1", "kind": "wage", "amount": "24000.00"},
            {"member": "m2", "kind": "flexible", "months": 6},
            {
                "member": "m3",
                "kind": "support",
                "support": {"relation": "child", "basis": "legal_document"},
                "amount": "1200",
            },
        ],
        assets=[{"owner": "m1", "kind": "house"}, {"owner": "m2", "kind": "deposit", "value": 300}],
        monitoring_household={"category": "edge_prone"},
    )
    case = parse_case_file(data)
    checked = 0
    for record in records_in(case):
        assert dataclasses.replace(record) == record
        checked += 1
    assert checked >= 10


def test_a_default_made_by_a_factory_is_new_for_each_case_file() -> None:
    first, second = parse_case_file(edge_case()), parse_case_file(edge_case())
    assert first.parameter_overrides == {} and first.parameter_overrides is not second.parameter_overrides
    assert isinstance(first, CaseFile)


def test_a_what_if_value_never_reaches_the_values_shared_by_place_and_day() -> None:
    table = load_parameters()
    what_if = evaluate(parse_case_file(edge_case(parameter_overrides={"dibao_standard": "800.00"})), table)
    assert what_if.thresholds["dibao_standard.urban"].amount == Decimal("800.00")
    plain = evaluate(parse_case_file(edge_case()), table)
    assert plain.thresholds["dibao_standard.urban"].amount == Decimal("715.00")
    assert not plain.thresholds["dibao_standard.urban"].overridden
    assert not plain.warnings


def test_values_shared_by_place_and_day_are_kept_apart_by_date() -> None:
    """A batch may span a parameter change: each day resolves its own value."""

    def value(on: date, amount: str) -> ParameterValue:
        return ParameterValue(
            "dibao_standard", "低保标准", "元", "140802", "urban", on, Decimal(amount), "测试"
        )

    table = ParameterTable([value(date(2024, 1, 1), "700.00"), value(date(2025, 1, 1), "760.00")])
    before = Thresholds(table, parse_case_file(edge_case(application_date="2024-12-31")))
    after = Thresholds(table, parse_case_file(edge_case(application_date="2025-01-01")))
    for _ in range(2):  # the second time from what the first resolved
        assert before.amount("dibao_standard") == Decimal("700.00")
        assert after.amount("dibao_standard") == Decimal("760.00")
    rural = Thresholds(table, parse_case_file(edge_case(hukou_type="rural")))
    assert table.resolved_at("140802", "rural", date(2025, 3, 10)) == {}
    assert rural.amount("dibao_standard", "urban") == Decimal("760.00")
    assert table.resolved_at("140802", "rural", date(2025, 3, 10)) == {}


def test_the_check_character_is_the_standard_weighted_sum() -> None:
    rng = random.Random(21)
    for _ in range(5000):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        assert check_character(first17) == check_char(first17)


def test_a_member_read_twice_through_the_plan_keeps_its_errors() -> None:
    """The fast paths never decide an error: a value they do not take goes to the general reader,
    which reports it as before."""
    data = edge_case(members=[member("m1", "self", date(1980, 3, 15), hukou_region=" 1408 ", note=1)])
    errors: dict[str, str] = {}
    try:
        parse_case_file(data)
    except Exception as exc:
        errors = {e.field: e.message for e in exc.errors}  # type: ignore[attr-defined]
    assert errors == {"members[0].hukou_region": "行政区划代码应为6位数字", "members[0].note": "应为字符串"}
