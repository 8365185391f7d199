"""Issued documents: a case's notices, publicity and forms; download; corrected versions."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_smorest import Blueprint

from assistance.clock import utcnow
from assistance.documents import agency_lists, archive, issued, township_archives, verification
from assistance.http import database, defer, file_response, json_body, limit_verifying, today, user_id

blp = Blueprint(
    "documents", __name__, url_prefix="/documents", description="文书（通知书、公示、表格、名单）"
)
case_blp = Blueprint("case_documents", __name__, url_prefix="/cases", description="案件文书")
verify_blp = Blueprint("verify", __name__, url_prefix="/verify", description="文书验真（公开）")

CORRECTION_SCHEMA = {
    "type": "object",
    "required": ["reason", "edits"],
    "properties": {
        "reason": {"type": "string", "description": "更正原因，印在更正版本的附注中"},
        "edits": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "可更正的文字项（文书类别的 editable）→ 更正后的文字",
        },
    },
}


@case_blp.route("/<int:case_id>/documents", methods=["GET"])
def list_case_documents(case_id: int) -> dict[str, Any]:
    """本案已印发的文书（按本人可查看的范围，含各版本）"""
    return {"documents": issued.case_documents(database(), user_id(), case_id)}


archives_blp = Blueprint(
    "archive_exports", __name__, url_prefix="/archive-exports", description="乡镇（街道）一户一档批量导出"
)


@archives_blp.route("", methods=["GET"])
def get_archive_exports() -> dict[str, Any]:
    """本辖区最近的一户一档批量导出及其状态"""
    return {"items": township_archives.list_exports(database(), user_id())}


@archives_blp.route("", methods=["POST"])
@archives_blp.doc(
    requestBody={
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "township": {
                            "type": "string",
                            "description": "乡镇（街道）代码；乡镇工作人员默认本乡镇",
                        }
                    },
                }
            }
        }
    }
)
def post_archive_export() -> tuple[dict[str, Any], int]:
    """导出一个乡镇（街道）全部案件的一户一档（后台生成，返回 202；完成后下载）"""
    export = township_archives.request_export(database(), user_id(), json_body())
    defer("make_archive_export", export_id=export["id"])
    return export, 202


@archives_blp.route("/<int:export_id>/file", methods=["GET"])
@archives_blp.doc(
    responses={"200": {"description": "一户一档（ZIP，每案一个文件夹）", "content": {"application/zip": {}}}}
)
def get_archive_export_file(export_id: int) -> Response:
    """下载已生成的乡镇（街道）一户一档"""
    return file_response(township_archives.export_file(database(), user_id(), export_id))


@case_blp.route("/<int:case_id>/archive", methods=["GET"])
@case_blp.doc(responses={"200": {"description": "一户一档（ZIP）", "content": {"application/zip": {}}}})
def get_case_archive(case_id: int) -> Response:
    """一户一档：本案全部文书（各版本）、证明材料、审计记录和带 SHA-256 的清单（乡镇、县级工作人员）"""
    return file_response(archive.case_archive(database(), user_id(), case_id, utcnow()))


@verify_blp.route("/<code>", methods=["GET"])
@limit_verifying
def get_verification(code: str) -> dict[str, Any]:
    """扫码验真（无需登录）：验真码对应文书的文号、名称、日期、发文机关、版本和内容哈希，不含个人信息"""
    return verification.verify(database(), code)


@blp.route("/<int:document_id>", methods=["GET"])
def get_document(document_id: int) -> dict[str, Any]:
    """文书的登记信息：文号、版本、印发日期、内容哈希"""
    return issued.document_detail(database(), user_id(), document_id)


@blp.route("/<int:document_id>/pdf", methods=["GET"])
def get_document_pdf(document_id: int) -> Response:
    """下载文书 PDF（与印发时逐字节相同）"""
    found = issued.document_file(database(), user_id(), document_id, "pdf")
    return file_response(found, inline=request.args.get("inline") == "1")


@blp.route("/<int:document_id>/xlsx", methods=["GET"])
def get_document_xlsx(document_id: int) -> Response:
    """下载名单的 Excel 表格"""
    return file_response(issued.document_file(database(), user_id(), document_id, "xlsx"))


@blp.route("/<int:document_id>/corrections", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": CORRECTION_SCHEMA}}})
def post_correction(document_id: int) -> tuple[dict[str, Any], int]:
    """更正文书：印发新版本（原版本保留并标明被更正）"""
    body = json_body()
    if not isinstance(body, dict):
        body = {}
    corrected = issued.correct(
        database(),
        user_id(),
        document_id,
        edits=body.get("edits") or {},
        reason=body.get("reason", ""),
        today=today(),
    )
    return corrected, 201


lists_blp = Blueprint("lists", __name__, url_prefix="/lists", description="报送名单（医保、残联）")

PERIOD_SCHEMA = {
    "type": "object",
    "required": ["period"],
    "properties": {"period": {"type": "string", "description": "月份 YYYY-MM 或季度 YYYY-Qn"}},
}


@lists_blp.route("", methods=["GET"])
def get_lists() -> dict[str, Any]:
    """本县已报送的名单，及待推送医保的因病致贫重病患者人数"""
    kind = request.args.get("kind") or None
    return {
        "lists": agency_lists.list_documents(database(), user_id(), kind),
        "pending_push": agency_lists.pending_push(database(), user_id()),
    }


def _periodic(kind: str) -> tuple[dict[str, Any], int]:
    body = json_body()
    period = body.get("period", "") if isinstance(body, dict) else ""
    document, created = agency_lists.issue_periodic(database(), user_id(), kind, str(period), today())
    return document, 201 if created else 200


@lists_blp.route("/edge-medical-monthly", methods=["POST"])
@lists_blp.doc(requestBody={"content": {"application/json": {"schema": PERIOD_SCHEMA}}})
def post_edge_medical_monthly() -> tuple[dict[str, Any], int]:
    """生成上月新增和退出的低保边缘家庭名单，报同级医保部门（64号 第二十五条，每月10日前）"""
    return _periodic("edge_medical_monthly")


@lists_blp.route("/edge-disability-quarterly", methods=["POST"])
@lists_blp.doc(requestBody={"content": {"application/json": {"schema": PERIOD_SCHEMA}}})
def post_edge_disability_quarterly() -> tuple[dict[str, Any], int]:
    """生成本季度新增低保边缘家庭名单，报县区残联（64号 第二十五条，每季度末）"""
    return _periodic("edge_disability_quarterly")


@lists_blp.route("/illness-push", methods=["POST"])
def post_illness_push() -> tuple[dict[str, Any], int]:
    """将已确认、尚未推送的因病致贫重病患者推送同级医保部门（65号 第十七条，附件5）"""
    return agency_lists.push_confirmed_patients(database(), user_id(), today()), 201
