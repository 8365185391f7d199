"""The strict reading (rules.strict) and the other speed-ups of issue 21 keep every answer: a case
file the strict reading takes is the one the general reading builds, one it doubts is read by the
general reading with every error as before, and the shortcuts of the ID check, the region check,
the amounts and the figures agree with the general ones."""

from __future__ import annotations

import copy
import dataclasses
import random
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from unit_casedata import edge_case, family_of_three, illness_case, make_id, member

from rules import parse_case_file
from rules.casefile import CaseFile, Member
from rules.idnumber import InvalidIdNumber, birth_date_of, valid_birth_date
from rules.money import exact_beside, yuan
from rules.parsing import _CaseFileReader
from rules.reader import REGION_PATTERN, Reader
from rules.strict import twin_of

_ODD_VALUES: list[Any] = [
    None, "", "  ", True, 0, 1, -1, 13, 10**12, 1.5, "abc", [], {}, Decimal("NaN"), Decimal("1.5"),
    Decimal("-0.01"), "1.234", " 12 ", "007", "12.50", "100000000000", "100000000000.01", "1_000",
    "x" * 41, "2024-02-30", "2024-1-01", " 2024-03-01", "1999-12-31", "140802", "1٤٠٨٠٢", "m9",
    " m1", "self", "house", "rented", "formula", "flexible", "support", "１２", "²", "1e3", "12.0",
]  # fmt: skip


def _cases(rng: random.Random) -> list[dict[str, Any]]:
    """Valid case files of both procedures, then each with one to three values made odd."""
    valid = [
        edge_case(),
        illness_case(),
        family_of_three(
            incomes=[
                {"member": "m1", "kind": "wage", "amount": "24000.00"},
                {"member": "m2", "kind": "flexible", "months": 6, "declared_amount": 9000},
                {"member": "m3", "kind": "support", "support": {"relation": "child", "basis": "formula",
                                                                "obligor_monthly_income": "3000"}},
                {"member": "m1", "kind": "transfer_expense", "amount": Decimal("600.5")},
            ],
            assets=[
                {"owner": "m1", "kind": "house", "tenure": "rented"},
                {"owner": "m2", "kind": "car", "value": 52000},
                {"owner": "m3", "kind": "deposit", "value": "1200.30", "lent_identity_certified": True},
            ],
            monitoring_household={"category": "edge_prone", "identified_on": "2025-01-02"},
            current_assistance="dibao",
            assistance_transition="leaving_dibao",
            county_findings=[{"article": "64号 第十四条（四）", "description": "说明",
                              "disqualifying": False}],
        ),
        edge_case(
            hukou_type="resident",
            residence_area="rural",
            members=[
                member("m1", "self", date(1970, 1, 1), hukou_region="140821"),
                member("m2", "grandparent", date(1940, 2, 29), exclusion={"reason": "clergy",
                                                                          "since": "2010-05-01"}),
            ],
            parameter_overrides={},
            schema_version=1,
        ),
    ]  # fmt: skip
    cases = [copy.deepcopy(case) for case in valid]
    for _ in range(600):
        case = copy.deepcopy(rng.choice(valid))
        for _ in range(rng.randint(1, 3)):
            parent, key = _somewhere(rng, case)
            if isinstance(parent, dict) and rng.random() < 0.2:
                del parent[key]
            else:
                parent[key] = copy.deepcopy(rng.choice(_ODD_VALUES))
        cases.append(case)
    return cases


def _somewhere(rng: random.Random, node: Any) -> tuple[Any, Any]:
    """A random place in nested data: its container and key."""
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = rng.choice(keys)
        if isinstance(node[key], (dict, list)) and node[key] and rng.random() < 0.6:
            node = node[key]
            continue
        return node, key


def _general(raw: Any) -> tuple[Any, list[tuple[str, str]]]:
    reader = _CaseFileReader()
    case = reader.record(raw, "", CaseFile)
    return case, [(e.field, e.message) for e in reader.errors]


def _records_in(value: Any) -> list[Any]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [value, *(r for f in dataclasses.fields(value) for r in _records_in(getattr(value, f.name)))]
    if isinstance(value, tuple):
        return [record for item in value for record in _records_in(item)]
    return []


def test_the_strict_reading_takes_only_what_the_general_reading_builds_the_same() -> None:
    taken = []
    for raw in _cases(random.Random(21)):
        strict = _CaseFileReader().strict(copy.deepcopy(raw), CaseFile)
        general, errors = _general(copy.deepcopy(raw))
        taken.append(strict is not None)
        if strict is not None:
            assert not errors and strict == general and repr(strict) == repr(general)
            assert [type(r) for r in _records_in(strict)] == [type(r) for r in _records_in(general)]
    assert all(taken[:4]) and sum(taken) > 4  # the valid ones, and odd values valid after all


