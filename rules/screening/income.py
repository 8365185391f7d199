"""Household income for the screening path, exact to a fraction of a fen.

Incomes that depend on a parameter are counted item by item, as the explained engine does
(rules/income.py), and added to the household's fixed income in a common unit of 1/scale fen, so
that 30 % of a dibao standard of 546.00 yuan (163.8 yuan a month) stays exact.
"""

from __future__ import annotations

from math import lcm

import numpy as np

from rules.screening.columns import (
    CHILD_SUPPORT,
    ELDERLY_SUPPORT,
    FLEXIBLE,
    MIGRANT,
    BoolArray,
    Int64Array,
    ScreeningColumns,
)
from rules.screening.parameters import ParameterArrays


def income_scale(arrays: ParameterArrays) -> int:
    """The number of parts a fen is divided into so that every counted income is whole."""
    standard = arrays.denominator("dibao_standard")
    child = lcm(
        arrays.denominator("child_support_rate"),
        arrays.denominator("child_support_step_rate"),
        arrays.denominator("child_support_cap_rate"),
    )
    return lcm(
        arrays.denominator("minimum_wage"),
        arrays.denominator("migrant_work_cost_rate") * standard,
        child,
        arrays.denominator("elderly_support_rate") * standard,
    )


def annual_income(
    columns: ScreeningColumns, arrays: ParameterArrays, cells: Int64Array, scale: int
) -> tuple[Int64Array, BoolArray]:
    """Each household's counted annual income in 1/scale fen, never below zero, and whether an
    income item needed a parameter that is not configured."""
    total: Int64Array = (columns.income - columns.transfer_expense) * scale
    missing: BoolArray = np.zeros(len(columns), dtype=np.bool_)
    items = columns.formula_incomes
    if len(items):
        counted = np.zeros(len(items), dtype=np.int64)
        absent = np.zeros(len(items), dtype=np.bool_)
        item_cells = cells[items.household]
        for kind, count in (
            (FLEXIBLE, _flexible),
            (MIGRANT, _migrant),
            (CHILD_SUPPORT, _child_support),
            (ELDERLY_SUPPORT, _elderly_support),
        ):
            chosen = np.flatnonzero(items.kind == kind)
            if len(chosen):
                counted[chosen], absent[chosen] = count(columns, arrays, item_cells, chosen, scale)
        np.add.at(total, items.household, counted)
        missing[items.household[absent]] = True
    # 转移性支出 cannot make the income negative (rules/income.py assess_income).
    income: Int64Array = np.maximum(total, 0)
    return income, missing


def _flexible(
    columns: ScreeningColumns, arrays: ParameterArrays, cells: Int64Array, chosen: Int64Array, scale: int
) -> tuple[Int64Array, BoolArray]:
    """65号 第八条（一）: the declared amount when above minimum wage × months, else the latter."""
    items = columns.formula_incomes
    wage, present = arrays.value("minimum_wage", cells[chosen])
    per = arrays.denominator("minimum_wage")
    imputed = wage * items.months[chosen]
    declared = items.amount[chosen]
    above = (declared >= 0) & (declared * per > imputed)
    counted: Int64Array = np.where(above, declared * scale, imputed * (scale // per))
    return counted, ~present


def _migrant(
    columns: ScreeningColumns, arrays: ParameterArrays, cells: Int64Array, chosen: Int64Array, scale: int
) -> tuple[Int64Array, BoolArray]:
    """65号 第八条（一）: less 30 % of the urban dibao standard per month worked, not below zero."""
    items = columns.formula_incomes
    urban, urban_present = arrays.value("dibao_standard", arrays.urban_cells(cells[chosen]))
    rate, rate_present = arrays.value("migrant_work_cost_rate", cells[chosen])
    per = arrays.denominator("migrant_work_cost_rate") * arrays.denominator("dibao_standard")
    net = items.amount[chosen] * per - rate * urban * items.months[chosen]
    counted: Int64Array = np.maximum(net, 0) * (scale // per)
    return counted, ~(urban_present & rate_present)


def _child_support(
    columns: ScreeningColumns, arrays: ParameterArrays, cells: Int64Array, chosen: Int64Array, scale: int
) -> tuple[Int64Array, BoolArray]:
    """65号 第八条（四）: 20 % of the obligor's income, 10 % more per further child, at most 50 %."""
    items = columns.formula_incomes
    kinds = ("child_support_rate", "child_support_step_rate", "child_support_cap_rate")
    per = lcm(*(arrays.denominator(k) for k in kinds))
    (base, base_ok), (step, step_ok), (cap, cap_ok) = (arrays.value(k, cells[chosen]) for k in kinds)
    base = base * (per // arrays.denominator(kinds[0]))
    step = step * (per // arrays.denominator(kinds[1]))
    cap = cap * (per // arrays.denominator(kinds[2]))
    rate = np.minimum(base + step * (items.children[chosen] - 1), cap)
    counted: Int64Array = items.amount[chosen] * rate * items.months[chosen] * (scale // per)
    return counted, ~(base_ok & step_ok & cap_ok)


def _elderly_support(
    columns: ScreeningColumns, arrays: ParameterArrays, cells: Int64Array, chosen: Int64Array, scale: int
) -> tuple[Int64Array, BoolArray]:
    """65号 第八条（四）: 30 % of the obligor household's per-capita income above a dibao standard
    (the obligor's where given, else the applicant household's own)."""
    items = columns.formula_incomes
    own, own_present = arrays.value("dibao_standard", cells[chosen])
    rate, rate_present = arrays.value("elderly_support_rate", cells[chosen])
    standard_per = arrays.denominator("dibao_standard")
    obligor = items.obligor_standard[chosen]
    standard = np.where(obligor >= 0, obligor * standard_per, own)
    surplus = np.maximum(items.amount[chosen] * standard_per - standard, 0)
    per = standard_per * arrays.denominator("elderly_support_rate")
    counted: Int64Array = surplus * rate * items.months[chosen] * (scale // per)
    return counted, ~(rate_present & (own_present | (obligor >= 0)))
