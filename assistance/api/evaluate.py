"""POST /api/v1/evaluate: decide a case file (the rules engine's JSON format) without storing it."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from flask import Blueprint, request

from assistance.parameters import parameter_table
from rules import CaseFileError, ParameterError, evaluate_data

blueprint = Blueprint("evaluate", __name__)


@blueprint.post("/evaluate")
def evaluate() -> tuple[dict[str, Any], int]:
    try:
        # Decimal, not float: money must survive to the fen.
        data = json.loads(request.get_data(as_text=True) or "null", parse_float=Decimal)
    except json.JSONDecodeError as exc:
        return {"message": "请求体不是有效的 JSON", "errors": [{"field": "(根)", "message": exc.msg}]}, 400
    try:
        decision = evaluate_data(data, parameter_table())
    except CaseFileError as exc:
        return exc.to_dict(), 422
    except ParameterError as exc:
        return {"message": "参数未配置", "errors": [{"field": "parameters", "message": str(exc)}]}, 422
    return decision.to_dict(), 200
