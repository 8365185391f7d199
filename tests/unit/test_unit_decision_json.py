"""Decision.to_dict() and the case files against the published JSON Schemas (Draft 2020-12)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from unit_casedata import EXAMPLES, LOCAL_PARAMETERS, SCHEMAS, edge_case, family_of_three, illness_case

from rules import CaseFileError, evaluate, load_parameters, parse_case_file
from rules.decision import Decision
from rules.schemas import SCHEMAS as SCHEMA_BUILDERS

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))


def validator(name: str) -> Draft202012Validator:
    path = SCHEMAS / f"{name}.schema.json"
    if not path.is_file():
        pytest.fail(
            f"缺少 JSON Schema 文件 {path.relative_to(SCHEMAS.parent)}，无法校验（应由 schemas/ 发布）"
        )
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def problems(name: str, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(根)'}: {e.message}"
        for e in validator(name).iter_errors(instance)
    ]


def load_example(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def decide_example(path: Path) -> Decision:
    table = load_parameters(LOCAL_PARAMETERS.resolve()) if "illness" in path.name else load_parameters()
    return evaluate(parse_case_file(load_example(path)), table)


def as_json(decision: Decision) -> Any:
    """The decision as a client receives it: through JSON text."""
    return json.loads(json.dumps(decision.to_dict(), ensure_ascii=False))


def test_there_are_examples_of_both_procedures() -> None:
    names = [p.name for p in EXAMPLE_FILES]
    assert any(n.startswith("dibao-edge") for n in names)
    assert any(n.startswith("illness-poverty") for n in names)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_example_case_file_matches_schema(path: Path) -> None:
    assert problems("case-file", json.loads(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_example_decision_matches_schema(path: Path) -> None:
    assert problems("decision", as_json(decide_example(path))) == []


@pytest.mark.parametrize(
    "data",
    [
        family_of_three(incomes=[{"member": "m1", "kind": "wage", "amount": "25739.99"}]),
        family_of_three(parameter_overrides={"dibao_standard": "800.00"}, application_date="2025-12-01"),
        edge_case(
            current_assistance="dibao",
            assistance_transition="leaving_dibao",
            incomes=[{"member": "m1", "kind": "wage", "amount": "10000.00"}],
        ),
        illness_case(parameter_overrides={"medical_assistance_deductible": "50000.00"}),
    ],
    ids=["referral", "override-and-expired", "simplified", "illness-not-eligible"],
)
def test_other_decisions_match_schema(data: dict[str, Any]) -> None:
    assert problems("decision", as_json(evaluate(parse_case_file(data)))) == []


def test_schema_rejects_a_broken_decision() -> None:
    decision = as_json(decide_example(EXAMPLES / "dibao-edge-eligible.json"))
    decision["outcome"] = "maybe"
    assert problems("decision", decision)


def test_schema_rejects_a_broken_case_file() -> None:
    data = json.loads((EXAMPLES / "dibao-edge-eligible.json").read_text(encoding="utf-8"))
    data["members"][0]["relation"] = "cousin"
    assert problems("case-file", data)


@pytest.mark.parametrize("amount", ["9000.10", "9000", "9000.10 as a number", "9000.105 as a number"])
def test_the_schema_and_the_engine_agree_on_money(amount: str) -> None:
    """A JSON number with a fraction is read in decimal by the CLI and the API, so both the schema
    and the engine take it (issue 19); more than two decimals is a matter for the engine alone."""
    text = json.dumps(edge_case(incomes=[{"member": "m1", "kind": "wage", "amount": "__X__"}]))
    raw = amount.removesuffix(" as a number")
    document = text.replace('"__X__"', raw if amount.endswith("number") else json.dumps(raw))
    data = json.loads(document, parse_float=Decimal)
    assert not problems("case-file", json.loads(document))
    if raw == "9000.105":
        with pytest.raises(CaseFileError, match="两位小数"):
            parse_case_file(data)
    else:
        assert parse_case_file(data).incomes[0].amount == Decimal(raw)


def test_decision_dict_shape_for_the_eligible_example() -> None:
    data = as_json(decide_example(EXAMPLES / "dibao-edge-eligible.json"))
    assert data["procedure"] == "dibao_edge"
    assert data["procedure_name"] == "低保边缘家庭认定"
    assert data["outcome"] == "eligible"
    assert data["path"] == "standard"
    assert data["referral"] is None
    assert data["summary"] == "符合低保边缘家庭认定条件（64号 第二条）。"
    assert data["income"]["per_capita_monthly"] == "900.00"
    assert data["income"]["household_size"] == 3
    assert data["household"]["size"] == 3
    assert "medical" not in data
    ids = [c["id"] for c in data["criteria"]]
    assert ids[:2] == ["edge.hukou", "edge.other_assistance"]
    assert ids[-1] == "edge.direct_recognition"
    assert len(ids) == len(set(ids))
    assert all(isinstance(v, str) for c in data["criteria"] for v in c["figures"].values())


def test_illness_decision_has_medical_section() -> None:
    data = as_json(decide_example(EXAMPLES / "illness-poverty-eligible.json"))
    assert data["procedure"] == "illness_poverty"
    assert data["medical"]["patient"] == "m1"
    assert data["medical"]["window"] == {"from": "2024-05-21", "to": "2025-05-20"}
    assert data["medical"]["expenses_outside_window"] == 1


@pytest.mark.parametrize("name", sorted(SCHEMA_BUILDERS))
def test_the_published_schemas_are_what_the_declarations_build(name: str) -> None:
    published = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    assert published == SCHEMA_BUILDERS[name](), f"运行 assistance schema {name} --write"


def test_the_schema_and_the_parser_agree_on_conditional_fields() -> None:
    """The declared conditions (rules/declaration.py) reach both: a resident hukou without its
    residence, or a flexible income without its months, fails both the parser and the schema."""
    resident = edge_case(hukou_type="resident")
    assert any("residence_area" in p for p in problems("case-file", resident))
    with pytest.raises(CaseFileError):
        parse_case_file(resident)
    flexible = edge_case(incomes=[{"member": "m1", "kind": "flexible"}])
    assert any("months" in p for p in problems("case-file", flexible))
    with pytest.raises(CaseFileError):
        parse_case_file(flexible)
