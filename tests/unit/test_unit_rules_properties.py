"""Property-based tests of the rules engine: whatever arrives, the engine answers with a decision
or field errors, never a crash, and its income figures obey the regulations' arithmetic."""

from __future__ import annotations

import contextlib
import json
from copy import deepcopy
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules import CaseFileError, ParameterError, evaluate_data, load_parameters
from rules.idnumber import check_character

ROOT = Path(__file__).resolve().parents[2]
PARAMETERS = load_parameters(ROOT / "examples" / "local-parameters")
EXAMPLES = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.json"))]
FEN = Decimal("0.01")

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(max_size=20),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**9), max_value=10**9),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_json_gets_field_errors_or_a_decision(data: Any) -> None:
    with contextlib.suppress(CaseFileError, ParameterError):
        evaluate_data(data, PARAMETERS)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*prefix, index))
    return found


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(EXAMPLES), st.data())
def test_a_valid_case_file_with_one_field_corrupted_is_refused_cleanly(
    example: Any, data: st.DataObject
) -> None:
    case = deepcopy(example)
    path = data.draw(st.sampled_from(_paths(case)))
    target = case
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = data.draw(json_values)
    try:
        decision = evaluate_data(case, PARAMETERS)
    except CaseFileError as exc:
        assert exc.errors and all(e.field and e.message for e in exc.errors)
    except ParameterError:
        pass
    else:
        assert decision.outcome in ("eligible", "not_eligible")


def _id_number(birth: date, serial: int) -> str:
    body = f"140802{birth:%Y%m%d}{serial:03d}"
    return body + check_character(body)


@st.composite
def households(draw: st.DrawFn) -> dict[str, Any]:
    applied = date(2025, 3, 10)
    size = draw(st.integers(min_value=1, max_value=6))
    members = [
        {
            "id": "m1",
            "name": "申请人",
            "id_number": _id_number(date(1975, 5, 1), 123),
            "relation": "self",
            "hukou_region": "140802",
        }
    ]
    for n in range(2, size + 1):
        age = draw(st.integers(min_value=1, max_value=17))
        born = applied - timedelta(days=365 * age + 30)
        members.append(
            {"id": f"m{n}", "name": f"子女{n}", "id_number": _id_number(born, 100 + n), "relation": "child"}
        )
    cents = st.integers(min_value=0, max_value=20_000_000).map(lambda c: str(Decimal(c) / 100))
    kinds = st.sampled_from(["wage", "business", "pension"])
    incomes = [
        {"member": f"m{draw(st.integers(1, size))}", "kind": draw(kinds), "amount": draw(cents)}
        for _ in range(draw(st.integers(0, 4)))
    ]
    deposits = range(draw(st.integers(0, 2)))
    assets = [{"owner": "m1", "kind": "deposit", "value": draw(cents)} for _ in deposits]
    return {
        "procedure": "dibao_edge",
        "application_date": applied.isoformat(),
        "county": "140802",
        "hukou_type": draw(st.sampled_from(["urban", "rural"])),
        "members": members,
        "incomes": incomes,
        "assets": assets,
    }


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(households())
def test_per_capita_income_is_the_counted_total_over_twelve_months_and_members(case: dict[str, Any]) -> None:
    decision = evaluate_data(case, PARAMETERS)
    income = decision.to_dict()["income"]
    total = sum((Decimal(i["amount"]) for i in case["incomes"]), Decimal(0))
    assert Decimal(income["annual_total"]) == total
    expected = (total / 12 / len(case["members"])).quantize(FEN)
    assert abs(Decimal(income["per_capita_monthly"]) - expected) <= FEN


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(households())
def test_the_income_band_decides_exactly_as_64_article_2_says(case: dict[str, Any]) -> None:
    decision = evaluate_data(case, PARAMETERS)
    standard = decision.thresholds[f"dibao_standard.{case['hukou_type']}"].amount
    total = sum((Decimal(i["amount"]) for i in case["incomes"]), Decimal(0))
    household = 12 * len(case["members"])
    # Compared without division, as the engine does: higher than the standard, lower than 1.5 times.
    in_band = standard * household < total < standard * Decimal("1.5") * household
    assert decision.criterion("edge.income_above_dibao").passed == (total > standard * household)
    assert (
        decision.criterion("edge.income_above_dibao").passed
        and decision.criterion("edge.income_below_upper").passed
    ) == in_band
    if not in_band:
        assert not decision.eligible


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(households(), st.integers(min_value=1, max_value=10_000_000))
def test_more_income_never_turns_an_income_too_high_household_eligible(
    case: dict[str, Any], extra: int
) -> None:
    before = evaluate_data(case, PARAMETERS)
    richer = deepcopy(case)
    richer["incomes"].append({"member": "m1", "kind": "wage", "amount": str(Decimal(extra) / 100)})
    after = evaluate_data(richer, PARAMETERS)
    if not before.criterion("edge.income_below_upper").passed:
        assert not after.criterion("edge.income_below_upper").passed
        assert not after.eligible
