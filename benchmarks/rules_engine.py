"""Rules-engine speed: median latency of one fully explained decision, and throughput over
100,000 synthetic households of 1–6 members, on one core: parsing alone, evaluation alone, and
parse-and-decide from JSON-shaped data, one by one and in batches (``rules.decide_all``, as the
batch jobs decide), each over the same case files.

Run: ``make bench`` (on the interpreter the Makefile chooses) or
``.venv/bin/python benchmarks/rules_engine.py [--households N] [--repeat N] [--json]``.
Targets (issue 2, issue 21): median single evaluation under 0.05 ms; parse-and-decide at least
20,000 households per second; the parser at least as fast as the evaluation. The machine is
shared, so each throughput is measured ``--repeat`` times and printed as best (range).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rules import decide_all, evaluate, parse_case_file
from rules.casefile import CaseFile
from rules.counties import COUNTIES
from rules.idnumber import check_character
from rules.parameters import ParameterTable, load_parameters

LOCAL_PARAMETERS = Path(__file__).resolve().parent.parent / "examples" / "local-parameters"
_COUNTIES = sorted(COUNTIES)


def _id_number(rng: random.Random, born: date) -> str:
    first17 = f"1408{rng.randint(0, 99):02d}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + check_character(first17)


def _member(rng: random.Random, index: int, relation: str, born: date, county: str) -> dict[str, Any]:
    return {
        "id": f"m{index}",
        "name": f"成员{index}",
        "id_number": _id_number(rng, born),
        "relation": relation,
        "hukou_region": county,
        "medical_insurance": {"scheme": "resident", "region": county},
    }


def synthetic_case(rng: random.Random) -> dict[str, Any]:
    """One plausible household: income near the thresholds so that every criterion is exercised."""
    county = rng.choice(_COUNTIES)
    applied = date(2024, 3, 1) + timedelta(days=rng.randint(0, 600))
    size = rng.randint(1, 6)
    members = [_member(rng, 1, "self", date(rng.randint(1950, 1995), rng.randint(1, 12), 15), county)]
    if size > 1:
        members.append(_member(rng, 2, "spouse", date(rng.randint(1950, 1995), 6, 1), county))
    for index in range(len(members) + 1, size + 1):
        child = _member(rng, index, "child", date(rng.randint(2000, 2020), rng.randint(1, 12), 1), county)
        child["full_time_student"] = rng.choice([None, "bachelor_or_below"])
        members.append(child)
    per_capita = rng.randint(400, 1400)
    incomes: list[dict[str, Any]] = [
        {"member": "m1", "kind": "wage", "amount": str(per_capita * 12 * size * 6 // 10)},
        {
            "member": "m2" if size > 1 else "m1",
            "kind": "business",
            "amount": str(per_capita * 12 * size * 4 // 10),
        },
        {"member": "m1", "kind": "basic_pension_base", "amount": "1560.00"},
    ]
    if rng.random() < 0.3:
        incomes.append({"member": "m1", "kind": "flexible", "months": rng.randint(1, 12)})
    if rng.random() < 0.2:
        incomes.append(
            {
                "member": "m1",
                "kind": "support",
                "support": {
                    "relation": "elderly",
                    "basis": "formula",
                    "obligor_household_monthly_per_capita_income": str(rng.randint(500, 3000)),
                },
            }
        )
    assets: list[dict[str, Any]] = [
        {"owner": "m1", "kind": "deposit", "value": str(rng.randint(0, 40000 * size))},
        {"owner": "m1", "kind": "house", "tenure": "owned"},
    ]
    if rng.random() < 0.2:
        assets.append({"owner": "m1", "kind": "house", "tenure": "rented"})
    if rng.random() < 0.3:
        assets.append({"owner": "m1", "kind": "car", "value": str(rng.randint(10000, 60000))})
    illness = rng.random() < 0.3
    case: dict[str, Any] = {
        "procedure": "illness_poverty" if illness else "dibao_edge",
        "application_date": applied.isoformat(),
        "county": county,
        "hukou_type": rng.choice(["urban", "rural"]),
        "members": members,
        "incomes": incomes,
        "assets": assets,
    }
    if illness:
        case["patient"] = "m1"
        case["medical_expenses"] = [
            {
                "date": (applied - timedelta(days=rng.randint(1, 400))).isoformat(),
                "type": rng.choice(["inpatient", "outpatient_chronic"]),
                "policy_scope_personal_burden": str(rng.randint(2000, 40000)),
                "out_of_pocket": str(rng.randint(2000, 50000)),
            }
            for _ in range(rng.randint(1, 4))
        ]
    elif rng.random() < 0.05:
        case["monitoring_household"] = {"category": "edge_prone"}
    return case


def _timed(function: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        function()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return samples


def _rates(count: int, run: Callable[[], object], repeat: int) -> list[float]:
    """Households per second of ``repeat`` runs over ``count`` households, by wall clock."""
    rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        rates.append(count / (time.perf_counter() - start))
    return rates


def _parse_all(raw: list[dict[str, Any]]) -> None:
    for data in raw:
        parse_case_file(data)


def _evaluate_all(cases: list[CaseFile], table: ParameterTable) -> int:
    return sum(evaluate(case, table).eligible for case in cases)


def _decide_one_by_one(raw: list[dict[str, Any]], table: ParameterTable) -> None:
    for data in raw:
        evaluate(parse_case_file(data), table)


def _decide_in_batches(raw: list[dict[str, Any]], table: ParameterTable) -> None:
    for _ in decide_all(raw, table):
        pass


def _interpreter() -> str:
    """Which CPython ran: a build without profile-guided and link-time optimisation (pyenv's
    default) runs this benchmark about a sixth slower than Debian's (docs/performance.md)."""
    return f"{sys.version.split()[0]} at {sys._base_executable}"


