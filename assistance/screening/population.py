"""A population's households read straight from the database into the screening path's row tables
(rules/screening/rows.py): plain SELECTs whose every column is an integer (codes as indexes into
rules.vocabulary, money in fen, dates as yyyymmdd), no ORM objects and no case files.

The population is the batch jobs' (assistance/casefile/populations.py ``SELECT``): ``current`` is the
what-if's (every open case and every recognised family), ``recognised`` the recheck review's
(recognised 低保边缘家庭). Every household is decided on one date, the reform's effective date, as
the recheck review decides on its date (64号 第二十六条).

On PostgreSQL the rows arrive joined into a few hundred texts (``_in_blocks``) parsed by numpy,
several times faster than fetching Python tuples or reading ``COPY`` a row at a time; on SQLite
they are fetched with a plain cursor.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import numpy as np
import sqlalchemy as sa
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
    concat_columns,
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
    ordinals_of,
)

POPULATIONS: Final = {"current": "what_if", "recognised": "recheck_review"}
POPULATION_TITLES: Final = {"current": "在办案件和已认定家庭", "recognised": "已认定的低保边缘家庭"}

_CASES: Final[sa.Table] = Case.__table__  # type: ignore[attr-defined]
_HOUSEHOLDS: Final[sa.Table] = Household.__table__  # type: ignore[attr-defined]
_MEMBERS: Final[sa.Table] = Member.__table__  # type: ignore[attr-defined]
_INCOMES: Final[sa.Table] = IncomeRecord.__table__  # type: ignore[attr-defined]
_ASSETS: Final[sa.Table] = AssetRecord.__table__  # type: ignore[attr-defined]
_EXPENSES: Final[sa.Table] = MedicalExpenseRecord.__table__  # type: ignore[attr-defined]
# The bits of a member row's last column: the member meets the procedure's hukou test as its
# applicant (64号 第八条) or patient (65号 第六条（一）); the patient is insured (65号 第六条（二）).
_HUKOU_OK: Final = 1
_INSURED_OK: Final = 2
# 2**12 case ids to a text of rows (``_in_blocks``): about 500 kB of members. A shift, not a
# division: ``div`` would go through NUMERIC for every row.
_BLOCK_BITS: Final = 12


@dataclass(frozen=True, slots=True)
class Population:
    """The screening columns on ``on`` and, per household (case), what a result is grouped by."""

    columns: ScreeningColumns
    case_ids: np.ndarray[Any, np.dtype[np.int64]]
    townships: np.ndarray[Any, np.dtype[np.int64]]
    on: date

    def __len__(self) -> int:
        return len(self.case_ids)


def concat_populations(parts: Sequence[Population]) -> Population:
    """Populations read in parts (ranges of cases, in order), as one."""
    if len(parts) == 1:
        return parts[0]
    return Population(
        concat_columns([p.columns for p in parts]),
        np.concatenate([p.case_ids for p in parts]),
        np.concatenate([p.townships for p in parts]),
        parts[0].on,
    )


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


def _statements(
    wanted: Any, dialect: str, ids: tuple[int, int] | None
) -> dict[str, tuple[sa.Select[Any], tuple[int, ...]]]:
    """Each table's statement, and the columns its rows are put in order by (the case first)."""
    c, h, m = _CASES, _HOUSEHOLDS, _MEMBERS
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
            # The county's findings are read only where there are any (few cases have them).
            _flag(sa.and_(c.c.county_findings.is_not(None), findings.not_in(["[]", "null"]))),
            c.c.township_id,
        )
        .join(h, h.c.id == c.c.household_id)
        .where(wanted)
    )
    hukou = sa.func.coalesce(m.c.hukou_region, "")
    # The member's part in the procedure's own tests, as bits (``_HUKOU_OK``…): joining the
    # applicant and the patient to the cases cost two hash tables over every member (1.9 s of 3.7 s
    # at 1,000,000 households), and these rows are read anyway.
    applicant_ok = sa.and_(edge, m.c.id == c.c.applicant_member_id, hukou.startswith(CITY_PREFIX))
    is_patient = sa.and_(sa.not_(edge), m.c.id == c.c.patient_member_id)
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
            # 64号 第八条: the applicant's hukou in Yuncheng; 65号 第六条（一）: the patient's in Shanxi.
            _flag(sa.or_(applicant_ok, sa.and_(is_patient, hukou.startswith(PROVINCE_PREFIX))))
            # 65号 第六条（二）: the patient insured in Shanxi.
            + _flag(
                sa.and_(
                    is_patient,
                    m.c.insurance_scheme.is_not(None),
                    m.c.insurance_scheme != "none",
                    sa.func.coalesce(m.c.insurance_region, "").startswith(PROVINCE_PREFIX),
                )
            )
            * _INSURED_OK,
        )
        .join(m, m.c.household_id == c.c.household_id)
        .where(wanted)
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
        .where(wanted, *_in_range(i.c.case_id, ids))
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
        .where(wanted, *_in_range(a.c.case_id, ids))
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
        .where(wanted, *_in_range(e.c.case_id, ids))
    )
    # A member's records are found by its id within the case; the order of a case's assets and
    # expenses does not matter (they are summed).
    return {
        "facts": (facts, (0,)),
        "members": (members, (0, 1)),
        "incomes": (incomes, (0, 2)),
        "assets": (assets, (0,)),
        "expenses": (expenses, (0,)),
    }


