"""The screening path (rules/screening/) decides every household as rules.engine.evaluate does:
outcome, path, referral and each failed criterion, with the thresholds hit exactly and one fen
either side, over both procedures, all counties and areas, and dates across parameter changes."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules import vocabulary as v
from rules.casefile import CaseFile
from rules.criteria import FAIL
from rules.engine import evaluate
from rules.parameters import ParameterError, ParameterTable, ParameterValue, load_parameters
from rules.parsing import parse_case_file
from rules.screening import (
    MISSING_PARAMETER,
    OUTCOMES,
    REFERRALS,
    ScreeningColumns,
    ScreeningResult,
    build_parameter_arrays,
    columns_from_cases,
    concat_columns,
    concat_results,
    screen,
)
from tests.unit.unit_casedata import LOCAL_PARAMETERS, edge_case, family_of_three
from tests.unit.unit_screening_cases import boundary_cases

PARAMETERS = load_parameters(LOCAL_PARAMETERS)
ARRAYS = build_parameter_arrays(PARAMETERS)
SHIPPED = load_parameters()
SHIPPED_ARRAYS = build_parameter_arrays(SHIPPED)


def _assert_agree(cases: list[CaseFile], table: ParameterTable) -> ScreeningResult:
    result = screen(columns_from_cases(cases, build_parameter_arrays(table)), build_parameter_arrays(table))
    for i, case in enumerate(cases):
        try:
            decision = evaluate(case, table)
        except ParameterError:
            assert result.outcome[i] == MISSING_PARAMETER, i
            continue
        outcome, path = OUTCOMES[int(result.outcome[i])]
        assert (outcome, path) == (decision.outcome, decision.path), (i, decision.summary)
        assert REFERRALS[int(result.referral[i])] == decision.referral, i
        failed = tuple(c.id for c in decision.criteria if c.result == FAIL)
        assert sorted(result.failed_criteria(i)) == sorted(failed), (i, decision.summary)
    return result


_SLOW = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


def _either_procedure(table: ParameterTable) -> st.SearchStrategy[CaseFile]:
    return st.one_of(boundary_cases(v.DIBAO_EDGE, table), boundary_cases(v.ILLNESS_POVERTY, table))


@settings(max_examples=400, deadline=None, suppress_health_check=_SLOW)
@given(st.lists(boundary_cases(v.DIBAO_EDGE, PARAMETERS), min_size=1, max_size=6))
def test_dibao_edge_households_are_screened_as_the_engine_decides_them(cases: list[CaseFile]) -> None:
    _assert_agree(cases, PARAMETERS)


@settings(max_examples=400, deadline=None, suppress_health_check=_SLOW)
@given(st.lists(boundary_cases(v.ILLNESS_POVERTY, PARAMETERS), min_size=1, max_size=6))
def test_illness_households_are_screened_as_the_engine_decides_them(cases: list[CaseFile]) -> None:
    _assert_agree(cases, PARAMETERS)


@settings(max_examples=100, deadline=None, suppress_health_check=_SLOW)
@given(st.lists(_either_procedure(SHIPPED), min_size=1, max_size=8))
def test_the_shipped_parameters_missing_values_are_missing_in_both_paths(cases: list[CaseFile]) -> None:
    _assert_agree(cases, SHIPPED)


def _yuan_case(per_capita_annual: str, **fields: object) -> CaseFile:
    return parse_case_file(
        family_of_three(incomes=[{"member": "m1", "kind": "wage", "amount": per_capita_annual}], **fields)
    )


@pytest.mark.parametrize(
    ("amount", "outcome", "near"),
    [
        # 盐湖区 urban, 715.00 × 12 × 3 = 25740.00; × 1.5 = 38610.00.
        ("25740.00", "not_eligible", True),
        ("25740.01", "eligible", True),
        ("25739.99", "not_eligible", True),
        ("38609.99", "eligible", True),
        ("38610.00", "not_eligible", True),
        ("30000.00", "eligible", False),
    ],
)
def test_the_income_band_is_decided_to_the_fen(amount: str, outcome: str, near: bool) -> None:
    result = _assert_agree([_yuan_case(amount)], PARAMETERS)
    assert OUTCOMES[int(result.outcome[0])][0] == outcome
    assert bool(result.near_boundary[0]) is near


def _changing_standard() -> ParameterTable:
    """盐湖区's urban standard rising from 715.00 to 745.50 on 2025-07-01."""
    rise = ParameterValue(
        kind="dibao_standard",
        title="城乡最低生活保障标准",
        unit="元/人·月",
        county="140802",
        area="urban",
        effective_from=date(2025, 7, 1),
        amount=Decimal("745.50"),
        source="测试用数值",
    )
    return ParameterTable([*PARAMETERS.values(), rise])


