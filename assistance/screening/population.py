"""A population's households read straight from the database into the screening path's row tables
(rules/screening/rows.py): plain SELECTs whose every column is an integer (codes as indexes into
rules.vocabulary, money in fen, dates as yyyymmdd), no ORM objects and no case files.

The population is the batch jobs' (assistance/casefile/populations.py ``SELECT``): ``current`` is the
what-if's (every open case and every recognised family), ``recognised`` the recheck review's
(recognised 低保边缘家庭). Every household is decided on one date, the reform's effective date, as
the recheck review decides on its date (64号 第二十六条).

On PostgreSQL the same statements run through ``COPY (…) TO STDOUT`` and are parsed by numpy,
several times faster than fetching Python tuples; on SQLite they are fetched with a plain cursor.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Session

from assistance.casefile.populations import SELECT
from assistance.models import AssetRecord, Case, Household, IncomeRecord, MedicalExpenseRecord, Member
from rules import vocabulary as v
from rules.counties import CITY_PREFIX, PROVINCE_PREFIX
from rules.screening import (
    AssetRows,
    ExpenseRows,
    HouseholdFacts,
    IncomeRows,
    MemberRows,
    ParameterArrays,
    ScreeningColumns,
    columns_from_rows,
)
from rules.screening.columns import ASSISTANCE_CODES, PROCEDURE_CODES, TRANSITION_CODES
from rules.screening.parameters import AREA_CODES, COUNTY_CODES
from rules.screening.rows import (
    ASSET_CODES,
    EXCLUSION_CODES,
    EXPENSE_CODES,
    INCOME_CODES,
    NOT_GIVEN,
    OBLIGOR_CODES,
    RELATION_CODES,
    STUDENT_CODES,
    SUPPORT_BASIS_CODES,
    SUPPORT_RELATION_CODES,
)

POPULATIONS: Final = {"current": "what_if", "recognised": "recheck_review"}
POPULATION_TITLES: Final = {"current": "在办案件和已认定家庭", "recognised": "已认定的低保边缘家庭"}

_CASES: Final[sa.Table] = Case.__table__  # type: ignore[attr-defined]
_HOUSEHOLDS: Final[sa.Table] = Household.__table__  # type: ignore[attr-defined]
_MEMBERS: Final[sa.Table] = Member.__table__  # type: ignore[attr-defined]
_INCOMES: Final[sa.Table] = IncomeRecord.__table__  # type: ignore[attr-defined]
_ASSETS: Final[sa.Table] = AssetRecord.__table__  # type: ignore[attr-defined]
_EXPENSES: Final[sa.Table] = MedicalExpenseRecord.__table__  # type: ignore[attr-defined]
_EPOCH: Final = date(1970, 1, 1).toordinal()
_POSTGRESQL: Final[Any] = postgresql.dialect()  # type: ignore[no-untyped-call]


@dataclass(frozen=True, slots=True)
class Population:
    """The screening columns on ``on`` and, per household (case), what a result is grouped by."""

    columns: ScreeningColumns
    case_ids: np.ndarray[Any, np.dtype[np.int64]]
    townships: np.ndarray[Any, np.dtype[np.int64]]
    on: date

    def __len__(self) -> int:
        return len(self.case_ids)


def population_filter(population: str, counties: Sequence[str]) -> sa.ColumnElement[bool]:
    """The batch job's own selection, for each county."""
    return sa.or_(*(SELECT[POPULATIONS[population]](county) for county in counties))


def _code(column: Any, codes: Sequence[Any]) -> sa.ColumnElement[int]:
    """The index of the column's value in ``codes`` (None → the index of None, else NOT_GIVEN)."""
    whens = [(column == code, index) for index, code in enumerate(codes) if code is not None]
    none = codes.index(None) if None in codes else NOT_GIVEN
    return sa.case((column.is_(None), none), *whens, else_=NOT_GIVEN)


def _flag(condition: Any) -> sa.ColumnElement[int]:
    return sa.case((condition, 1), else_=0)


def _fen(column: Any, dialect: str) -> sa.ColumnElement[int]:
    """Money in fen, exactly: NUMERIC × 100 on PostgreSQL; on SQLite the stored text always has
    two decimals (models.base.Money), so dropping its point gives the fen without a float."""
    raw = sa.type_coerce(column, sa.String if dialect == "sqlite" else sa.Numeric(14, 2))
    if dialect == "sqlite":
        fen = sa.cast(sa.func.replace(raw, ".", ""), sa.BigInteger)
    else:
        fen = sa.cast(raw * sa.literal_column("100"), sa.BigInteger)
    return sa.func.coalesce(fen, NOT_GIVEN)


