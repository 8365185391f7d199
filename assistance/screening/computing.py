"""Running a saved what-if or sweep: the population read into columns (in parts, across processes:
``parts``), each parameter table one screening pass, the explained engine on the households that
change or sit on a boundary, and the result written in one transaction (``runs.finishing``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

import numpy as np
import sqlalchemy as sa

from assistance.db import Database
from assistance.models import Area, ScreeningRun
from assistance.models.screening import SWEEP
from assistance.parameters import parameter_table
from assistance.screening import runs
from assistance.screening.parts import UNDETERMINED_LISTED, Part, Reading, read_in_parts, selection
from assistance.screening.reforms import current_value, reform_table
from assistance.screening.results import CATEGORIES, NOTE, UNDETERMINED, cost, eligible_counts, grouped
from rules.parameters import ParameterTable
from rules.screening import build_parameter_arrays
from rules.screening.parameters import AREA_CODES, MEMBERSHIP_KINDS

_AREAS: Final[sa.Table] = Area.__table__  # type: ignore[attr-defined]


def run_screening(db: Database, run_id: int, workers: int = 1) -> dict[str, Any] | None:
    """Run a queued run to its end; the run as it stands, or None if another runner has it."""
    run = runs.claim(db, run_id)
    if run is None:
        return None
    try:
        if run.kind == SWEEP:
            result = _sweep(db, run, workers)
            runs.finish(db, run_id, result)
        else:
            result = _what_if(db, run, workers)
    except Exception as exc:
        runs.failed(db, run_id, f"{type(exc).__name__}: {exc}")
        raise
    return {"id": run_id, "result": result}


def _names(db: Database) -> dict[int, str]:
    with db.reading() as session:
        return {row.id: row.name for row in session.execute(sa.select(_AREAS.c.id, _AREAS.c.name))}


def _base(db: Database) -> ParameterTable:
    with db.reading() as session:
        return parameter_table(session=session)


class _Listing:
    """The lines of a part's changing households, as the part arrives (``parts.read_in_parts``):
    its entering and leaving households, and the population's first ``UNDETERMINED_LISTED``
    undetermined, counted across the parts, which come in the population's order."""

    def __init__(self, run: ScreeningRun, writer: runs.Finishing) -> None:
        self._run, self._writer = run, writer
        self._undetermined = UNDETERMINED_LISTED

    def __call__(self, part: Part) -> None:
        assert part.results is not None  # a what-if's parts screen under both tables
        category, _, listed = selection(*part.results, self._undetermined)
        self._undetermined -= int((listed & (category == UNDETERMINED)).sum())
        # Each line is taken out as it is written: the parts' results are kept until the run
        # ends, and a large reform's lines are as big as its stored list (121 MB of JSON).
        population, lines = part.population, part.explained.listed
        self._writer.write(
            [
                {
                    "run_id": self._run.id,
                    "case_id": (case_id := int(population.case_ids[i])),
                    "category": CATEGORIES[int(category[i])],
                    "county_code": runs.COUNTIES_BY_INDEX[int(population.columns.county[i])],
                    "township_id": int(population.townships[i]),
                    "area": AREA_CODES[int(population.columns.area[i])],
                    "persons": int(population.columns.size[i]),
                    "data": lines.pop(case_id),
                }
                for i in np.flatnonzero(listed)
            ]
        )


def _what_if(db: Database, run: ScreeningRun, workers: int) -> dict[str, Any]:
    """The what-if computed, and written with its changing households (``runs.finishing``)."""
    assert run.id is not None
    with runs.finishing(db, run.id) as writer:
        result = writer.result = _what_if_written(db, run, workers, _Listing(run, writer))
    return result


