"""The recheck review (64号 第二十六条) on the screening path (issue 21): a chunk of recognised
families screened as columns, and only those the screening finds no longer eligible, without a
value it needs, or within a fen of a boundary handed to the explained engine and written. The
others are counted as eligible: the screening path decides them as the explained engine would
(tests/unit/test_unit_screening.py, and every run's own check of the households it explains)."""

from __future__ import annotations

import functools
from datetime import date

import numpy as np
from sqlmodel import Session

from assistance.screening.population import read_population
from rules.parameters import ParameterTable
from rules.screening import ELIGIBLE_DIRECT, ELIGIBLE_SIMPLIFIED, ELIGIBLE_STANDARD, ParameterArrays, screen
from rules.screening import build_parameter_arrays as _build

_ELIGIBLE = np.array([ELIGIBLE_STANDARD, ELIGIBLE_SIMPLIFIED, ELIGIBLE_DIRECT])


@functools.lru_cache(maxsize=4)
def _arrays(table: ParameterTable) -> ParameterArrays:
    # A parameter table is made once per reference revision (assistance/parameters.py) and
    # reused: its arrays are too, for every chunk that reads it.
    return _build(table)


def to_explain(
    session: Session, county: str, on: date, after_id: int, last_id: int, table: ParameterTable
) -> set[int]:
    """The cases of the chunk that the explained engine must decide: screened as not eligible or
    undetermined, or near a boundary."""
    arrays = _arrays(table)
    population = read_population(session, "recognised", [county], on, arrays, (after_id, last_id))
    if not len(population):
        return set()
    result = screen(population.columns, arrays)
    flagged = ~np.isin(result.outcome, _ELIGIBLE) | result.near_boundary
    return {int(i) for i in population.case_ids[flagged]}


__all__ = ["to_explain"]
