"""A population read, screened and explained in parts, ranges of case ids, across processes.

A what-if that moves many households spends most of its time in the explained engine, and the
rest reading: one after the other, one process read while the database waited, then two
processes decided while the database idled. In parts, each pool process reads a part, screens it
under both tables and explains the households the reform changes there, while the other does the
same with another part: reading and deciding overlap, and the reading's own Python work is
shared. The parent joins the parts' columns (``concat_columns``) and their two screening passes
(``concat_results``), so every count and list is made from one population as before.

A part is small enough that a process waiting for the last one wastes little (``PARTS_PER_WORKER``);
below ``POOL_FROM`` households the parts are read in the calling process, one after another.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import pairwise
from multiprocessing import get_context
from typing import Any, Final

import numpy as np
import sqlalchemy as sa

from assistance.db import Database, shared_database
from assistance.models import Case
from assistance.screening.explained import Explained, Verdict, explain
from assistance.screening.population import Population, concat_populations, population_filter, read_population
from assistance.screening.results import ENTERING, LEAVING, UNDETERMINED, categorise, eligible_counts
from rules.parameters import ParameterTable
from rules.screening import ParameterArrays, ScreeningResult, build_parameter_arrays, concat_results, screen

_CASES: Final[sa.Table] = Case.__table__  # type: ignore[attr-defined]
PARTS_PER_WORKER: Final = 4
# Below this many households, starting processes costs more than it saves.
POOL_FROM: Final = 20_000
# Undetermined households are counted in full but listed only so far.
UNDETERMINED_LISTED: Final = 1000


def processes() -> int:
    """How many processes a screening run takes: ``ASSISTANCE_SCREENING_PROCESSES``, else the
    machine's cores, at most 4 (the database needs its own)."""
    raw = os.environ.get("ASSISTANCE_SCREENING_PROCESSES", "")
    return max(1, int(raw)) if raw.isdigit() else min(os.cpu_count() or 1, 4)


@dataclass(frozen=True)
class Reading:
    """What to read and how to decide it: the population in its counties on its date, the base
    table and, for a what-if, the reform's (None for a sweep, which only reads). ``reform_reads``:
    the reform changes who counts as a member (64号 第十条（二）'s years), so its columns are read
    under its own table."""

    population: str
    counties: tuple[str, ...]
    on: date
    base: ParameterTable
    reform: ParameterTable | None = None
    reform_reads: bool = False
    # The snapshot every part reads (``Database.exported_snapshot``): the counts and the
    # households decided again come from the database as it was at one moment, whatever is
    # written meanwhile. None on SQLite.
    snapshot: str | None = None
    # A sweep's tables, as screening arrays: each part counts the households and persons eligible
    # under each of them in the process that read it, so the values are counted in parallel, and
    # the counts add up across parts.
    counted: tuple[ParameterArrays, ...] = ()


@dataclass
class Part:
    """One range's columns (and the reform's own, when it reads them) and what its explained
    re-check found."""

    population: Population
    reform_population: Population | None
    explained: Explained = field(default_factory=Explained)
    # Seconds spent reading and explaining this part, in the process that did.
    seconds: dict[str, float] = field(default_factory=dict)
    # The eligible households and persons under each of ``Reading.counted``.
    counts: list[tuple[int, int]] = field(default_factory=list)
    # A what-if's two passes over the part: under the base table and under the reform's.
    results: tuple[ScreeningResult, ScreeningResult] | None = None


