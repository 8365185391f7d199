"""The JSON Schemas of the case file and the decision, built from the vocabularies.

Published as ``schemas/*.schema.json`` (``assistance schema --write``); a test keeps the published
files equal to what this module builds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rules import vocabulary as v
from rules.counties import COUNTIES

BASE_URI = "https://yuncheng-assistance.invalid/schemas/"
JSON = dict[str, Any]

_MONEY: JSON = {"$ref": "#/$defs/money"}
_DATE: JSON = {"$ref": "#/$defs/date"}
_REGION: JSON = {"type": "string", "pattern": "^[1-8][0-9]{5}$"}


def _label(value: Any) -> str:
    return value if isinstance(value, str) else str(value.label)


def _enum(choices: Mapping[str, Any], description: str, nullable: bool = False) -> JSON:
    listed = "；".join(f"{key} {_label(value)}" for key, value in choices.items())
    schema: JSON = {"type": "string", "enum": list(choices), "description": f"{description}：{listed}"}
    if nullable:
        schema["type"] = ["string", "null"]
        schema["enum"] = [*choices, None]
    return schema


def _text(max_length: int, description: str = "") -> JSON:
    schema: JSON = {"type": "string", "maxLength": max_length}
    if description:
        schema["description"] = description
    return schema


def _object(required: list[str], properties: JSON) -> JSON:
    return {"type": "object", "additionalProperties": False, "required": required, "properties": properties}


def _nullable(ref: str) -> JSON:
    return {"oneOf": [{"type": "null"}, {"$ref": ref}]}


def _items(ref: str, limit: int = 500) -> JSON:
    return {"type": "array", "maxItems": limit, "items": {"$ref": ref}}


def _income_kinds() -> str:
    return "；".join(
        f"{key} {kind.label}" + (f"（65号 {kind.excluded_by}，不计入）" if kind.excluded_by else "")
        for key, kind in v.INCOME_KINDS.items()
    )


def case_file_schema() -> JSON:
    exclusions = "；".join(f"{k} {r.label}（{r.article}）" for k, r in v.MEMBER_EXCLUSIONS.items())
    counties = "；".join(f"{code} {name}" for code, name in COUNTIES.items())
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": BASE_URI + "case-file.schema.json",
        "title": "案卷文件（规则引擎输入）",
        "description": "一件低保边缘家庭（运民发〔2023〕64号）或因病致贫重病患者（运民发〔2023〕65号）"
        "认定申请的全部事实。说明见 docs/case-file.md。",
        **_object(
            ["procedure", "application_date", "county", "hukou_type", "members"],
            {
                "schema_version": {"const": 1},
                "reference": _text(200, "案卷编号或备注，引擎不使用"),
                "note": _text(2000),
                "procedure": _enum(v.PROCEDURES, "认定事项"),
                "application_date": {**_DATE, "description": "申请日期；收入按申请当月前12个月计算"},
                "county": {"type": "string", "enum": list(COUNTIES), "description": f"受理县：{counties}"},
                "hukou_type": _enum(v.HUKOU_TYPES, "户籍类型（64号 第八条）"),
                "residence_area": _enum(v.AREAS, "居住地城镇或农村，居民户籍必填（64号 第八条）", True),
                "current_assistance": _enum(v.CURRENT_ASSISTANCE, "家庭已享受的救助"),
                "assistance_transition": _enum(
                    v.ASSISTANCE_TRANSITIONS, "申请或退出低保、特困（64号 第十五条简化程序）", True
                ),
                "monitoring_household": _nullable("#/$defs/monitoring"),
                "members": {**_items("#/$defs/member", 30), "minItems": 1},
                "incomes": _items("#/$defs/income"),
                "assets": _items("#/$defs/asset"),
                "patient": _text(40, "患者的成员 id；因病致贫重病患者认定必填"),
                "medical_expenses": _items("#/$defs/medical_expense"),
                "county_findings": _items("#/$defs/county_finding"),
                "parameter_overrides": {
                    "type": "object",
                    "description": '测算用参数，如 {"dibao_standard": "800.00"}，可加 .urban/.rural；'
                    "使用后结论带警告，不作为认定依据",
                    "propertyNames": {"pattern": "^[a-z][a-z_]*(\\.(urban|rural))?$"},
                    "additionalProperties": {"$ref": "#/$defs/decimal"},
                },
            },
        ),
        "allOf": [
            {
                "if": {"properties": {"hukou_type": {"const": "resident"}}, "required": ["hukou_type"]},
                "then": {"required": ["residence_area"]},
            },
            {
                "if": {"properties": {"procedure": {"const": "illness_poverty"}}, "required": ["procedure"]},
                "then": {"required": ["patient"]},
            },
        ],
        "$defs": {
            "money": {
                "description": "金额（元），精确到分；字符串或整数，不接受浮点数",
                "oneOf": [
                    {"type": "string", "pattern": "^\\s*\\+?[0-9]{1,12}(\\.[0-9]{1,2})?\\s*$"},
                    {"type": "integer", "minimum": 0, "maximum": 100000000000},
                ],
            },
            "decimal": {
                "oneOf": [
                    {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$"},
                    {"type": "integer", "minimum": 0},
                ]
            },
            "date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date"},
            "monitoring": _object(
                ["category"],
                {
                    "category": _enum(v.MONITORING_CATEGORIES, "防返贫监测对象类别（64号 第十五条）"),
                    "identified_on": _DATE,
                    "identified_by": _text(200),
                },
            ),
            "member": _object(
                ["id", "name", "id_number", "relation"],
                {
                    "id": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": 40,
                        "description": "案卷内的成员编号",
                    },
                    "name": {"type": "string", "minLength": 1, "maxLength": 50},
                    "id_number": {
                        "type": "string",
                        "pattern": "^[0-9]{17}[0-9Xx]$",
                        "description": "18位居民身份证号码，校验位和出生日期须有效",
                    },
                    "relation": _enum(v.RELATIONS, "与申请人关系"),
                    "hukou_region": {**_REGION, "description": "户籍地区划代码；申请人、患者必填"},
                    "unable_to_live_independently": {"type": "boolean", "description": "64号 第九条（三）"},
                    "full_time_student": _enum(v.STUDENT_LEVELS, "在校接受全日制学历教育", True),
                    "exclusion": _nullable("#/$defs/exclusion"),
                    "medical_insurance": _nullable("#/$defs/insurance"),
                    "note": _text(500),
                },
            ),
            "exclusion": _object(
                ["reason"],
                {
                    "reason": {
                        "type": "string",
                        "enum": list(v.MEMBER_EXCLUSIONS),
                        "description": f"不计入家庭成员的情形：{exclusions}",
                    },
                    "since": {**_DATE, "description": "起始日期；宗教教职人员必填"},
                    "note": _text(500, "说明；县级规定的其他情形必填"),
                },
            ),
            "insurance": _object(
                ["scheme"],
                {
                    "scheme": _enum(v.INSURANCE_SCHEMES, "参保类型（65号 第六条（二））"),
                    "region": {**_REGION, "description": "参保地区划代码"},
                },
            ),
            "income": _object(
                ["member", "kind"],
                {
                    "member": _text(40, "取得收入的成员 id"),
                    "kind": {"type": "string", "enum": list(v.INCOME_KINDS), "description": _income_kinds()},
                    "amount": {**_MONEY, "description": "申请当月前12个月内取得的合计金额"},
                    "months": {"type": "integer", "minimum": 1, "maximum": 12},
                    "declared_amount": {**_MONEY, "description": "灵活就业人员申报收入（65号 第八条（一））"},
                    "support": {"$ref": "#/$defs/support"},
                    "note": _text(500),
                },
            ),
            "support": _object(
                ["relation", "basis"],
                {
                    "relation": _enum(v.SUPPORT_RELATIONS, "赡养、扶养或抚养"),
                    "basis": _enum(v.SUPPORT_BASES, "数额依据（65号 第八条（四））"),
                    "obligor_status": _enum(v.OBLIGOR_STATUSES, "义务人身份"),
                    "obligor_household_monthly_per_capita_income": _MONEY,
                    "obligor_dibao_standard": _MONEY,
                    "obligor_monthly_income": _MONEY,
                    "children_supported": {"type": "integer", "minimum": 1, "maximum": 10},
                    "months": {"type": "integer", "minimum": 1, "maximum": 12},
                },
            ),
            "asset": _object(
                ["owner", "kind"],
                {
                    "owner": _text(40, "登记在其名下的人员 id"),
                    "kind": _enum(v.ASSET_KINDS, "财产种类"),
                    "value": {**_MONEY, "description": "金融资产余额，或车辆、农机具、船舶的购买价值"},
                    "tenure": _enum(v.TENURES, "拥有或承租"),
                    "business_use": {"type": "boolean"},
                    "lent_identity_certified": {"type": "boolean", "description": "64号 第十四条（四）"},
                    "description": _text(200),
                },
            ),
            "medical_expense": _object(
                ["date", "type", "policy_scope_personal_burden", "out_of_pocket"],
                {
                    "date": _DATE,
                    "type": _enum(v.MEDICAL_EXPENSE_TYPES, "费用类型"),
                    "policy_scope_personal_burden": {**_MONEY, "description": "65号 第六条（三）"},
                    "mutual_aid": {**_MONEY, "description": "社会互助帮困金额"},
                    "out_of_pocket": {**_MONEY, "description": "个人自负医疗费用（65号 第六条（四））"},
                    "designated": {"type": "boolean"},
                    "institution": _text(200),
                },
            ),
            "county_finding": _object(
                ["article", "description", "disqualifying"],
                {"article": _text(100), "description": _text(1000), "disqualifying": {"type": "boolean"}},
            ),
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
