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
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session, col, delete

from assistance.db import for_this_transaction
from assistance.errors import FieldProblem, InvalidInput
from assistance.models import AssetRecord, Case, Household, IncomeRecord, MedicalExpenseRecord, Member
from assistance.models.revisions import households_changed
from rules import CaseFile, CaseFileError, parse_case_file
from rules.casefile import SupportDetails

HOUSEHOLD_FIELD = "household"
# Kept with the household, not part of the engine's format.
_HOUSEHOLD_ONLY = ("address",)
_CASE_OWNED = ("procedure", "application_date", "county", "schema_version", "parameter_overrides")


def parse_household(
    procedure: str, application_date: date, county: str, household: Any
) -> tuple[CaseFile, dict[str, Any]]:
    """The parsed case file, and the household's own fields (address)."""
    if not isinstance(household, Mapping):
        raise InvalidInput.field(HOUSEHOLD_FIELD, "应为对象（案卷格式，见 docs/case-file.md）")
    problems = [
        FieldProblem(f"{HOUSEHOLD_FIELD}.{key}", "由案件确定，不能在家庭信息中填写")
        for key in _CASE_OWNED
        if key in household
    ]
    if problems:
        raise InvalidInput("提交的数据有误", problems)
    own = {key: household[key] for key in _HOUSEHOLD_ONLY if key in household}
    address = own.get("address", "")
    if not isinstance(address, str) or len(address) > 200:
        raise InvalidInput.field(f"{HOUSEHOLD_FIELD}.address", "应为不超过200字的文字")
    data = {k: v for k, v in household.items() if k not in _HOUSEHOLD_ONLY}
    data.update(procedure=procedure, application_date=application_date.isoformat(), county=county)
    try:
        return parse_case_file(data), own
    except CaseFileError as exc:
        raise InvalidInput(
            "家庭信息有误", [FieldProblem(f"{HOUSEHOLD_FIELD}.{e.field}", e.message) for e in exc.errors]
        ) from exc


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _support_data(support: SupportDetails) -> dict[str, Any]:
    data: dict[str, Any] = {
        "relation": support.relation,
        "basis": support.basis,
        "obligor_status": support.obligor_status,
        "children_supported": support.children_supported,
        "months": support.months,
    }
    for name in (
        "obligor_household_monthly_per_capita_income",
        "obligor_dibao_standard",
        "obligor_monthly_income",
    ):
        value = getattr(support, name)
        if value is not None:
            data[name] = str(value)
    return data


def store_household(session: Session, case: Case, household: Household, parsed: CaseFile) -> None:
    """Replace the household's members and the case's income, asset and expense records."""
    assert case.id is not None and household.id is not None
    for model in (IncomeRecord, AssetRecord, MedicalExpenseRecord):
        session.exec(delete(model).where(col(model.case_id) == case.id))
    case.patient_member_id = None
    case.applicant_member_id = None
    session.flush()
    session.exec(delete(Member).where(col(Member.household_id) == household.id))
    household.hukou_type = parsed.hukou_type
    household.residence_area = parsed.residence_area
    members = store_members(session, household, parsed)
    describe_case(case, parsed, members)
    store_records(session, case, household, parsed, members)
    # The rows went in past the ORM: every case of the household shows them.
    households_changed(session, {household.id})


def store_members(session: Session, household: Household, parsed: CaseFile) -> list[Any]:
    """Insert the case file's members into the household; the rows as stored, in order. One
    statement, and no ORM objects: a filing writes a household at a time and only reads it back."""
    assert household.id is not None
    values = [
        {
            "household_id": household.id,
            "key": m.id,
            "position": position,
            "name": m.name,
            "id_number": m.id_number,
            "relation": m.relation,
            "hukou_region": m.hukou_region,
            "unable_to_live_independently": m.unable_to_live_independently,
            "full_time_student": m.full_time_student,
            "exclusion_reason": m.exclusion.reason if m.exclusion else None,
            "exclusion_since": m.exclusion.since if m.exclusion else None,
            "exclusion_note": m.exclusion.note if m.exclusion else "",
            "insurance_scheme": m.insurance.scheme if m.insurance else None,
            "insurance_region": m.insurance.region if m.insurance else None,
        }
        for position, m in enumerate(parsed.members)
    ]
    return _inserted(session, Member, values)


