"""The rows of cases scattered over the ids, and of their households, for building their case files
(``from_rows``): a screening's explained re-check reads those of the households a reform changes,
some 150,000 at a time (issue 21).

On PostgreSQL they are read through the driver's cursor, as plain tuples: SQLAlchemy's result rows
and its per-column conversions cost 30 µs of the 55 µs a household's rows took to read, over
20,000 households. The columns are those of ``select(table)``, in its order, so that a row is read
by position the same way either way. On SQLite they are read through SQLAlchemy, whose conversions
there are needed (an amount is kept as text).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, Final

import sqlalchemy as sa
from sqlmodel import Session

from assistance.casefile.household import MODELS, RECORD_LISTS, Preloaded
from assistance.models import Case, Household, Member

_CASES: Final[sa.Table] = Case.__table__  # type: ignore[attr-defined]
_HOUSEHOLDS: Final[sa.Table] = Household.__table__  # type: ignore[attr-defined]
_MEMBERS: Final[sa.Table] = Member.__table__  # type: ignore[attr-defined]


def columns(table: sa.Table) -> tuple[str, ...]:
    """The table's columns in the order ``select(table)`` reads them: a row's positions."""
    return tuple(table.c.keys())


def position(table: sa.Table, column: str) -> int:
    return columns(table).index(column)


# The positions ``read_listed``'s callers read a case's and a member's row by.
CASE_ID: Final = position(_CASES, "id")
CASE_HOUSEHOLD: Final = position(_CASES, "household_id")
_HOUSEHOLD_ID: Final = position(_HOUSEHOLDS, "id")
MEMBER_HOUSEHOLD: Final = position(_MEMBERS, "household_id")


# The columns of each table that the callers read, by table name; None: all of them.
Wanted = Mapping[str, Collection[str]] | None
# The rows of ``table`` whose ``column`` is one of ``ids``, in ``order``: (table, column, ids, order).
Fetch = Callable[[sa.Table, str, Sequence[int], tuple[str, ...]], list[Any]]


def read_listed(
    session: Session, case_ids: Sequence[int], wanted: Wanted = None
) -> tuple[list[Any], Preloaded]:
    """The rows of the cases ``case_ids`` (in no particular order), and their households'. With
    ``wanted``, a table's other columns are read as NULL, in their places (on PostgreSQL): a case
    row has some forty columns, three timestamps among them, and reading them all took 6.8 µs a
    case against 1.7 µs for those a case file is built from."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        fetch: Fetch = functools.partial(_by_driver, connection, wanted)
    else:
        fetch = functools.partial(_by_sqlalchemy, connection)
    found = Preloaded()
    cases = fetch(_CASES, "id", case_ids, ())
    if not cases:
        return cases, found
    households = sorted({case[CASE_HOUSEHOLD] for case in cases})
    for row in fetch(_HOUSEHOLDS, "id", households, ()):
        found.households[row[_HOUSEHOLD_ID]] = row
    for row in fetch(_MEMBERS, "household_id", households, ("household_id", "position")):
        found.members[row[MEMBER_HOUSEHOLD]].append(row)
    ids = [case[CASE_ID] for case in cases]
    for fact in RECORD_LISTS:
        table = MODELS[fact.table].__table__
        target, by_case = found.records[fact.key], position(table, "case_id")
        for row in fetch(table, "case_id", ids, ("id",)):
            target[row[by_case]].append(row)
    return cases, found


def _by_sqlalchemy(
    connection: sa.Connection, table: sa.Table, column: str, ids: Sequence[int], order: tuple[str, ...]
) -> list[Any]:
    query = sa.select(table).where(table.c[column].in_(list(ids))).order_by(*(table.c[o] for o in order))
    return list(connection.execute(query).all())


def _by_driver(
    connection: sa.Connection,
    wanted: Wanted,
    table: sa.Table,
    column: str,
    ids: Sequence[int],
    order: tuple[str, ...],
) -> list[Any]:
    raw = connection.connection.driver_connection
    assert raw is not None
    names = columns(table)
    if wanted is not None:
        # The columns this module groups and matches rows by are always read.
        kept = {*wanted.get(table.name, ()), "id", "case_id", "household_id"}
        names = tuple(name if name in kept else "" for name in names)
    with raw.cursor() as cursor:
        # One array parameter rather than hundreds: converting a query of 500 parameters cost
        # more than running it.
        cursor.execute(_statement(table.name, names, column, order), (list(ids),))
        found: list[Any] = cursor.fetchall()
        return found


def _quoted(names: Sequence[str]) -> str:
    # Every name is a declared table's or column's ("position" and "key" among them); an empty
    # one is a column left out, read as NULL in its place.
    return ", ".join(f'"{name}"' if name else "NULL" for name in names)


@functools.cache
def _statement(table: str, names: tuple[str, ...], column: str, order: tuple[str, ...]) -> str:
    ordered = f" ORDER BY {_quoted(order)}" if order else ""
    wanted = f"{_quoted([column])} = ANY(%s::integer[])"
    return f"SELECT {_quoted(names)} FROM {_quoted([table])} WHERE {wanted}{ordered}"


__all__ = ["CASE_HOUSEHOLD", "CASE_ID", "MEMBER_HOUSEHOLD", "Wanted", "columns", "position", "read_listed"]
