"""Screening columns from parsed case files: for tests, comparisons and small batches.

Each case file is flattened into integer-coded rows (rules/screening/rows.py), and the rows are
aggregated by the same vectorised code a database-fed batch goes through.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from rules import vocabulary as v
from rules.casefile import CaseFile
from rules.counties import CITY_PREFIX, PROVINCE_PREFIX
from rules.screening.columns import ASSISTANCE_CODES, PROCEDURE_CODES, TRANSITION_CODES, ScreeningColumns
from rules.screening.parameters import AREA_CODES, COUNTY_CODES, ParameterArrays
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
    AssetRows,
    ExpenseRows,
    HouseholdFacts,
    IncomeRows,
    MemberRows,
    columns_from_rows,
)


def fen(amount: Decimal | None) -> int:
    """Whole fen; the parser admits no amount finer than the fen."""
    if amount is None:
        return NOT_GIVEN
    scaled = amount * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"金额 {amount} 不是整分")
    return int(scaled)


def _facts(case: CaseFile) -> tuple[Any, ...]:
    if case.parameter_overrides:
        raise ValueError("筛查不支持案卷指定的测算参数（parameter_overrides），请改用参数表测算")
    if case.procedure == v.DIBAO_EDGE:
        # 64号 第八条: the applicant holds a Yuncheng hukou.
        hukou_ok = (case.applicant.hukou_region or "").startswith(CITY_PREFIX)
        insured_ok = False
    else:
        # 65号 第六条（一）（二）: the patient's hukou and insurance are in Shanxi.
        patient = case.member(case.patient or "")
        hukou_ok = (patient.hukou_region or "").startswith(PROVINCE_PREFIX)
        insurance = patient.insurance
        insured_ok = (
            insurance is not None
            and insurance.scheme != "none"
            and (insurance.region or "").startswith(PROVINCE_PREFIX)
        )
    return (
        PROCEDURE_CODES.index(case.procedure),
        COUNTY_CODES.index(case.county),
        AREA_CODES.index(case.area),
        case.application_date.toordinal(),
        ASSISTANCE_CODES.index(case.current_assistance),
        TRANSITION_CODES.index(case.assistance_transition),
        case.monitoring_household is not None,
        hukou_ok,
        insured_ok,
        any(f.disqualifying for f in case.county_findings),
    )


def _array(rows: list[tuple[Any, ...]], width: int, dtypes: Sequence[Any]) -> list[Any]:
    columns = list(zip(*rows, strict=True)) if rows else [()] * width
    return [np.array(column, dtype=dtype) for column, dtype in zip(columns, dtypes, strict=True)]


_I8, _I64, _B = np.int8, np.int64, np.bool_


def columns_from_cases(cases: Sequence[CaseFile], arrays: ParameterArrays) -> ScreeningColumns:
    """The screening columns of parsed case files, in their order."""
    facts: list[tuple[Any, ...]] = []
    members: list[tuple[Any, ...]] = []
    incomes: list[tuple[Any, ...]] = []
    assets: list[tuple[Any, ...]] = []
    expenses: list[tuple[Any, ...]] = []
    for h, case in enumerate(cases):
        facts.append(_facts(case))
        row_of = {m.id: len(members) + i for i, m in enumerate(case.members)}
        for m in case.members:
            exclusion = m.exclusion
            members.append(
                (
                    h,
                    RELATION_CODES.index(m.relation),
                    m.birth_date.toordinal(),
                    m.unable_to_live_independently,
                    STUDENT_CODES.index(m.full_time_student),
                    EXCLUSION_CODES.index(exclusion.reason if exclusion else None),
                    exclusion.since.toordinal() if exclusion and exclusion.since else NOT_GIVEN,
                )
            )
        for item in case.incomes:
            s = item.support
            incomes.append(
                (
                    row_of[item.member],
                    INCOME_CODES.index(item.kind),
                    fen(item.amount),
                    item.months or NOT_GIVEN,
                    fen(item.declared_amount),
                    SUPPORT_RELATION_CODES.index(s.relation) if s else NOT_GIVEN,
                    SUPPORT_BASIS_CODES.index(s.basis) if s else NOT_GIVEN,
                    OBLIGOR_CODES.index(s.obligor_status) if s else NOT_GIVEN,
                    fen(s.obligor_household_monthly_per_capita_income) if s else NOT_GIVEN,
                    fen(s.obligor_dibao_standard) if s else NOT_GIVEN,
                    fen(s.obligor_monthly_income) if s else NOT_GIVEN,
                    s.children_supported if s else 1,
                    s.months if s else 12,
                )
            )
        for asset in case.assets:
            assets.append(
                (
                    row_of[asset.owner],
                    ASSET_CODES.index(asset.kind),
                    max(fen(asset.value), 0),
                    asset.business_use,
                    asset.lent_identity_certified,
                )
            )
        for e in case.medical_expenses:
            expenses.append(
                (
                    h,
                    e.date.toordinal(),
                    EXPENSE_CODES.index(e.type),
                    fen(e.policy_scope_personal_burden),
                    fen(e.out_of_pocket),
                    fen(e.mutual_aid),
                    e.designated,
                )
            )
    return columns_from_rows(
        HouseholdFacts(*_array(facts, 10, (_I8, _I64, _I64, _I64, _I8, _I8, _B, _B, _B, _B))),
        MemberRows(*_array(members, 7, (_I64, _I8, _I64, _B, _I8, _I8, _I64))),
        IncomeRows(*_array(incomes, 13, (_I64, _I8, _I64, _I64, _I64, _I8, _I8, _I8, *[_I64] * 5))),
        AssetRows(*_array(assets, 5, (_I64, _I8, _I64, _B, _B))),
        ExpenseRows(*_array(expenses, 7, (_I64, _I64, _I8, _I64, _I64, _I64, _B))),
        arrays,
    )
