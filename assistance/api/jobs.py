"""Batch jobs: a county's recheck review and policy what-if, run in the background."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from assistance.batch import jobs
from assistance.http import database, defer, json_body, today, user_id
from assistance.queue import failures
from assistance.schedules import running as schedules

blp = Blueprint("jobs", __name__, url_prefix="/jobs", description="批量任务（复核测算、政策测算）")

JOB_SCHEMA = {
    "type": "object",
    "required": ["kind"],
    "properties": {
        "kind": {"type": "string", "enum": sorted(jobs.TITLES)},
        "county": {"type": "string", "description": "县（市、区）代码；县级工作人员默认本县"},
        "params": {
            "type": "object",
            "description": (
                'recheck_review: {"on": "YYYY-MM-DD"}；'
                'what_if: {"overrides": {"dibao_standard.urban": "800.00"}}'
            ),
        },
    },
}


@blp.route("", methods=["GET"])
def get_jobs() -> dict[str, Any]:
    """本县的批量任务及其进度；管理员另见最近失败的后台任务及其错误"""
    return {
        "items": jobs.list_jobs(database(), user_id()),
        "failures": failures.recent_failures(database(), user_id()),
    }


@blp.route("", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": JOB_SCHEMA}}})
def post_job() -> tuple[dict[str, Any], int]:
    """开始批量任务（不改变任何案件）；返回 202 和任务，进度见 GET /jobs/{id}"""
    job_id = jobs.create_job(database(), user_id(), json_body(), today())
    defer("plan_batch_job", job_id=job_id)
    return jobs.job_detail(database(), user_id(), job_id), 202


@blp.route("/<int:job_id>", methods=["GET"])
def get_job(job_id: int) -> dict[str, Any]:
    """任务进度和结果"""
    return jobs.job_detail(database(), user_id(), job_id)


@blp.route("/<int:job_id>/resume", methods=["POST"])
def post_resume(job_id: int) -> tuple[dict[str, Any], int]:
    """继续运行中断或失败的任务（只运行尚未完成的分段）"""
    jobs.resume(database(), user_id(), job_id)
    defer("plan_batch_job", job_id=job_id)
    return jobs.job_detail(database(), user_id(), job_id), 202


schedules_blp = Blueprint("schedules", __name__, url_prefix="/schedules", description="定时任务")


@schedules_blp.route("", methods=["GET"])
def get_schedules() -> dict[str, Any]:
    """定时任务及各县开关、最近一次运行（管理员）"""
    return {"items": schedules.overview(database(), user_id(), today())}


@schedules_blp.route("/<county>/<code>", methods=["PUT"])
@schedules_blp.doc(
    requestBody={
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["enabled"],
                    "properties": {"enabled": {"type": "boolean"}},
                }
            }
        }
    }
)
def put_schedule(county: str, code: str) -> dict[str, Any]:
    """开启或关闭某县的某项定时任务（管理员）"""
    body = json_body()
    return schedules.switch(
        database(), user_id(), county, code, body.get("enabled") if isinstance(body, dict) else None
    )
