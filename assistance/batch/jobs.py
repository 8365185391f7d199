"""Batch jobs over a county's cases, run in the background with their progress kept, resumable
after a crash (see ``models.jobs``). Two kinds:

- ``recheck_review`` (64号 第二十六条): every recognised 低保边缘家庭 of the county decided again on a
  date, under the parameters in force that day; lists the families that no longer meet the
  conditions so that townships check them first. Changes no case.
- ``what_if``: every current case decided again under proposed parameters (a new dibao
  standard); lists who would enter or leave. Changes no case.

A job is planned as chunks of cases in id order (``chunks``); workers of the job queue, on any
number of machines, take the chunks, and each chunk's results and counts are committed in one
transaction that marks it done, so no chunk counts twice and a runner that dies loses only the
chunk it was on. ``assistance jobs run`` runs (or resumes) one in the foreground.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, func, select

from assistance.access import JOBS, actor_for, require
from assistance.access.permissions import PERMISSIONS
from assistance.batch.chunks import reopen
from assistance.batch.job_kinds import STALE_AFTER, TITLES, override_problems, overrides_probe
from assistance.casefile.populations import SELECT
from assistance.db import Database
from assistance.errors import Conflict, Forbidden, InvalidInput, NotFound
from assistance.models import BatchJob, BatchJobItem, Case
from assistance.models.base import utcnow
from assistance.models.jobs import DONE, QUEUED, RUNNING
from rules import CaseFileError
from rules.counties import COUNTIES
from rules.parsing import parse_case_file


def _params(kind: str, data: Mapping[str, Any], today: date) -> dict[str, Any]:
    if kind == "recheck_review":
        raw = data.get("on") or today.isoformat()
        try:
            on = date.fromisoformat(str(raw))
        except ValueError as exc:
            raise InvalidInput.field("params.on", "应为日期，格式 YYYY-MM-DD") from exc
        if on > today:
            raise InvalidInput.field("params.on", "不能晚于今天")
        return {"on": on.isoformat()}
    overrides = data.get("overrides")
    if not isinstance(overrides, Mapping) or not overrides:
        raise InvalidInput.field("params.overrides", '请给出测算参数，如 {"dibao_standard.urban": "800.00"}')
    try:
        parse_case_file(overrides_probe(overrides, today))
    except CaseFileError as exc:
        problems = override_problems(exc, "params.overrides")
        if problems:
            raise InvalidInput("测算参数有误", problems) from exc
    return {"overrides": {str(k): str(v) for k, v in overrides.items()}}


LISTED = ("not_eligible", "entering", "leaving", "undetermined")
SHOWN = 1000


def job_items(session: Session, job: BatchJob, limit: int = SHOWN) -> dict[str, list[dict[str, Any]]]:
    """The first ``limit`` cases of each listed category, in case order."""
    found: dict[str, list[dict[str, Any]]] = {}
    for category in LISTED:
        if not job.result.get(category):
            continue
        rows = session.exec(
            select(BatchJobItem)
            .where(BatchJobItem.job_id == job.id, BatchJobItem.category == category)
            .order_by(col(BatchJobItem.case_id))
            .limit(limit)
        ).all()
        found[category] = [r.data for r in rows]
    return found


def describe(job: BatchJob, items: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "title": TITLES.get(job.kind, job.kind),
        "county": job.county_code,
        "county_name": COUNTIES.get(job.county_code, job.county_code),
        "params": job.params,
        "status": job.status,
        "total": job.total,
        "processed": job.processed,
        "percent": int(job.processed * 100 / job.total) if job.total else (100 if job.status == DONE else 0),
        # Counts per category; ``items`` lists the cases (at most SHOWN of each category).
        "result": job.result,
        "items": items or {},
        "error": job.error,
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "note": "测算结果不改变任何案件，也不作为认定依据。",
    }


def create_job(db: Database, user_id: int, data: Any, today: date) -> int:
    if not isinstance(data, Mapping):
        raise InvalidInput.field("(根)", "应为 JSON 对象")
    kind = str(data.get("kind", ""))
    if kind not in TITLES:
        raise InvalidInput.field("kind", f"应为以下之一：{'、'.join(TITLES)}")
    raw_params = data.get("params") or {}
    if not isinstance(raw_params, Mapping):
        raise InvalidInput.field("params", "应为对象")
    params = _params(kind, raw_params, today)
    with db.transaction() as session:
        actor = actor_for(session, user_id)
        county = str(data.get("county") or actor.county_code or "")
        require(actor, "run_batch_jobs")
        if not JOBS.allows(actor, county):
            raise Forbidden(PERMISSIONS["run_batch_jobs"].refusal)
        if county not in COUNTIES:
            raise InvalidInput.field("county", "应为运城市的县（市、区）代码")
        total = session.exec(select(func.count()).select_from(Case).where(SELECT[kind](county))).one()
        job = BatchJob(
            kind=kind, county_code=county, params=params, total=int(total), created_by=actor.user_id
        )
        session.add(job)
        session.flush()
        assert job.id is not None
        return job.id


def job_detail(db: Database, user_id: int, job_id: int) -> dict[str, Any]:
    with db.reading() as session:
        actor = actor_for(session, user_id)
        job = session.get(BatchJob, job_id)
        if job is None or not JOBS.allows(actor, job.county_code):
            raise NotFound(f"批量任务 {job_id} 不存在或不在您的管辖范围内")
        return describe(job, job_items(session, job))


def list_jobs(db: Database, user_id: int) -> list[dict[str, Any]]:
    with db.reading() as session:
        actor = actor_for(session, user_id)
        require(actor, "run_batch_jobs")
        query = select(BatchJob).where(JOBS.where(actor, col(BatchJob.county_code)))
        return [describe(j) for j in session.exec(query.order_by(col(BatchJob.id).desc()).limit(50)).all()]


def resume(db: Database, user_id: int, job_id: int) -> None:
    """Let a job stopped by a failure, or left by a runner that died, go on from its chunks not
    done; one running (its runner heard from lately) or done is refused."""
    job = job_detail(db, user_id, job_id)
    if job["status"] == DONE:
        raise Conflict("任务已完成")
    if job["status"] == RUNNING and job_id not in stale_jobs(db):
        raise Conflict("任务正在运行")
    reopen(db, job_id)


def stale_jobs(db: Database) -> list[int]:
    """Jobs queued, or running with no heartbeat for a while: their runner died."""
    cutoff = utcnow() - STALE_AFTER
    with db.reading() as session:
        rows = session.exec(
            select(BatchJob).where(
                or_(
                    col(BatchJob.status) == QUEUED,
                    and_(col(BatchJob.status) == RUNNING, col(BatchJob.heartbeat_at) < cutoff),
                )
            )
        ).all()
        return [j.id for j in rows if j.id is not None]


__all__ = ["TITLES", "create_job", "describe", "job_detail", "job_items", "list_jobs", "resume", "stale_jobs"]
