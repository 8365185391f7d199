"""The screening path: whole populations decided as int64 columns, in agreement with the
explained engine (rules.engine.evaluate) on every household, without explanations.

Build the parameter arrays once per ParameterTable, fill ScreeningColumns (from record rows with
columns_from_rows, or from case files with columns_from_cases), then call screen().
"""

from rules.screening.casefiles import columns_from_cases
from rules.screening.columns import FormulaIncomes, ScreeningColumns, concat_columns
from rules.screening.parameters import ParameterArrays, build_parameter_arrays
from rules.screening.rows import (
    AssetRows,
    ExpenseRows,
    HouseholdFacts,
    IncomeRows,
    MemberRows,
    columns_from_rows,
)
from rules.screening.screen import (
    CRITERIA,
    ELIGIBLE_DIRECT,
    ELIGIBLE_SIMPLIFIED,
    ELIGIBLE_STANDARD,
    MISSING_PARAMETER,
    NOT_ELIGIBLE,
    OUTCOMES,
    REFERRALS,
    ScreeningResult,
    concat_results,
    screen,
)

__all__ = [
    "CRITERIA",
    "ELIGIBLE_DIRECT",
    "ELIGIBLE_SIMPLIFIED",
    "ELIGIBLE_STANDARD",
    "MISSING_PARAMETER",
    "NOT_ELIGIBLE",
    "OUTCOMES",
    "REFERRALS",
    "AssetRows",
    "ExpenseRows",
    "FormulaIncomes",
    "HouseholdFacts",
    "IncomeRows",
    "MemberRows",
    "ParameterArrays",
    "ScreeningColumns",
    "ScreeningResult",
    "build_parameter_arrays",
    "columns_from_cases",
    "columns_from_rows",
    "concat_columns",
    "concat_results",
    "screen",
]
