"""A case's household facts in the rules engine's case-file format, both ways.

Filing and correcting a household take the case-file format (docs/case-file.md) without the
fields the case itself knows (procedure, application date, county); they are validated by the
rules engine's own parser, so whatever is stored can be evaluated.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session, col, delete

from assistance.casefile import storage
from assistance.db import for_this_transaction
from assistance.errors import FieldProblem, InvalidInput
from assistance.models import AssetRecord, Case, Household, IncomeRecord, MedicalExpenseRecord, Member
from assistance.models.revisions import households_changed
from rules import CaseFile, CaseFileError, parse_case_file
from rules.casefile import Member as Member_

HOUSEHOLD_FIELD = "household"


def parse_household(procedure: str, application_date: date, county: str, household: Any) -> CaseFile:
    """The household, in the case-file format without the case's own fields, parsed with them."""
    if not isinstance(household, Mapping):
        raise InvalidInput.field(HOUSEHOLD_FIELD, "应为对象（案卷格式，见 docs/case-file.md）")
    problems = [
        FieldProblem(f"{HOUSEHOLD_FIELD}.{key}", "由案件确定，不能在家庭信息中填写")
        for key in storage.case_owned_keys()
        if key in household
    ]
    if problems:
        raise InvalidInput("提交的数据有误", problems)
    data = {
        **household,
        "procedure": procedure,
        "application_date": application_date.isoformat(),
        "county": county,
    }
    try:
        return parse_case_file(data)
    except CaseFileError as exc:
        raise InvalidInput(
            "家庭信息有误", [FieldProblem(f"{HOUSEHOLD_FIELD}.{e.field}", e.message) for e in exc.errors]
        ) from exc


def store_household(session: Session, case: Case, household: Household, parsed: CaseFile) -> None:
    """Replace the household's members and the case's income, asset and expense records."""
    assert case.id is not None and household.id is not None
    for model in (IncomeRecord, AssetRecord, MedicalExpenseRecord):
        session.exec(delete(model).where(col(model.case_id) == case.id))
    case.patient_member_id = None
    case.applicant_member_id = None
    session.flush()
    session.exec(delete(Member).where(col(Member.household_id) == household.id))
    describe_household(household, parsed)
    members = store_members(session, household, parsed)
    describe_case(case, parsed, members)
    store_records(session, case, household, parsed, members)
    # The rows went in past the ORM: every case of the household shows them.
    households_changed(session, {household.id})


def describe_household(household: Household, parsed: CaseFile) -> None:
    """The household's own fields that the case file gives (its hukou, residence, address)."""
    storage.set_top(storage.HOUSEHOLD_TABLE, household, parsed, {})


def store_members(session: Session, household: Household, parsed: CaseFile) -> list[Any]:
    """Insert the case file's members into the household; the rows as stored, in order. One
    statement, and no ORM objects: a filing writes a household at a time and only reads it back."""
    assert household.id is not None
    rows = storage.item_rows(_MEMBERS, parsed, {}, household_id=household.id)
    for position, row in enumerate(rows):
        row["position"] = position
    return _inserted(session, Member, rows)


def describe_case(case: Case, parsed: CaseFile, members: Sequence[Any]) -> None:
    """The case's own fields that the case file gives: its applicant, patient, assistance and
    monitoring status, and the county's findings."""
    ids = {m.key: m.id for m in members}
    case.applicant_member_id = ids[parsed.applicant.id]
    storage.set_top(storage.CASE_TABLE, case, parsed, ids)


def store_records(
    session: Session, case: Case, household: Household, parsed: CaseFile, members: Sequence[Any]
) -> None:
    """Insert the case file's incomes, assets and medical expenses, and hold the household's rows
    as stored for the rest of the transaction (``household_rows``): the act's page shows them."""
    assert case.id is not None and household.id is not None
    ids = {m.key: m.id for m in members}
    stored = Preloaded()
    stored.households[household.id] = household
    stored.members[household.id] = list(members)
    for fact in RECORD_LISTS:
        rows = storage.item_rows(fact, parsed, ids, case_id=case.id)
        stored.records[fact.key][case.id] = _inserted(session, MODELS[fact.table], rows)
    _rows_written(session)
    rows_read = for_this_transaction(session, _ROWS, _RowsRead)
    rows_read.read[case.id] = (rows_read.written, stored)


def _inserted(session: Session, model: Any, values: list[dict[str, Any]]) -> list[Any]:
    """Insert the rows in one statement; the rows as the database stored them, in order."""
    if not values:
        return []
    table = _table(model)
    query = sa.insert(table).returning(*table.c, sort_by_parameter_order=True)
    return list(session.connection().execute(query, values))


def _table(model: Any) -> sa.Table:
    table: sa.Table = model.__table__
    return table


MODELS: dict[str, Any] = {
    _table(model).name: model for model in (Member, IncomeRecord, AssetRecord, MedicalExpenseRecord)
}
_MEMBERS = next(f for f in storage.list_facts() if f.table == _table(Member).name)
# The lists kept in tables of their own, by case (the county's findings are a column of the case).
RECORD_LISTS = tuple(f for f in storage.list_facts() if f is not _MEMBERS and not f.as_json)


@dataclass
class Preloaded:
    """The records of a batch of cases, read with one query per table (``preload``), so that a
    batch job does not query per case. Plain rows, not ORM objects: a job reads millions of them
    and only reads their columns (the attribute names are the same)."""

    households: dict[int, Any] = field(default_factory=dict)
    members: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    # By the case file's list ("incomes", "assets", "medical_expenses"), then by case.
    records: dict[str, dict[int, list[Any]]] = field(
        default_factory=lambda: {f.key: defaultdict(list) for f in RECORD_LISTS}
    )

    @property
    def incomes(self) -> dict[int, list[Any]]:
        return self.records["incomes"]

    @property
    def assets(self) -> dict[int, list[Any]]:
        return self.records["assets"]


