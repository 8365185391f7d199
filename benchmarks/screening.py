"""Screening-path speed: households decided per second on one core, in memory.

Builds N synthetic households of 1–6 members over the 13 counties (urban, rural and resident
hukou), boundary-heavy (incomes, assets, vehicles and inpatient costs exactly at or one fen
beside their thresholds), directly as columns, then times ``rules.screening.screen`` alone.

Run: ``.venv/bin/python benchmarks/screening.py --households 1000000 --json``.
``--compare K`` builds K case files, decides them with both paths and prints the disagreements.
Target (issue 21): at least 1,000,000 households per second per core.
"""

from __future__ import annotations

import os

# One core: numpy's element-wise int64 work is single-threaded, but keep any BLAS pool idle too.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from rules import evaluate, parse_case_file  # noqa: E402
from rules.casefile import CaseFile  # noqa: E402
from rules.counties import COUNTIES  # noqa: E402
from rules.criteria import FAIL  # noqa: E402
from rules.household import years_before  # noqa: E402
from rules.idnumber import check_character  # noqa: E402
from rules.parameters import ParameterError, ParameterTable, load_parameters  # noqa: E402
from rules.screening import (  # noqa: E402
    MISSING_PARAMETER,
    OUTCOMES,
    REFERRALS,
    FormulaIncomes,
    ParameterArrays,
    ScreeningColumns,
    build_parameter_arrays,
    columns_from_cases,
    screen,
)
from rules.screening.columns import FLEXIBLE, MIGRANT, NO_AMOUNT  # noqa: E402

LOCAL_PARAMETERS = Path(__file__).resolve().parent.parent / "examples" / "local-parameters"
FIRST_DAY = date(2024, 1, 1).toordinal()
LAST_DAY = date(2026, 6, 30).toordinal()
I64 = np.int64


def _near(rng: np.random.Generator, n: int, numerator: Any, denominator: int) -> Any:
    """Whole fen exactly at, or one fen either side of, ``numerator / denominator``."""
    return numerator // denominator + rng.integers(-1, 2, n)


def _mix(rng: np.random.Generator, options: list[Any], weights: list[float]) -> Any:
    choice = rng.choice(len(options), size=len(options[0]), p=np.array(weights) / sum(weights))
    return np.choose(choice, options)


def synthetic_columns(n: int, arrays: ParameterArrays, seed: int) -> ScreeningColumns:
    """N households as columns, generated vectorised (no case files)."""
    rng = np.random.default_rng(seed)
    county = rng.integers(0, len(COUNTIES), n)
    hukou = rng.integers(0, 3, n)  # urban, rural, resident (by residence, 64号 第八条)
    area = np.where(hukou == 2, rng.integers(0, 2, n), hukou).astype(I64)
    day = rng.integers(FIRST_DAY, LAST_DAY + 1, n)
    size = rng.integers(1, 7, n)
    cells = arrays.cells(county, area, day)
    standard, _ = arrays.value("dibao_standard", cells)
    urban, _ = arrays.value("dibao_standard", arrays.urban_cells(cells))
    multiplier, _ = arrays.value("edge_upper_multiplier", cells)
    per_m = arrays.denominator("edge_upper_multiplier")
    times, _ = arrays.value("illness_income_multiplier", cells)
    per_t = arrays.denominator("illness_income_multiplier")
    deductible, _ = arrays.value("medical_assistance_deductible", cells)
    per_s = arrays.denominator("dibao_standard")
    year = 12 * size
    out_of_pocket = rng.integers(0, 5_000_000, n)
    income = _mix(
        rng,
        [
            rng.integers(0, 3 * 80_000 * 12 * 6, n),
            _near(rng, n, standard * year, per_s),
            _near(rng, n, standard * multiplier * year, per_s * per_m),
            _near(rng, n, standard * times * year, per_s * per_t) + out_of_pocket,
        ],
        [2, 1, 1, 1],
    )
    financial = _mix(
        rng,
        [rng.integers(0, 10_000_000, n), _near(rng, n, standard * multiplier * 36 * size, per_s * per_m)],
        [3, 1],
    )
    vehicle = _mix(
        rng,
        [np.full(n, NO_AMOUNT, I64), _near(rng, n, standard * multiplier * 36, per_s * per_m)],
        [4, 1],
    )
    burden = _mix(rng, [rng.integers(0, 4_000_000, n), _near(rng, n, deductible, 1)], [1, 1])
    flexible = np.flatnonzero(rng.random(n) < 0.10)
    migrant = np.flatnonzero(rng.random(n) < 0.05)
    items = np.concatenate([flexible, migrant])
    formula = FormulaIncomes(
        household=items,
        kind=np.concatenate([np.full(len(flexible), FLEXIBLE), np.full(len(migrant), MIGRANT)]).astype(
            np.int8
        ),
        amount=np.where(rng.random(len(items)) < 0.5, NO_AMOUNT, rng.integers(0, 3_000_000, len(items))),
        months=rng.integers(1, 13, len(items)),
        obligor_standard=np.full(len(items), NO_AMOUNT, I64),
        children=np.ones(len(items), I64),
    )
    del urban
    return ScreeningColumns(
        procedure=(rng.random(n) < 0.3).astype(np.int8),
        county=county,
        area=area,
        date=day,
        size=size,
        income=income,
        transfer_expense=np.where(rng.random(n) < 0.1, rng.integers(0, 200_000, n), 0),
        financial_assets=financial,
        housing_units=rng.integers(0, 3, n),
        largest_vehicle=vehicle,
        inpatient_burden=burden,
        out_of_pocket=out_of_pocket,
        current_assistance=np.where(rng.random(n) < 0.85, 0, rng.integers(0, 6, n)).astype(np.int8),
        transition=np.where(rng.random(n) < 0.9, 0, rng.integers(0, 5, n)).astype(np.int8),
        monitoring=rng.random(n) < 0.05,
        hukou_ok=rng.random(n) < 0.95,
        insured_ok=rng.random(n) < 0.95,
        county_disqualified=rng.random(n) < 0.03,
        parameter_missing=np.zeros(n, np.bool_),
        formula_incomes=formula,
    )


