"""What the API answers, documented as OpenAPI components. The requests' schemas are the ones the
services validate with (``cases.acts``, ``cases.filing``); these describe the answers, which the
services build as plain JSON."""

from __future__ import annotations

from typing import Any, Final

import marshmallow as ma
from flask_smorest import Api

from assistance.api.errors import HTTP_MESSAGES
from assistance.casefile import storage
from rules.schemas import case_file_schema


class FieldProblemSchema(ma.Schema):
    field = ma.fields.String(required=True, metadata={"description": "出错的字段"})
    message = ma.fields.String(required=True, metadata={"description": "中文说明"})


class ErrorSchema(ma.Schema):
    """Every error the API answers (``api.errors``); flask-smorest documents it as ``Error``."""

    message = ma.fields.String(required=True)
    errors = ma.fields.List(ma.fields.Nested(FieldProblemSchema), required=True)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _text(nullable: bool = False) -> dict[str, Any]:
    return {"type": "string", "nullable": True} if nullable else {"type": "string"}


def _object(required: dict[str, Any], *, more: bool = False) -> dict[str, Any]:
    """An object with every one of ``required``'s properties; ``more``: it may hold others."""
    return {
        "type": "object",
        "required": sorted(required),
        "properties": required,
        "additionalProperties": more,
    }


_DAY = {"type": "string", "format": "date"}
_NULLABLE_DAY = {"type": "string", "format": "date", "nullable": True}
_PLACE = _object({"code": _text(), "name": _text()})
# A record of the case as the database holds it (an investigation, a publicity, …): its own
# columns, which the case page passes on as they are.
_RECORD = _object({"id": {"type": "integer"}, "case_id": {"type": "integer"}}, more=True)

COMPONENTS: Final[dict[str, dict[str, Any]]] = {
    "Deadline": _object(
        {
            "kind": _text(),
            "label": _text(),
            "article": _text(),
            "starts_on": _DAY,
            "days": {"type": "integer"},
            "unit": _text(),
            "due_on": _DAY,
            "status": _text(),
            "overdue": {"type": "boolean"},
            "met_on": _NULLABLE_DAY,
            "warning": _text(),
            # Past due: the working days since the due date (issue 19); else null.
            "late_working_days": {"type": "integer", "nullable": True},
        }
    ),
    "AvailableAction": _object(
        {
            "action": _text(),
            "name": _text(),
            "article": _text(),
            "target": _text(nullable=True),
            "allowed": {"type": "boolean"},
            "blocked_by": {"type": "array", "items": _text()},
        }
    ),
    "CasePage": _object(
        {
            "id": {"type": "integer"},
            "number": _text(),
            "procedure": {"type": "string", "enum": ["dibao_edge", "illness_poverty"]},
            "procedure_name": _text(),
            "state": _text(),
            "state_name": _text(),
            "final": {"type": "boolean"},
            "version": {"type": "integer"},
            "application_date": _DAY,
            "accepted_on": _NULLABLE_DAY,
            "closed_on": _NULLABLE_DAY,
            "county": _text(),
            # On a listing's line; the case page names the household in full instead.
            "applicant_name": _text(nullable=True),
            "township": {**_PLACE, "nullable": True},
            "village": {**_PLACE, "nullable": True},
            "next_due": {"allOf": [_ref("Deadline")], "nullable": True},
            "overdue": {"type": "boolean"},
            "deadlines": {"type": "array", "items": _ref("Deadline")},
            "filing": {"type": "object"},
            "household": _ref("Household"),
            **{
                records: {"type": "array", "items": _RECORD}
                for records in (
                    "periodic_rechecks",
                    "material_notices",
                    "information_checks",
                    "investigations",
                    "publicities",
                    "objections",
                    "appraisals",
                    "opinions",
                    "terminations",
                    "evidence",
                )
            },
            "latest_evaluation": {**_RECORD, "nullable": True},
            "history": {"type": "array", "items": _RECORD},
            "available_actions": {"type": "array", "items": _ref("AvailableAction")},
        }
    ),
}


def _error(code: int, description: str | None = None) -> dict[str, Any]:
    return {
        "description": description or HTTP_MESSAGES[code],
        "content": {"application/json": {"schema": _ref("Error")}},
    }


def error_response(code: int, description: str) -> dict[str, Any]:
    """An error answer as documented for one endpoint, ``description`` saying when it comes."""
    return _error(code, description)


# What a request that reads or changes one case answers: its page, or an error.
CASE_PAGE_RESPONSES: Final[dict[str, Any]] = {
    "200": {"description": "案件详情", "content": {"application/json": {"schema": _ref("CasePage")}}},
    **{str(code): _error(code) for code in (400, 401, 403, 404, 409, 422)},
}


_CASE_FILE_PREFIX = "CaseFile_"


def _openapi(node: Any) -> Any:
    """A piece of the case file's JSON Schema (Draft 2020-12) as OpenAPI 3.0 says it: null as
    ``nullable``, ``const`` as a one-value enum, its definitions as components. The conditional
    requirements (``if``/``then``) have no 3.0 form; the service still enforces them."""
    if isinstance(node, list):
        return [_openapi(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("$schema", "$id", "$defs", "allOf", "propertyNames"):
            continue
        if key == "$ref":
            out[key] = "#/components/schemas/" + _CASE_FILE_PREFIX + value.rsplit("/", 1)[1]
        elif key == "const":
            out["enum"] = [value]
        elif key == "type" and isinstance(value, list):
            out["type"] = next(t for t in value if t != "null")
            out["nullable"] = True
        elif key == "enum":
            out["enum"] = [v for v in value if v is not None]
        elif key == "oneOf" and {"type": "null"} in value:
            out["allOf"] = _openapi([v for v in value if v != {"type": "null"}])
            out["nullable"] = True
        else:
            out[key] = _openapi(value)
    return out


def household_components() -> dict[str, dict[str, Any]]:
    """``Household``: the case-file format without the fields the case itself gives, as filed,
    corrected and shown; and the records it holds. Built from the case file's declarations."""
    schema = case_file_schema()
    owned = set(storage.case_owned_keys())
    household = _openapi(schema)
    household["properties"] = {k: v for k, v in household["properties"].items() if k not in owned}
    household["required"] = [k for k in household["required"] if k not in owned]
    household["title"] = "家庭信息（案卷格式，不含由案件确定的字段）"
    household["description"] = "见 docs/case-file.md；由 rules/casefile.py 的字段声明生成。"
    found = {"Household": household}
    for name, definition in schema["$defs"].items():
        found[_CASE_FILE_PREFIX + name] = _openapi(definition)
    return found


def register(api: Api) -> None:
    for name, component in {**COMPONENTS, **household_components()}.items():
        api.spec.components.schema(name, component=component)