def describe_case(case: Case, parsed: CaseFile, members: Sequence[Any]) -> None:
    """The case's own fields that the case file gives: its applicant, patient, assistance and
    monitoring status, and the county's findings."""
    ids = {m.key: m.id for m in members}
    case.applicant_member_id = ids[parsed.applicant.id]
    case.patient_member_id = ids[parsed.patient] if parsed.patient else None
    case.current_assistance = parsed.current_assistance
    case.assistance_transition = parsed.assistance_transition
    monitoring = parsed.monitoring_household
    case.monitoring_category = monitoring.category if monitoring else None
    case.monitoring_identified_on = monitoring.identified_on if monitoring else None
    case.monitoring_identified_by = monitoring.identified_by if monitoring else ""
    case.county_findings = [
        {"article": f.article, "description": f.description, "disqualifying": f.disqualifying}
        for f in parsed.county_findings
    ]


def store_records(
    session: Session, case: Case, household: Household, parsed: CaseFile, members: Sequence[Any]
) -> None:
    """Insert the case file's incomes, assets and medical expenses, and hold the household's rows
    as stored for the rest of the transaction (``household_rows``): the act's page shows them."""
    assert case.id is not None and household.id is not None
    ids = {m.key: m.id for m in members}
    incomes = [
        {
            "case_id": case.id,
            "member_id": ids[item.member],
            "kind": item.kind,
            "amount": item.amount,
            "months": item.months,
            "declared_amount": item.declared_amount,
            "support": _support_data(item.support) if item.support else None,
            "note": item.note,
        }
        for item in parsed.incomes
    ]
    assets = [
        {
            "case_id": case.id,
            "member_id": ids[asset.owner],
            "kind": asset.kind,
            "value": asset.value,
            "tenure": asset.tenure,
            "business_use": asset.business_use,
            "lent_identity_certified": asset.lent_identity_certified,
            "description": asset.description,
        }
        for asset in parsed.assets
    ]
    expenses = [
        {
            "case_id": case.id,
            "spent_on": expense.date,
            "type": expense.type,
            "policy_scope_personal_burden": expense.policy_scope_personal_burden,
            "mutual_aid": expense.mutual_aid,
            "out_of_pocket": expense.out_of_pocket,
            "designated": expense.designated,
            "institution": expense.institution,
        }
        for expense in parsed.medical_expenses
    ]
    stored = Preloaded()
    stored.households[household.id] = household
    stored.members[household.id] = list(members)
    stored.incomes[case.id] = _inserted(session, IncomeRecord, incomes)
    stored.assets[case.id] = _inserted(session, AssetRecord, assets)
    stored.expenses[case.id] = _inserted(session, MedicalExpenseRecord, expenses)
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


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", False)}


@dataclass
class Preloaded:
    """The records of a batch of cases, read with one query per table (``preload``), so that a
    batch job does not query per case. Plain rows, not ORM objects: a job reads millions of them
    and only reads their columns (the attribute names are the same)."""

    households: dict[int, Any] = field(default_factory=dict)
    members: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    incomes: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    assets: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    expenses: dict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))


def _table(model: Any) -> sa.Table:
    table: sa.Table = model.__table__
    return table


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
    for row in connection.execute(household_query, in_range):
        if row.id in households:
            found.households[row.id] = row
    for row in connection.execute(member_query, in_range):
        if row.household_id in households:
            found.members[row.household_id].append(row)
    for query, target in zip(record_queries, (found.incomes, found.assets, found.expenses), strict=True):
        for row in connection.execute(query, in_range):
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
        for table in map(_table, (IncomeRecord, AssetRecord, MedicalExpenseRecord))
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


