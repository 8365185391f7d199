"""rules.income: the reference window, what counts, and exact per-capita comparisons."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from unit_casedata import edge_case, family_of_three, illness_case, member, write_local_parameters

from rules import ParameterTable, evaluate, load_parameters, parse_case_file
from rules.decision import Decision
from rules.household import compose_household
from rules.income import IncomeAssessment, assess_income, income_window
from rules.thresholds import Thresholds


def decide(data: dict[str, Any]) -> Decision:
    return evaluate(parse_case_file(data))


def assess(data: dict[str, Any], table: ParameterTable | None = None) -> IncomeAssessment:
    case = parse_case_file(data)
    thresholds = Thresholds(table or load_parameters(), case)
    return assess_income(case, compose_household(case, thresholds), thresholds)


def wage(amount: str, who: str = "m1", kind: str = "wage") -> dict[str, Any]:
    return {"member": who, "kind": kind, "amount": amount}


# --- the window --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("applied", "first", "last"),
    [
        (date(2025, 1, 1), date(2024, 1, 1), date(2024, 12, 31)),
        (date(2025, 1, 31), date(2024, 1, 1), date(2024, 12, 31)),
        (date(2025, 6, 18), date(2024, 6, 1), date(2025, 5, 31)),
        (date(2025, 3, 31), date(2024, 3, 1), date(2025, 2, 28)),
        (date(2024, 3, 1), date(2023, 3, 1), date(2024, 2, 29)),
        (date(2025, 12, 1), date(2024, 12, 1), date(2025, 11, 30)),
        (date(2025, 12, 31), date(2024, 12, 1), date(2025, 11, 30)),
    ],
)
def test_income_window_is_the_twelve_whole_months_before_the_application_month(
    applied: date, first: date, last: date
) -> None:
    assert income_window(applied) == (first, last)


def test_window_in_the_decision() -> None:
    income = decide(edge_case(application_date="2025-01-15")).to_dict()["income"]
    assert income["window"] == {"from": "2024-01-01", "to": "2024-12-31"}


# --- what counts -------------------------------------------------------------------------------


def test_transfer_expense_reduces_income() -> None:
    result = assess(
        edge_case(
            incomes=[
                wage("12000.00"),
                wage("2400.00", kind="pension"),
                wage("3600.00", kind="transfer_expense"),
            ]
        )
    )
    assert result.annual_total == Decimal("10800.00")
    assert result.by_category()["transfer"] == Decimal("-1200.00")
    expense = result.lines[2]
    assert expense.counted == Decimal("-3600.00")
    assert expense.category == "transfer"
    assert expense.explanation == "王建国的转移性支出3600.00元从转移性收入中扣减。"
    assert result.to_dict()["annual_total"] == "10800.00"


def test_income_never_goes_negative() -> None:
    result = assess(edge_case(incomes=[wage("1000.00"), wage("5000.00", kind="transfer_expense")]))
    assert result.annual_total == Decimal(0)
    assert result.per_capita_monthly == Decimal(0)
    assert result.to_dict()["annual_total"] == "0.00"
    assert result.to_dict()["per_capita_monthly"] == "0.00"


def test_income_of_a_member_who_does_not_count_is_not_counted() -> None:
    father = member("m4", "parent", date(1945, 1, 1), name="王大山")
    conscript = member("m5", "child", date(2004, 1, 1), name="王小兵", exclusion={"reason": "conscript"})
    data = family_of_three(
        incomes=[wage("30000.00"), wage("30000.00", "m4", "pension"), wage("9000.00", "m5")]
    )
    data["members"] += [father, conscript]
    result = assess(data)
    assert result.household_size == 3
    assert result.annual_total == Decimal("30000.00")
    pension, soldier = result.lines[1], result.lines[2]
    assert pension.counted == Decimal(0)
    assert pension.reported == Decimal("30000.00")
    assert pension.article == "64号 第九条"
    assert pension.explanation == "王大山不计入家庭成员，其离退休金不计入家庭收入。"
    assert soldier.counted == Decimal(0)
    assert soldier.article == "64号 第十条（一）"


def test_excluded_kind_is_reported_but_not_counted() -> None:
    result = assess(edge_case(incomes=[wage("960.00", kind="family_planning_benefit")]))
    line = result.lines[0]
    assert (line.reported, line.counted) == (Decimal("960.00"), Decimal(0))
    assert line.article == "64号 第十二条、65号 第九条（五）"


def test_migrant_income_deducts_the_work_cost() -> None:
    # 30% of the urban dibao standard (盐湖区 715.00) for each month away: 715 × 0.3 × 10 = 2145.
    item = {"member": "m1", "kind": "migrant", "amount": "30000.00", "months": 10}
    result = assess(edge_case(hukou_type="rural", incomes=[item]))
    assert result.lines[0].counted == Decimal("27855.00")
    assert "（城市低保标准715.00元×30%×10个月=2145.00元）后计27855.00元" in result.lines[0].explanation


def test_flexible_income_uses_minimum_wage_unless_declared_is_higher(tmp_path: Path) -> None:
    table = load_parameters(write_local_parameters(tmp_path / "local"))
    items = [
        {"member": "m1", "kind": "flexible", "months": 6, "declared_amount": "5000.00"},
        {"member": "m1", "kind": "flexible", "months": 6, "declared_amount": "12000.00"},
        {"member": "m1", "kind": "flexible", "months": 3},
    ]
    # 万荣县: no shipped minimum wage (its tier is only inferred), so the local 1780.00 applies.
    result = assess(edge_case(county="140822", incomes=items), table)
    assert [line.counted for line in result.lines] == [
        Decimal("10680.00"),
        Decimal("12000.00"),
        Decimal("5340.00"),
    ]
    assert "无法推算实际工资，按最低工资标准1780.00元×3个月计为5340.00元" in result.lines[2].explanation


def test_child_support_formula_is_capped() -> None:
    support = {
        "relation": "child",
        "basis": "formula",
        "obligor_monthly_income": "2000.00",
        "children_supported": 5,
    }
    result = assess(edge_case(incomes=[{"member": "m1", "kind": "support", "support": support}]))
    # 20% + 10% × 4 = 60%, capped at 50%: 2000 × 0.5 × 12 = 12000.
    assert result.lines[0].counted == Decimal("12000.00")
    assert "的50%（被抚养5人，最高50%）×12个月推算为12000.00元" in result.lines[0].explanation


def test_elderly_support_formula_below_the_obligor_standard_is_zero() -> None:
    support = {
        "relation": "elderly",
        "basis": "formula",
        "obligor_household_monthly_per_capita_income": "700.00",
    }
    result = assess(edge_case(incomes=[{"member": "m1", "kind": "support", "support": support}]))
    assert result.lines[0].counted == Decimal(0)


def test_support_from_an_obligor_on_dibao_is_not_counted() -> None:
    support = {"relation": "elderly", "basis": "legal_document", "obligor_status": "dibao"}
    item = {"member": "m1", "kind": "support", "amount": "6000.00", "support": support}
    result = assess(edge_case(incomes=[item]))
    assert result.lines[0].counted == Decimal(0)
    assert result.lines[0].article == "64号 第十二条"


def test_monitoring_obligor_counts_for_illness_poverty_only(tmp_path: Path) -> None:
    support = {"relation": "elderly", "basis": "legal_document", "obligor_status": "monitoring"}
    item = {"member": "m1", "kind": "support", "amount": "6000.00", "support": support}
    assert assess(edge_case(incomes=[item])).annual_total == Decimal(0)
    table = load_parameters(write_local_parameters(tmp_path / "local"))
    result = assess(illness_case(incomes=[item]), table)
    assert result.annual_total == Decimal("6000.00")


# --- exact per-capita figures and boundaries (盐湖区 urban standard 715.00, upper 1072.50) -------


def criteria(decision: Decision) -> dict[str, Any]:
    return {c.id: c for c in decision.criteria}


def test_per_capita_figure_is_exact_thirds() -> None:
    result = assess(family_of_three(incomes=[wage("10000.00")]))
    assert result.per_capita_monthly * 36 == Decimal("10000.00")
    assert result.to_dict()["per_capita_monthly"] == "277.78"
    assert result.to_dict()["monthly_average"] == "833.33"


def test_example_family_per_capita_is_900() -> None:
    decision = decide(family_of_three(incomes=[wage("24000.00"), wage("8400.00", "m2", "business")]))
    lower = criteria(decision)["edge.income_above_dibao"]
    assert lower.figures["per_capita_monthly_income"] == "900.00"
    assert lower.explanation == "家庭人均月收入900.00元高于当地城市低保标准715.00元，符合第二条。"
    assert decision.eligible


def test_exactly_the_dibao_standard_is_not_above_it() -> None:
    decision = decide(family_of_three(incomes=[wage("25740.00")]))  # 715 × 12 × 3
    lower = criteria(decision)["edge.income_above_dibao"]
    assert lower.result == "fail"
    assert lower.figures["per_capita_monthly_income"] == "715.00"
    assert "恰好等于当地城市低保标准715.00元" in lower.explanation
    assert "要求“高于”低保标准" in lower.explanation
    assert decision.outcome == "not_eligible"
    assert decision.referral is None


def test_one_fen_above_the_dibao_standard_is_above_it() -> None:
    decision = decide(family_of_three(incomes=[wage("25740.01")]))
    lower = criteria(decision)["edge.income_above_dibao"]
    # Shown rounded to the fen, compared exactly.
    assert lower.figures["per_capita_monthly_income"] == "715.00"
    assert lower.result == "pass"
    assert "高于当地城市低保标准715.00元，符合第二条" in lower.explanation
    assert "恰好等于" not in lower.explanation
    assert decision.eligible
    assert decision.path == "standard"


def test_one_fen_below_the_dibao_standard_refers_to_dibao() -> None:
    decision = decide(family_of_three(incomes=[wage("25739.99")]))
    lower = criteria(decision)["edge.income_above_dibao"]
    assert lower.figures["per_capita_monthly_income"] == "715.00"
    assert lower.result == "fail"
    assert "低于当地城市低保标准715.00元" in lower.explanation
    assert "恰好等于" not in lower.explanation
    assert decision.referral == "dibao"


def test_exactly_the_upper_limit_is_not_below_it() -> None:
    decision = decide(family_of_three(incomes=[wage("38610.00")]))  # 1072.50 × 12 × 3
    upper = criteria(decision)["edge.income_below_upper"]
    assert upper.result == "fail"
    assert upper.figures["upper_limit"] == "1072.50"
    assert upper.explanation == (
        "家庭人均月收入1072.50元恰好等于低保标准的1.5倍1072.50元，第二条要求“低于”1.5倍，不符合。"
    )
    assert decision.referral is None


def test_one_fen_below_the_upper_limit_passes() -> None:
    decision = decide(family_of_three(incomes=[wage("38609.99")]))
    upper = criteria(decision)["edge.income_below_upper"]
    assert upper.figures["per_capita_monthly_income"] == "1072.50"
    assert upper.result == "pass"
    assert "低于低保标准的1.5倍1072.50元，符合第二条" in upper.explanation
    assert decision.eligible


def test_one_fen_above_the_upper_limit_fails() -> None:
    decision = decide(family_of_three(incomes=[wage("38610.01")]))
    upper = criteria(decision)["edge.income_below_upper"]
    assert upper.result == "fail"
    assert upper.explanation.endswith("低保标准的1.5倍1072.50元，不符合第二条。")
    assert "恰好等于" not in upper.explanation
