"""Real-name reports and complaints (64号 第三十条, 65号 第二十三条): record, assign, verify, answer."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint

from assistance.http import database, json_body, today, user_id
from assistance.intake import reports

blp = Blueprint(
    "reports", __name__, url_prefix="/reports", description="举报（64号 第三十条，65号 第二十三条）"
)

REPORT_SCHEMA = {
    "type": "object",
    "required": ["channel", "real_name", "subject", "content"],
    "properties": {
        "channel": {"type": "string", "enum": sorted(reports.CHANNELS)},
        "real_name": {"type": "boolean"},
        "reporter_name": {"type": "string", "description": "实名举报必填"},
        "reporter_contact": {"type": "string", "description": "实名举报必填：电话或地址"},
        "subject": {"type": "string"},
        "content": {"type": "string"},
        "case_id": {"type": "integer", "description": "所涉案件（可选）"},
        "township": {"type": "string", "description": "所涉乡镇（街道）代码（可选）"},
        "received_on": {"type": "string", "format": "date"},
    },
}
STEP_SCHEMA = {"type": "object", "additionalProperties": True}


@blp.route("", methods=["GET"])
def get_reports() -> dict[str, Any]:
    """本辖区的举报（?status=received|assigned|verified|answered|closed）"""
    return {"items": reports.list_reports(database(), user_id(), request.args.get("status") or None)}


@blp.route("", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": REPORT_SCHEMA}}})
def post_report() -> tuple[dict[str, Any], int]:
    """登记举报、投诉"""
    return reports.record_report(database(), user_id(), json_body(), today()), 201


@blp.route("/<int:report_id>", methods=["GET"])
def get_report(report_id: int) -> dict[str, Any]:
    """举报详情"""
    return reports.report_detail(database(), user_id(), report_id)


@blp.route("/<int:report_id>/assign", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": STEP_SCHEMA}}})
def post_assign(report_id: int) -> dict[str, Any]:
    """分派核查（{"assignee": 用户名}）"""
    return reports.assign(database(), user_id(), report_id, json_body(), today())


@blp.route("/<int:report_id>/verify", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": STEP_SCHEMA}}})
def post_verify(report_id: int) -> dict[str, Any]:
    """记录核查结果（{"findings", "substantiated"}）；匿名举报随之办结"""
    return reports.verify(database(), user_id(), report_id, json_body(), today())


@blp.route("/<int:report_id>/answer", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": STEP_SCHEMA}}})
def post_answer(report_id: int) -> dict[str, Any]:
    """向实名举报人反馈核查处理结果（{"answer", "method"}）"""
    return reports.answer(database(), user_id(), report_id, json_body(), today())
