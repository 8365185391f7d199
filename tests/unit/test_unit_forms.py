"""The act forms' labels, generated from the payload schemas, in the clerk's words."""

from __future__ import annotations

from typing import Any

import pytest


def test_the_act_forms_use_the_clerks_words() -> None:
    """Issue 19: "行为日期" is 办理日期; the investigation's findings are 调查情况, the information
    check's 核对情况."""
    from assistance.cases import payloads
    from assistance.web.forms import schema_specs

    def label(schema: Any, name: str) -> str:
        return next(spec.label for spec in schema_specs(schema()) if spec.name == name)

    assert label(payloads.Investigation, "on") == "办理日期"
    assert label(payloads.Investigation, "findings") == "调查情况"
    assert label(payloads.CheckResult, "findings") == "核对情况"


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("household.incomes[0].declared_amount", "第1项收入的申报金额（元）"),
        ("household.members[1].id_number", "第2位成员的身份证号码"),
        ("household.patient", "患者"),
        ("rows[3].code", "第3行的区域代码"),
        ("backdating_reason", "补录原因"),
    ],
)
def test_a_field_path_is_named_in_words(path: str, words: str) -> None:
    """Issue 19: messages showed raw field names such as ``declared_amount``."""
    from assistance.web.labels import field

    assert field(path) == words


def test_a_holiday_notice_is_entered_as_its_dates() -> None:
    """Issue 19: the schedule was JSON only. From the notice's days and spans, the weekends of a
    holiday span are dropped (the schedule lists the working days given up)."""
    from assistance.admin.holidays import schedule_from_notice
    from assistance.errors import InvalidInput

    made = schedule_from_notice(
        "2027", " 国办发明电〔2026〕7号 ", "2027-01-01\n2027-2-10至2027-02-16", "2027-02-06、2027-02-20"
    )
    assert made == {
        "year": 2027,
        "source": "国办发明电〔2026〕7号",
        "holidays": ["2027-01-01", "2027-02-10", "2027-02-11", "2027-02-12", "2027-02-15", "2027-02-16"],
        "workdays": ["2027-02-06", "2027-02-20"],
    }
    with pytest.raises(InvalidInput) as caught:
        schedule_from_notice("2027", "x", "春节", "")
    assert caught.value.errors[0].field == "holidays" and "春节" in caught.value.errors[0].message