def _what_if_written(
    db: Database, run: ScreeningRun, workers: int, listing: Callable[[Part], None]
) -> dict[str, Any]:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    base = _base(db)
    changes = {k: Decimal(v) for k, v in run.changes.items()}
    reform = reform_table(base, changes, run.counties, run.effective_on, run.name)
    reading = Reading(
        run.population,
        tuple(run.counties),
        run.effective_on,
        base,
        reform,
        # 64号 第十条（二）'s years decide who counts: the reform's columns are its own.
        reform_reads=any(k.split(".")[0] in MEMBERSHIP_KINDS for k in changes),
    )
    # The explained engine decides again, part by part, every household whose verdict changes or
    # that lies within a fen of a boundary in either pass; the decisions of those that change
    # are kept (parts.selection).
    screened = read_in_parts(db, reading, workers, listing)
    population, reform_population, explained = (
        screened.population,
        screened.reform_population,
        screened.explained,
    )
    townships = _names(db)
    timings["read_and_explained"] = time.perf_counter() - started
    timings.update({f"{phase}_in_parts": spent for phase, spent in screened.seconds.items()})

    started = time.perf_counter()
    assert screened.results is not None  # a what-if's parts screen under both tables
    before, after = screened.results
    category, selected, _ = selection(before, after)
    timings["selection"] = time.perf_counter() - started

    by_county, groups = grouped(population, category, townships)
    totals = {name: 0 for name in CATEGORIES}
    persons = {name: 0 for name in CATEGORIES}
    for county in by_county:
        for name in CATEGORIES:
            totals[name] += county["households"][name]
            persons[name] += county["persons"][name]
    result = {
        "households": len(population),
        "persons": int(population.columns.size.sum()),
        "totals": {"households": totals, "persons": persons},
        "eligible_before": eligible_counts(population, before),
        "eligible_after": eligible_counts(reform_population, after),
        "by_county": by_county,
        "groups": groups,
        "cost": cost(population, before, after, category),
        "explained": {
            "households": len(selected),
            "near_boundary": int((before.near_boundary | after.near_boundary).sum()),
            "decisions_checked": explained.checked,
            "unreadable": explained.unreadable,
            "disagreements": len(explained.disagreements),
            "examples": explained.disagreements[:20],
        },
        # The parameter values of the listed decisions, each set once, by the name its lines give.
        "threshold_sets": explained.threshold_sets,
        "seconds": {k: round(v, 3) for k, v in timings.items()},
        "note": NOTE,
    }
    return result


def _sweep(db: Database, run: ScreeningRun, workers: int) -> dict[str, Any]:
    started = time.perf_counter()
    base = _base(db)
    key = run.params["parameter"]
    values = [Decimal(raw) for raw in run.params["points"]]
    tables = [reform_table(base, {key: value}, run.counties, run.effective_on, run.name) for value in values]
    # Today's table first, then each value's: every part counts under each (parts.Reading).
    counted = tuple(build_parameter_arrays(table) for table in (base, *tables))
    reading = Reading(run.population, tuple(run.counties), run.effective_on, base, counted=counted)
    screened = read_in_parts(db, reading, workers)
    population, (today, *per_value) = screened.population, screened.counts
    current = {c: current_value(base, key, c, run.effective_on) for c in run.counties}
    marked = current.get(run.counties[0])
    points = [
        {"value": raw, "percent": percent, "households": households, "persons": persons,
         "current": marked is not None and value == marked}
        for raw, percent, value, (households, persons) in zip(
            run.params["points"], run.params["percents"], values, per_value, strict=True
        )
    ]  # fmt: skip
    seconds = {"read_and_counted": time.perf_counter() - started}
    seconds.update({f"{phase}_in_parts": spent for phase, spent in screened.seconds.items()})
    return {
        "households": len(population),
        "persons": int(population.columns.size.sum()),
        "parameter": key,
        "current": {c: (None if v is None else str(v)) for c, v in current.items()},
        "today": {"households": today[0], "persons": today[1]},
        "points": points,
        "seconds": {phase: round(spent, 3) for phase, spent in seconds.items()},
        "note": NOTE,
    }


__all__ = ["run_screening"]