def _shown(rates: list[float]) -> str:
    return f"{max(rates):,.0f} households/s on one core (range {min(rates):,.0f}–{max(rates):,.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20231107)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each throughput measurement")
    parser.add_argument("--json", action="store_true", help="print one JSON line instead")
    args = parser.parse_args()

    table: ParameterTable = load_parameters(LOCAL_PARAMETERS)
    rng = random.Random(args.seed)
    raw = [synthetic_case(rng) for _ in range(args.households)]
    cases: list[CaseFile] = [parse_case_file(data) for data in raw]
    # The benchmark's own inputs are long-lived: keep the collector from re-scanning them on
    # every full pass, as a service reading cases from its database would not hold them at all.
    gc.freeze()

    sample = cases[:2000]
    for case in sample:  # warm the parameter cache, as a running service would be
        evaluate(case, table)
    single = [s for case in sample for s in _timed(lambda case=case: evaluate(case, table), 1)]  # type: ignore[misc]
    with_json = [
        s
        for case in sample
        for s in _timed(lambda case=case: evaluate(case, table).to_dict(), 1)  # type: ignore[misc]
    ]

    count = len(raw)
    eligible = _evaluate_all(cases, table)
    parsing = _rates(count, lambda: _parse_all(raw), args.repeat)
    evaluating = _rates(count, lambda: _evaluate_all(cases, table), args.repeat)
    deciding = _rates(count, lambda: _decide_one_by_one(raw, table), args.repeat)
    in_batches = _rates(count, lambda: _decide_in_batches(raw, table), args.repeat)

    median_ms = statistics.median(single)
    if args.json:
        figures = {
            "households": count,
            "interpreter": _interpreter(),
            "median_decision_us": round(median_ms * 1000, 1),
            "p99_decision_us": round(statistics.quantiles(single, n=100)[98] * 1000, 1),
            "parse_households_per_second": [round(r) for r in parsing],
            "evaluate_households_per_second": [round(r) for r in evaluating],
            "parse_and_decide_households_per_second": [round(r) for r in deciding],
            "parse_and_decide_in_batches_households_per_second": [round(r) for r in in_batches],
        }
        print(json.dumps(figures))
        return
    sizes = statistics.mean(len(c.members) for c in cases)
    print(f"interpreter: {_interpreter()}")
    print(f"households: {count} (mean {sizes:.2f} members, {eligible} eligible)")
    print(f"median single evaluation (explained decision): {median_ms:.4f} ms ({median_ms * 1000:.1f} µs)")
    print(f"p99 single evaluation: {statistics.quantiles(single, n=100)[98]:.4f} ms")
    print(f"median evaluation + JSON-ready dict: {statistics.median(with_json):.4f} ms")
    print(f"throughput, parse only: {_shown(parsing)}")
    print(f"throughput, evaluation: {_shown(evaluating)}")
    print(f"throughput, parse + evaluation: {_shown(deciding)}")
    print(f"throughput, parse + evaluation in batches (rules.decide_all): {_shown(in_batches)}")


if __name__ == "__main__":
    main()
