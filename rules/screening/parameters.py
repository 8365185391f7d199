"""The dated parameters as integer lookup arrays indexed by (county, area, parameter period).

Built from the same :class:`rules.parameters.ParameterTable` the explained engine resolves, so
both paths read one set of values. Every value is held exactly as a rational: an int64 numerator
per cell over one common denominator per kind (money in fen, so 715.00 yuan is 71500/1 and a
ratio of 1.5 is 3/2). A period is a stretch of days over which no configured value of any kind
starts or ends, so resolving each cell once, on any day of its period, gives the value for the
whole period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from math import lcm
from typing import Final

import numpy as np
from numpy.typing import NDArray

from rules import vocabulary as v
from rules.counties import COUNTIES
from rules.parameters import ParameterError, ParameterTable

COUNTY_CODES: Final = tuple(sorted(COUNTIES))
AREA_CODES: Final = (v.URBAN, v.RURAL)
URBAN_INDEX: Final = 0

# Amounts of money, held in fen.
MONEY_KINDS: Final = ("dibao_standard", "minimum_wage", "medical_assistance_deductible")
# The engine reads these two with int(), truncating: the screening path does the same.
WHOLE_KINDS: Final = ("edge_housing_limit", "clergy_absence_years")
RATIO_KINDS: Final = (
    "edge_upper_multiplier",
    "edge_financial_asset_months",
    "edge_vehicle_months",
    "illness_income_multiplier",
    "illness_financial_asset_months",
    "migrant_work_cost_rate",
    "elderly_support_rate",
    "child_support_rate",
    "child_support_step_rate",
    "child_support_cap_rate",
)
KINDS: Final = MONEY_KINDS + WHOLE_KINDS + RATIO_KINDS
# The kinds that decide who counts as a member (64号 第十条（二）): they are read into the columns
# (rows.counted_members), so columns read under one value cannot be screened under another.
MEMBERSHIP_KINDS: Final = ("clergy_absence_years",)

# Above this a denominator would push the cross-multiplied comparisons towards int64's limit.
_LARGEST_DENOMINATOR: Final = 10_000

Int64Array = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Rational:
    """One kind's values: ``numerator[county, area, period] / denominator``; ``present`` is False
    where the table has no value (the explained engine raises ``ParameterError`` there)."""

    numerator: Int64Array
    denominator: int
    present: BoolArray


@dataclass(frozen=True, slots=True)
class ParameterArrays:
    """Every kind the two procedures read, by (county, area, period) cell."""

    period_starts: Int64Array
    kinds: dict[str, Rational]

    @property
    def periods(self) -> int:
        return len(self.period_starts)

    def period_of(self, ordinals: Int64Array) -> Int64Array:
        """Each date's period: the last period starting on or before it."""
        found: Int64Array = np.searchsorted(self.period_starts, ordinals, side="right").astype(np.int64) - 1
        return found

    def cells(self, county: Int64Array, area: Int64Array, ordinals: Int64Array) -> Int64Array:
        """Flat cell index of each household's (county, area, period)."""
        cell: Int64Array = (county * len(AREA_CODES) + area) * self.periods + self.period_of(ordinals)
        return cell

    def urban_cells(self, cells: Int64Array) -> Int64Array:
        """The urban cell of the same county and period (65号 第六条（五）, 第八条（一）)."""
        per_county = len(AREA_CODES) * self.periods
        urban: Int64Array = cells // per_county * per_county + cells % self.periods
        return urban

    def value(self, kind: str, cells: Int64Array) -> tuple[Int64Array, BoolArray]:
        """Numerators and presence of one kind at each cell."""
        rational = self.kinds[kind]
        numerator: Int64Array = rational.numerator.ravel()[cells]
        present: BoolArray = rational.present.ravel()[cells]
        return numerator, present

    def denominator(self, kind: str) -> int:
        return self.kinds[kind].denominator


def _period_starts(table: ParameterTable) -> list[int]:
    starts: set[int] = set()
    for kind in KINDS:
        for value in table.values(kind):
            starts.add(value.effective_from.toordinal())
            if value.effective_to is not None:
                starts.add((value.effective_to + timedelta(days=1)).toordinal())
    # Period 0 runs from the first day there is to the first configured change.
    return [1, *sorted(s for s in starts if s > 1)]


def _resolved(table: ParameterTable, kind: str, county: str, area: str, on: date) -> Fraction | None:
    try:
        amount = table.resolve(kind, county, area, on).amount
    except ParameterError:
        return None
    if kind in MONEY_KINDS:
        return Fraction(amount) * 100
    if kind in WHOLE_KINDS:
        return Fraction(int(amount))
    return Fraction(amount)


def build_parameter_arrays(table: ParameterTable) -> ParameterArrays:
    """Resolve every kind for every county, area and period of ``table``, exactly."""
    starts = _period_starts(table)
    shape = (len(COUNTY_CODES), len(AREA_CODES), len(starts))
    kinds: dict[str, Rational] = {}
    for kind in KINDS:
        found: dict[tuple[int, int, int], Fraction] = {}
        for c, county in enumerate(COUNTY_CODES):
            for a, area in enumerate(AREA_CODES):
                for p, start in enumerate(starts):
                    value = _resolved(table, kind, county, area, date.fromordinal(start))
                    if value is not None:
                        found[c, a, p] = value
        denominator = lcm(1, *(f.denominator for f in found.values()))
        if denominator > _LARGEST_DENOMINATOR:
            raise ParameterError(f"参数“{kind}”的小数位数过多，筛查无法精确计算（分母 {denominator}）")
        numerator = np.zeros(shape, dtype=np.int64)
        present = np.zeros(shape, dtype=np.bool_)
        for index, value in found.items():
            numerator[index] = int(value * denominator)
            present[index] = True
        kinds[kind] = Rational(numerator, denominator, present)
    return ParameterArrays(np.array(starts, dtype=np.int64), kinds)
