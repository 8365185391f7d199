"""rules.household: ages on the application date, exclusions, and the clergy period."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from unit_casedata import applicant, edge_case, illness_case, member

from rules import load_parameters, parse_case_file
from rules.household import Household, age_on, compose_household, years_before
from rules.thresholds import Thresholds


def household_for(data: dict[str, Any]) -> Household:
    case = parse_case_file(data)
    return compose_household(case, Thresholds(load_parameters(), case))


def household_of(*others: dict[str, Any], application_date: str = "2025-03-10") -> Household:
    return household_for(edge_case(application_date=application_date, members=[applicant(), *others]))


def status_of(household: Household, member_id: str) -> Any:
    return next(s for s in household.statuses if s.member.id == member_id)


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2007, 3, 10), date(2025, 3, 10), 18),
        (date(2007, 3, 10), date(2025, 3, 9), 17),
        (date(2007, 3, 10), date(2026, 3, 9), 18),
        (date(2004, 2, 29), date(2022, 2, 28), 17),
        (date(2004, 2, 29), date(2022, 3, 1), 18),
        (date(2004, 2, 29), date(2024, 2, 29), 20),
        (date(2025, 3, 10), date(2025, 3, 10), 0),
    ],
)
def test_age_on(born: date, on: date, age: int) -> None:
    assert age_on(born, on) == age


def test_eighteenth_birthday_on_the_application_date_is_adult() -> None:
    household = household_of(member("m2", "child", date(2007, 3, 10), name="王小明"))
    child = status_of(household, "m2")
    assert child.counted is False
    assert child.article == "64号 第九条（三）"
    assert child.explanation == "王小明（子女）已成年且能独立生活，不属于第九条所列共同生活的家庭成员。"
    assert household.size == 1


def test_day_before_the_eighteenth_birthday_is_a_minor() -> None:
    household = household_of(member("m2", "child", date(2007, 3, 11), name="王小明"))
    child = status_of(household, "m2")
    assert child.counted is True
    assert child.article == "64号 第九条（二）"
    assert "申请时17周岁，为未成年子女" in child.explanation
    assert household.size == 2


@pytest.mark.parametrize(
    ("extra", "counted", "phrase"),
    [
        ({"unable_to_live_independently": True}, True, "已成年但不能独立生活"),
        ({"full_time_student": "bachelor_or_below"}, True, "在校接受全日制本科及以下学历教育"),
        ({"full_time_student": "postgraduate"}, False, "已成年且在读全日制研究生"),
    ],
)
def test_adult_children(extra: dict[str, Any], counted: bool, phrase: str) -> None:
    household = household_of(member("m2", "child", date(2000, 1, 1), **extra))
    child = status_of(household, "m2")
    assert child.counted is counted
    assert phrase in child.explanation


def test_spouse_counts_and_parent_does_not() -> None:
    household = household_of(
        member("m2", "spouse", date(1982, 6, 11)), member("m3", "parent", date(1950, 1, 1))
    )
    assert household.counted_ids == frozenset({"m1", "m2"})
    parent = status_of(household, "m3")
    assert parent.article == "64号 第九条"
    assert "其财产依64号 第十三条不予认定" in parent.explanation


@pytest.mark.parametrize(
    ("on", "years", "expected"),
    [
        (date(2025, 3, 10), 3, date(2022, 3, 10)),
        (date(2024, 2, 29), 3, date(2021, 2, 28)),
        (date(2024, 2, 29), 4, date(2020, 2, 29)),
        (date(2024, 2, 29), 1, date(2023, 2, 28)),
        (date(2025, 2, 28), 1, date(2024, 2, 28)),
    ],
)
def test_years_before(on: date, years: int, expected: date) -> None:
    assert years_before(on, years) == expected


def clergy(since: str) -> dict[str, Any]:
    return member(
        "m2", "spouse", date(1970, 1, 1), name="释明", exclusion={"reason": "clergy", "since": since}
    )


def test_clergy_exactly_three_years_is_not_counted() -> None:
    monk = status_of(household_of(clergy("2022-03-10")), "m2")
    assert monk.counted is False
    assert monk.article == "64号 第十条（二）"
    assert "自2022-03-10起连续3年以上脱离家庭独立生活" in monk.explanation


def test_clergy_one_day_short_of_three_years_is_counted() -> None:
    monk = status_of(household_of(clergy("2022-03-11")), "m2")
    assert monk.counted is True
    assert "至申请日不满3年" in monk.explanation
    assert "仍计入家庭成员" in monk.explanation


def test_clergy_period_on_a_leap_day_application() -> None:
    assert status_of(household_of(clergy("2021-02-28"), application_date="2024-02-29"), "m2").counted is False
    assert status_of(household_of(clergy("2021-03-01"), application_date="2024-02-29"), "m2").counted is True


def test_clergy_years_come_from_the_parameter() -> None:
    members = [applicant(), clergy("2023-03-10")]
    assert status_of(household_for(edge_case(members=members)), "m2").counted is True
    two_years = edge_case(members=members, parameter_overrides={"clergy_absence_years": "2"})
    monk = status_of(household_for(two_years), "m2")
    assert monk.counted is False
    assert "连续2年以上" in monk.explanation


@pytest.mark.parametrize(
    ("reason", "article"),
    [
        ("conscript", "64号 第十条（一）"),
        ("imprisoned", "64号 第十条（三）"),
        ("drug_rehab", "64号 第十条（三）"),
        ("declared_missing", "64号 第十条（四）"),
    ],
)
def test_other_exclusions(reason: str, article: str) -> None:
    household = household_of(member("m2", "spouse", date(1982, 6, 11), exclusion={"reason": reason}))
    status = status_of(household, "m2")
    assert status.counted is False
    assert status.article == article
    assert household.size == 1


def test_county_rule_exclusion_shows_its_note() -> None:
    excluded = member(
        "m2", "spouse", date(1982, 6, 11), exclusion={"reason": "county_rule", "note": "长期失联"}
    )
    status = status_of(household_of(excluded), "m2")
    assert status.counted is False
    assert "（长期失联）" in status.explanation
    assert status.article == "64号 第十条（五）"


def test_household_note_depends_on_the_procedure() -> None:
    edge = household_for(edge_case())
    illness = household_for(illness_case())
    assert edge.note == "共同生活的家庭成员按64号 第九条、第十条认定。"
    assert "65号 第六条（四）" in illness.note
    assert edge.to_dict()["size"] == 1