def test_a_case_file_the_strict_reading_doubts_reports_its_errors_as_before() -> None:
    for raw in _cases(random.Random(5))[:300]:
        general, errors = _general(copy.deepcopy(raw))
        try:
            parsed = parse_case_file(copy.deepcopy(raw))
        except Exception as exc:  # the same exception, whatever it is
            assert [(e.field, e.message) for e in getattr(exc, "errors", [])] == errors
            assert errors or general is None
        else:
            assert not errors and parsed == general


def test_a_record_built_through_its_twin_is_the_frozen_record() -> None:
    case = parse_case_file(edge_case())
    applicant = case.members[0]
    assert type(applicant) is Member and twin_of(Member) is not None
    rebuilt = dataclasses.replace(applicant)  # through the dataclass's own __init__
    assert applicant == rebuilt and hash(applicant) == hash(rebuilt)
    with pytest.raises(dataclasses.FrozenInstanceError):
        applicant.name = "改名"  # type: ignore[misc]


def test_a_record_no_check_completes_is_left_to_the_general_reading() -> None:
    """A member's birth date comes from its check; a reader without one reads no member strictly."""
    data = member("m1", "self", date(1980, 3, 15))
    assert Reader().strict(data, Member) is None
    assert _CaseFileReader().strict(data, Member) == Member(
        "m1", "成员m1", data["id_number"], date(1980, 3, 15), "self"
    )


def test_values_taken_as_given_are_kept_as_the_general_reading_keeps_them() -> None:
    amounts = ["007", "12.50", 12, Decimal("1.5"), "100000000000", "0"]
    data = edge_case(incomes=[{"member": "m1", "kind": "wage", "amount": a} for a in amounts])
    strict = _CaseFileReader().strict(copy.deepcopy(data), CaseFile)
    general, errors = _general(data)
    assert strict is not None and not errors
    assert [repr(i.amount) for i in strict.incomes] == [repr(i.amount) for i in general.incomes]


def test_the_id_check_without_messages_agrees_with_the_one_with_them() -> None:
    rng = random.Random(11)
    for _ in range(20000):
        born = date(rng.choice([1850, 1879, 1880, 1960, 2024, 2999]), rng.randint(1, 12), rng.randint(1, 28))
        number = make_id(born, rng.randint(0, 999), rng.choice(["140802", "000000", "830000", "710101"]))
        choice = rng.random()
        if choice < 0.2:
            number = number[:17] + rng.choice("0123456789X")
        elif choice < 0.3:
            number = number[:6] + rng.choice(["20230229", "20241301", "00000101", "2024a101"]) + number[14:]
        elif choice < 0.35:
            number = number.replace("1", rng.choice(["１", "¹", "٤"]), 1)
        try:
            expected: date | None = birth_date_of(number)
        except InvalidIdNumber:
            expected = None
        assert valid_birth_date(number) == expected, number


@pytest.mark.parametrize(
    "text",
    ["140802", "940802", "040802", "1408021", "14080", "1٤٠٨٠٢", "١٤٠٨٠٢", "14080²", "14080a", "14 802"],
)
def test_the_region_check_without_a_pattern_agrees_with_the_pattern(text: str) -> None:
    data = edge_case(members=[member("m1", "self", date(1980, 3, 15), hukou_region=text)])
    strict = _CaseFileReader().strict(copy.deepcopy(data), CaseFile)
    general, errors = _general(data)
    assert bool(REGION_PATTERN.match(text)) == (not errors)
    assert strict == (None if errors else general)


def test_the_figure_beside_a_bound_is_the_same_from_the_bound_remembered() -> None:
    rng = random.Random(3)
    bounds = [Decimal("1072.50"), Decimal("1072.5"), Decimal(0), Decimal("-0"), Decimal("0.00")]
    for _ in range(5000):
        bound = rng.choice(bounds)
        value = bound + Decimal(rng.randint(-80, 80)) / 10000
        remembered = rng.choice([b for b in bounds if b == bound])  # an equal one, as a cache keeps
        assert exact_beside(value, bound, yuan(value), yuan(remembered)) == exact_beside(value, bound)


def test_the_general_readings_pattern_is_the_one_the_plan_writes_out() -> None:
    """rules.plan.inline writes REGION_PATTERN as string tests; the pattern must not change alone."""
    assert REGION_PATTERN.pattern == r"^[1-8]\d{5}$" and not REGION_PATTERN.flags & re.ASCII


@pytest.mark.parametrize(
    "amount", [*_ODD_VALUES, "٣", "1.5e1", "+3", "-0", "0.001", " 7\n", 10**11, 10**11 + 1]
)
def test_an_amount_is_taken_strictly_only_as_the_general_reading_takes_it(amount: Any) -> None:
    data = edge_case(incomes=[{"member": "m1", "kind": "wage", "amount": amount}])
    try:
        strict = _CaseFileReader().strict(copy.deepcopy(data), CaseFile)
    except Exception as exc:  # the general reading would say what is wrong
        pytest.fail(f"the strict reading raised {exc!r} instead of doubting")
    general, errors = _general(data)
    if strict is not None:
        assert not errors and repr(strict) == repr(general)
