"""How a case-file field is declared: once, on the engine's own record (:mod:`rules.casefile`).

Each field of a record carries a :class:`Fact` in its dataclass metadata: its key in the JSON
format, its kind, its Chinese label, its limits and choices, the article it comes from, when it is
required, where it is stored, and how the household form shows it. The parser
(:mod:`rules.parsing`), the JSON Schema (:mod:`rules.schemas`), the storage mapping
(``assistance.casefile.storage``), the page form (``assistance.web.household_form``) and the
feature steps walk these declarations; none of them lists the fields again.

Adding a household field is one line on its record here (plus a column and a migration where it is
stored). Rules that tie several fields together (an applicant's 户籍地, a flexible income's amount)
stay as code in the parser's checks, next to the article they come from.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, dataclass_transform

TEXT = "text"
CHOICE = "choice"
FLAG = "flag"
DAY = "day"
MONEY = "money"
WHOLE = "whole"
REGION = "region"
MEMBER = "member"  # a member's id within the case file
RECORD = "record"  # one nested record
ITEMS = "items"  # a list of records
VERSION = "version"
OVERRIDES = "overrides"

MAX_ITEMS = 500
_FACT = "fact"

# Conditions on earlier fields of the same record: every key's value must be one of its set.
Condition = Mapping[str, frozenset[str]]


@dataclass(frozen=True, slots=True)
class Fact:
    """One field of a case-file record, declared once."""

    kind: str
    label: str
    description: str = ""  # for the JSON Schema, where the label alone says too little
    article: str = ""  # the article the field comes from
    attribute: str = ""  # the dataclass attribute (filled in by ``facts``)
    key: str = ""  # the JSON key (given only where it differs from the attribute)
    required: bool = False
    required_when: Condition | None = None
    required_message: str = "必填"
    only_when: Condition | None = None  # the field means something only then
    only_message: str = ""
    choices: Mapping[str, Any] | None = None
    invalid_choice: str = ""  # the message for a value not among the choices ("{value}" for it)
    max_length: int = 200
    low: int = 0
    high: int = 0
    pattern: str = ""
    record: type | None = None
    max_items: int = MAX_ITEMS
    default: Any = None  # the value an absent field takes
    # Storage: the column ("" = the key); a record is flattened into columns with ``column`` as
    # the prefix, or kept whole as JSON when ``as_json``; a list goes to the table ``table``.
    column: str = ""
    owned_by_case: bool = False  # set by the case itself (its procedure, date, county), not filed
    as_json: bool = False
    table: str = ""
    # The household form: a hint under the input, folded away with rarely needed facts, only on
    # one procedure's form, only for staff, or not on the form at all.
    hint: str = ""
    advanced: bool = False
    shown_for: str | None = None
    staff_only: bool = False
    on_form: bool = True
    item_label: str = ""  # a list's one row ("成员")

    def required_for(self, values: Mapping[str, Any]) -> bool:
        return self.required or (self.required_when is not None and holds(self.required_when, values))


def holds(condition: Condition, values: Mapping[str, Any]) -> bool:
    return all(values.get(key) in allowed for key, allowed in condition.items())


def when(**condition: str | tuple[str, ...] | frozenset[str]) -> Condition:
    """``when(kind=("flexible", "migrant"))``: a condition on earlier fields of the record."""
    return {key: frozenset((value,) if isinstance(value, str) else value) for key, value in condition.items()}


def declare(
    kind: str,
    label: str,
    *,
    default: Any = dataclasses.MISSING,
    default_factory: Any = dataclasses.MISSING,
    **details: Any,
) -> Any:
    """The dataclass field of a fact. Without a ``default`` the attribute is positional; an absent
    JSON field takes the attribute's default."""
    fact = Fact(kind, label, default=None if default is dataclasses.MISSING else default, **details)
    metadata = {_FACT: fact}
    if default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    if default is dataclasses.MISSING:
        return dataclasses.field(metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


T = TypeVar("T")


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, declare))
def record(cls: type[T]) -> type[T]:
    """A case-file record: a frozen dataclass whose fields are declared with ``declare``."""
    return dataclass(frozen=True, slots=True)(cls)


@functools.cache
def facts(record: type) -> tuple[Fact, ...]:
    """The declared facts of a record, in declaration order, each knowing its attribute."""
    found = []
    for field in dataclasses.fields(record):
        fact = field.metadata.get(_FACT)
        if isinstance(fact, Fact):
            found.append(dataclasses.replace(fact, attribute=field.name, key=fact.key or field.name))
    return tuple(found)


def leaves(record: type) -> list[tuple[tuple[str, ...], Fact, Fact | None]]:
    """The record's own fields and those of the records nested in it (not its lists): each
    with its path of keys in the case-file format, its declaration, and the field holding it."""
    found: list[tuple[tuple[str, ...], Fact, Fact | None]] = []
    for declared in facts(record):
        if declared.kind == RECORD and declared.record is not None:
            found.extend(((declared.key, inner.key), inner, declared) for inner in facts(declared.record))
        elif declared.kind != ITEMS:
            found.append(((declared.key,), declared, None))
    return found


def place(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set ``value`` at ``path`` in case-file data, making the nested objects on the way."""
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


@functools.cache
def keys_of(record: type) -> frozenset[str]:
    return frozenset(f.key for f in facts(record))


def choice_label(value: Any) -> str:
    """A choice's label as a person reads it, with the article it comes from, if any."""
    if isinstance(value, str):
        return value
    article = getattr(value, "article", "")
    return f"{value.label}（{article}）" if article else str(value.label)


def record_name(record: type) -> str:
    """``MedicalExpense`` → ``medical_expense``: the record's name in the JSON Schema."""
    name = record.__name__
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


@functools.cache
def positional(record: type) -> frozenset[str]:
    """The attributes a record cannot be built without."""
    return frozenset(
        f.name
        for f in dataclasses.fields(record)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )


def walk(record: type) -> list[type]:
    """The record and every record nested in it, each once, outermost first."""
    seen: list[type] = []

    def visit(current: type) -> None:
        if current in seen:
            return
        seen.append(current)
        for declared in facts(current):
            if declared.record is not None:
                visit(declared.record)

    visit(record)
    return seen
