"""Case files built straight from their stored rows, for the bulk paths: the screening's explained
re-check (issue 21) decides a hundred thousand households at a time, and turning each household's
rows into the case-file format (``household.case_file``) only for the parser to read it back cost
more than deciding it (56 % of the time against 17 %).

What is stored went through the parser when it was filed (``household.parse_household``), so it
is built here as the parser would build it, without checking it again: each record through its
slots, walked once from the same declarations as ``storage`` (what a row holds, and where), with
the parser's one derived field, a member's birth date from the ID number (as the parser derives
it). A case is decided on another date than its application's here (the recheck's, the
reform's), so the parser's rules tying the whole case file together are asked again
(``rules.parsing.case_rules_hold``: no birth or expense after that date…): a case that fails them
goes to the parser, which says why.

``tests/integration/test_int_case_files_from_rows.py`` holds every case of the demo, on several
dates, to the same record as ``parse_case_file(case_file(...))``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Final

from assistance.casefile import storage
from assistance.casefile.household import MODELS, RECORD_LISTS, Preloaded
from assistance.casefile.listed_rows import columns
from assistance.models import Case, Household
from assistance.models import Member as MemberRow
from rules import declaration as d
from rules.casefile import CaseFile, Member
from rules.idnumber import valid_birth_date
from rules.parsing import case_rules_hold
from rules.reader import Reader

# Builds one record from a row: (row, member keys by member row id) → the record, or None for a
# nested record none of whose columns is given.
Builder = Callable[[Any, Mapping[int, str]], Any]
# A row's column names, in order: the builders read the columns by position, since reading a
# result row's column by name costs ten times as much (0.5 µs, a hundred times a household).
Columns = tuple[str, ...]


# The fields the parser derives rather than reads, by record: the column each is derived from,
# and how (None where the parser would refuse the value).
_DERIVED: Final[Mapping[tuple[type, str], tuple[str, Callable[[Any], Any]]]] = {
    (Member, "birth_date"): ("id_number", valid_birth_date),
}


def _from_json(fact: d.Fact) -> Callable[[Any], Any]:
    """A field kept whole as JSON (an income's support, the county's findings), read by the
    rules engine's own reader: few rows have one."""
    record = fact.record
    assert record is not None

    def read_one(raw: Any) -> Any:
        reader = Reader()
        built = reader.record(raw, "", record)
        if reader.errors or built is None:
            raise ValueError(f"存储的 {fact.key} 无法读取：{reader.errors}")
        return built

    if fact.kind == d.ITEMS:
        return lambda raw: () if not raw else tuple(read_one(item) for item in raw)
    return lambda raw: None if raw is None or raw == {} else read_one(raw)


@functools.cache
def builder(record: type, columns: Columns, prefix: str = "") -> Builder:
    """The building of ``record`` from a row of ``columns`` whose names carry ``prefix``. A nested
    record (``prefix`` given) is None when none of its fields is given, as the case-file format
    then leaves it out."""
    return _compile(record, prefix, lambda fact: ("row", columns), "row, keys")  # type: ignore[no-any-return]


@functools.cache
def _top(case: Columns, household: Columns) -> Callable[[Any, Any, Mapping[int, str]], CaseFile]:
    """The case file's own fields, from the case's row and its household's; its lists and the
    fields the case gives are set by ``case_file_from_rows``."""

    # Exactly the fields ``household.household_data`` reads from each row.
    rows = {
        fact.attribute: (name, columns)
        for name, table, columns in (
            ("case", storage.CASE_TABLE, case),
            ("household", storage.HOUSEHOLD_TABLE, household),
        )
        for fact in storage.top_facts(table)
    }

    def row_of(fact: d.Fact) -> tuple[str, Columns] | None:
        return rows.get(fact.attribute)

    return _compile(CaseFile, "", row_of, "case, household, keys")  # type: ignore[no-any-return]


def _compile(
    record: type, prefix: str, row_of: Callable[[d.Fact], tuple[str, Columns] | None], arguments: str
) -> Any:
    """Generated once from the record's declarations: a few lines per field, each value set
    through its slot as the parser sets it (``row_of`` names the row a field is read from and its
    columns, None to leave it at its default)."""
    declared = {fact.attribute: fact for fact in d.facts(record)}
    bound: dict[str, Any] = {"record": record, "new": object.__new__}
    lines = ["built = new(record)", "given = False"]
    for number, field in enumerate(dataclasses.fields(record)):
        fact = declared.get(field.name)
        bound[f"set_{number}"] = getattr(record, field.name).__set__
        if field.default_factory is not dataclasses.MISSING:
            bound[f"default_{number}"] = field.default_factory()
        else:
            bound[f"default_{number}"] = None if field.default is dataclasses.MISSING else field.default
        source = row_of(fact) if fact is not None else row_of(declared[_DERIVED[(record, field.name)][0]])
        if source is None:
            lines.append(f"value = default_{number}")
            lines.append(f"set_{number}(built, value)")
            continue
        row, columns = source
        if fact is None:
            column, derive = _DERIVED[(record, field.name)]
            bound[f"derive_{number}"] = derive
            lines.append(f"value = derive_{number}({row}[{_read(columns, prefix + column)}])")
        elif fact.kind == d.RECORD and not fact.as_json:
            assert fact.record is not None
            bound[f"nested_{number}"] = builder(fact.record, columns, prefix + fact.column)
            lines += [f"value = nested_{number}({row}, keys)", "given = given or value is not None"]
        else:
            lines.append(f"value = {row}[{_read(columns, prefix + (fact.column or fact.key))}]")
            lines += _value_lines(fact, number, bound)
        lines.append(f"set_{number}(built, value)")
    if prefix:
        lines.append("if not given: return None")
    lines.append("return built")
    code = "\n".join(
        [f"def make({', '.join(bound)}):", f"    def build({arguments}):"]
        + ["        " + line for line in lines]
        + ["    return build"]
    )
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # generated above from the record's own declarations
    return namespace["make"](**bound)


