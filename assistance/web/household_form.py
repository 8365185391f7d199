"""What the household form shows: its top fields and its sections of rows (members, incomes,
assets, medical expenses, county findings), each column with its label, widget, choices and hint,
for each procedure and for staff or applicants.

Every column is walked from the case file's declarations (``rules/casefile.py``); a nested record
(a member's exclusion, an income's support details) becomes columns named ``{field}_{subfield}``.
What is only about the page lives here: how many blank rows a section starts with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assistance.web import labels
from rules import declaration as d
from rules.casefile import CaseFile
from rules.declaration import Fact

TEXT = "text"
MONEY = "money"
NUMBER = "number"
DATE = "date"
SELECT = "select"
CHECKBOX = "checkbox"
MEMBER = "member"
# A 6-digit area code, typed or picked by name: the suggestions are Yuncheng's counties.
REGION = "region"

DIBAO_EDGE = "dibao_edge"
ILLNESS_POVERTY = "illness_poverty"

_WIDGETS = {
    d.CHOICE: SELECT,
    d.FLAG: CHECKBOX,
    d.MONEY: MONEY,
    d.WHOLE: NUMBER,
    d.DAY: DATE,
    d.MEMBER: MEMBER,
    d.REGION: REGION,
}
# One empty row of each list on a new form: more are added on demand ("增加一行", by script in
# place or without it by a round trip). Four, four and three empty rows made the filing form
# 10,777 px tall on a phone (issue 19).
_BLANK_ROWS = {"members": 1, "incomes": 1, "assets": 1, "medical_expenses": 1, "county_findings": 1}


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    label: str
    widget: str = TEXT
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False
    # Whether a value here means the row was filled in (selects with a default, checkboxes: no).
    significant: bool = True
    hint: str = ""
    # "more": inside the row's collapsed details (rarely needed facts).
    group: str = ""
    # Only for this procedure.
    procedure: str | None = None
    default: str = ""
    # Where the value goes in the case-file format: ("exclusion", "reason") for exclusion_reason.
    path: tuple[str, ...] = ()
    fact: Fact | None = None


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    title: str
    item: str
    columns: tuple[Column, ...]
    blank_rows: int
    max_rows: int
    hint: str = ""
    procedure: str | None = None
    staff_only: bool = False
    more_title: str = ""
    record: type | None = None

    def columns_for(self, procedure: str) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.procedure in (None, procedure))

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _default(fact: Fact) -> str:
    if fact.default is True:
        return "on"
    return fact.default if isinstance(fact.default, str) else ""


def _column(path: tuple[str, ...], fact: Fact, outer: Fact | None) -> Column:
    choices = tuple((key, d.choice_label(value)) for key, value in (fact.choices or {}).items())
    widget = _WIDGETS.get(fact.kind, TEXT)
    default = _default(fact)
    return Column(
        name="_".join(path),
        label=fact.label,
        widget=widget,
        choices=choices,
        required=fact.required and (outer is None or outer.required),
        significant=widget != CHECKBOX and not default,
        hint=fact.hint,
        group="more" if (outer or fact).advanced else "",
        procedure=(outer or fact).shown_for,
        default=default,
        path=path,
        fact=fact,
    )


def columns_of(record: type) -> tuple[Column, ...]:
    """A record's form columns: its own fields, and those of the records nested in it."""
    return tuple(
        _column(path, fact, outer)
        for path, fact, outer in d.leaves(record)
        if fact.on_form and (outer is None or outer.on_form)
    )


def _section(fact: Fact) -> Section:
    assert fact.record is not None
    more = next((f.label for f in d.facts(fact.record) if f.advanced and f.kind == d.RECORD), "")
    return Section(
        fact.key,
        fact.label,
        fact.item_label,
        columns_of(fact.record),
        blank_rows=_BLANK_ROWS.get(fact.key, 1),
        max_rows=fact.max_items,
        hint=fact.hint,
        procedure=fact.shown_for,
        staff_only=fact.staff_only,
        more_title=more,
        record=fact.record,
    )


SECTIONS = tuple(_section(f) for f in d.facts(CaseFile) if f.kind == d.ITEMS and f.on_form)
BY_NAME = {s.name: s for s in SECTIONS}
MEMBERS, INCOMES, ASSETS, EXPENSES = (
    BY_NAME[n] for n in ("members", "incomes", "assets", "medical_expenses")
)

TOP_FIELDS = columns_of(CaseFile)


def sections_for(procedure: str, *, staff: bool) -> tuple[Section, ...]:
    return tuple(s for s in SECTIONS if s.procedure in (None, procedure) and (staff or not s.staff_only))


def top_fields_for(procedure: str) -> tuple[Column, ...]:
    return tuple(f for f in TOP_FIELDS if f.procedure in (None, procedure))


def income_kind_groups() -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    return [
        ("计入家庭收入", _pairs(labels.INCOME_COUNTED)),
        ("不计入家庭收入（65号 第九条）", _pairs(labels.INCOME_NOT_COUNTED)),
    ]


def _pairs(mapping: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(mapping.items())