def selection(
    before: ScreeningResult, after: ScreeningResult, undetermined: int = UNDETERMINED_LISTED
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The category of each household, the households the explained engine decides again (the
    verdict changes or cannot be reached, or a total lies within a fen of a boundary in either
    pass) and those listed among the changing (entering, leaving, and the first ``undetermined``
    undetermined)."""
    category = categorise(before, after)
    moved = (before.outcome != after.outcome) | (category == UNDETERMINED)
    selected = np.flatnonzero(moved | before.near_boundary | after.near_boundary)
    listed = moved & ((category == ENTERING) | (category == LEAVING))
    listed[np.flatnonzero(category == UNDETERMINED)[: max(undetermined, 0)]] = True
    return category, selected, listed


def verdicts(result: ScreeningResult, rows: np.ndarray[Any, Any]) -> list[Verdict]:
    """The screening path's verdict on each of ``rows``, as the explained re-check compares it."""
    return [
        Verdict(int(o), int(r), int(f))
        for o, r, f in zip(result.outcome[rows], result.referral[rows], result.failed[rows], strict=True)
    ]


def _read_part(db: Database, reading: Reading, ids: tuple[int, int] | None) -> Part:
    started, cpu = time.perf_counter(), time.process_time()
    base_arrays = build_parameter_arrays(reading.base)
    with db.reading_snapshot(reading.snapshot) as session:
        population = read_population(
            session, reading.population, list(reading.counties), reading.on, base_arrays, ids
        )
    if reading.reform is None:
        read = time.perf_counter() - started
        counts = [
            eligible_counts(population, screen(population.columns, arrays)) for arrays in reading.counted
        ]
        seconds = {"read": read, "counted": time.perf_counter() - started - read}
        return Part(population, None, counts=counts, seconds=seconds)
    reform_arrays = build_parameter_arrays(reading.reform)
    reform_population = population
    if reading.reform_reads:
        with db.reading_snapshot(reading.snapshot) as session:
            reform_population = read_population(
                session, reading.population, list(reading.counties), reading.on, reform_arrays, ids
            )
    before = screen(population.columns, base_arrays)
    after = screen(reform_population.columns, reform_arrays)
    _, selected, listed = selection(before, after)
    read, read_cpu = time.perf_counter() - started, time.process_time() - cpu
    explained = explain(
        db,
        [int(i) for i in population.case_ids[selected]],
        list(zip(verdicts(before, selected), verdicts(after, selected), strict=True)),
        reading.on,
        [reading.base, reading.reform],
        [bool(x) for x in listed[selected]],
        snapshot=reading.snapshot,
    )
    seconds = {
        "read": read,
        "read_cpu": read_cpu,
        "explained": time.perf_counter() - started - read,
        "explained_cpu": time.process_time() - cpu - read_cpu,
    }
    own = reform_population if reading.reform_reads else None
    return Part(population, own, explained, seconds, results=(before, after))


def _read_part_in_pool(url: str, reading: Reading, ids: tuple[int, int]) -> Part:
    return _read_part(shared_database(url), reading, ids)


def _ranges(db: Database, reading: Reading, parts: int) -> tuple[list[tuple[int, int]], int]:
    """Ranges of case ids (low exclusive, high inclusive) of about as many of the population's
    cases each, and how many cases there are."""
    wanted = population_filter(reading.population, list(reading.counties))
    with db.reading_snapshot(reading.snapshot) as session:
        low, high, count = session.execute(
            sa.select(sa.func.min(_CASES.c.id), sa.func.max(_CASES.c.id), sa.func.count()).where(wanted)
        ).one()
    if not count:
        return [], 0
    bounds = np.linspace(low - 1, high, parts + 1).round().astype(np.int64)
    return [(int(a), int(b)) for a, b in pairwise(bounds.tolist()) if b > a], int(count)


def _parts(db: Database, reading: Reading, workers: int) -> Iterator[Part]:
    if workers > 1:
        ranges, count = _ranges(db, reading, workers * PARTS_PER_WORKER)
        if count >= POOL_FROM:
            # Spawned, not forked: the calling process may be a web worker with threads and open
            # connections.
            with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
                futures = [pool.submit(_read_part_in_pool, db.url, reading, ids) for ids in ranges]
                for future in futures:
                    yield future.result()
            return
    # In one process, one part: the whole population in one pass over each table.
    yield _read_part(db, reading, None)


@dataclass
class Screened:
    """The whole population (and the reform's own columns when it reads them), and what the
    explained re-checks of its parts found."""

    population: Population
    reform_population: Population
    explained: Explained
    # Each phase's seconds summed over the parts (across processes: more than the time taken).
    seconds: dict[str, float]
    # The eligible households and persons under each of ``Reading.counted``, over all parts.
    counts: list[tuple[int, int]]
    # A what-if's two passes over the whole population, joined from the parts' (None for a sweep).
    results: tuple[ScreeningResult, ScreeningResult] | None


def read_in_parts(
    db: Database, reading: Reading, workers: int = 1, arrived: Callable[[Part], None] | None = None
) -> Screened:
    """The population of ``reading``, read (and, for a what-if, explained) in parts, all in one
    snapshot of the database; ``arrived`` is given each part as it comes, in the order of the
    population, while the later parts are still being read."""
    parts = []
    with db.exported_snapshot() as snapshot:
        for part in _parts(db, replace(reading, snapshot=snapshot), workers):
            if arrived is not None:
                arrived(part)
            parts.append(part)
    population = concat_populations([p.population for p in parts])
    reform_population = population
    if reading.reform_reads:
        reform_population = concat_populations([p.reform_population or p.population for p in parts])
    explained = Explained()
    seconds: dict[str, float] = {}
    counts = [(0, 0)] * len(reading.counted)
    for part in parts:
        explained.add(part.explained)
        for phase, spent in part.seconds.items():
            seconds[phase] = seconds.get(phase, 0.0) + spent
        counts = [(h + ph, p + pp) for (h, p), (ph, pp) in zip(counts, part.counts, strict=True)]
    results = None
    if reading.reform is not None:
        passes = [part.results for part in parts if part.results is not None]
        results = (concat_results([b for b, _ in passes]), concat_results([a for _, a in passes]))
    return Screened(population, reform_population, explained, seconds, counts, results)


__all__ = [
    "POOL_FROM",
    "UNDETERMINED_LISTED",
    "Part",
    "Reading",
    "Screened",
    "processes",
    "read_in_parts",
    "selection",
    "verdicts",
]