# The columns each row's builders read, by the row's columns (``columns_read``).
_READ: Final[dict[Columns, set[str]]] = defaultdict(set)


def _read(columns: Columns, name: str) -> int:
    """The position of the column ``name`` that a builder reads, noted as read."""
    _READ[columns].add(name)
    return columns.index(name)


# ``value in storage.EMPTY`` for a column that is not JSON, written out: such a column never holds
# a list or a dictionary, and comparing with them too took some 3 µs of the 20 a household takes.
_PLAIN_EMPTY: Final = " or ".join(
    "value is None" if empty is None else f"value == {empty!r}"
    for empty in storage.EMPTY
    if not isinstance(empty, list | dict)
)


def _value_lines(fact: d.Fact, number: int, bound: dict[str, Any]) -> list[str]:
    """A stored value turned into the record's, and whether it counts as given: as the case-file
    format leaves out an empty value (``storage.EMPTY``, and a False unless ``keeps_false``) and
    the parser then takes the default (``storage._read``)."""
    if fact.as_json:
        bound["empty"] = storage.EMPTY
        bound[f"json_{number}"] = _from_json(fact)
        return ["given = given or value not in empty", f"value = json_{number}(value)"]
    if fact.kind == d.MEMBER:
        return ["if value is not None:", "    given = True", "    value = keys[value]"]
    empty = _PLAIN_EMPTY if storage.keeps_false(fact) else f"{_PLAIN_EMPTY} or value is False"
    return [f"if {empty}:", f"    value = default_{number}", "else:", "    given = True"]


def case_file_from_rows(case: Any, rows: Preloaded, on: date) -> CaseFile | None:
    """The case (its stored row) decided on ``on``, built from its household's rows (read by
    ``listed_rows.read_listed`` or ``household.preload``); None when the parser would refuse it
    on that date (read it through the parser to learn why)."""
    household_id = case[_CASE["household_id"]]
    members = rows.members.get(household_id, [])
    household = rows.households[household_id]
    keys = {m[_ID]: m[_KEY] for m in members}
    built = _top(_COLUMNS[storage.CASE_TABLE], _COLUMNS[storage.HOUSEHOLD_TABLE])(case, household, keys)
    member = builder(Member, _COLUMNS[_MEMBERS])
    built_members = tuple([member(m, keys) for m in members])
    if any(m.birth_date is None for m in built_members):
        return None
    _SET["members"](built, built_members)
    for fact in RECORD_LISTS:
        assert fact.record is not None
        listed = rows.records[fact.key].get(case[_CASE["id"]])
        if listed:
            build = builder(fact.record, _COLUMNS[fact.table])
            _SET[fact.attribute](built, tuple([build(row, keys) for row in listed]))
    _SET["procedure"](built, case[_CASE["procedure"]])
    _SET["application_date"](built, on)
    _SET["county"](built, case[_CASE["county_code"]])
    _SET["reference"](built, case[_CASE["number"]] or f"案件{case[_CASE['id']]}")
    return built if case_rules_hold(built) else None


def columns_read() -> dict[str, frozenset[str]]:
    """The columns of each table that ``case_file_from_rows`` reads: a reader may leave the others
    out (``listed_rows.read_listed``), as a case row carries some forty, its timestamps among them,
    that a case file does not hold."""
    _top(_COLUMNS[storage.CASE_TABLE], _COLUMNS[storage.HOUSEHOLD_TABLE])  # compiled, so noted
    builder(Member, _COLUMNS[_MEMBERS])
    for fact in RECORD_LISTS:
        assert fact.record is not None
        builder(fact.record, _COLUMNS[fact.table])
    return {table: frozenset(_READ[columns] | _OWN.get(table, set())) for table, columns in _COLUMNS.items()}


# Each table's columns in order, as ``select(table)`` reads them (``preload``, ``read_listed``).
_COLUMNS: Final = {
    table.name: columns(table)
    for table in (model.__table__ for model in (Case, Household, MemberRow, *MODELS.values()))
}
# A case row's columns by name: the row may be a plain tuple (``read_listed``).
_CASE: Final = {name: number for number, name in enumerate(_COLUMNS[storage.CASE_TABLE])}
_MEMBERS: Final = MemberRow.__table__.name  # type: ignore[attr-defined]
# The member row's id and key, by position.
_ID: Final = _COLUMNS[_MEMBERS].index("id")
_KEY: Final = _COLUMNS[_MEMBERS].index("key")

# The columns ``case_file_from_rows`` reads itself, by table.
_OWN: Final = {
    storage.CASE_TABLE: {"id", "household_id", "procedure", "county_code", "number"},
    _MEMBERS: {"id", "key"},
}

# Each field's slot setter: the case file is frozen, and built here as the parser builds it.
_SET: Final = {field.name: getattr(CaseFile, field.name).__set__ for field in dataclasses.fields(CaseFile)}

__all__ = ["builder", "case_file_from_rows", "columns_read"]
