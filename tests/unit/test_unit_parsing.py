"""rules.parsing.parse_case_file: every field error is reported against its path, in Chinese."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from unit_casedata import applicant, edge_case, family_of_three, illness_case, make_id, member

from rules.casefile import CaseFile, Exclusion, IncomeItem, Insurance, MedicalExpense, Member, SupportDetails
from rules.parsing import parse_case_file
from rules.reader import CaseFileError, FieldError


def errors_of(data: Any) -> dict[str, str]:
    with pytest.raises(CaseFileError) as caught:
        parse_case_file(data)
    errors = caught.value.errors
    assert errors, "CaseFileError without errors"
    assert all(isinstance(e, FieldError) for e in errors)
    return {e.field: e.message for e in errors}


def only_error(data: Any) -> tuple[str, str]:
    errors = errors_of(data)
    assert len(errors) == 1, errors
    return next(iter(errors.items()))


def income(amount: Any, kind: str = "wage", who: str = "m1", **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"member": who, "kind": kind, "amount": amount}
    item.update(extra)
    return item


# --- a valid file ------------------------------------------------------------------------------


def test_valid_file_parses_to_dataclasses_with_decimal_amounts() -> None:
    data = family_of_three(
        incomes=[
            income("24000.00"),
            income(8400, kind="business", who="m2"),
            income(Decimal("960.5"), kind="family_planning_benefit", who="m2"),
            {"member": "m2", "kind": "flexible", "months": 6, "declared_amount": "3000"},
            {
                "member": "m3",
                "kind": "support",
                "support": {"relation": "child", "basis": "formula", "obligor_monthly_income": "2000.00"},
            },
        ],
        assets=[{"owner": "m1", "kind": "deposit", "value": "20000.00"}, {"owner": "m1", "kind": "house"}],
        reference="测试",
    )
    case = parse_case_file(data)
    assert isinstance(case, CaseFile)
    assert case.procedure == "dibao_edge"
    assert case.application_date == date(2025, 3, 10)
    assert case.county == "140802"
    assert case.area == "urban"
    assert case.current_assistance == "none"
    assert [m.id for m in case.members] == ["m1", "m2", "m3"]
    first = case.members[0]
    assert isinstance(first, Member)
    assert first.birth_date == date(1980, 3, 15)
    assert first.hukou_region == "140802"
    assert case.members[2].birth_date == date(2012, 9, 1)

    wage, business, benefit, flexible, support = case.incomes
    assert wage == IncomeItem("m1", "wage", Decimal("24000.00"))
    assert isinstance(business.amount, Decimal) and business.amount == Decimal(8400)
    assert benefit.amount == Decimal("960.50")
    assert flexible.amount is None
    assert flexible.months == 6
    assert flexible.declared_amount == Decimal("3000")
    assert support.amount is None
    assert support.support == SupportDetails(
        relation="child", basis="formula", obligor_monthly_income=Decimal("2000.00")
    )

    deposit, house = case.assets
    assert deposit.value == Decimal("20000.00") and isinstance(deposit.value, Decimal)
    assert house.value is None
    assert house.tenure == "owned"
    assert case.parameter_overrides == {}


def test_valid_illness_file_parses_insurance_and_expenses() -> None:
    case = parse_case_file(illness_case())
    assert case.patient == "m1"
    assert case.members[0].insurance == Insurance("resident", "140802")
    assert case.medical_expenses == (
        MedicalExpense(date(2024, 9, 2), "inpatient", Decimal("38000.00"), Decimal("52000.00")),
    )
    assert case.medical_expenses[0].mutual_aid == Decimal(0)
    assert case.medical_expenses[0].designated is True


def test_id_number_with_lower_case_x_is_normalised() -> None:
    spouse = member("m2", "spouse", date(1949, 12, 31), seq=2)
    spouse["id_number"] = "11010519491231002x"
    case = parse_case_file(edge_case(members=[applicant(), spouse]))
    assert case.members[1].id_number == "11010519491231002X"


def test_exclusion_is_parsed() -> None:
    monk = member(
        "m2",
        "spouse",
        date(1970, 1, 1),
        exclusion={"reason": "clergy", "since": "2020-01-01", "note": "出家"},
    )
    case = parse_case_file(edge_case(members=[applicant(), monk]))
    assert case.members[1].exclusion == Exclusion("clergy", date(2020, 1, 1), "出家")


def test_resident_hukou_takes_area_from_residence() -> None:
    case = parse_case_file(edge_case(hukou_type="resident", residence_area="rural"))
    assert case.area == "rural"


def test_overrides_are_decimals() -> None:
    case = parse_case_file(
        edge_case(parameter_overrides={"dibao_standard.urban": "800.00", "edge_upper_multiplier": "1.6"})
    )
    assert case.parameter_overrides == {
        "dibao_standard.urban": Decimal("800.00"),
        "edge_upper_multiplier": Decimal("1.6"),
    }


# --- the root and the envelope ---------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, [], "case", 3])
def test_root_must_be_an_object(raw: Any) -> None:
    assert only_error(raw) == ("(根)", "应为对象")


def test_case_file_error_message_and_dict() -> None:
    with pytest.raises(CaseFileError) as caught:
        parse_case_file(edge_case(county="999999"))
    error = caught.value
    assert isinstance(error, ValueError)
    assert "county: “999999”不是运城市的县（市、区）代码" in str(error)
    assert error.to_dict() == {
        "message": "案卷数据有误",
        "errors": [{"field": "county", "message": "“999999”不是运城市的县（市、区）代码"}],
    }


def test_unsupported_schema_version() -> None:
    assert only_error(edge_case(schema_version=2)) == ("schema_version", "只支持版本 1")


@pytest.mark.parametrize("field", ["procedure", "application_date", "county", "hukou_type", "members"])
def test_required_top_level_fields(field: str) -> None:
    data = edge_case()
    del data[field]
    errors = errors_of(data)
    assert field in errors
    assert errors[field] in ("必填", "至少填写申请人本人")


def test_members_empty_list() -> None:
    assert only_error(edge_case(members=[])) == ("members", "至少填写申请人本人")


# --- money -------------------------------------------------------------------------------------


def test_negative_amount() -> None:
    assert only_error(edge_case(incomes=[income("-1.00")])) == ("incomes[0].amount", "金额不能为负数")


@pytest.mark.parametrize("amount", [1200.5, 100.0])
def test_float_amount_is_rejected(amount: float) -> None:
    field, message = only_error(edge_case(incomes=[income(amount)]))
    assert field == "incomes[0].amount"
    assert "不接受浮点数" in message


def test_boolean_amount_is_rejected() -> None:
    field, message = only_error(edge_case(incomes=[income(True)]))
    assert field == "incomes[0].amount"
    assert "不接受浮点数" in message


@pytest.mark.parametrize("amount", ["100.001", Decimal("0.005"), "1e-3"])
def test_more_than_two_decimals(amount: Any) -> None:
    assert only_error(edge_case(incomes=[income(amount)])) == (
        "incomes[0].amount",
        "金额最多保留到分（两位小数）",
    )


@pytest.mark.parametrize("amount", ["100.10", "100.1", "1e2", 0, "0"])
def test_amounts_to_the_fen_or_coarser_are_accepted(amount: Any) -> None:
    case = parse_case_file(edge_case(incomes=[income(amount)]))
    assert case.incomes[0].amount == Decimal(str(amount))


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("abc", "“abc”不是有效金额"),
        ("NaN", "金额必须是有限数值"),
        ("Infinity", "金额必须是有限数值"),
        ("100000000000.01", "金额超出合理范围"),
        ([1], "金额应为数值字符串"),
    ],
)
def test_other_bad_amounts(amount: Any, message: str) -> None:
    assert only_error(edge_case(incomes=[income(amount)])) == ("incomes[0].amount", message)


def test_missing_amount_for_wage() -> None:
    assert only_error(edge_case(incomes=[{"member": "m1", "kind": "wage"}])) == ("incomes[0].amount", "必填")


def test_house_needs_no_value_but_deposit_does() -> None:
    data = edge_case(assets=[{"owner": "m1", "kind": "house"}, {"owner": "m1", "kind": "deposit"}])
    assert only_error(data) == ("assets[1].value", "必填")


# --- dates -------------------------------------------------------------------------------------


def test_impossible_date() -> None:
    assert only_error(edge_case(application_date="2025-02-30")) == (
        "application_date",
        "“2025-02-30”不是有效日期，格式应为 YYYY-MM-DD",
    )


def test_date_must_be_in_extended_format() -> None:
    assert only_error(edge_case(application_date="20250310")) == (
        "application_date",
        "日期格式应为 YYYY-MM-DD",
    )


def test_date_out_of_range() -> None:
    assert only_error(edge_case(application_date="1999-12-31")) == (
        "application_date",
        "日期应在2000年至2100年之间",
    )


def test_date_must_be_a_string() -> None:
    assert only_error(edge_case(application_date=20250310)) == ("application_date", "应为字符串")


# --- county, unknown fields, enums -----------------------------------------------------------


@pytest.mark.parametrize("county", ["140800", "140100", "142701"])
def test_unknown_county(county: str) -> None:
    assert only_error(edge_case(county=county)) == ("county", f"“{county}”不是运城市的县（市、区）代码")


def test_unknown_top_level_field() -> None:
    assert only_error(edge_case(applicant_name="王建国")) == ("applicant_name", "未知字段")


def test_unknown_nested_fields() -> None:
    data = edge_case(
        members=[applicant(nickname="老王")],
        incomes=[income("100.00", currency="CNY")],
        medical_expenses=[],
    )
    errors = errors_of(data)
    assert errors == {"members[0].nickname": "未知字段", "incomes[0].currency": "未知字段"}


def test_unknown_enum_values() -> None:
    person = applicant()
    person["relation"] = "cousin"
    data = edge_case(procedure="dibao", members=[person], incomes=[income("100.00", kind="salary")])
    errors = errors_of(data)
    assert errors["procedure"] == "取值“dibao”无效，可选：dibao_edge、illness_poverty"
    assert errors["members[0].relation"].startswith("取值“cousin”无效，可选：self、spouse")
    assert errors["incomes[0].kind"].startswith("取值“salary”无效，可选：wage、flexible")


def test_unknown_hukou_type() -> None:
    field, message = only_error(edge_case(hukou_type="city"))
    assert field == "hukou_type"
    assert message == "取值“city”无效，可选：urban、rural、resident"


# --- members -----------------------------------------------------------------------------------


def test_missing_self() -> None:
    data = edge_case(members=[member("m2", "spouse", date(1982, 6, 11), hukou_region="140802")])
    assert only_error(data) == ("members", "应有且只有一名关系为本人（self）的申请人")


def test_two_selves() -> None:
    data = edge_case(members=[applicant(), member("m2", "self", date(1982, 6, 11), hukou_region="140802")])
    assert only_error(data) == ("members", "应有且只有一名关系为本人（self）的申请人")


def test_duplicate_member_id() -> None:
    data = edge_case(members=[applicant(), member("m1", "spouse", date(1982, 6, 11), seq=2)])
    assert only_error(data) == ("members[1].id", "成员 id “m1”重复")


def test_duplicate_id_number() -> None:
    twin = member("m2", "spouse", date(1982, 6, 11))
    twin["id_number"] = applicant()["id_number"]
    assert only_error(edge_case(members=[applicant(), twin])) == (
        "members[1].id_number",
        "身份证号码与其他成员重复",
    )


def test_duplicate_id_number_differing_only_in_case_of_x() -> None:
    first = applicant()
    first["id_number"] = "11010519491231002X"
    second = member("m2", "spouse", date(1949, 12, 31))
    second["id_number"] = "11010519491231002x"
    assert only_error(edge_case(members=[first, second])) == (
        "members[1].id_number",
        "身份证号码与其他成员重复",
    )


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("140802198003151238", "身份证号码校验位错误"),
        ("14080219800315123", "身份证号码应为18位"),
        ("abcdefghijklmnopqr", "身份证号码前17位应为数字，末位为数字或X"),
    ],
)
def test_invalid_id_number(number: str, message: str) -> None:
    spouse = member("m2", "spouse", date(1982, 6, 11))
    spouse["id_number"] = number
    assert only_error(edge_case(members=[applicant(), spouse])) == ("members[1].id_number", message)


def test_id_number_with_a_unicode_digit_is_a_field_error_not_a_crash() -> None:
    # Bug (see test_unit_idnumber): "²" passes str.isdigit() and then makes int() raise a bare
    # ValueError, which parse_case_file does not catch; the CLI and API crash instead of
    # reporting members[1].id_number.
    spouse = member("m2", "spouse", date(1982, 6, 11))
    spouse["id_number"] = "1408021980031512²9"
    errors = errors_of(edge_case(members=[applicant(), spouse]))
    assert list(errors) == ["members[1].id_number"]


def test_birth_after_application_date() -> None:
    baby = member("m2", "child", date(2025, 4, 1))
    assert only_error(edge_case(members=[applicant(), baby])) == (
        "members[1].id_number",
        "出生日期晚于申请日期",
    )


def test_birth_on_application_date_is_accepted() -> None:
    baby = member("m2", "child", date(2025, 3, 10))
    case = parse_case_file(edge_case(members=[applicant(), baby]))
    assert case.members[1].birth_date == date(2025, 3, 10)


def test_too_many_members() -> None:
    people = [applicant()] + [member(f"m{i}", "other", date(1990, 1, 1), seq=i) for i in range(2, 32)]
    errors = errors_of(edge_case(members=people))
    assert errors == {"members": "最多30项"}


def test_members_must_be_an_array() -> None:
    assert errors_of(edge_case(members={"m1": applicant()}))["members"] == "应为数组"


def test_member_entry_must_be_an_object() -> None:
    errors = errors_of(edge_case(members=[applicant(), "李秀英"]))
    assert errors == {"members[1]": "应为对象"}


@pytest.mark.parametrize(
    ("region", "message"),
    [
        ("14080", "行政区划代码应为6位数字"),
        ("040802", "行政区划代码应为6位数字"),
        ("14o802", "行政区划代码应为6位数字"),
        ("1408021", "不能超过6个字符"),
    ],
)
def test_hukou_region_must_be_six_digits(region: str, message: str) -> None:
    spouse = member("m2", "spouse", date(1982, 6, 11), hukou_region=region)
    assert only_error(edge_case(members=[applicant(), spouse])) == ("members[1].hukou_region", message)


def test_flag_must_be_boolean() -> None:
    child = member("m2", "child", date(2000, 1, 1), unable_to_live_independently="yes")
    assert only_error(edge_case(members=[applicant(), child])) == (
        "members[1].unable_to_live_independently",
        "应为 true 或 false",
    )


def test_applicant_cannot_be_excluded() -> None:
    data = edge_case(members=[applicant(exclusion={"reason": "conscript"})])
    field, message = only_error(data)
    assert field == "members[0].exclusion"
    assert "申请人本人不能是不计入家庭成员的人员" in message


def test_clergy_exclusion_requires_since() -> None:
    monk = member("m2", "spouse", date(1970, 1, 1), exclusion={"reason": "clergy"})
    assert only_error(edge_case(members=[applicant(), monk])) == ("members[1].exclusion.since", "必填")


def test_exclusion_since_after_application() -> None:
    monk = member("m2", "spouse", date(1970, 1, 1), exclusion={"reason": "clergy", "since": "2025-03-11"})
    assert only_error(edge_case(members=[applicant(), monk])) == (
        "members[1].exclusion.since",
        "起始日期不能晚于申请日期",
    )


def test_county_rule_exclusion_requires_note() -> None:
    other = member("m2", "spouse", date(1970, 1, 1), exclusion={"reason": "county_rule"})
    assert only_error(edge_case(members=[applicant(), other])) == ("members[1].exclusion.note", "必填")


def test_insurance_region_required_unless_uninsured() -> None:
    data = edge_case(members=[applicant(medical_insurance={"scheme": "resident"})])
    assert only_error(data) == ("members[0].medical_insurance.region", "参保地行政区划代码必填")
    case = parse_case_file(edge_case(members=[applicant(medical_insurance={"scheme": "none"})]))
    assert case.members[0].insurance == Insurance("none", None)


# --- references between sections --------------------------------------------------------------


def test_dangling_income_member() -> None:
    assert only_error(edge_case(incomes=[income("100.00", who="m9")])) == (
        "incomes[0].member",
        "“m9”不是 members 中的成员 id",
    )


def test_dangling_asset_owner() -> None:
    data = edge_case(assets=[{"owner": "m9", "kind": "deposit", "value": "1.00"}])
    assert only_error(data) == ("assets[0].owner", "“m9”不是 members 中的成员 id")


def test_dangling_patient() -> None:
    assert only_error(illness_case(patient="m9")) == ("patient", "“m9”不是 members 中的成员 id")


def test_patient_required_for_illness_poverty() -> None:
    data = illness_case()
    del data["patient"]
    assert only_error(data) == ("patient", "必填")


def test_invalid_member_does_not_cause_spurious_reference_errors() -> None:
    # Bug (minor): members[1] has a bad ID number, so it is not built; every reference to "m2"
    # is then also reported as "“m2”不是 members 中的成员 id", which is untrue (m2 *is* in
    # members) and sends staff to look for an error where there is none.
    spouse = member("m2", "spouse", date(1982, 6, 11))
    spouse["id_number"] = "140802198206111230"
    data = edge_case(
        members=[applicant(), spouse],
        incomes=[income("8400.00", kind="business", who="m2")],
        assets=[{"owner": "m2", "kind": "deposit", "value": "100.00"}],
    )
    errors = errors_of(data)
    assert errors == {"members[1].id_number": "身份证号码校验位错误"}


# --- household area ----------------------------------------------------------------------------


def test_resident_hukou_without_residence_area() -> None:
    field, message = only_error(edge_case(hukou_type="resident"))
    assert field == "residence_area"
    assert "居民户籍须注明居住地为城镇（urban）或农村（rural）" in message


def test_resident_hukou_with_null_residence_area() -> None:
    # Bug: an explicit null passes parsing ("residence_area" is in the data, so the missing-field
    # check is skipped), and CaseFile.area then fails an assert inside the engine.
    errors = errors_of(edge_case(hukou_type="resident", residence_area=None))
    assert list(errors) == ["residence_area"]


def test_unknown_residence_area() -> None:
    field, message = only_error(edge_case(hukou_type="resident", residence_area="town"))
    assert field == "residence_area"
    assert message.startswith("取值“town”无效")


# --- incomes -----------------------------------------------------------------------------------


def test_flexible_income_with_amount() -> None:
    data = edge_case(incomes=[{"member": "m1", "kind": "flexible", "months": 12, "amount": "12000.00"}])
    field, message = only_error(data)
    assert field == "incomes[0].amount"
    assert "灵活就业收入按最低工资标准推算，申报数请填 declared_amount" in message


@pytest.mark.parametrize("kind", ["flexible", "migrant"])
def test_months_required_for_flexible_and_migrant(kind: str) -> None:
    item: dict[str, Any] = {"member": "m1", "kind": kind}
    if kind == "migrant":
        item["amount"] = "30000.00"
    assert only_error(edge_case(incomes=[item])) == ("incomes[0].months", "必填")


@pytest.mark.parametrize("months", [0, 13, "6", 6.0])
def test_months_must_be_a_whole_number_between_1_and_12(months: Any) -> None:
    item = {"member": "m1", "kind": "flexible", "months": months}
    field, message = only_error(edge_case(incomes=[item]))
    assert field == "incomes[0].months"
    assert message in ("应在1至12之间", "应为整数")


def test_support_without_details() -> None:
    field, message = only_error(edge_case(incomes=[income("1200.00", kind="support")]))
    assert field == "incomes[0].support"
    assert "赡养（抚养、扶养）费须说明 relation 和 basis" in message


def test_support_details_on_other_income() -> None:
    data = edge_case(incomes=[income("1.00", support={"relation": "child", "basis": "estimate"})])
    field, message = only_error(data)
    assert field == "incomes[0].support"
    assert "kind = support" in message


def test_formula_support_requires_obligor_figures() -> None:
    elderly = {"member": "m1", "kind": "support", "support": {"relation": "elderly", "basis": "formula"}}
    child = {"member": "m1", "kind": "support", "support": {"relation": "child", "basis": "formula"}}
    errors = errors_of(edge_case(incomes=[elderly, child]))
    assert errors == {
        "incomes[0].support.obligor_household_monthly_per_capita_income": "必填",
        "incomes[1].support.obligor_monthly_income": "必填",
    }


def test_support_by_legal_document_needs_amount() -> None:
    item = {"member": "m1", "kind": "support", "support": {"relation": "child", "basis": "legal_document"}}
    assert only_error(edge_case(incomes=[item])) == ("incomes[0].amount", "必填")


def test_rented_only_for_housing() -> None:
    data = edge_case(assets=[{"owner": "m1", "kind": "deposit", "value": "1.00", "tenure": "rented"}])
    assert only_error(data) == ("assets[0].tenure", "只有住房和商业用房区分拥有或承租")


# --- medical expenses --------------------------------------------------------------------------


def expense(**fields: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "date": "2024-09-02",
        "type": "inpatient",
        "policy_scope_personal_burden": "1000.00",
        "out_of_pocket": "1500.00",
    }
    item.update(fields)
    return item


def test_medical_expense_after_application() -> None:
    data = illness_case(medical_expenses=[expense(date="2025-05-21")])
    assert only_error(data) == ("medical_expenses[0].date", "就医日期不能晚于申请日期")


def test_mutual_aid_greater_than_burden() -> None:
    data = illness_case(medical_expenses=[expense(mutual_aid="1000.01")])
    assert only_error(data) == (
        "medical_expenses[0].mutual_aid",
        "社会互助帮困金额不能超过政策范围内个人负担",
    )


def test_mutual_aid_equal_to_burden_is_accepted() -> None:
    case = parse_case_file(illness_case(medical_expenses=[expense(mutual_aid="1000.00")]))
    assert case.medical_expenses[0].mutual_aid == Decimal("1000.00")


def test_designated_must_be_boolean() -> None:
    data = illness_case(medical_expenses=[expense(designated="否")])
    assert only_error(data) == ("medical_expenses[0].designated", "应为 true 或 false")


# --- county findings, monitoring, overrides ---------------------------------------------------


def test_county_finding_disqualifying_is_required() -> None:
    data = edge_case(county_findings=[{"article": "盐湖区规定第三条", "description": "经商"}])
    assert only_error(data) == ("county_findings[0].disqualifying", "应为 true 或 false")


def test_monitoring_identified_after_application() -> None:
    data = edge_case(monitoring_household={"category": "unstable", "identified_on": "2025-03-11"})
    assert only_error(data) == ("monitoring_household.identified_on", "认定日期不能晚于申请日期")


@pytest.mark.parametrize("key", ["Dibao_standard", "dibao_standard.town", "1x", "dibao-standard"])
def test_override_key_format(key: str) -> None:
    field, message = only_error(edge_case(parameter_overrides={key: "1"}))
    assert field == f"parameter_overrides.{key}"
    assert message.startswith("参数名应为参数种类")


def test_override_values() -> None:
    data = edge_case(
        parameter_overrides={
            "dibao_standard": 800.5,
            "edge_upper_multiplier": "abc",
            "clergy_absence_years": "-1",
        }
    )
    errors = errors_of(data)
    assert "不接受浮点数" in errors["parameter_overrides.dibao_standard"]
    assert errors["parameter_overrides.edge_upper_multiplier"] == "“abc”不是有效数值"
    assert errors["parameter_overrides.clergy_absence_years"] == "应为0至1000之间的数值"


def test_overrides_must_be_an_object() -> None:
    assert only_error(edge_case(parameter_overrides=["dibao_standard"])) == (
        "parameter_overrides",
        "应为对象",
    )


# --- procedure-specific requirements -----------------------------------------------------------


def test_dibao_edge_applicant_hukou_region_required() -> None:
    data = edge_case(members=[member("m1", "self", date(1980, 3, 15))])
    field, message = only_error(data)
    assert field == "members[0].hukou_region"
    assert "申请人户籍地必填" in message


def test_dibao_edge_other_members_need_no_hukou_region() -> None:
    case = parse_case_file(family_of_three())
    assert case.members[1].hukou_region is None


def test_illness_patient_hukou_region_and_insurance_required() -> None:
    patient = member("m1", "self", date(1982, 6, 11))
    data = illness_case(patient="m1", members=[patient, member("m2", "spouse", date(1980, 3, 15))])
    errors = errors_of(data)
    assert set(errors) == {"members[0].hukou_region", "members[0].medical_insurance"}
    assert "患者户籍地必填" in errors["members[0].hukou_region"]
    assert "患者参保情况必填" in errors["members[0].medical_insurance"]


def test_illness_patient_must_be_the_applicant_of_the_roster() -> None:
    """65号 第十一条: relations are to the roster's self, so the patient is that member; a spouse
    named as patient would have the household built around the agent."""
    patient = member("m2", "spouse", date(1982, 6, 11), hukou_region="140802")
    patient["medical_insurance"] = {"scheme": "employee", "region": "140802"}
    field, message = only_error(illness_case(patient="m2", members=[applicant(), patient]))
    assert field == "patient"
    assert "患者应为申请人本人" in message and "65号 第十一条" in message


def test_illness_members_other_than_the_patient_need_no_insurance() -> None:
    spouse = member("m2", "spouse", date(1982, 6, 11))
    case = parse_case_file(illness_case(members=[*illness_case()["members"], spouse]))
    assert case.patient == "m1"
    assert case.members[1].insurance is None


def test_simplified_path_transition_on_illness_poverty() -> None:
    field, message = only_error(illness_case(assistance_transition="leaving_dibao"))
    assert field == "assistance_transition"
    assert "简化程序只适用于低保边缘家庭认定" in message


def test_simplified_path_transition_on_dibao_edge_is_accepted() -> None:
    case = parse_case_file(edge_case(current_assistance="dibao", assistance_transition="leaving_dibao"))
    assert case.assistance_transition == "leaving_dibao"


# --- several errors at once --------------------------------------------------------------------


def test_several_errors_are_reported_together() -> None:
    spouse = member("m2", "spouse", date(1982, 6, 11))
    spouse["id_number"] = make_id(date(1982, 6, 11), 2)[:17] + "0"  # wrong check digit
    if spouse["id_number"] == make_id(date(1982, 6, 11), 2):
        spouse["id_number"] = spouse["id_number"][:17] + "1"
    data = edge_case(
        application_date="2025-02-30",
        county="140800",
        members=[applicant(), spouse],
        incomes=[income("-5"), income(12.5, kind="business")],
        assets=[{"owner": "m1", "kind": "deposit", "value": "1.001"}],
        extra="x",
    )
    errors = errors_of(data)
    assert set(errors) == {
        "application_date",
        "county",
        "members[1].id_number",
        "incomes[0].amount",
        "incomes[1].amount",
        "assets[0].value",
        "extra",
    }
    assert errors["incomes[0].amount"] == "金额不能为负数"
    assert errors["assets[0].value"] == "金额最多保留到分（两位小数）"


def test_errors_keep_document_order() -> None:
    data = edge_case(incomes=[income("-1"), income("-2"), income("-3")])
    with pytest.raises(CaseFileError) as caught:
        parse_case_file(data)
    assert [e.field for e in caught.value.errors] == [
        "incomes[0].amount",
        "incomes[1].amount",
        "incomes[2].amount",
    ]
