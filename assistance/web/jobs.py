"""Batch jobs for county staff: start a recheck review or a policy what-if, watch its progress
(the page reloads itself while the job runs; no script needed), read its result."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from assistance.batch import jobs
from assistance.errors import ServiceError
from assistance.http import database, defer, today
from assistance.queue.failures import recent_failures
from assistance.schedules import running as schedules
from assistance.web.base import bp, login_required, page, require_permission
from assistance.web.forms import Problems, problems_from, unless_about_the_form


def _jobs_page(form: str | None = None, values: MultiDict[str, str] | None = None,
               problems: Problems | None = None, status: int = 200) -> ResponseReturnValue:  # fmt: skip
    user = require_permission("run_batch_jobs")
    return page(
        "jobs.html",
        status,
        items=jobs.list_jobs(database(), user.id),
        failures=recent_failures(database(), user.id),
        failed_form=form,
        values=values or MultiDict({"on": today().isoformat()}),
        problems=problems or Problems(),
        none_problems=Problems(),
    )


@bp.get("/jobs")
@login_required
def jobs_list() -> ResponseReturnValue:
    return _jobs_page()


@bp.post("/jobs/<any(recheck_review, what_if):kind>")
@login_required
def job_start(kind: str) -> ResponseReturnValue:
    user = require_permission("run_batch_jobs")
    form = MultiDict(request.form)
    params: dict[str, Any] = {}
    if kind == "recheck_review":
        params["on"] = form.get("on", "")
    else:
        params["overrides"] = {
            key: form.get(name, "").strip()
            for key, name in (("dibao_standard.urban", "urban"), ("dibao_standard.rural", "rural"))
            if form.get(name, "").strip()
        }
    try:
        job_id = jobs.create_job(database(), user.id, {"kind": kind, "params": params}, today())
    except ServiceError as exc:
        unless_about_the_form(exc)
        names = {"params.on": "on", "params.overrides.dibao_standard.urban": "urban",
                 "params.overrides.dibao_standard.rural": "rural", "params.overrides": "urban"}  # fmt: skip
        return _jobs_page(kind, form, problems_from(exc, lambda f: names.get(f)), exc.status)
    defer("plan_batch_job", job_id=job_id)
    return redirect(url_for("web.job_page", job_id=job_id))


@bp.get("/jobs/<int:job_id>")
@login_required
def job_page(job_id: int) -> ResponseReturnValue:
    user = require_permission("run_batch_jobs")
    job = jobs.job_detail(database(), user.id, job_id)
    stale = job["status"] == "running" and job_id in jobs.stale_jobs(database())
    html, status = page("job.html", job=job, stale=stale)
    # While the job runs the page reloads itself (a Refresh header: no script needed).
    return (html, status, {"Refresh": "2"}) if job["status"] in ("queued", "running") else (html, status)


@bp.post("/jobs/<int:job_id>/resume")
@login_required
def job_resume(job_id: int) -> ResponseReturnValue:
    user = require_permission("run_batch_jobs")
    jobs.resume(database(), user.id, job_id)
    defer("plan_batch_job", job_id=job_id)
    return redirect(url_for("web.job_page", job_id=job_id))


@bp.get("/admin/schedules")
@login_required
def admin_schedules() -> ResponseReturnValue:
    user = require_permission("manage_schedules")
    return page("admin/schedules.html", schedules=schedules.overview(database(), user.id, today()))


@bp.post("/admin/schedules/<county>/<code>")
@login_required
def admin_schedule_switch(county: str, code: str) -> ResponseReturnValue:
    user = require_permission("manage_schedules")
    switched = schedules.switch(database(), user.id, county, code, request.form.get("enabled") == "1")
    flash(f"已{'开启' if switched['enabled'] else '关闭'}该县的这项定时任务。", "success")
    return redirect(url_for("web.admin_schedules"))
