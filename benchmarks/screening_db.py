"""Screening from PostgreSQL (issue 21): over the 1,000,000-household scale set of ``scale.py``,

- a population what-if from the query to the results committed (target < 20 s on 2 cores),
- a 61-value standard-setting sweep (target < 30 s),
- the full comparison of the screening path with the explained engine on every household
  (disagreements must be 0).

    .venv/bin/python benchmarks/screening_db.py [--households 1000000] [--workers 2] [--skip-full]

Creates a throw-away database, bulk-loads it with ``benchmarks.scale.load``, prints one line per
measurement, and drops the database. Measures only; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from scale import RECHECK_ON, loaded_database  # noqa: E402

from assistance.db import Database  # noqa: E402
from assistance.parameters import ENVIRONMENT_VARIABLE, parameter_table  # noqa: E402
from assistance.screening import runs  # noqa: E402
from assistance.screening.computing import run_screening  # noqa: E402
from assistance.screening.explained import explain  # noqa: E402
from assistance.screening.parts import verdicts  # noqa: E402
from assistance.screening.population import read_population  # noqa: E402
from rules.screening import build_parameter_arrays, screen  # noqa: E402


def _what_if(db: Database, user: int, changes: dict[str, str], workers: int) -> dict[str, object]:
    body = {"name": f"bench {changes}", "changes": changes, "effective_on": RECHECK_ON.isoformat()}
    started = time.perf_counter()
    run_id = runs.create_what_if(db, user, body, RECHECK_ON)
    found = run_screening(db, run_id, workers=workers)
    seconds = time.perf_counter() - started
    assert found is not None
    result = found["result"]
    assert isinstance(result, dict)
    return {
        "measure": "what_if",
        "changes": changes,
        "seconds": round(seconds, 2),
        "households": result["households"],
        "totals": result["totals"]["households"],
        "explained": result["explained"],
        "phases": result["seconds"],
    }


def _sweep(db: Database, user: int, workers: int) -> dict[str, object]:
    body = {"parameter": "dibao_standard.urban", "start": "600.00", "stop": "900.00", "step": "5.00",
            "effective_on": RECHECK_ON.isoformat()}  # fmt: skip
    started = time.perf_counter()
    run_id = runs.create_sweep(db, user, body, RECHECK_ON)
    found = run_screening(db, run_id, workers=workers)
    seconds = time.perf_counter() - started
    assert found is not None
    result = found["result"]
    assert isinstance(result, dict)
    return {"measure": "sweep", "values": len(result["points"]), "seconds": round(seconds, 2),
            "phases": result["seconds"]}  # fmt: skip


def _full_agreement(db: Database, workers: int) -> dict[str, object]:
    started = time.perf_counter()
    with db.exported_snapshot() as snapshot:
        with db.reading_snapshot(snapshot) as session:
            table = parameter_table(session=session)
            arrays = build_parameter_arrays(table)
            population = read_population(session, "current", ["140802"], RECHECK_ON, arrays)
        result = screen(population.columns, arrays)
        screened = time.perf_counter() - started
        found_verdicts = [(v,) for v in verdicts(result, np.arange(len(population)))]
        ids = [int(i) for i in population.case_ids]
        keep = [False] * len(ids)
        found = explain(
            db, ids, found_verdicts, RECHECK_ON, [table], keep, workers=workers, snapshot=snapshot
        )
    return {"measure": "full_agreement", "households": len(ids), "checked": found.checked,
            "unreadable": found.unreadable, "disagreements": len(found.disagreements),
            "examples": found.disagreements[:5], "screen_seconds": round(screened, 2),
            "seconds": round(time.perf_counter() - started, 2)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--skip-full", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault(ENVIRONMENT_VARIABLE, str(ROOT / "examples" / "local-parameters"))
    with loaded_database("screening", args.households) as (db, ids, _rows, loaded):
        print(json.dumps({"measure": "load", "seconds": round(loaded, 1)}), flush=True)
        for _ in range(args.repeat):
            for changes in ({"dibao_standard.urban": "720.00"}, {"dibao_standard.urban": "760.00"}):
                print(
                    json.dumps(_what_if(db, ids["yanhu"], changes, args.workers), ensure_ascii=False),
                    flush=True,
                )
            print(json.dumps(_sweep(db, ids["yanhu"], args.workers)), flush=True)
        if not args.skip_full:
            print(json.dumps(_full_agreement(db, args.workers), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
