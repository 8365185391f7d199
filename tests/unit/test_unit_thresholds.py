"""rules.thresholds.Thresholds: parameters resolved once per decision, with what-if overrides."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from unit_casedata import edge_case, family_of_three, illness_case, write_local_parameters

from rules import CaseFileError, ParameterError, evaluate, load_parameters, parse_case_file
from rules.parameters import ANY, ParameterTable, ParameterValue
from rules.thresholds import Thresholds


def thresholds_for(data: dict[str, Any], table: ParameterTable | None = None) -> Thresholds:
    return Thresholds(table or load_parameters(), parse_case_file(data))


def used(decision_data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(t for t in decision_data["thresholds"] if t["key"] == key)


def test_values_are_resolved_for_the_case_and_remembered() -> None:
    thresholds = thresholds_for(edge_case())
    assert thresholds.amount("dibao_standard") == Decimal("715.00")
    assert thresholds.amount("edge_upper_multiplier") == Decimal("1.5")
    assert list(thresholds.used) == ["dibao_standard.urban", "edge_upper_multiplier"]
    listed = thresholds.to_list()
    assert listed[0]["key"] == "dibao_standard.urban"
    assert listed[0]["amount"] == "715.00"
    assert listed[0]["county"] == "140802"
    assert listed[0]["effective_from"] == "2024-01-01"
    assert listed[0]["overridden"] is False
    assert listed[1]["county"] == ANY


def test_explicit_area_is_resolved_separately() -> None:
    thresholds = thresholds_for(edge_case(hukou_type="rural"))
    assert thresholds.amount("dibao_standard") == Decimal("546.00")
    assert thresholds.amount("dibao_standard", "urban") == Decimal("715.00")
    assert set(thresholds.used) == {"dibao_standard.rural", "dibao_standard.urban"}


def test_area_specific_value_is_not_shadowed_by_an_earlier_star_value() -> None:
    # Bug: Thresholds.value() files a value whose entry has area "*" under the bare kind, then
    # returns it for *any* later area. With a county table that has a "*" fallback and an exact
    # urban value, a rural case asking for the urban standard (65号 第六条（五）) gets the fallback.
    def standard(amount: str, area: str) -> ParameterValue:
        return ParameterValue(
            "dibao_standard",
            "城乡最低生活保障标准",
            "元/人·月",
            "140802",
            area,
            date(2024, 1, 1),
            Decimal(amount),
            "测试",
        )

    table = ParameterTable([standard("600.00", ANY), standard("715.00", "urban")])
    thresholds = thresholds_for(edge_case(hukou_type="rural"), table)
    assert thresholds.amount("dibao_standard") == Decimal("600.00")
    assert thresholds.amount("dibao_standard", "urban") == Decimal("715.00")


def test_override_replaces_a_value_and_is_marked() -> None:
    decision = evaluate(parse_case_file(family_of_three(parameter_overrides={"dibao_standard": "800.00"})))
    data = decision.to_dict()
    standard = used(data, "dibao_standard.urban")
    assert standard["amount"] == "800.00"
    assert standard["overridden"] is True
    assert standard["source"].startswith("案卷指定的测算值（原值 715.00，")
    lower = decision.criterion("edge.income_above_dibao")
    assert lower.figures["dibao_standard"] == "800.00"
    assert lower.figures["upper_limit"] == "1200.00"
    assert any(
        w == "本结论使用了案卷指定的测算参数（城乡最低生活保障标准），仅供测算，不作为认定依据。"
        for w in decision.warnings
    )


def test_override_with_area_suffix_applies_to_that_area_only() -> None:
    urban = evaluate(parse_case_file(edge_case(parameter_overrides={"dibao_standard.rural": "100.00"})))
    assert used(urban.to_dict(), "dibao_standard.urban")["amount"] == "715.00"
    assert used(urban.to_dict(), "dibao_standard.urban")["overridden"] is False
    assert not any("测算参数" in w for w in urban.warnings)
    rural = thresholds_for(
        edge_case(hukou_type="rural", parameter_overrides={"dibao_standard.rural": "100.00"})
    )
    assert rural.amount("dibao_standard") == Decimal("100.00")
    assert rural.amount("dibao_standard", "urban") == Decimal("715.00")


def test_override_of_a_ratio() -> None:
    decision = evaluate(parse_case_file(family_of_three(parameter_overrides={"edge_upper_multiplier": "2"})))
    assert decision.criterion("edge.income_below_upper").figures["upper_limit"] == "1430.00"
    assert "低保边缘家庭收入上限（低保标准的倍数）" in decision.warnings[-1]


def test_override_of_a_kind_without_configured_value_is_a_what_if() -> None:
    data = illness_case(parameter_overrides={"medical_assistance_deductible": "10000.00"})
    with pytest.raises(ParameterError):
        evaluate(parse_case_file(illness_case()))
    decision = evaluate(parse_case_file(data))
    deductible = used(decision.to_dict(), "medical_assistance_deductible.urban")
    assert deductible["amount"] == "10000.00"
    assert deductible["overridden"] is True
    assert deductible["source"] == "案卷指定的测算值（该日期无已配置数值）"
    assert deductible["effective_from"] == "2025-05-20"
    assert decision.criterion("illness.deductible").figures["annual_deductible"] == "10000.00"
    assert any("因病致贫重病患者医疗救助年度起付标准" in w and "仅供测算" in w for w in decision.warnings)


def test_no_warning_without_overrides(tmp_path: Path) -> None:
    table = load_parameters(write_local_parameters(tmp_path / "local"))
    decision = evaluate(parse_case_file(illness_case()), table)
    assert decision.warnings == ()
    assert all(t["overridden"] is False for t in decision.to_dict()["thresholds"])


def test_override_of_an_unknown_kind() -> None:
    case = parse_case_file(edge_case(parameter_overrides={"poverty_line": "100.00"}))
    with pytest.raises(CaseFileError) as caught:
        evaluate(case)
    assert [(e.field, e.message) for e in caught.value.errors] == [
        ("parameter_overrides.poverty_line", "没有这种参数，无法测算")
    ]


def test_override_of_an_unknown_kind_with_area_suffix() -> None:
    case = parse_case_file(edge_case(parameter_overrides={"poverty_standard.urban": "100.00"}))
    with pytest.raises(CaseFileError) as caught:
        Thresholds(load_parameters(), case)
    assert caught.value.errors[0].field == "parameter_overrides.poverty_standard.urban"


def test_regulation_validity_warning_after_expiry() -> None:
    decision = evaluate(parse_case_file(edge_case(application_date="2025-12-01")))
    assert any("有效期至2025-11-06" in w for w in decision.warnings)
    assert not evaluate(parse_case_file(edge_case(application_date="2025-11-06"))).warnings