def _in_range(case_id: Any, ids: tuple[int, int] | None) -> tuple[Any, ...]:
    """A range of cases also as a condition on a record table's own ``case_id``, which the join
    implies: reading a part of the population, its records are found through that index rather
    than by scanning the whole table for each part."""
    return () if ids is None else (case_id > ids[0], case_id <= ids[1])


def _fetch(
    session: Session, read: tuple[sa.Select[Any], tuple[int, ...]], width: int, blocks: bool
) -> np.ndarray[Any, Any]:
    """The statement's rows as an int64 matrix, in the order of its key columns."""
    statement, keys = read
    if blocks:
        values = _in_blocks(session, statement, width)
    else:
        rows = session.execute(statement).all()
        values = np.array(rows, dtype=np.int64).reshape(-1, width)
    # Sorted here rather than by the database: one sort of a few million integers, where the
    # server would sort the rows before joining them into texts.
    return values[np.lexsort([values[:, k] for k in reversed(keys)])]


def _in_blocks(session: Session, statement: sa.Select[Any], width: int) -> np.ndarray[Any, Any]:
    """On PostgreSQL, the rows joined into a few hundred texts of space-separated integers, one per
    block of case ids, which numpy's text parser reads without a Python object per value. Read a
    row at a time (COPY's included), a million households' 7 million rows cost 1.3 µs each in the
    driver, more than the server took to make them: 10 s of the reading process's 12 s of CPU."""
    case = statement.selected_columns[0]
    lines = statement.with_only_columns(
        # Every column is coalesced: no NULL, which ``concat_ws`` would leave out.
        sa.func.concat_ws(" ", *statement.selected_columns).label("line"),
        case.op(">>")(_BLOCK_BITS).label("block"),
    ).subquery()
    texts = sa.select(sa.func.string_agg(lines.c.line, sa.literal_column("' '"))).group_by(lines.c.block)
    found = session.execute(texts).scalars().all()
    values = np.fromstring(" ".join(found), dtype=np.int64, sep=" ") if found else np.zeros(0, np.int64)
    if values.size % width:
        raise ValueError(f"screening read {values.size} values, not rows of {width}")
    return values.reshape(-1, width)


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
    the cases ``ids[0]`` < id <= ``ids[1]`` if given (a batch job's chunk).

    The session must read one snapshot (``Database.reading_snapshot``): the tables are read one
    after another and their rows matched to the cases by id, so a case filed between two of
    the statements would lend its members to its neighbour."""
    dialect = session.get_bind().dialect.name
    blocks = dialect == "postgresql"
    if blocks:
        isolation = session.execute(sa.text("SHOW transaction_isolation")).scalar_one()
        if isolation not in ("repeatable read", "serializable"):
            raise RuntimeError(f"a population is read in one snapshot, not at {isolation}")
    wanted = population_filter(population, counties)
    if ids is not None:
        wanted = sa.and_(wanted, _CASES.c.id > ids[0], _CASES.c.id <= ids[1])
    statements = _statements(wanted, dialect, ids)
    if blocks:
        # A county's population is planned as one big join, and PostgreSQL would compile it to
        # machine code first: 1.3–2.2 s a statement at 1,000,000 households, longer than running
        # it. At the default 4 MB of work memory its sorts and hashes went to disk in batches.
        session.execute(sa.text("SET LOCAL jit = off"))
        session.execute(sa.text("SET LOCAL work_mem = '64MB'"))
        if ids is not None:
            # A part's members are found through their household's index only if the planner
            # knows an index read costs little more than a sequential one (the tables are in
            # memory): else it scans every member for each part.
            session.execute(sa.text("SET LOCAL random_page_cost = 1.1"))
            # Parts are read by several processes at once: parallel workers of their own only
            # contend with the others for the same cores.
            session.execute(sa.text("SET LOCAL max_parallel_workers_per_gather = 0"))
            # A part's households and members are reached from its cases through their indexes.
            # The planner hashed the part's cases and scanned every household and member of the
            # tables against them, for each part: at 1,000,000 households in 8 parts, the server
            # spent 12.3 s of CPU reading them all, 9.6 s through the indexes.
            session.execute(sa.text("SET LOCAL enable_hashjoin = off"))
            session.execute(sa.text("SET LOCAL enable_mergejoin = off"))
    facts = _fetch(session, statements["facts"], 9, blocks)
    members = _fetch(session, statements["members"], 9, blocks)
    if blocks and ids is not None:
        # The records are found by their own ``case_id``: joined to the part's cases by hash.
        session.execute(sa.text("SET LOCAL enable_hashjoin = on"))
        session.execute(sa.text("SET LOCAL enable_mergejoin = on"))
    incomes = _fetch(session, statements["incomes"], 7, blocks)
    assets = _fetch(session, statements["assets"], 6, blocks)
    expenses = _fetch(session, statements["expenses"], 7, blocks)

    case_ids = facts[:, 0]
    n = len(case_ids)
    disqualified = np.zeros(n, dtype=np.bool_)
    with_findings = case_ids[facts[:, 7] == 1]
    if len(with_findings):
        found = _disqualified(session, [int(i) for i in with_findings])
        disqualified = np.isin(case_ids, np.array(sorted(found), dtype=np.int64))
    member_household = _rows_of(case_ids, members[:, 0])
    hukou_ok = np.zeros(n, dtype=np.bool_)
    hukou_ok[member_household[(members[:, 8] & _HUKOU_OK) != 0]] = True
    insured_ok = np.zeros(n, dtype=np.bool_)
    insured_ok[member_household[(members[:, 8] & _INSURED_OK) != 0]] = True
    household_facts = HouseholdFacts(
        procedure=facts[:, 1].astype(np.int8),
        county=facts[:, 2].copy(),
        area=facts[:, 3].copy(),
        date=np.full(n, on.toordinal(), dtype=np.int64),
        current_assistance=facts[:, 4].astype(np.int8),
        transition=facts[:, 5].astype(np.int8),
        monitoring=facts[:, 6] == 1,
        hukou_ok=hukou_ok,
        insured_ok=insured_ok,
        county_disqualified=disqualified,
    )
    member_rows = MemberRows(
        household=member_household,
        relation=members[:, 2].astype(np.int8),
        birth=ordinals_of(members[:, 3]),
        unable_to_live_independently=members[:, 4] == 1,
        student=members[:, 5].astype(np.int8),
        exclusion=members[:, 6].astype(np.int8),
        exclusion_since=ordinals_of(members[:, 7]),
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
        date=ordinals_of(expenses[:, 1]),
        kind=expenses[:, 2].astype(np.int8),
        policy_scope_personal_burden=expenses[:, 3].copy(),
        out_of_pocket=expenses[:, 4].copy(),
        mutual_aid=expenses[:, 5].copy(),
        designated=expenses[:, 6] == 1,
    )
    columns = columns_from_rows(household_facts, member_rows, income_rows, asset_rows, expense_rows, arrays)
    return Population(columns, case_ids.copy(), facts[:, 8].copy(), on)


__all__ = [
    "POPULATIONS",
    "POPULATION_TITLES",
    "Population",
    "concat_populations",
    "population_filter",
    "read_population",
]
