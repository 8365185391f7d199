"""Population screening: saved what-ifs over whole populations and standard-setting sweeps
(标准测算), run on the job queue; results by county, township and area, and as XLSX."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_smorest import Blueprint

from assistance.api.schemas import error_response
from assistance.http import database, defer, file_response, json_body, paging, today, user_id
from assistance.screening import runs
from assistance.screening.workbook import what_if_workbook

blp = Blueprint("screening", __name__, url_prefix="/screening", description="人群测算（政策测算、标准测算）")

_COMMON: dict[str, Any] = {
    "name": {"type": "string", "maxLength": 100},
    "counties": {
        "type": "array",
        "items": {"type": "string"},
        "description": "县（市、区）代码；县级工作人员默认本县",
    },
    "population": {"type": "string", "enum": ["current", "recognised"], "default": "current"},
    "effective_on": {"type": "string", "format": "date", "description": "生效日期；每户均按此日测算"},
}
WHAT_IF_SCHEMA = {
    "type": "object",
    "required": ["name", "changes"],
    "properties": {
        **_COMMON,
        "changes": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": '参数变化，如 {"dibao_standard.urban": "800.00"}',
        },
    },
}
SWEEP_SCHEMA = {
    "type": "object",
    "required": ["parameter"],
    "properties": {
        **_COMMON,
        "parameter": {"type": "string", "description": "如 dibao_standard.urban"},
        "start": {"type": "string"},
        "stop": {"type": "string"},
        "step": {"type": "string"},
        "consumption": {"type": "string", "description": "上年人均消费支出（元/年），按比例测算时填写"},
        "source": {"type": "string", "description": "消费支出数据来源"},
        "start_percent": {"type": "string"},
        "stop_percent": {"type": "string"},
        "step_percent": {"type": "string"},
    },
}


@blp.route("", methods=["GET"])
def get_runs() -> dict[str, Any]:
    """本县（管理员：全部）的政策测算和标准测算"""
    return {"items": runs.list_runs(database(), user_id())}


@blp.route("/what-ifs", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": WHAT_IF_SCHEMA}}})
def post_what_if() -> tuple[dict[str, Any], int]:
    """保存政策测算方案并开始测算（不改变任何案件）；返回 202，结果见 GET /screening/{id}"""
    run_id = runs.create_what_if(database(), user_id(), json_body(), today())
    defer("run_screening", run_id=run_id)
    return runs.detail(database(), user_id(), run_id), 202


@blp.route("/sweeps", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": SWEEP_SCHEMA}}})
def post_sweep() -> tuple[dict[str, Any], int]:
    """开始标准测算：一个参数取一组值，各值下符合条件的户数和人数；返回 202"""
    run_id = runs.create_sweep(database(), user_id(), json_body(), today())
    defer("run_screening", run_id=run_id)
    return runs.detail(database(), user_id(), run_id), 202


@blp.route("/<int:run_id>", methods=["GET"])
def get_run(run_id: int) -> dict[str, Any]:
    """测算的进度和结果（按县、乡镇和城乡），及前200户变化家庭

    变化家庭清单按保留期限删除后，changes_shown 为 null，changes_pruned_on 和 changes_pruned_note
    说明删除日期；统计数字仍在 result。
    """
    return runs.detail(database(), user_id(), run_id)


@blp.route("/<int:run_id>/changes", methods=["GET"])
@blp.doc(
    responses={"410": error_response(410, "变化家庭清单已按保留期限删除；统计数字仍见 GET /screening/{id}")}
)
def get_changes(run_id: int) -> dict[str, Any]:
    """变化家庭（category = entering、leaving 或 undetermined），分页，带规则引擎的逐项说明"""
    limit, offset = paging()
    return runs.changes(
        database(), user_id(), run_id, request.args.get("category", "entering"), offset, limit
    )


@blp.route("/<int:run_id>/xlsx", methods=["GET"])
def get_workbook(run_id: int) -> Response:
    """下载政策测算结果（Excel）"""
    return file_response(what_if_workbook(database(), user_id(), run_id))
