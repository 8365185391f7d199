"""Lists from other agencies: the 乡村振兴 bureau's monitoring households (64号 第十五条、第二十五条)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint

from assistance.cases import recognised_import
from assistance.errors import InvalidInput
from assistance.http import database, json_body, takes_upload, today, user_id
from assistance.intake import imports

blp = Blueprint("imports", __name__, url_prefix="", description="导入其他部门的名单")

# A list is uploaded as a file (CSV or XLSX) in a form.
UPLOAD = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        }
    }
}


@blp.route("/imports/monitoring-households", methods=["POST"])
@blp.doc(requestBody=UPLOAD)
@takes_upload
def post_monitoring_households() -> tuple[dict[str, Any], int]:
    """导入乡村振兴部门的防返贫监测户名单（CSV 或 XLSX；有错误行时不导入任何一行）"""
    return _import(imports.KIND), 201


def _import(kind: str) -> dict[str, Any]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput.field("file", "请上传 .csv 或 .xlsx 文件")
    content = upload.read(imports.MAX_BYTES + 1)
    return imports.import_list(database(), user_id(), kind, upload.filename, content, today())


@blp.route("/imports/recognised-families", methods=["POST"])
@blp.doc(requestBody=UPLOAD)
@takes_upload
def post_recognised_families() -> tuple[dict[str, Any], int]:
    """导入原系统已认定的低保边缘家庭（每行一名成员），排定定期核查（64号 第二十六条；县级）"""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput.field("file", "请上传 .csv 或 .xlsx 文件")
    content = upload.read(recognised_import.MAX_BYTES + 1)
    return recognised_import.import_recognised(database(), user_id(), upload.filename, content, today()), 201


@blp.route("/imports/medical-alerts", methods=["POST"])
@blp.doc(requestBody=UPLOAD)
@takes_upload
def post_medical_alerts() -> tuple[dict[str, Any], int]:
    """导入医保部门的医保动态监测预警对象名单（64号 第二十五条 医保衔接）"""
    return _import(imports.MEDICAL_KIND), 201


@blp.route("/imports/disability-changes", methods=["POST"])
@blp.doc(requestBody=UPLOAD)
@takes_upload
def post_disability_changes() -> tuple[dict[str, Any], int]:
    """导入残联每季度报送的残疾人证注销、更换、新增情况（64号 第二十五条 残联衔接）"""
    return _import(imports.DISABILITY_KIND), 201


@blp.route("/referrals/<int:referral_id>/dismiss", methods=["POST"])
@blp.doc(
    requestBody={"content": {"application/json": {"schema": {"type": "object", "required": ["reason"]}}}}
)
def post_dismiss(referral_id: int) -> dict[str, Any]:
    """医保预警对象、残联报送的残疾人证变化经核查不予登记申请（写明核查情况）"""
    body = json_body()
    reason = body.get("reason") if isinstance(body, dict) else None
    return imports.dismiss(database(), user_id(), referral_id, reason, today())


@blp.route("/referrals", methods=["GET"])
def get_referrals() -> dict[str, Any]:
    """本辖区待纳入的防返贫监测户（?status=pending|filed，all 为全部）"""
    status = request.args.get("status", "pending")
    if status not in ("pending", "filed", "dismissed", "all"):
        raise InvalidInput.field("status", "应为 pending、filed、dismissed 或 all")
    return {"items": imports.list_referrals(database(), user_id(), None if status == "all" else status)}
