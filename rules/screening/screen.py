"""Decide whole populations at once, exactly as :func:`rules.engine.evaluate` decides each one.

Every boundary is decided on integers: a per-capita comparison ``total / size ⋚ limit`` is made
as ``total × denominators ⋚ numerators × size`` (rules/property.py compare_per_capita does the
same without division), so no binary float ever touches money or a ratio.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Final

import numpy as np
from numpy.typing import NDArray

from rules.screening.columns import (
    DIBAO,
    DIBAO_EDGE_NOW,
    EDGE,
    LEAVING_DIBAO,
    LEAVING_TEKUN,
    NO_AMOUNT,
    NONE,
    TEKUN,
    BoolArray,
    Int8Array,
    Int64Array,
    ScreeningColumns,
)
from rules.screening.income import annual_income, income_scale
from rules.screening.parameters import ParameterArrays

MISSING_PARAMETER: Final = -1
NOT_ELIGIBLE: Final = 0
ELIGIBLE_STANDARD: Final = 1
ELIGIBLE_SIMPLIFIED: Final = 2
ELIGIBLE_DIRECT: Final = 3
OUTCOMES: Final = {
    MISSING_PARAMETER: ("error", None),
    NOT_ELIGIBLE: ("not_eligible", None),
    ELIGIBLE_STANDARD: ("eligible", "standard"),
    ELIGIBLE_SIMPLIFIED: ("eligible", "simplified"),
    ELIGIBLE_DIRECT: ("eligible", "direct"),
}
REFERRALS: Final = (None, "dibao", "dibao_edge")

# Bit i of ScreeningResult.failed is set when criterion CRITERIA[i] fails (decisive or not).
CRITERIA: Final = (
    "edge.hukou",
    "edge.other_assistance",
    "edge.income_above_dibao",
    "edge.income_below_upper",
    "edge.financial_assets",
    "edge.housing",
    "edge.vehicles",
    "edge.county_rules",
    "illness.hukou",
    "illness.insurance",
    "illness.deductible",
    "illness.income",
    "illness.financial_assets",
    "illness.county_rules",
    "illness.other_assistance",
)
_BIT: Final = {name: np.int32(1 << i) for i, name in enumerate(CRITERIA)}
# Products stay below this; beyond it a household is left to the explained engine.
_INT64_ROOM: Final = 2**62


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """Per household: outcome code (``OUTCOMES``), referral (index into ``REFERRALS``), the
    failed criteria as a bit set over ``CRITERIA``, and whether any compared money total lies
    within one fen of the value at which its test would change."""

    outcome: Int8Array
    referral: Int8Array
    failed: NDArray[np.int32]
    near_boundary: BoolArray

    def failed_criteria(self, household: int) -> tuple[str, ...]:
        bits = int(self.failed[household])
        return tuple(name for i, name in enumerate(CRITERIA) if bits >> i & 1)


def concat_results(parts: Sequence[ScreeningResult]) -> ScreeningResult:
    """The parts' results one after another, as one: each household is decided on its own, so the
    results of columns read in parts are those of the columns joined (``concat_columns``)."""
    return ScreeningResult(
        *(np.concatenate([getattr(part, f.name) for part in parts]) for f in fields(ScreeningResult))
    )


class _Compare:
    """Exact comparisons of household totals with per-capita limits, and near-boundary flags."""

    def __init__(self, households: int) -> None:
        self.near: BoolArray = np.zeros(households, dtype=np.bool_)

    def sign(self, value: Int64Array, factor: int, *bound: Int64Array | int, per_fen: int = 1) -> Int64Array:
        """Sign of ``value × factor − product(bound)``: the boundary sits at ``product / factor``.
        Also notes where ``value`` (``per_fen`` units a fen) is within one fen of it."""
        _fits(value, factor)
        _fits(*bound)
        limit: Int64Array | int = 1
        for part in bound:
            limit = limit * part
        difference = value * factor - limit
        self.near |= np.abs(difference) <= factor * per_fen
        sign: Int64Array = np.sign(difference)
        return sign


def _fits(*factors: Int64Array | int) -> None:
    largest = 1
    for factor in factors:
        if isinstance(factor, int):
            largest *= abs(factor)
        elif len(factor):
            largest *= int(np.abs(factor).max())
    if largest >= _INT64_ROOM:
        raise OverflowError("金额超出筛查可精确计算的范围，请逐户使用 rules.engine.evaluate 认定")


def _bits(failures: dict[str, BoolArray]) -> NDArray[np.int32]:
    failed: NDArray[np.int32] | None = None
    for name, mask in failures.items():
        bit = np.where(mask, _BIT[name], np.int32(0)).astype(np.int32)
        failed = bit if failed is None else failed | bit
    assert failed is not None
    return failed


def screen(columns: ScreeningColumns, arrays: ParameterArrays) -> ScreeningResult:
    """Decide every household for its own procedure, county, area and date."""
    cells = arrays.cells(columns.county, columns.area, columns.date)
    scale = income_scale(arrays)
    annual, missing = annual_income(columns, arrays, cells, scale)
    missing |= columns.parameter_missing
    size = columns.size
    standard, standard_ok = arrays.value("dibao_standard", cells)
    urban, urban_ok = arrays.value("dibao_standard", arrays.urban_cells(cells))
    d_standard = arrays.denominator("dibao_standard")
    compare = _Compare(len(columns))

    # 64号 第二条、第八条: per-capita monthly income above the standard, below the multiple.
    multiplier, multiplier_ok = arrays.value("edge_upper_multiplier", cells)
    d_multiplier = arrays.denominator("edge_upper_multiplier")
    months = 12 * size * scale
    lower = compare.sign(annual, d_standard, standard, months, per_fen=scale)
    upper = compare.sign(annual, d_standard * d_multiplier, standard, multiplier, months, per_fen=scale)
    above_standard, below_multiple, below_standard = lower > 0, upper < 0, lower < 0

    # 64号 第十四条（一）（二）（三）, against the edge standard (standard × multiplier).
    months_f, months_f_ok = arrays.value("edge_financial_asset_months", cells)
    d_edge = d_standard * d_multiplier * arrays.denominator("edge_financial_asset_months")
    edge_financial_ok = (
        compare.sign(columns.financial_assets, d_edge, standard, multiplier, months_f, size) <= 0
    )
    housing_limit, housing_ok_present = arrays.value("edge_housing_limit", cells)
    housing_ok = columns.housing_units < housing_limit
    months_v, months_v_ok = arrays.value("edge_vehicle_months", cells)
    d_vehicle = d_standard * d_multiplier * arrays.denominator("edge_vehicle_months")
    has_vehicle = columns.largest_vehicle != NO_AMOUNT
    vehicle = _Compare(len(columns))
    vehicles_ok = ~has_vehicle | (
        vehicle.sign(columns.largest_vehicle, d_vehicle, standard, multiplier, months_v) <= 0
    )
    compare.near |= has_vehicle & vehicle.near
    edge_property_ok = edge_financial_ok & housing_ok & vehicles_ok
    edge_property_present = months_f_ok & housing_ok_present & months_v_ok

    current, transition = columns.current_assistance, columns.transition
    not_county = ~columns.county_disqualified
    is_edge = columns.procedure == EDGE

    # 64号 第二条、第十五条.
    other_ok = (
        (current == NONE)
        | ((transition == LEAVING_DIBAO) & (current == DIBAO))
        | ((transition == LEAVING_TEKUN) & (current == TEKUN))
    )
    direct = columns.monitoring & ((current == NONE) | (current == DIBAO_EDGE_NOW))
    tests_ok = above_standard & below_multiple & edge_property_ok & not_county
    edge_eligible = columns.hukou_ok & other_ok & (direct | tests_ok)
    edge_outcome = np.where(
        edge_eligible,
        np.where(direct, ELIGIBLE_DIRECT, np.where(transition != 0, ELIGIBLE_SIMPLIFIED, ELIGIBLE_STANDARD)),
        NOT_ELIGIBLE,
    )
    edge_referral = np.where(~edge_eligible & below_standard, 1, 0)
    edge_failed = _bits(
        {
            "edge.hukou": ~columns.hukou_ok,
            "edge.other_assistance": ~other_ok,
            "edge.income_above_dibao": ~above_standard,
            "edge.income_below_upper": ~below_multiple,
            "edge.financial_assets": ~edge_financial_ok,
            "edge.housing": ~housing_ok,
            "edge.vehicles": ~vehicles_ok,
            "edge.county_rules": columns.county_disqualified,
        }
    )
    edge_missing = ~(standard_ok & multiplier_ok & edge_property_present)

    illness = _Compare(len(columns))
    # 65号 第六条（三）: the inpatient burden reaches the deductible ("达到" passes).
    deductible, deductible_ok = arrays.value("medical_assistance_deductible", cells)
    d_deductible = arrays.denominator("medical_assistance_deductible")
    reached = illness.sign(columns.inpatient_burden, d_deductible, deductible) >= 0
    # 65号 第六条（四）: income after self-paid medical costs below the multiple of the standard.
    times, times_ok = arrays.value("illness_income_multiplier", cells)
    d_times = arrays.denominator("illness_income_multiplier")
    remaining = np.maximum(annual - columns.out_of_pocket * scale, 0)
    income_ok = illness.sign(remaining, d_standard * d_times, standard, times, months, per_fen=scale) < 0
    # 65号 第六条（五）: per-capita financial assets within months of the urban standard.
    months_i, months_i_ok = arrays.value("illness_financial_asset_months", cells)
    d_illness = d_standard * arrays.denominator("illness_financial_asset_months")
    illness_financial_ok = illness.sign(columns.financial_assets, d_illness, urban, months_i, size) <= 0
    # 65号 第六条: not a dibao, 特困 or 低保边缘 household, nor eligible to be one.
    already = (current == DIBAO) | (current == TEKUN) | (current == DIBAO_EDGE_NOW)
    in_band = ~already & ~below_standard & above_standard & below_multiple
    would_be_edge = in_band & edge_property_ok
    other_fails = already | (~already & below_standard) | would_be_edge
    illness_referral = np.where(
        ~already & below_standard, 1, np.where(~already & ~below_standard & would_be_edge, 2, 0)
    )
    illness_failures = {
        "illness.hukou": ~columns.hukou_ok,
        "illness.insurance": ~columns.insured_ok,
        "illness.deductible": ~reached,
        "illness.income": ~income_ok,
        "illness.financial_assets": ~illness_financial_ok,
        "illness.county_rules": columns.county_disqualified,
        "illness.other_assistance": other_fails,
    }
    illness_eligible = ~np.logical_or.reduce(list(illness_failures.values()))
    illness_outcome = np.where(illness_eligible, ELIGIBLE_STANDARD, NOT_ELIGIBLE)
    illness_missing = ~(
        standard_ok
        & urban_ok
        & deductible_ok
        & times_ok
        & months_i_ok
        & (already | multiplier_ok)
        & (~in_band | edge_property_present)
    )

    missing |= np.where(is_edge, edge_missing, illness_missing)
    # The band and the edge property tests also decide 65号 第六条's "not eligible for 低保边缘".
    near = (compare.near | (~is_edge & illness.near)) & ~missing
    outcome = np.where(missing, MISSING_PARAMETER, np.where(is_edge, edge_outcome, illness_outcome))
    referral = np.where(missing, 0, np.where(is_edge, edge_referral, illness_referral))
    failed = np.where(missing, 0, np.where(is_edge, edge_failed, _bits(illness_failures)))
    return ScreeningResult(outcome.astype(np.int8), referral.astype(np.int8), failed.astype(np.int32), near)