def test_a_batch_spanning_a_parameter_change_uses_each_households_own_period() -> None:
    table = _changing_standard()
    arrays = build_parameter_arrays(table)
    assert date(2025, 7, 1).toordinal() in arrays.period_starts.tolist()
    # 26000.00 a year for three is above 715.00 (25740.00) but not above 745.50 (26838.00).
    cases = [
        parse_case_file(
            family_of_three(
                application_date=day, incomes=[{"member": "m1", "kind": "wage", "amount": "26000.00"}]
            )
        )
        for day in ("2025-06-30", "2025-07-01", "2025-06-29", "2026-01-05")
    ]
    result = _assert_agree(cases, table)
    assert [OUTCOMES[int(o)][0] for o in result.outcome] == [
        "eligible",
        "not_eligible",
        "eligible",
        "not_eligible",
    ]
    assert [REFERRALS[int(r)] for r in result.referral] == [None, "dibao", None, "dibao"]


def test_a_date_before_any_configured_standard_is_missing_not_guessed() -> None:
    case = parse_case_file(edge_case(application_date="2023-12-31"))
    result = _assert_agree([case], PARAMETERS)
    assert result.outcome[0] == MISSING_PARAMETER
    assert not result.near_boundary[0]


def test_the_columns_count_only_the_members_64_article_9_counts() -> None:
    case = parse_case_file(family_of_three())
    columns = columns_from_cases([case, case], ARRAYS)
    assert columns.size.tolist() == [3, 3]
    assert columns.income.dtype == np.int64


@settings(max_examples=60, deadline=None, suppress_health_check=_SLOW)
@given(st.lists(_either_procedure(PARAMETERS), min_size=2, max_size=8), st.data())
def test_columns_read_in_parts_and_joined_are_the_columns_read_at_once(
    cases: list[CaseFile], data: st.DataObject
) -> None:
    # A population read in ranges of cases (assistance/screening/parts.py) is joined back.
    cut = data.draw(st.integers(1, len(cases) - 1))
    whole = columns_from_cases(cases, ARRAYS)
    joined = concat_columns(
        [columns_from_cases(cases[:cut], ARRAYS), columns_from_cases(cases[cut:], ARRAYS)]
    )
    for name in (f.name for f in fields(ScreeningColumns) if f.name != "formula_incomes"):
        assert np.array_equal(getattr(joined, name), getattr(whole, name)), name
    # The same formula incomes, each pointing at its household (in any order: kinds come in turn).
    names = ("household", "kind", "amount", "months", "obligor_standard", "children")

    def incomes(columns: ScreeningColumns) -> np.ndarray:
        table = np.stack([getattr(columns.formula_incomes, name).astype(np.int64) for name in names])
        return table[:, np.lexsort(table[::-1])]

    assert np.array_equal(incomes(joined), incomes(whole))
    both = screen(joined, ARRAYS), screen(whole, ARRAYS)
    for name in ("outcome", "referral", "failed", "near_boundary"):
        assert np.array_equal(getattr(both[0], name), getattr(both[1], name)), name
    # The parts' screening passes joined are the pass over the whole.
    passes = concat_results(
        [
            screen(columns_from_cases(cases[:cut], ARRAYS), ARRAYS),
            screen(columns_from_cases(cases[cut:], ARRAYS), ARRAYS),
        ]
    )
    for name in ("outcome", "referral", "failed", "near_boundary"):
        assert np.array_equal(getattr(passes, name), getattr(both[1], name)), name
