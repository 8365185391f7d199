"""Rules-engine speed: median latency of one fully explained decision, and throughput over
100,000 synthetic households of 1–6 members, on one core.

Run: ``make bench`` or ``.venv/bin/python benchmarks/rules_engine.py [--households N]``.
Targets (issue 2): at least 20,000 households per second; median single evaluation under 0.2 ms.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rules import evaluate, parse_case_file
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20231107)
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

    start = time.perf_counter()
    eligible = sum(evaluate(case, table).eligible for case in cases)
    elapsed = time.perf_counter() - start

    start = time.perf_counter()
    for data in raw[:20_000]:
        evaluate(parse_case_file(data), table)
    parse_elapsed = time.perf_counter() - start

    sizes = statistics.mean(len(c.members) for c in cases)
    print(f"households: {len(cases)} (mean {sizes:.2f} members, {eligible} eligible)")
    print(f"median single evaluation (explained decision): {statistics.median(single):.4f} ms")
    print(f"p99 single evaluation: {statistics.quantiles(single, n=100)[98]:.4f} ms")
    print(f"median evaluation + JSON-ready dict: {statistics.median(with_json):.4f} ms")
    print(f"throughput, evaluation: {len(cases) / elapsed:,.0f} households/s on one core")
    print(f"throughput, parse + evaluation: {20_000 / parse_elapsed:,.0f} households/s on one core")


if __name__ == "__main__":
    main()
