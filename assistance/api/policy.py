"""Policy what-if: who would enter or leave under proposed parameters."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from assistance.batch.whatif import what_if
from assistance.errors import InvalidInput
from assistance.http import database, json_body, today, user_id

blp = Blueprint("policy", __name__, url_prefix="/what-if", description="政策测算")


@blp.route("", methods=["POST"])
@blp.doc(
    requestBody={
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["county", "overrides"],
                    "properties": {
                        "county": {"type": "string", "example": "140802"},
                        "overrides": {"type": "object", "example": {"dibao_standard.urban": "800.00"}},
                    },
                }
            }
        }
    }
)
def post_what_if() -> dict[str, Any]:
    """按拟调整的参数重新测算本县现有案件，列出将新纳入和将退出的家庭（不改变任何案件）"""
    body = json_body()
    if not isinstance(body, dict) or not isinstance(body.get("county"), str):
        raise InvalidInput.field("county", "请填写县级区域代码")
    return what_if(database(), user_id(), body["county"], body.get("overrides"), today())