def _day(column: Any, dialect: str) -> sa.ColumnElement[int]:
    """A date as yyyymmdd (NOT_GIVEN when absent)."""
    if dialect == "sqlite":
        key = sa.cast(sa.func.strftime("%Y%m%d", column), sa.Integer)
    else:
        key = sa.cast(sa.func.to_char(column, "YYYYMMDD"), sa.Integer)
    return sa.func.coalesce(key, NOT_GIVEN)


def _statements(wanted: Any, dialect: str) -> dict[str, sa.Select[Any]]:
    c, h = _CASES, _HOUSEHOLDS
    applicant, patient = _MEMBERS.alias("applicant"), _MEMBERS.alias("patient")
    area = sa.case((h.c.hukou_type == "resident", h.c.residence_area), else_=h.c.hukou_type)
    edge = c.c.procedure == v.DIBAO_EDGE
    findings = sa.cast(c.c.county_findings, sa.Text)
    facts = (
        sa.select(
            c.c.id,
            _code(c.c.procedure, PROCEDURE_CODES),
            _code(c.c.county_code, COUNTY_CODES),
            _code(area, AREA_CODES),
            _code(c.c.current_assistance, ASSISTANCE_CODES),
            _code(c.c.assistance_transition, TRANSITION_CODES),
            _flag(c.c.monitoring_category.is_not(None)),
            # 64号 第八条: the applicant's hukou in Yuncheng; 65号 第六条（一）: the patient's in Shanxi.
            _flag(
                sa.case(
                    (edge, sa.func.coalesce(applicant.c.hukou_region, "").startswith(CITY_PREFIX)),
                    else_=sa.func.coalesce(patient.c.hukou_region, "").startswith(PROVINCE_PREFIX),
                )
            ),
            # 65号 第六条（二）: insured in Shanxi.
            _flag(
                sa.and_(
                    patient.c.insurance_scheme.is_not(None),
                    patient.c.insurance_scheme != "none",
                    sa.func.coalesce(patient.c.insurance_region, "").startswith(PROVINCE_PREFIX),
                )
            ),
            # The county's findings are read only where there are any (few cases have them).
            _flag(sa.and_(c.c.county_findings.is_not(None), findings.not_in(["[]", "null"]))),
            c.c.township_id,
        )
        .join(h, h.c.id == c.c.household_id)
        .outerjoin(applicant, applicant.c.id == c.c.applicant_member_id)
        .outerjoin(patient, patient.c.id == c.c.patient_member_id)
        .where(wanted)
        .order_by(c.c.id)
    )
    m = _MEMBERS
    members = (
        sa.select(
            c.c.id,
            m.c.id,
            _code(m.c.relation, RELATION_CODES),
            # 18-digit ID numbers carry the birth date in digits 7–14 (the parser checked it).
            sa.cast(sa.func.substr(m.c.id_number, 7, 8), sa.Integer),
            _flag(m.c.unable_to_live_independently),
            _code(m.c.full_time_student, STUDENT_CODES),
            _code(m.c.exclusion_reason, EXCLUSION_CODES),
            _day(m.c.exclusion_since, dialect),
        )
        .join(m, m.c.household_id == c.c.household_id)
        .where(wanted)
        .order_by(c.c.id, m.c.id)
    )
    i = _INCOMES
    incomes = (
        sa.select(
            c.c.id,
            i.c.member_id,
            i.c.id,
            _code(i.c.kind, INCOME_CODES),
            _fen(i.c.amount, dialect),
            sa.func.coalesce(i.c.months, NOT_GIVEN),
            _fen(i.c.declared_amount, dialect),
        )
        .join(i, i.c.case_id == c.c.id)
        .where(wanted)
        .order_by(c.c.id, i.c.id)
    )
    a = _ASSETS
    assets = (
        sa.select(
            c.c.id,
            a.c.member_id,
            _code(a.c.kind, ASSET_CODES),
            _fen(a.c.value, dialect),
            _flag(a.c.business_use),
            _flag(a.c.lent_identity_certified),
        )
        .join(a, a.c.case_id == c.c.id)
        .where(wanted)
        .order_by(c.c.id, a.c.id)
    )
    e = _EXPENSES
    expenses = (
        sa.select(
            c.c.id,
            _day(e.c.spent_on, dialect),
            _code(e.c.type, EXPENSE_CODES),
            _fen(e.c.policy_scope_personal_burden, dialect),
            _fen(e.c.out_of_pocket, dialect),
            _fen(e.c.mutual_aid, dialect),
            _flag(e.c.designated),
        )
        .join(e, e.c.case_id == c.c.id)
        .where(wanted)
        .order_by(c.c.id, e.c.id)
    )
    return {"facts": facts, "members": members, "incomes": incomes, "assets": assets, "expenses": expenses}


