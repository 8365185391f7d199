"""Administration: areas and delegation, staff accounts, holiday schedules, parameter values."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint

from assistance import security_log
from assistance.admin import account_admin, accounts, holidays, parameter_entries
from assistance.api.imports import UPLOAD
from assistance.errors import InvalidInput
from assistance.http import database, json_body, paging, takes_upload, today, user_id
from assistance.reference import area_import, areas
from assistance.uploaded_tables import MAX_BYTES

blp = Blueprint("admin", __name__, url_prefix="", description="系统管理")


@blp.route("/areas", methods=["GET"])
def get_areas() -> dict[str, Any]:
    """行政区域（?parent=上级代码）"""
    user_id()
    return {"items": areas.list_areas(database(), request.args.get("parent"))}


@blp.route("/areas", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": areas.AreaSchema}}})
def post_area() -> tuple[dict[str, Any], int]:
    """新增区域（管理员）"""
    return areas.create_area(database(), user_id(), json_body()), 201


@blp.route("/areas/import", methods=["POST"])
@blp.doc(requestBody=UPLOAD)
@takes_upload
def post_area_import() -> dict[str, Any]:
    """导入区划表（CSV 或 XLSX：区划代码、名称；有错误行时不导入任何一行；管理员）"""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput.field("file", "请上传 .csv 或 .xlsx 文件")
    return area_import.import_areas(database(), user_id(), upload.filename, upload.read(MAX_BYTES + 1))


@blp.route("/areas/<code>/delegation", methods=["PUT"])
@blp.doc(requestBody={"content": {"application/json": {"schema": areas.DelegationSchema}}})
def put_delegation(code: str) -> dict[str, Any]:
    """设置县级审核确认权限是否下放乡镇（64号 第三十二条，65号 第二十六条）"""
    return areas.set_delegation(database(), user_id(), code, json_body())


@blp.route("/areas/<code>/step-days", methods=["PUT"])
@blp.doc(
    requestBody={
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["days"],
                    "properties": {
                        "days": {
                            "type": "object",
                            "additionalProperties": {
                                "type": "integer",
                                "nullable": True,
                                "minimum": 1,
                                "maximum": 30,
                            },
                        }
                    },
                }
            }
        }
    }
)
def put_step_days(code: str) -> dict[str, Any]:
    """设置本县各环节的办理期限（工作日；64号 要求“及时”办理的环节，null 恢复默认）"""
    return areas.set_step_days(database(), user_id(), code, json_body())


@blp.route("/areas/<code>/backdating", methods=["PUT"])
@blp.doc(requestBody={"content": {"application/json": {"schema": areas.BackdatingSchema}}})
def put_backdating(code: str) -> dict[str, Any]:
    """设置本县办理日期最多可早于录入之日的工作日数（补录须说明原因）"""
    return areas.set_backdating(database(), user_id(), code, json_body())


@blp.route("/users", methods=["GET"])
def get_users() -> dict[str, Any]:
    """账号列表（管理员）"""
    return {"items": accounts.list_users(database(), user_id())}


@blp.route("/users", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": accounts.StaffSchema}}})
def post_user() -> tuple[dict[str, Any], int]:
    """新增工作人员账号（管理员）"""
    uid = accounts.create_user(database(), user_id(), json_body())
    return {"id": uid}, 201


@blp.route("/users/<int:account_id>", methods=["PATCH"])
@blp.doc(requestBody={"content": {"application/json": {"schema": account_admin.EditSchema}}})
def patch_user(account_id: int) -> dict[str, Any]:
    """修改账号的姓名、电话，工作人员账号的角色、工作区域（管理员）；改角色或区域即结束其登录"""
    return account_admin.edit_user(database(), user_id(), account_id, json_body())


@blp.route("/users/<int:account_id>/deactivate", methods=["POST"])
def deactivate_user(account_id: int) -> dict[str, Any]:
    """停用账号（管理员）：其所有登录随即失效，不能再登录"""
    return account_admin.set_active(database(), user_id(), account_id, False)


@blp.route("/users/<int:account_id>/reactivate", methods=["POST"])
def reactivate_user(account_id: int) -> dict[str, Any]:
    """重新启用账号（管理员）"""
    return account_admin.set_active(database(), user_id(), account_id, True)


@blp.route("/users/<int:account_id>/reset-password", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": account_admin.ResetSchema}}})
def reset_user_password(account_id: int) -> dict[str, Any]:
    """重置密码（管理员）：不填则生成临时密码并只返回这一次；用户下次登录须先修改密码"""
    return account_admin.reset_password(database(), user_id(), account_id, json_body())


@blp.route("/holiday-schedules", methods=["GET"])
def get_schedules() -> dict[str, Any]:
    """已知节假日安排的年份"""
    user_id()
    return {"items": holidays.list_schedules(database())}


@blp.route("/holiday-schedules/<int:year>", methods=["PUT"])
@blp.doc(requestBody={"content": {"application/json": {"schema": {"type": "object"}}}})
def put_schedule(year: int) -> dict[str, Any]:
    """录入某年节假日安排（管理员；见 docs/working-days.md）"""
    return holidays.load_schedule(database(), user_id(), json_body(), year)


PARAMETER_SCHEMA = {
    "type": "object",
    "required": ["kind", "county", "area", "effective_from", "amount", "source"],
    "properties": {
        "kind": {"type": "string", "enum": sorted(parameter_entries.ENTERABLE)},
        "county": {"type": "string", "description": "县（市、区）代码；管理员可用 * 表示全市"},
        "area": {"type": "string", "enum": sorted(parameter_entries.AREAS)},
        "effective_from": {"type": "string", "format": "date"},
        "effective_to": {"type": "string", "format": "date"},
        "amount": {"type": "string", "description": "元，最多两位小数"},
        "source": {"type": "string", "description": "来源文件：发文机关、名称、文号"},
        "note": {"type": "string"},
        "confirmed": {"type": "boolean", "description": "数值超出常见范围、已核对来源文件无误的，填 true"},
    },
}


@blp.route("/parameters", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": PARAMETER_SCHEMA}}})
def post_parameter() -> tuple[dict[str, Any], int]:
    """录入新的参数数值（低保标准、最低工资标准、医疗救助起付标准），注明施行日期和来源文件"""
    return parameter_entries.enter_value(database(), user_id(), json_body(), today()), 201


@blp.route("/parameters/entries", methods=["GET"])
def get_parameter_entries() -> dict[str, Any]:
    """通过本系统录入的参数：状态（待批准、施行中、已撤回）及录入、批准、撤回记录"""
    return {"items": parameter_entries.list_entries(database(), user_id())}


@blp.route("/parameters/entries/<int:entry_id>/approve", methods=["POST"])
def approve_parameter_entry(entry_id: int) -> dict[str, Any]:
    """批准追溯施行的参数录入（录入人以外的系统管理员）"""
    return parameter_entries.approve(database(), user_id(), entry_id)


@blp.route("/parameters/entries/<int:entry_id>/withdraw", methods=["POST"])
@blp.doc(
    requestBody={
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["reason"],
                    "properties": {"reason": {"type": "string", "maxLength": 300}},
                }
            }
        }
    }
)
def withdraw_parameter_entry(entry_id: int) -> dict[str, Any]:
    """撤回参数录入并说明理由；已作出的结论保留当时所用的数值"""
    return parameter_entries.withdraw(database(), user_id(), entry_id, json_body())


@blp.route("/security-log", methods=["GET"])
def get_security_log() -> dict[str, Any]:
    """安全日志（系统管理员）：登录、登录失败、锁定、退出、修改密码及各项管理操作，最新的在前"""
    limit, offset = paging()
    return security_log.list_events(database(), user_id(), limit=limit, offset=offset)