def _rows_written(session: Session) -> None:
    for_this_transaction(session, _ROWS, _RowsRead).written += 1


@event.listens_for(Session, "after_flush")
def _household_rows_written(session: Session, _context: Any) -> None:
    if _household_rows_pending(session):
        _rows_written(session)


def household_data(session: Session, case: Case, preloaded: Preloaded | None = None) -> dict[str, Any]:
    """The household as filed: the case-file format without the case's own fields, plus address."""
    rows = preloaded if preloaded is not None else household_rows(session, case)
    household = rows.households.get(case.household_id)
    members: Sequence[Any] = rows.members.get(case.household_id, [])
    assert household is not None
    keys = {m.id: m.key for m in members}
    data: dict[str, Any] = {"hukou_type": household.hukou_type}
    if household.residence_area:
        data["residence_area"] = household.residence_area
    if household.address:
        data["address"] = household.address
    data["current_assistance"] = case.current_assistance
    if case.assistance_transition:
        data["assistance_transition"] = case.assistance_transition
    if case.monitoring_category:
        data["monitoring_household"] = _drop_empty(
            {
                "category": case.monitoring_category,
                "identified_on": case.monitoring_identified_on.isoformat()
                if case.monitoring_identified_on
                else None,
                "identified_by": case.monitoring_identified_by,
            }
        )
    data["members"] = [_member_data(m) for m in members]
    if case.patient_member_id is not None:
        data["patient"] = keys[case.patient_member_id]
    incomes = rows.incomes.get(case.id or 0, [])
    data["incomes"] = [
        _drop_empty(
            {
                "member": keys[i.member_id],
                "kind": i.kind,
                "amount": _money(i.amount),
                "months": i.months,
                "declared_amount": _money(i.declared_amount),
                "support": i.support,
                "note": i.note,
            }
        )
        for i in incomes
    ]
    assets = rows.assets.get(case.id or 0, [])
    data["assets"] = [
        _drop_empty(
            {
                "owner": keys[a.member_id],
                "kind": a.kind,
                "value": _money(a.value),
                "tenure": a.tenure,
                "business_use": a.business_use,
                "lent_identity_certified": a.lent_identity_certified,
                "description": a.description,
            }
        )
        for a in assets
    ]
    expenses = rows.expenses.get(case.id or 0, [])
    if expenses:
        data["medical_expenses"] = [
            {
                "date": e.spent_on.isoformat(),
                "type": e.type,
                "policy_scope_personal_burden": _money(e.policy_scope_personal_burden),
                "mutual_aid": _money(e.mutual_aid),
                "out_of_pocket": _money(e.out_of_pocket),
                "designated": e.designated,
                **({"institution": e.institution} if e.institution else {}),
            }
            for e in expenses
        ]
    if case.county_findings:
        data["county_findings"] = case.county_findings
    return data


def _member_data(m: Member) -> dict[str, Any]:
    data = _drop_empty(
        {
            "id": m.key,
            "name": m.name,
            "id_number": m.id_number,
            "relation": m.relation,
            "hukou_region": m.hukou_region,
            "unable_to_live_independently": m.unable_to_live_independently,
            "full_time_student": m.full_time_student,
        }
    )
    if m.exclusion_reason:
        data["exclusion"] = _drop_empty(
            {
                "reason": m.exclusion_reason,
                "since": m.exclusion_since.isoformat() if m.exclusion_since else None,
                "note": m.exclusion_note,
            }
        )
    if m.insurance_scheme:
        data["medical_insurance"] = _drop_empty({"scheme": m.insurance_scheme, "region": m.insurance_region})
    return data


def case_file(session: Session, case: Case, preloaded: Preloaded | None = None) -> dict[str, Any]:
    """The case in the rules engine's format, as it stands now."""
    household = household_data(session, case, preloaded)
    household.pop("address", None)
    return {
        "schema_version": 1,
        "reference": case.number or f"案件{case.id}",
        "procedure": case.procedure,
        "application_date": case.application_date.isoformat(),
        "county": case.county_code,
        **household,
    }
