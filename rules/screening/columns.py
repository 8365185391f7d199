"""The columnar input of the screening path, and the integer codes it uses.

One row per household. Money is int64 fen; dates are proleptic Gregorian ordinals
(``date.toordinal()``). Everything the regulations decide without a parameter (who counts as a
member, which incomes and assets count, which medical expenses fall in the window) is already
settled in these columns; what depends on a dated parameter is computed by
:func:`rules.screening.screen.screen`, per household's own county, area and date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Final

import numpy as np
from numpy.typing import NDArray

from rules import vocabulary as v

Int64Array = NDArray[np.int64]
Int8Array = NDArray[np.int8]
BoolArray = NDArray[np.bool_]

PROCEDURE_CODES: Final = (v.DIBAO_EDGE, v.ILLNESS_POVERTY)
EDGE: Final = 0
ILLNESS: Final = 1

# 64号 第二条 / 第十五条, 65号 第六条: in the order of rules.vocabulary.CURRENT_ASSISTANCE.
ASSISTANCE_CODES: Final = tuple(v.CURRENT_ASSISTANCE)
NONE: Final = ASSISTANCE_CODES.index("none")
DIBAO: Final = ASSISTANCE_CODES.index("dibao")
TEKUN: Final = ASSISTANCE_CODES.index("tekun")
DIBAO_EDGE_NOW: Final = ASSISTANCE_CODES.index("dibao_edge")
# 0 is "no transition"; then rules.vocabulary.ASSISTANCE_TRANSITIONS in order.
TRANSITION_CODES: Final = (None, *v.ASSISTANCE_TRANSITIONS)
LEAVING_DIBAO: Final = TRANSITION_CODES.index("leaving_dibao")
LEAVING_TEKUN: Final = TRANSITION_CODES.index("leaving_tekun")

# Incomes whose counted amount depends on a dated parameter (65号 第八条（一）（四）).
FLEXIBLE: Final = 0
MIGRANT: Final = 1
CHILD_SUPPORT: Final = 2
ELDERLY_SUPPORT: Final = 3  # 赡养费 and 扶养费: the same formula
NO_AMOUNT: Final = -1


@dataclass(frozen=True, slots=True)
class FormulaIncomes:
    """The counted members' incomes computed from a parameter, one row per income item.

    ``amount`` is the flexible worker's declared amount (or ``NO_AMOUNT``), the migrant worker's
    income, the child-support obligor's monthly income, or the elderly/spousal obligor household's
    monthly per-capita income. ``obligor_standard`` is the obligor's dibao standard, or
    ``NO_AMOUNT`` to use the household's own. ``months`` is already defaulted (12).
    """

    household: Int64Array
    kind: Int8Array
    amount: Int64Array
    months: Int64Array
    obligor_standard: Int64Array
    children: Int64Array

    def __len__(self) -> int:
        return len(self.household)

    @classmethod
    def empty(cls) -> FormulaIncomes:
        none = np.zeros(0, dtype=np.int64)
        return cls(none, np.zeros(0, dtype=np.int8), none, none, none, none)


@dataclass(frozen=True, slots=True)
class ScreeningColumns:
    """Per household: where and when, who counts, what counts, and the non-numeric facts.

    ``size`` counts the members 64号 第九条、第十条 count. ``income`` is the counted members'
    incomes that need no parameter (counted 65号 第八条 items, 第九条 items left out), in fen;
    ``transfer_expense`` is the 转移性支出 deducted from them. ``financial_assets`` and
    ``housing_units`` are the counted, not lent-identity (64号 第十四条（四）) holdings;
    ``largest_vehicle`` is the largest purchase value among the vehicles 64号 第十四条（三）
    tests, or ``NO_AMOUNT``. ``inpatient_burden`` (policy-scope burden less mutual aid, inpatient
    only) and ``out_of_pocket`` cover the patient's designated-institution expenses of the 12
    months up to the application date (65号 第六条（三）（四）). ``hukou_ok`` is the procedure's
    hukou test (64号 第八条: 1408xx; 65号 第六条（一）: 14xxxx), ``insured_ok`` 65号 第六条（二）.
    ``parameter_missing`` marks a household whose composition already needed a parameter that is
    not configured (the clergy years of 64号 第十条（二））.
    """

    procedure: Int8Array
    county: Int64Array
    area: Int64Array
    date: Int64Array
    size: Int64Array
    income: Int64Array
    transfer_expense: Int64Array
    financial_assets: Int64Array
    housing_units: Int64Array
    largest_vehicle: Int64Array
    inpatient_burden: Int64Array
    out_of_pocket: Int64Array
    current_assistance: Int8Array
    transition: Int8Array
    monitoring: BoolArray
    hukou_ok: BoolArray
    insured_ok: BoolArray
    county_disqualified: BoolArray
    parameter_missing: BoolArray
    formula_incomes: FormulaIncomes

    def __len__(self) -> int:
        return len(self.procedure)

    def __post_init__(self) -> None:
        length = len(self.procedure)
        for field in fields(self):
            column = getattr(self, field.name)
            if isinstance(column, np.ndarray) and column.shape != (length,):
                raise ValueError(f"column {field.name} has shape {column.shape}, expected ({length},)")
        if len(self.formula_incomes) and (
            self.formula_incomes.household.min() < 0 or self.formula_incomes.household.max() >= length
        ):
            raise ValueError("formula income rows name a household outside the columns")


def concat_columns(parts: Sequence[ScreeningColumns]) -> ScreeningColumns:
    """The parts' households one after another, as one set of columns (a population read in parts
    by ranges of cases): each column joined, and the formula incomes' rows pointed at their
    households' new places."""
    if not parts:
        raise ValueError("no columns to join")
    offsets = np.cumsum([0, *(len(part) for part in parts[:-1])])
    incomes = [part.formula_incomes for part in parts]
    joined = {f.name: np.concatenate([getattr(i, f.name) for i in incomes]) for f in fields(FormulaIncomes)}
    joined["household"] = np.concatenate(
        [i.household + offset for i, offset in zip(incomes, offsets, strict=True)]
    ).astype(np.int64)
    formula = FormulaIncomes(**joined)
    columns = {
        f.name: np.concatenate([getattr(part, f.name) for part in parts])
        for f in fields(ScreeningColumns)
        if f.name != "formula_incomes"
    }
    return ScreeningColumns(**columns, formula_incomes=formula)
