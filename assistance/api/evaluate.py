"""POST /api/v1/evaluate: decide a case file (the rules engine's JSON format) without storing it."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from flask import request
from flask_smorest import Blueprint

from assistance.http import database
from assistance.parameters import parameter_table
from rules import CaseFileError, ParameterError, evaluate_data

blp = Blueprint("evaluate", __name__, url_prefix="", description="规则引擎")


@blp.route("/evaluate", methods=["POST"])
@blp.doc(
    requestBody={
        "description": "案卷（schemas/case-file.schema.json）",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
)
def evaluate() -> tuple[dict[str, Any], int]:
    """按案卷作出认定结论并逐项说明（不保存）"""
    try:
        # Decimal, not float: money must survive to the fen.
        data = json.loads(request.get_data(as_text=True) or "null", parse_float=Decimal)
    except json.JSONDecodeError as exc:
        return {"message": "请求体不是有效的 JSON", "errors": [{"field": "(根)", "message": exc.msg}]}, 400
    with database().reading() as session:
        # The values entered through the service are part of the parameters.
        table = parameter_table(session=session)
    try:
        decision = evaluate_data(data, table)
    except CaseFileError as exc:
        return exc.to_dict(), 422
    except ParameterError as exc:
        return {"message": "参数未配置", "errors": [{"field": "parameters", "message": str(exc)}]}, 422
    return decision.to_dict(), 200
