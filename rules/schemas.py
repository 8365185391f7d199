"""The JSON Schemas of the case file and the decision, built from the vocabularies.

Published as ``schemas/*.schema.json`` (``assistance schema --write``); a test keeps the published
files equal to what this module builds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rules import declaration as d
from rules import vocabulary as v
from rules.casefile import CaseFile
from rules.counties import COUNTIES
from rules.declaration import Fact

BASE_URI = "https://yuncheng-assistance.invalid/schemas/"
JSON = dict[str, Any]

_MONEY: JSON = {"$ref": "#/$defs/money"}
_DATE: JSON = {"$ref": "#/$defs/date"}
_REGION: JSON = {"type": "string", "pattern": "^[1-8][0-9]{5}$"}


def _label(value: Any) -> str:
    """A choice's label, with the article it comes from (or, for an income kind, the 65号 article
    that keeps it out of household income)."""
    if isinstance(value, str):
        return value
    excluded_by = getattr(value, "excluded_by", "")
    if excluded_by:
        return f"{value.label}（65号 {excluded_by}，不计入）"
    article = getattr(value, "article", "")
    return f"{value.label}（{article}）" if article else str(value.label)


def _enum(choices: Mapping[str, Any], description: str, nullable: bool = False) -> JSON:
    listed = "；".join(f"{key} {_label(value)}" for key, value in choices.items())
    schema: JSON = {"type": "string", "enum": list(choices), "description": f"{description}：{listed}"}
    if nullable:
        schema["type"] = ["string", "null"]
        schema["enum"] = [*choices, None]
    return schema


def _object(required: list[str], properties: JSON) -> JSON:
    return {"type": "object", "additionalProperties": False, "required": required, "properties": properties}


def _described(schema: JSON, fact: Fact) -> JSON:
    text = fact.description or fact.label
    if fact.article and fact.article not in text:
        text = f"{text}（{fact.article}）"
    return {**schema, "description": text}


def _property(fact: Fact) -> JSON:
    """One declared field as JSON Schema."""
    kind = fact.kind
    if kind == d.CHOICE:
        assert fact.choices is not None
        return _enum(
            fact.choices, fact.description or fact.label, nullable=fact.default is None and not fact.required
        )
    if kind == d.RECORD:
        assert fact.record is not None
        ref = f"#/$defs/{d.record_name(fact.record)}"
        return _described({"oneOf": [{"type": "null"}, {"$ref": ref}]}, fact)
    if kind == d.ITEMS:
        assert fact.record is not None
        items: JSON = {
            "type": "array",
            "maxItems": fact.max_items,
            "items": {"$ref": f"#/$defs/{d.record_name(fact.record)}"},
        }
        if fact.required:
            items["minItems"] = 1
        return _described(items, fact)
    if kind == d.TEXT:
        text: JSON = {"type": "string", "maxLength": fact.max_length}
        if fact.required:
            text["minLength"] = 1
        if fact.pattern:
            text["pattern"] = fact.pattern
        return _described(text, fact)
    if kind == d.MEMBER:
        return _described({"type": "string", "minLength": 1, "maxLength": 40}, fact)
    if kind == d.WHOLE:
        return _described({"type": "integer", "minimum": fact.low, "maximum": fact.high}, fact)
    if kind == d.VERSION:
        return {"const": 1}
    if kind == d.OVERRIDES:
        return _described(
            {
                "type": "object",
                "propertyNames": {"pattern": "^[a-z][a-z_]*(\\.(urban|rural))?$"},
                "additionalProperties": {"$ref": "#/$defs/decimal"},
            },
            fact,
        )
    return _described(_SCALARS[kind], fact)


_SCALARS: dict[str, JSON] = {
    d.FLAG: {"type": "boolean"},
    d.DAY: _DATE,
    d.MONEY: _MONEY,
    d.REGION: _REGION,
}


def _conditions(record: type) -> list[JSON]:
    """The declared ``required_when`` conditions as if/then clauses."""
    clauses = []
    for fact in d.facts(record):
        if fact.required_when is None:
            continue
        condition = {key: {"enum": sorted(allowed)} for key, allowed in fact.required_when.items()}
        clauses.append(
            {
                "if": {"properties": condition, "required": sorted(condition)},
                "then": {"required": [fact.key]},
            }
        )
    return clauses


def _record_schema(record: type) -> JSON:
    declared = d.facts(record)
    schema = _object([f.key for f in declared if f.required], {f.key: _property(f) for f in declared})
    conditions = _conditions(record)
    if conditions:
        schema["allOf"] = conditions
    return schema


def case_file_schema() -> JSON:
    records = d.walk(CaseFile)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": BASE_URI + "case-file.schema.json",
        "title": "案卷文件（规则引擎输入）",
        "description": "一件低保边缘家庭（运民发〔2023〕64号）或因病致贫重病患者（运民发〔2023〕65号）"
        "认定申请的全部事实。说明见 docs/case-file.md。",
        **_record_schema(CaseFile),
        "$defs": {
            "money": {
                "description": "金额（元），精确到分：字符串、整数，或带小数的数值（引擎按十进制精确读取，"
                "不经二进制浮点数；小数超过两位的退回）",
                # anyOf: an integer is also a number, and a schema of "not integer" is beyond
                # what clients and fuzzers generate from.
                "anyOf": [
                    {"type": "string", "pattern": "^\\s*\\+?[0-9]{1,12}(\\.[0-9]{1,2})?\\s*$"},
                    {"type": "number", "minimum": 0, "maximum": 100000000000},
                ],
            },
            "decimal": {
                "oneOf": [
                    {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$"},
                    {"type": "integer", "minimum": 0},
                ]
            },
            "date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date"},
            **{d.record_name(record): _record_schema(record) for record in records[1:]},
        },
    }


_AMOUNT: JSON = {"type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2}$"}
_FIGURES: JSON = {"type": "object", "additionalProperties": {"type": "string"}}


def decision_schema() -> JSON:
    criterion = _object(
        ["id", "title", "result", "article", "figures", "explanation", "decisive"],
        {
            "id": {"type": "string", "pattern": "^(edge|illness)\\.[a-z_]+$"},
            "title": {"type": "string"},
            "result": {"enum": ["pass", "fail", "not_applicable"]},
            "article": {"type": "string", "pattern": "^6[45]号 "},
            "figures": _FIGURES,
            "explanation": {"type": "string", "minLength": 1},
            "decisive": {
                "type": "boolean",
                "description": "false：已按其他途径（直接认定）决定，本项不影响结论",
            },
        },
    )
    household_member = _object(
        ["id", "name", "relation", "counted", "article", "explanation"],
        {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "relation": {"enum": list(v.RELATIONS)},
            "counted": {"type": "boolean"},
            "article": {"type": "string"},
            "explanation": {"type": "string"},
        },
    )
    income_line = _object(
        ["index", "member", "kind", "category", "reported", "counted", "article", "explanation"],
        {
            "index": {"type": "integer", "minimum": 0},
            "member": {"type": "string"},
            "kind": {"enum": list(v.INCOME_KINDS)},
            "category": {"enum": list(v.INCOME_CATEGORIES)},
            "reported": {"oneOf": [{"type": "null"}, _AMOUNT]},
            "counted": _AMOUNT,
            "article": {"type": "string"},
            "explanation": {"type": "string"},
        },
    )
    window = _object(["from", "to"], {"from": {"type": "string"}, "to": {"type": "string"}})
    threshold = _object(
        [
            "key",
            "kind",
            "title",
            "amount",
            "unit",
            "county",
            "area",
            "effective_from",
            "source",
            "overridden",
        ],
        {
            "key": {"type": "string"},
            "kind": {"type": "string"},
            "title": {"type": "string"},
            "amount": {"type": "string"},
            "unit": {"type": "string"},
            "county": {"type": "string"},
            "area": {"enum": ["urban", "rural", "*"]},
            "effective_from": {"type": "string", "format": "date"},
            "source": {"type": "string", "minLength": 1},
            "overridden": {"type": "boolean"},
        },
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": BASE_URI + "decision.schema.json",
        "title": "认定结论（规则引擎输出）",
        "description": "结论、所用参数及其来源，以及逐项条件的结果、条款、数据和说明。",
        **_object(
            [
                "engine_version",
                "procedure",
                "procedure_name",
                "application_date",
                "county",
                "area",
                "outcome",
                "path",
                "referral",
                "summary",
                "household",
                "income",
                "property",
                "criteria",
                "thresholds",
                "warnings",
            ],
            {
                "engine_version": {"type": "string"},
                "procedure": {"enum": list(v.PROCEDURES)},
                "procedure_name": {"type": "string"},
                "application_date": {"type": "string", "format": "date"},
                "county": {"enum": list(COUNTIES)},
                "area": {"enum": list(v.AREAS)},
                "outcome": {"enum": ["eligible", "not_eligible"]},
                "path": {"enum": ["standard", "direct", "simplified", None]},
                "referral": {
                    "enum": ["dibao", "dibao_edge", None],
                    "description": "不符合时可引导申请的救助：dibao 最低生活保障，dibao_edge 低保边缘家庭",
                },
                "summary": {"type": "string"},
                "household": _object(
                    ["size", "members", "note"],
                    {
                        "size": {"type": "integer", "minimum": 1},
                        "members": {"type": "array", "items": household_member},
                        "note": {"type": "string"},
                    },
                ),
                "income": _object(
                    [
                        "window",
                        "by_category",
                        "annual_total",
                        "monthly_average",
                        "household_size",
                        "per_capita_monthly",
                        "lines",
                    ],
                    {
                        "window": window,
                        "by_category": {
                            "type": "object",
                            "propertyNames": {"enum": list(v.INCOME_CATEGORIES)},
                            "additionalProperties": _AMOUNT,
                        },
                        "annual_total": _AMOUNT,
                        "monthly_average": _AMOUNT,
                        "household_size": {"type": "integer", "minimum": 1},
                        "per_capita_monthly": _AMOUNT,
                        "lines": {"type": "array", "items": income_line},
                    },
                ),
                "property": _object(
                    ["financial_assets_total", "housing_units", "vehicles", "set_aside"],
                    {
                        "financial_assets_total": _AMOUNT,
                        "housing_units": {"type": "integer", "minimum": 0},
                        "vehicles": {"type": "integer", "minimum": 0},
                        "set_aside": {
                            "type": "array",
                            "description": "不予认定的财产及理由（64号 第十三条、第十四条（四））",
                            "items": _object(
                                ["owner", "kind", "explanation"],
                                {
                                    "owner": {"type": "string"},
                                    "kind": {"enum": list(v.ASSET_KINDS)},
                                    "explanation": {"type": "string"},
                                },
                            ),
                        },
                    },
                ),
                "criteria": {"type": "array", "minItems": 1, "items": criterion},
                "thresholds": {"type": "array", "items": threshold},
                "warnings": {"type": "array", "items": {"type": "string"}},
                "medical": _object(
                    [
                        "window",
                        "inpatient_policy_scope_burden",
                        "out_of_pocket_total",
                        "expenses_counted",
                        "expenses_outside_window",
                        "expenses_not_designated",
                        "patient",
                    ],
                    {
                        "window": window,
                        "inpatient_policy_scope_burden": _AMOUNT,
                        "out_of_pocket_total": _AMOUNT,
                        "expenses_counted": {"type": "integer", "minimum": 0},
                        "expenses_outside_window": {"type": "integer", "minimum": 0},
                        "expenses_not_designated": {"type": "integer", "minimum": 0},
                        "patient": {"type": "string"},
                    },
                ),
            },
        ),
    }


SCHEMAS = {"case-file": case_file_schema, "decision": decision_schema}
