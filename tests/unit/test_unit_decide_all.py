"""rules.decide_all decides case files in batches exactly as evaluate_data decides each one, with the
error that stopped a case file in its place, in order across the batches."""

from __future__ import annotations

from typing import Any

from unit_casedata import edge_case, family_of_three, illness_case

from rules import (
    CaseFile,
    CaseFileError,
    ParameterError,
    decide_all,
    evaluate,
    evaluate_data,
    load_parameters,
)
from rules.engine import BATCH
from rules.parsing import parse_case_file


def _one_by_one(data: dict[str, Any]) -> Any:
    try:
        return evaluate_data(data, load_parameters()).to_dict()
    except (CaseFileError, ParameterError) as exc:
        return type(exc), str(exc)


def _shown(decided: Any) -> Any:
    return (type(decided), str(decided)) if isinstance(decided, Exception) else decided.to_dict()


def _mixed(count: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for i in range(count):
        if i % 7 == 3:
            items.append(edge_case(members=[]))  # refused by the reader
        elif i % 7 == 5:
            items.append(edge_case(application_date="2016-03-01"))  # no standard configured then
        elif i % 2:
            incomes = [{"member": "m1", "kind": "wage", "amount": f"{20000 + 613 * i}.00"}]
            items.append(family_of_three(incomes=incomes))
        else:
            items.append(illness_case())
    return items


def test_each_case_file_is_decided_as_one_by_one_and_in_order() -> None:
    items = _mixed(3 * BATCH + 5)
    found = [_shown(d) for d in decide_all(items, load_parameters())]
    assert found == [_one_by_one(data) for data in items]
    kinds = {type(d) for d in decide_all(items)}
    assert CaseFileError in kinds and ParameterError in kinds


def test_case_files_already_built_are_decided_without_reading() -> None:
    table = load_parameters()
    built = [parse_case_file(data) for data in _mixed(BATCH + 1) if data["members"]]

    def one_by_one(case: CaseFile) -> Any:
        try:
            return evaluate(case, table).to_dict()
        except ParameterError as exc:
            return type(exc), str(exc)

    assert [_shown(d) for d in decide_all(built, table)] == [one_by_one(case) for case in built]


def test_nothing_to_decide() -> None:
    assert list(decide_all([])) == []
