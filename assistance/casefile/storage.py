"""Where each case-file field is stored, walked from its declaration (``rules/declaration.py``).

A declared field names its table and column. A nested record is flattened into columns with its
prefix (a member's ``exclusion`` into ``exclusion_reason``…) or kept whole as JSON (an income's
``support``). A member reference is stored as the member row's id. Nothing here lists the fields:
adding one to the declaration and a column to its table is all storage needs.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Final

from rules import declaration as d
from rules.casefile import CaseFile
from rules.declaration import Fact

CASE_TABLE = "assistance_case"
HOUSEHOLD_TABLE = "household"


def top_facts(table: str) -> tuple[Fact, ...]:
    """The case file's own fields stored on ``table`` that a household filing gives, a list kept
    whole as JSON in a column of its own (the county's findings) among them."""
    return tuple(
        f
        for f in d.facts(CaseFile)
        if f.table == table and (f.kind != d.ITEMS or f.as_json) and not f.owned_by_case
    )


def list_facts() -> tuple[Fact, ...]:
    """The case file's lists (members, incomes, …), each with its table."""
    return tuple(f for f in d.facts(CaseFile) if f.kind == d.ITEMS)


def case_owned_keys() -> tuple[str, ...]:
    """Fields the case gives (its procedure, date, county), never a household filing."""
    return tuple(f.key for f in d.facts(CaseFile) if f.owned_by_case)


def _column(fact: Fact) -> str:
    return fact.column or fact.key


def columns(record: type, item: Any, member_ids: Mapping[str, int]) -> dict[str, Any]:
    """A record's values by column, ready to insert (``item`` None: every column empty)."""
    row: dict[str, Any] = {}
    for fact in d.facts(record):
        _put(row, "", fact, None if item is None else getattr(item, fact.attribute), member_ids)
    return row


def _put(row: dict[str, Any], prefix: str, fact: Fact, value: Any, member_ids: Mapping[str, int]) -> None:
    if fact.kind == d.RECORD and not fact.as_json:
        assert fact.record is not None
        for sub in d.facts(fact.record):
            inner = _empty(sub) if value is None else getattr(value, sub.attribute)
            _put(row, prefix + fact.column, sub, inner, member_ids)
        return
    column = prefix + _column(fact)
    if fact.as_json:
        row[column] = to_json(fact, value)
    elif fact.kind == d.MEMBER:
        row[column] = None if value is None else member_ids[value]
    else:
        row[column] = value


def _empty(fact: Fact) -> Any:
    """A field's stored value when its record is absent (a member with no exclusion)."""
    return fact.default if fact.kind in (d.TEXT, d.FLAG) else None


def to_json(fact: Fact, value: Any) -> Any:
    """A value in the case-file format: money as a string, dates ISO, records as objects."""
    if value is None:
        return None
    if fact.kind == d.ITEMS:
        assert fact.record is not None
        return [record_json(fact.record, item) for item in value]
    if fact.kind == d.RECORD:
        assert fact.record is not None
        return record_json(fact.record, value)
    return _plain(value)


def record_json(record: type, item: Any) -> dict[str, Any]:
    data = {}
    for fact in d.facts(record):
        value = to_json(fact, getattr(item, fact.attribute))
        if not _omitted(fact, value):
            data[fact.key] = value
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


# What the case-file format leaves out, as it is when absent: compared by equality (``in``), so
# that 0 and a zero amount are kept. ``_read`` and ``from_rows`` ask the same of every stored value.
EMPTY: Final[tuple[Any, ...]] = (None, "", [], {})


def keeps_false(fact: Fact) -> bool:
    """Whether the format keeps a False: a flag whose default is True (or that is required) means
    something by it; any other False is left out, as absent."""
    return fact.default is True or fact.required


def _omitted(fact: Fact, value: Any) -> bool:
    return value in EMPTY or (value is False and not keeps_false(fact))


def from_columns(record: type, row: Any, member_keys: Mapping[int, str], prefix: str = "") -> dict[str, Any]:
    """A stored row back in the case-file format."""
    return _read(_reading(record, prefix), row, member_keys)


def top_data(table: str, row: Any, member_keys: Mapping[int, str]) -> dict[str, Any]:
    """The case file's own fields stored on ``table`` (the household or the case)."""
    return _read(_reading(table, ""), row, member_keys)


# How one stored field is read back: its key, its column, how its value is turned back into the
# format, the fields of a record flattened into its columns, and whether a False is kept.
_PLAIN, _MEMBER, _JSON, _FLATTENED = range(4)
_Reading = tuple[tuple[str, str, int, tuple[Any, ...], bool], ...]


@functools.cache
def _reading(source: type | str, prefix: str) -> _Reading:
    """The declarations of a record (or of a table's own fields) settled once into what reading a
    row needs: every case file the batch jobs and the screening's explained check build walks
    them, a hundred fields a household."""
    facts = d.facts(source) if isinstance(source, type) else top_facts(source)
    plan = []
    for fact in facts:
        kept = keeps_false(fact)
        if fact.kind == d.RECORD and not fact.as_json:
            assert fact.record is not None
            nested = _reading(fact.record, prefix + fact.column)
            plan.append((fact.key, "", _FLATTENED, nested, kept))
            continue
        how = _MEMBER if fact.kind == d.MEMBER else _JSON if fact.as_json else _PLAIN
        plan.append((fact.key, prefix + _column(fact), how, (), kept))
    return tuple(plan)


def _read(plan: _Reading, row: Any, member_keys: Mapping[int, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, column, how, nested, kept in plan:
        value: Any
        if how == _FLATTENED:
            value = _read(nested, row, member_keys)
        else:
            value = getattr(row, column)
            if value is None:
                continue
            if how == _MEMBER:
                value = member_keys[value]
            elif how == _PLAIN:
                value = _plain(value)
        # As ``_omitted``, inline: it is asked of every field of every row.
        if value in EMPTY or (value is False and not kept):
            continue
        data[key] = value
    return data


def set_top(table: str, target: Any, parsed: CaseFile, member_ids: Mapping[str, int]) -> None:
    """Set the case file's own fields stored on ``table`` onto its row (the household or the case)."""
    row: dict[str, Any] = {}
    for fact in top_facts(table):
        _put(row, "", fact, getattr(parsed, fact.attribute), member_ids)
    for column, value in row.items():
        setattr(target, column, value)


def item_rows(
    fact: Fact, parsed: CaseFile, member_ids: Mapping[str, int], **owner: Any
) -> list[dict[str, Any]]:
    """The rows of one of the case file's lists, each with its owner's columns (``case_id``…)."""
    assert fact.record is not None
    return [{**owner, **columns(fact.record, item, member_ids)} for item in getattr(parsed, fact.attribute)]


def stored_columns() -> Iterable[tuple[str, str, Fact]]:
    """Every (table, column, field) the declarations store: a test holds the models to it."""
    for fact in d.facts(CaseFile):
        if not fact.table:
            continue
        if fact.kind == d.ITEMS and not fact.as_json:
            assert fact.record is not None
            yield from ((fact.table, column, sub) for column, sub in _flat(fact.record))
        elif fact.kind == d.RECORD and not fact.as_json:
            assert fact.record is not None
            yield from ((fact.table, fact.column + column, sub) for column, sub in _flat(fact.record))
        else:
            yield fact.table, _column(fact), fact


def _flat(record: type, prefix: str = "") -> Iterable[tuple[str, Fact]]:
    for fact in d.facts(record):
        if fact.kind == d.RECORD and not fact.as_json:
            assert fact.record is not None
            yield from _flat(fact.record, prefix + fact.column)
        else:
            yield prefix + _column(fact), fact
