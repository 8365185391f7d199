"""From record rows (members, incomes, assets, medical expenses) to screening columns, vectorised.

The rows mirror the case file's records (and the database tables behind them) with every choice
as an integer code and every amount in fen, so that plain SELECTs can fill them. Who counts as a
member (64号 第九条、第十条), which incomes and assets are the household's (64号 第十三条,
第十四条（四）, 65号 第九条) and which expenses fall in the window (65号 第六条（三）) are decided
here on whole arrays, as rules/household.py, rules/income.py, rules/property.py and
rules/illness_poverty.py decide them one case at a time.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np

from rules import vocabulary as v
from rules.screening.columns import (
    CHILD_SUPPORT,
    ELDERLY_SUPPORT,
    FLEXIBLE,
    MIGRANT,
    NO_AMOUNT,
    BoolArray,
    FormulaIncomes,
    Int8Array,
    Int64Array,
    ScreeningColumns,
)
from rules.screening.parameters import ParameterArrays

RELATION_CODES: Final = tuple(v.RELATIONS)
STUDENT_CODES: Final = (None, *v.STUDENT_LEVELS)
EXCLUSION_CODES: Final = (None, *v.MEMBER_EXCLUSIONS)
INCOME_CODES: Final = tuple(v.INCOME_KINDS)
SUPPORT_RELATION_CODES: Final = tuple(v.SUPPORT_RELATIONS)
SUPPORT_BASIS_CODES: Final = tuple(v.SUPPORT_BASES)
OBLIGOR_CODES: Final = tuple(v.OBLIGOR_STATUSES)
ASSET_CODES: Final = tuple(v.ASSET_KINDS)
EXPENSE_CODES: Final = tuple(v.MEDICAL_EXPENSE_TYPES)
NOT_GIVEN: Final = -1  # a code or an amount that is absent

_EXCLUDED_INCOME = np.array([bool(k.excluded_by) for k in v.INCOME_KINDS.values()])
# 64号 第十二条 also leaves out support from monitoring households; 65号 第九条（十一） does not.
_OBLIGOR_NOT_COUNTED = np.array(
    [
        [s in ("tekun", "dibao", "dibao_edge", "monitoring") for s in OBLIGOR_CODES],
        [s in ("tekun", "dibao", "dibao_edge") for s in OBLIGOR_CODES],
    ]
)
_FINANCIAL = np.array([k.group == v.FINANCIAL for k in v.ASSET_KINDS.values()])
_HOUSING = np.array([k.group == v.HOUSING for k in v.ASSET_KINDS.values()])
_VEHICLE = np.array([k.group == v.VEHICLE for k in v.ASSET_KINDS.values()])
_NOT_TESTED = np.array([k in ("motorcycle", "disability_vehicle") for k in ASSET_CODES])
_MACHINE = np.array([k in ("large_farm_machinery", "ship") for k in ASSET_CODES])
_EPOCH: Final = date(1970, 1, 1).toordinal()


@dataclass(frozen=True, slots=True)
class HouseholdFacts:
    """The case-level facts, one row per household (see ScreeningColumns for their meaning)."""

    procedure: Int8Array
    county: Int64Array
    area: Int64Array
    date: Int64Array
    current_assistance: Int8Array
    transition: Int8Array
    monitoring: BoolArray
    hukou_ok: BoolArray
    insured_ok: BoolArray
    county_disqualified: BoolArray


@dataclass(frozen=True, slots=True)
class MemberRows:
    household: Int64Array
    relation: Int8Array
    birth: Int64Array  # ordinal
    unable_to_live_independently: BoolArray
    student: Int8Array  # STUDENT_CODES
    exclusion: Int8Array  # EXCLUSION_CODES
    exclusion_since: Int64Array  # ordinal, or NOT_GIVEN


@dataclass(frozen=True, slots=True)
class IncomeRows:
    member: Int64Array  # row index into MemberRows
    kind: Int8Array
    amount: Int64Array
    months: Int64Array  # NOT_GIVEN for 12
    declared: Int64Array
    support_relation: Int8Array
    support_basis: Int8Array
    obligor_status: Int8Array
    obligor_per_capita_income: Int64Array
    obligor_standard: Int64Array
    obligor_monthly_income: Int64Array
    children: Int64Array
    support_months: Int64Array


@dataclass(frozen=True, slots=True)
class AssetRows:
    member: Int64Array
    kind: Int8Array
    value: Int64Array
    business_use: BoolArray
    lent_identity_certified: BoolArray


@dataclass(frozen=True, slots=True)
class ExpenseRows:
    household: Int64Array
    date: Int64Array
    kind: Int8Array
    policy_scope_personal_burden: Int64Array
    out_of_pocket: Int64Array
    mutual_aid: Int64Array
    designated: BoolArray


def _computed_keys(ordinals: Int64Array) -> Int64Array:
    days = (ordinals - _EPOCH).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months).astype(np.int64) + 1
    keys: Int64Array = year * 10000 + month * 100 + day
    return keys


# Every day from 1 January of year 1 to the end of 2199, by ordinal: looking a key up costs a
# fiftieth of computing it through numpy's calendar, and a million households' members ask for
# three million (birth dates, exclusions). 800,000 days, 6 MB.
_FIRST: Final = 1
_LAST: Final = date(2199, 12, 31).toordinal()
_SLOTS_FROM: Final = date(1800, 1, 1).toordinal()


def _slots(keys: Int64Array) -> Int64Array:
    """A key's place in the table by place: 31 days to every month from 1800 (a day that does not
    exist keeps its place, with no ordinal)."""
    slots: Int64Array = (keys // 10000 - 1800) * 372 + (keys // 100 % 100 - 1) * 31 + keys % 100 - 1
    return slots


@functools.cache
def _tables() -> tuple[Int64Array, Int64Array]:
    """The key of every day by ordinal, and the ordinal of every day from 1800 by its place
    (``_slots``). Made on first use (64 ms), not when the module is imported by every process."""
    keys = _computed_keys(np.arange(_FIRST, _LAST + 1, dtype=np.int64))
    by_slot = np.full(400 * 372, NOT_GIVEN, dtype=np.int64)
    by_slot[_slots(keys[_SLOTS_FROM - _FIRST :])] = np.arange(_SLOTS_FROM, _LAST + 1)
    return keys, by_slot


def date_keys(ordinals: Int64Array) -> Int64Array:
    """yyyymmdd integers: comparing them compares dates, and ``key - 10000 * n`` is the same day
    ``n`` years before, 29 February included (rules/household.py years_before)."""
    table = _tables()[0]
    inside = (ordinals >= _FIRST) & (ordinals <= _LAST)
    keys: Int64Array = table[np.where(inside, ordinals - _FIRST, 0)]
    if not inside.all():
        keys[~inside] = _computed_keys(ordinals[~inside])
    return keys


def ordinals_of(keys: Int64Array) -> Int64Array:
    """The ordinals of yyyymmdd keys (``date_keys``'s inverse); a key that is no day gives
    ``NOT_GIVEN``, as an absent one (``NOT_GIVEN`` or 0) does. Looked up by place for the years
    1800–2199, by search for any other."""
    table, by_slot = _tables()
    slots = _slots(keys)
    month, day = keys // 100 % 100, keys % 100
    plain = (slots >= 0) & (slots < len(by_slot)) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    ordinals: Int64Array = by_slot[np.where(plain, slots, 0)]
    ordinals[~plain] = NOT_GIVEN
    other = ~plain & (keys > 0)
    if other.any():
        found = np.minimum(np.searchsorted(table, keys[other]), len(table) - 1)
        ordinals[other] = np.where(table[found] == keys[other], found + _FIRST, NOT_GIVEN)
    return ordinals


def counted_members(
    facts: HouseholdFacts, members: MemberRows, arrays: ParameterArrays
) -> tuple[BoolArray, BoolArray]:
    """Which members count (64号 第九条、第十条), and which households lack the clergy years."""
    applied = date_keys(facts.date)[members.household]
    relation = members.relation
    # 64号 第九条（二）: under 18 on the application date; yyyymmdd keys give whole years.
    minor = applied - date_keys(members.birth) < 18 * 10000
    child_counted = (
        minor
        | members.unable_to_live_independently
        | (members.student == STUDENT_CODES.index("bachelor_or_below"))
    )
    by_relation = (
        (relation == RELATION_CODES.index("self"))
        | (relation == RELATION_CODES.index("spouse"))
        | ((relation == RELATION_CODES.index("child")) & child_counted)
    )
    cells = arrays.cells(facts.county, facts.area, facts.date)[members.household]
    years, present = arrays.value("clergy_absence_years", cells)
    clergy = members.exclusion == EXCLUSION_CODES.index("clergy")
    # 64号 第十条（二）: fewer than the years away, 第九条 decides as if there were no exclusion.
    recent = date_keys(np.maximum(members.exclusion_since, 1)) > applied - years * 10000
    counted = np.where(members.exclusion == 0, by_relation, clergy & recent & by_relation)
    missing = np.zeros(len(facts.procedure), dtype=np.bool_)
    missing[members.household[clergy & ~present]] = True
    return counted, missing


def _sum(households: int, where: Int64Array, amounts: Int64Array) -> Int64Array:
    total = np.zeros(households, dtype=np.int64)
    np.add.at(total, where, amounts)
    return total


def _formula_incomes(
    incomes: IncomeRows, household: Int64Array, flexible: BoolArray, migrant: BoolArray, formula: BoolArray
) -> FormulaIncomes:
    """65号 第八条（一）（四）: the items whose counted amount depends on a parameter."""
    child = formula & (incomes.support_relation == SUPPORT_RELATION_CODES.index("child"))
    elderly = formula & ~child
    twelve = np.where(incomes.months == NOT_GIVEN, 12, incomes.months)
    parts = (
        (flexible, FLEXIBLE, incomes.declared, twelve),
        (migrant, MIGRANT, np.maximum(incomes.amount, 0), twelve),
        (child, CHILD_SUPPORT, np.maximum(incomes.obligor_monthly_income, 0), incomes.support_months),
        (
            elderly,
            ELDERLY_SUPPORT,
            np.maximum(incomes.obligor_per_capita_income, 0),
            incomes.support_months,
        ),
    )
    return FormulaIncomes(
        household=np.concatenate([household[m] for m, *_ in parts]),
        kind=np.concatenate([np.full(int(m.sum()), k, dtype=np.int8) for m, k, *_ in parts]),
        amount=np.concatenate([a[m] for m, _, a, _ in parts]),
        months=np.concatenate([n[m] for m, *_, n in parts]),
        obligor_standard=np.concatenate(
            [np.where(k == ELDERLY_SUPPORT, incomes.obligor_standard, NO_AMOUNT)[m] for m, k, *_ in parts]
        ),
        children=np.concatenate([incomes.children[m] for m, *_ in parts]),
    )


def columns_from_rows(
    facts: HouseholdFacts,
    members: MemberRows,
    incomes: IncomeRows,
    assets: AssetRows,
    expenses: ExpenseRows,
    arrays: ParameterArrays,
) -> ScreeningColumns:
    """Aggregate record rows into one row per household."""
    n = len(facts.procedure)
    counted, missing = counted_members(facts, members, arrays)
    size = np.bincount(members.household[counted], minlength=n).astype(np.int64)

    # Incomes (65号 第八条、第九条): non-members' and 第九条 items are left out.
    household = members.household[incomes.member]
    kind = incomes.kind
    live = counted[incomes.member] & ~_EXCLUDED_INCOME[kind]
    flexible = live & (kind == INCOME_CODES.index("flexible"))
    migrant = live & (kind == INCOME_CODES.index("migrant"))
    expense = live & (kind == INCOME_CODES.index("transfer_expense"))
    support = live & (kind == INCOME_CODES.index("support"))
    obligor_left_out = _OBLIGOR_NOT_COUNTED[facts.procedure[household], np.maximum(incomes.obligor_status, 0)]
    formula = support & ~obligor_left_out & (incomes.support_basis == SUPPORT_BASIS_CODES.index("formula"))
    plain = live & ~flexible & ~migrant & ~expense & ~formula & ~(support & obligor_left_out)
    amount = np.maximum(incomes.amount, 0)

    # Property (64号 第十三条, 第十四条（三）（四）).
    owner = members.household[assets.member]
    held = counted[assets.member] & ~assets.lent_identity_certified
    machine = _MACHINE[assets.kind]
    tested = held & _VEHICLE[assets.kind] & ~_NOT_TESTED[assets.kind] & (machine == assets.business_use)
    largest = np.full(n, NO_AMOUNT, dtype=np.int64)
    np.maximum.at(largest, owner[tested], assets.value[tested])
    financial = held & _FINANCIAL[assets.kind]

    # 65号 第六条（三）（四）: the 12 months up to the application date, designated institutions.
    applied = facts.date[expenses.household]
    in_window = (
        (date_keys(expenses.date) > date_keys(applied) - 10000)
        & (expenses.date <= applied)
        & expenses.designated
    )
    inpatient = in_window & (expenses.kind == EXPENSE_CODES.index("inpatient"))
    return ScreeningColumns(
        procedure=facts.procedure,
        county=facts.county,
        area=facts.area,
        date=facts.date,
        size=size,
        income=_sum(n, household[plain], amount[plain]),
        transfer_expense=_sum(n, household[expense], amount[expense]),
        financial_assets=_sum(n, owner[financial], assets.value[financial]),
        housing_units=np.bincount(owner[held & _HOUSING[assets.kind]], minlength=n).astype(np.int64),
        largest_vehicle=largest,
        inpatient_burden=_sum(
            n,
            expenses.household[inpatient],
            (expenses.policy_scope_personal_burden - expenses.mutual_aid)[inpatient],
        ),
        out_of_pocket=_sum(n, expenses.household[in_window], expenses.out_of_pocket[in_window]),
        current_assistance=facts.current_assistance,
        transition=facts.transition,
        monitoring=facts.monitoring,
        hukou_ok=facts.hukou_ok,
        insured_ok=facts.insured_ok,
        county_disqualified=facts.county_disqualified,
        parameter_missing=missing,
        formula_incomes=_formula_incomes(incomes, household, flexible, migrant, formula),
    )