def preload(session: Session, cases: list[Case]) -> Preloaded:
    """The households, members, incomes, assets and expenses of ``cases`` (consecutive ids of one
    chunk): ranges by case id, joined where a table hangs off the household."""
    found = Preloaded()
    if not cases:
        return found
    first, last = min(c.id or 0 for c in cases), max(c.id or 0 for c in cases)
    wanted = {c.id for c in cases}
    households = {c.household_id for c in cases}
    connection = session.connection()
    in_range = {"first": first, "last": last}
    household_query, member_query, record_queries = _preload_queries()
    for row in connection.execute(household_query, in_range).all():
        if row.id in households:
            found.households[row.id] = row
    for row in connection.execute(member_query, in_range).all():
        if row.household_id in households:
            found.members[row.household_id].append(row)
    for query, fact in zip(record_queries, RECORD_LISTS, strict=True):
        target = found.records[fact.key]
        for row in connection.execute(query, in_range).all():
            if row.case_id in wanted:
                target[row.case_id].append(row)
    return found


@functools.cache
def _preload_queries() -> tuple[sa.Select[Any], sa.Select[Any], tuple[sa.Select[Any], ...]]:
    """``preload``'s statements (parameters ``first`` and ``last``, a range of case ids), built once:
    every act and case page runs them."""
    case_t, household_t, member_t = _table(Case), _table(Household), _table(Member)
    in_range = sa.and_(case_t.c.id >= sa.bindparam("first"), case_t.c.id <= sa.bindparam("last"))
    households = (
        sa.select(household_t).join(case_t, case_t.c.household_id == household_t.c.id).where(in_range)
    )
    members = (
        sa.select(member_t)
        .join(case_t, case_t.c.household_id == member_t.c.household_id)
        .where(in_range)
        .order_by(member_t.c.household_id, member_t.c.position)
    )
    records = tuple(
        sa.select(table)
        .where(table.c.case_id >= sa.bindparam("first"), table.c.case_id <= sa.bindparam("last"))
        .order_by(table.c.id)
        for table in (_table(MODELS[fact.table]) for fact in RECORD_LISTS)
    )
    return households, members, records


_HOUSEHOLD_MODELS = (Household, Member, IncomeRecord, AssetRecord, MedicalExpenseRecord)
_ROWS = "household_rows"  # session.info key (for_this_transaction)


@dataclass
class _RowsRead:
    written: int = 0  # flushes and bulk deletes of household rows in the transaction so far
    read: dict[int, tuple[int, Preloaded]] = field(default_factory=dict)  # by case: when, what


def _household_rows_pending(session: Session) -> bool:
    return any(isinstance(o, _HOUSEHOLD_MODELS) for o in (*session.new, *session.dirty, *session.deleted))


def household_rows(session: Session, case: Case) -> Preloaded:
    """The case's household rows, read once per transaction for as long as none is written: an act
    reads the case file for its guards, its effects and its documents, then the page."""
    if _household_rows_pending(session):
        session.flush()  # what a query's autoflush would have done
    rows_read = for_this_transaction(session, _ROWS, _RowsRead)
    kept = rows_read.read.get(case.id or 0)
    if kept is not None and kept[0] == rows_read.written:
        return kept[1]
    rows = preload(session, [case])
    rows_read.read[case.id or 0] = (rows_read.written, rows)
    return rows


def keep_for_these_cases(session: Session, cases: Sequence[Any], rows: Preloaded | None = None) -> None:
    """Read the household rows of a batch of cases at once (``preload``, unless given) and hold
    them for the transaction, so that ``household_rows`` (and ``case_file``) finds each case's there."""
    rows = rows if rows is not None else preload(session, list(cases))
    rows_read = for_this_transaction(session, _ROWS, _RowsRead)
    for case in cases:
        rows_read.read[case.id or 0] = (rows_read.written, rows)


def _rows_written(session: Session) -> None:
    for_this_transaction(session, _ROWS, _RowsRead).written += 1


@event.listens_for(Session, "after_flush")
def _household_rows_written(session: Session, _context: Any) -> None:
    if _household_rows_pending(session):
        _rows_written(session)


def household_data(session: Session, case: Case) -> dict[str, Any]:
    """The household as filed: the case-file format without the case's own fields."""
    rows = household_rows(session, case)
    household = rows.households.get(case.household_id)
    members: Sequence[Any] = rows.members.get(case.household_id, [])
    assert household is not None
    keys = {m.id: m.key for m in members}
    data = storage.top_data(storage.HOUSEHOLD_TABLE, household, keys)
    data.update(storage.top_data(storage.CASE_TABLE, case, keys))
    data["members"] = [storage.from_columns(Member_, m, keys) for m in members]
    for fact in RECORD_LISTS:
        found = rows.records[fact.key].get(case.id or 0, [])
        if found:
            assert fact.record is not None
            data[fact.key] = [storage.from_columns(fact.record, row, keys) for row in found]
    return data


def case_file(session: Session, case: Case) -> dict[str, Any]:
    """The case in the rules engine's format, as it stands now."""
    return {
        "schema_version": 1,
        "reference": case.number or f"案件{case.id}",
        "procedure": case.procedure,
        "application_date": case.application_date.isoformat(),
        "county": case.county_code,
        **household_data(session, case),
    }