def _fetch(session: Session, statement: sa.Select[Any], width: int, copy: bool) -> np.ndarray[Any, Any]:
    """The statement's rows as an int64 matrix."""
    if copy:
        compiled = statement.compile(dialect=_POSTGRESQL, compile_kwargs={"literal_binds": True})
        raw = session.connection().connection.driver_connection
        assert raw is not None
        buffer = bytearray()
        with raw.cursor() as cursor, cursor.copy(f"COPY ({compiled}) TO STDOUT") as out:
            for block in out:
                buffer += block
        if not buffer:
            return np.zeros((0, width), dtype=np.int64)
        # COPY's text format is tab- and newline-separated integers (no NULL: every column is
        # coalesced), which numpy's text parser reads without a Python object per value.
        values = np.fromstring(buffer.decode("ascii"), dtype=np.int64, sep=" ")
        return values.reshape(-1, width)
    rows = session.execute(statement).all()
    if not rows:
        return np.zeros((0, width), dtype=np.int64)
    return np.array(rows, dtype=np.int64).reshape(-1, width)


def ordinals(keys: np.ndarray[Any, Any]) -> np.ndarray[Any, np.dtype[np.int64]]:
    """yyyymmdd keys as date ordinals (NOT_GIVEN stays)."""
    given = keys > 0
    safe = np.where(given, keys, 19700101)
    months = (safe // 10000 - 1970) * 12 + safe // 100 % 100 - 1
    days = months.astype("datetime64[M]").astype("datetime64[D]") + (safe % 100 - 1)
    found: np.ndarray[Any, np.dtype[np.int64]] = np.where(given, days.astype(np.int64) + _EPOCH, NOT_GIVEN)
    return found


def _rows_of(case_ids: np.ndarray[Any, Any], owners: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    return np.searchsorted(case_ids, owners)


def _disqualified(session: Session, ids: list[int]) -> set[int]:
    """Cases with a county finding that disqualifies (64号 第十四条（四）, 65号 第十条)."""
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        query = sa.select(_CASES.c.id, _CASES.c.county_findings).where(
            _CASES.c.id.in_(ids[start : start + 500])
        )
        for case_id, findings in session.execute(query):
            items = json.loads(findings) if isinstance(findings, str) else findings or []
            if any(isinstance(f, dict) and f.get("disqualifying") is True for f in items):
                found.add(case_id)
    return found


_SUPPORT_FIELDS: Final = (
    ("relation", SUPPORT_RELATION_CODES),
    ("basis", SUPPORT_BASIS_CODES),
    ("obligor_status", OBLIGOR_CODES),
)
_SUPPORT_MONEY: Final = (
    "obligor_household_monthly_per_capita_income",
    "obligor_dibao_standard",
    "obligor_monthly_income",
)


def _support(session: Session, income_ids: np.ndarray[Any, Any]) -> dict[int, tuple[int, ...]]:
    """The support details (65号 第八条（四）) of these income rows, coded; kept as JSON, read in
    Python (only 赡养（抚养、扶养）费 carry them)."""
    from rules.screening.casefiles import fen

    found: dict[int, tuple[int, ...]] = {}
    ids = [int(i) for i in income_ids]
    for start in range(0, len(ids), 500):
        query = sa.select(_INCOMES.c.id, _INCOMES.c.support).where(
            _INCOMES.c.id.in_(ids[start : start + 500])
        )
        for income_id, support in session.execute(query):
            s = json.loads(support) if isinstance(support, str) else support
            if not isinstance(s, dict):
                continue
            codes = [
                codes.index(s.get(key, "none" if key == "obligor_status" else None))
                if s.get(key, "none" if key == "obligor_status" else None) in codes
                else NOT_GIVEN
                for key, codes in _SUPPORT_FIELDS
            ]
            money = [fen(None if s.get(key) is None else _decimal(s[key])) for key in _SUPPORT_MONEY]
            found[income_id] = (*codes, *money, int(s.get("children_supported", 1)), int(s.get("months", 12)))
    return found


def _decimal(raw: Any) -> Any:
    from decimal import Decimal

    return Decimal(str(raw))


def read_population(
    session: Session,
    population: str,
    counties: Sequence[str],
    on: date,
    arrays: ParameterArrays,
    ids: tuple[int, int] | None = None,
) -> Population:
    """The population's households in ``counties``, decided on ``on``, as screening columns; only
    the cases ``ids[0]`` < id <= ``ids[1]`` if given (a batch job's chunk)."""
    dialect = session.get_bind().dialect.name
    copy = dialect == "postgresql"
    wanted = population_filter(population, counties)
    if ids is not None:
        wanted = sa.and_(wanted, _CASES.c.id > ids[0], _CASES.c.id <= ids[1])
    statements = _statements(wanted, dialect)
    facts = _fetch(session, statements["facts"], 11, copy)
    members = _fetch(session, statements["members"], 8, copy)
    incomes = _fetch(session, statements["incomes"], 7, copy)
    assets = _fetch(session, statements["assets"], 6, copy)
    expenses = _fetch(session, statements["expenses"], 7, copy)

    case_ids = facts[:, 0]
    n = len(case_ids)
    disqualified = np.zeros(n, dtype=np.bool_)
    with_findings = case_ids[facts[:, 9] == 1]
    if len(with_findings):
        found = _disqualified(session, [int(i) for i in with_findings])
        disqualified = np.isin(case_ids, np.array(sorted(found), dtype=np.int64))
    household_facts = HouseholdFacts(
        procedure=facts[:, 1].astype(np.int8),
        county=facts[:, 2].copy(),
        area=facts[:, 3].copy(),
        date=np.full(n, on.toordinal(), dtype=np.int64),
        current_assistance=facts[:, 4].astype(np.int8),
        transition=facts[:, 5].astype(np.int8),
        monitoring=facts[:, 6] == 1,
        hukou_ok=facts[:, 7] == 1,
        insured_ok=facts[:, 8] == 1,
        county_disqualified=disqualified,
    )
    member_rows = MemberRows(
        household=_rows_of(case_ids, members[:, 0]),
        relation=members[:, 2].astype(np.int8),
        birth=ordinals(members[:, 3]),
        unable_to_live_independently=members[:, 4] == 1,
        student=members[:, 5].astype(np.int8),
        exclusion=members[:, 6].astype(np.int8),
        exclusion_since=ordinals(members[:, 7]),
    )
    # A member row is (case, member): a household with two cases in the population has its
    # members twice, once for each case's own records.
    member_keys = members[:, 0] * (1 << 32) + members[:, 1]
    incomes_member = np.searchsorted(member_keys, incomes[:, 0] * (1 << 32) + incomes[:, 1])
    assets_member = np.searchsorted(member_keys, assets[:, 0] * (1 << 32) + assets[:, 1])
    m = len(incomes)
    support = np.tile(np.array([NOT_GIVEN] * 6 + [1, 12], dtype=np.int64), (m, 1))
    kinds = incomes[:, 3]
    supported = np.flatnonzero(kinds == INCOME_CODES.index("support"))
    if len(supported):
        details = _support(session, incomes[supported, 2])
        for row in supported:
            found_support = details.get(int(incomes[row, 2]))
            if found_support is not None:
                support[row] = found_support
    income_rows = IncomeRows(
        member=incomes_member,
        kind=kinds.astype(np.int8),
        amount=incomes[:, 4].copy(),
        months=incomes[:, 5].copy(),
        declared=incomes[:, 6].copy(),
        support_relation=support[:, 0].astype(np.int8),
        support_basis=support[:, 1].astype(np.int8),
        obligor_status=support[:, 2].astype(np.int8),
        obligor_per_capita_income=support[:, 3].copy(),
        obligor_standard=support[:, 4].copy(),
        obligor_monthly_income=support[:, 5].copy(),
        children=support[:, 6].copy(),
        support_months=support[:, 7].copy(),
    )
    asset_rows = AssetRows(
        member=assets_member,
        kind=assets[:, 2].astype(np.int8),
        value=np.maximum(assets[:, 3], 0),
        business_use=assets[:, 4] == 1,
        lent_identity_certified=assets[:, 5] == 1,
    )
    expense_rows = ExpenseRows(
        household=_rows_of(case_ids, expenses[:, 0]),
        date=ordinals(expenses[:, 1]),
        kind=expenses[:, 2].astype(np.int8),
        policy_scope_personal_burden=expenses[:, 3].copy(),
        out_of_pocket=expenses[:, 4].copy(),
        mutual_aid=expenses[:, 5].copy(),
        designated=expenses[:, 6] == 1,
    )
    columns = columns_from_rows(household_facts, member_rows, income_rows, asset_rows, expense_rows, arrays)
    return Population(columns, case_ids.copy(), facts[:, 10].copy(), on)


__all__ = [
    "POPULATIONS",
    "POPULATION_TITLES",
    "Population",
    "ordinals",
    "population_filter",
    "read_population",
]