def _member(rng: random.Random, index: int, relation: str, born: date, county: str) -> dict[str, Any]:
    first17 = f"{county}{born:%Y%m%d}{index:03d}"
    return {
        "id": f"m{index}",
        "name": f"成员{index}",
        "id_number": first17 + check_character(first17),
        "relation": relation,
        "hukou_region": county,
        "medical_insurance": {"scheme": "resident", "region": county},
    }


def synthetic_case(rng: random.Random, table: ParameterTable) -> CaseFile:
    """One case file whose income sits on (or one fen beside) a threshold the engine applies."""
    county = rng.choice(sorted(COUNTIES))
    applied = date.fromordinal(rng.randint(FIRST_DAY - 60, LAST_DAY))
    members = [_member(rng, 1, "self", date(rng.randint(1950, 1995), rng.randint(1, 12), 15), county)]
    for index in range(2, rng.randint(1, 6) + 1):
        relation = rng.choice(["spouse", "child", "child", "parent"])
        born = years_before(applied, 18) + timedelta(days=rng.randint(-2, 2))
        if relation != "child" or rng.random() < 0.5:
            born = date(rng.randint(1950, 2020), rng.randint(1, 12), 1)
        members.append(_member(rng, index, relation, min(born, applied), county))
    illness = rng.random() < 0.4
    hukou = rng.choice(["urban", "rural", "resident"])
    data: dict[str, Any] = {
        "procedure": "illness_poverty" if illness else "dibao_edge",
        "application_date": applied.isoformat(),
        "county": county,
        "hukou_type": hukou,
        "residence_area": rng.choice(["urban", "rural"]) if hukou == "resident" else None,
        "members": members,
        "incomes": [{"member": "m1", "kind": "flexible", "months": rng.randint(1, 12)}]
        if rng.random() < 0.2
        else [],
        "assets": [{"owner": "m1", "kind": "deposit", "value": str(rng.randint(0, 60000))}],
        "current_assistance": rng.choice(["none"] * 8 + ["dibao", "dibao_edge"]),
    }
    if illness:
        data["patient"] = "m1"
        data["medical_expenses"] = [
            {
                "date": (applied - timedelta(days=rng.randint(0, 400))).isoformat(),
                "type": rng.choice(["inpatient", "outpatient_chronic"]),
                "policy_scope_personal_burden": str(rng.choice([10000, rng.randint(0, 20000)])),
                "out_of_pocket": str(rng.randint(0, 30000)),
            }
        ]
    draft = parse_case_file(data)
    try:
        decision = evaluate(draft, table)
    except ParameterError:
        return draft
    standard = decision.thresholds[f"dibao_standard.{draft.area}"].amount
    factor = rng.choice([Decimal(1), Decimal("1.5"), Decimal(2), Decimal("1.2")])
    target = standard * factor * 12 * decision.household.size * 100 + rng.randint(-1, 1)
    extra = target.to_integral_value() - decision.income.annual_total * 100
    if extra > 0:
        data["incomes"].append({"member": "m1", "kind": "wage", "amount": str(extra / 100)})
    return parse_case_file(data)


def compare(k: int, table: ParameterTable, arrays: ParameterArrays, seed: int) -> int:
    """Disagreements (outcome, path, referral or failed criteria) between the two paths."""
    rng = random.Random(seed)
    cases = [synthetic_case(rng, table) for _ in range(k)]
    result = screen(columns_from_cases(cases, arrays), arrays)
    disagreements = 0
    for i, case in enumerate(cases):
        try:
            decision = evaluate(case, table)
        except ParameterError:
            disagreements += int(result.outcome[i] != MISSING_PARAMETER)
            continue
        failed = sorted(c.id for c in decision.criteria if c.result == FAIL)
        same = (
            OUTCOMES[int(result.outcome[i])] == (decision.outcome, decision.path)
            and REFERRALS[int(result.referral[i])] == decision.referral
            and sorted(result.failed_criteria(i)) == failed
        )
        disagreements += not same
    return disagreements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs; the median is reported")
    parser.add_argument("--seed", type=int, default=20231107)
    parser.add_argument("--compare", type=int, default=0, metavar="K")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    table = load_parameters(LOCAL_PARAMETERS)
    arrays = build_parameter_arrays(table)
    if args.compare:
        found = compare(args.compare, table, arrays, args.seed)
        print(json.dumps({"compared": args.compare, "disagreements": found}))
        return
    columns = synthetic_columns(args.households, arrays, args.seed)
    screen(synthetic_columns(1000, arrays, args.seed + 1), arrays)  # warm-up
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(max(args.repeat, 1)):
        wall, cpu = time.perf_counter(), time.process_time()
        result = screen(columns, arrays)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    seconds, cpu_seconds = statistics.median(walls), statistics.median(cpus)
    figures = {
        "households": args.households,
        "seconds": round(seconds, 6),
        "households_per_second": round(args.households / seconds),
        "cpu_seconds": round(cpu_seconds, 6),
    }
    if args.json:
        print(json.dumps(figures))
        return
    eligible = int((result.outcome > 0).sum())
    near = int(result.near_boundary.sum())
    print(f"households: {args.households} ({eligible} eligible, {near} within one fen of a boundary)")
    print(f"screening: {seconds:.4f} s, {figures['households_per_second']:,} households/s on one core")


if __name__ == "__main__":
    main()
