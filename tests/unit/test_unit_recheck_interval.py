"""How often a recognised 低保边缘家庭 is checked again (64号 第二十六条)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rules.idnumber import check_character
from rules.parsing import parse_case_file
from rules.recheck import add_months, recheck_interval


def id_number(born: str, serial: int) -> str:
    first17 = f"140802{born.replace('-', '')}{serial:03d}"
    return first17 + check_character(first17)


def case(incomes: list[dict[str, Any]], births: list[str]) -> Any:
    members = [
        {"id": f"m{i}", "name": f"成员{i}", "id_number": id_number(born, i),
         "relation": "self" if i == 1 else "child", "hukou_region": "140802"}
        for i, born in enumerate(births, start=1)
    ]  # fmt: skip
    return parse_case_file(
        {
            "schema_version": 1,
            "procedure": "dibao_edge",
            "application_date": "2026-03-01",
            "county": "140802",
            "hukou_type": "urban",
            "members": members,
            "incomes": incomes,
        }
    )


@pytest.mark.parametrize(
    ("incomes", "births", "months"),
    [
        ([{"member": "m1", "kind": "migrant", "amount": "20000.00", "months": 10}], ["1980-05-01"], 6),
        ([{"member": "m1", "kind": "wage", "amount": "20000.00"}], ["1980-05-01"], 12),
        # An unstable income, but nobody of working age (60 and over, under 16).
        ([{"member": "m1", "kind": "business", "amount": "8000.00"}], ["1965-01-01", "2012-01-01"], 12),
        # 16 today counts; 60 today no longer does.
        ([{"member": "m1", "kind": "flexible", "months": 12}], ["1966-03-01", "2010-03-01"], 6),
    ],
)
def test_interval(incomes: list[dict[str, Any]], births: list[str], months: int) -> None:
    found = recheck_interval(case(incomes, births), date(2026, 3, 1))
    assert found.months == months
    assert found.article == "64号 第二十六条" and "核查一次" in found.explanation


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(date(2025, 10, 20), 6) == date(2026, 4, 20)
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert add_months(date(2025, 12, 31), 12) == date(2026, 12, 31)
