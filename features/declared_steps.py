"""Steps that walk the case file's declarations (rules/casefile.py): any declared field, by the
label the household form shows, so that a new field needs no new step.

    假如 王小明的全日制在校为“全日制本科及以下”
    假如 王建国有一项家庭收入：收入类别为“工资薪金（劳动合同或可查实的劳动报酬）”，金额（元）为“21600.00”
"""

from __future__ import annotations

import re
from typing import Any, Final

from pytest_bdd import given

from features.steps import NAME, Scene, _choice, step_re
from rules import declaration as d
from rules.casefile import CaseFile, Member
from rules.declaration import Fact


def _labelled(record: type) -> dict[str, tuple[tuple[str, ...], Fact]]:
    """Each field of a record and of the records nested in it, by label: its path and declaration."""
    return {fact.label: (path, fact) for path, fact, _ in d.leaves(record)}


MEMBER_FIELDS: Final = _labelled(Member)
LISTS: Final = {f.label: f for f in d.facts(CaseFile) if f.kind == d.ITEMS and f.key != "members"}
_PAIR = re.compile(r"(?P<label>[^，“”]+?)为“(?P<value>[^“”]*)”")


def value_of(fact: Fact, text: str) -> Any:
    """The case-file value of what a scenario says: a choice by its label, a flag by 是/否."""
    if fact.kind == d.CHOICE:
        assert fact.choices is not None
        by_label = {d.choice_label(value): key for key, value in fact.choices.items()}
        by_label.update({str(getattr(value, "label", value)): key for key, value in fact.choices.items()})
        assert text in by_label or text in fact.choices, f"“{fact.label}”没有“{text}”这一项"
        return by_label.get(text, text)
    if fact.kind == d.FLAG:
        assert text in ("是", "否"), f"“{fact.label}”应为“是”或“否”"
        return text == "是"
    if fact.kind == d.WHOLE:
        return int(text)
    return text


@given(step_re(rf"{NAME}的(?P<label>{_choice(MEMBER_FIELDS)})为“(?P<value>[^“”]*)”"))
def member_field(scene: Scene, name: str, label: str, value: str) -> None:
    path, fact = MEMBER_FIELDS[label]
    d.place(scene.person(name).details, path, value_of(fact, value))


@given(step_re(rf"{NAME}有一项(?P<list_label>{_choice(LISTS)})：(?P<pairs>.+)"))
def list_item(scene: Scene, name: str, list_label: str, pairs: str) -> None:
    declared = LISTS[list_label]
    assert declared.record is not None
    fields = _labelled(declared.record)
    item: dict[str, Any] = {}
    for fact in d.facts(declared.record):
        if fact.kind == d.MEMBER:
            item[fact.key] = scene.person(name).id
    for match in _PAIR.finditer(pairs):
        label = match["label"]
        assert label in fields, f"“{list_label}”没有“{label}”这一项，可填：{'、'.join(fields)}"
        path, fact = fields[label]
        d.place(item, path, value_of(fact, match["value"]))
    target = {"incomes": scene.incomes, "assets": scene.assets, "medical_expenses": scene.expenses}
    target[declared.key].append(item)
