"""The act forms' labels, generated from the payload schemas, in the clerk's words."""

from __future__ import annotations

from typing import Any


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
