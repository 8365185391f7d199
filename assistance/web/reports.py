"""Reports and complaints (64号 第三十条, 65号 第二十三条): the list of the user's area, a form to
record one, and each report's page with the next step's form (assign, verify, answer)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import col, select
from werkzeug.datastructures import MultiDict

from assistance.access.permissions import holders
from assistance.errors import ServiceError
from assistance.http import database, today
from assistance.intake import reports
from assistance.models import Area, User
from assistance.web.base import bp, login_required, page, require_permission
from assistance.web.forms import Problems, problems_from, unless_about_the_form

YES_NO = {"yes": True, "no": False}


def _form_data(form: MultiDict[str, str]) -> dict[str, Any]:
    """The form as the service takes it: yes/no as booleans, a case id as a number."""
    data: dict[str, Any] = {k: v for k, v in form.items() if k != "csrf_token"}
    for name in ("real_name", "substantiated"):
        if name in data:
            data[name] = YES_NO.get(data[name], data[name])
    raw_case = data.get("case_id", "")
    data["case_id"] = int(raw_case) if str(raw_case).isdigit() else (raw_case or None)
    return data


def _assignees(county_code: str) -> list[tuple[str, str]]:
    with database().reading() as session:
        areas = {a.id: a for a in session.exec(select(Area).where(Area.county_code == county_code)).all()}
        checkers = col(User.role).in_(holders("check_reports"))
        users = session.exec(select(User).where(checkers, col(User.area_id).in_(list(areas)))).all()
        return [
            (u.username, f"{u.display_name}（{areas[u.area_id].name}）") for u in users if u.area_id in areas
        ]


def _list_page(
    values: MultiDict[str, str] | None = None, problems: Problems | None = None, status: int = 200
) -> ResponseReturnValue:
    user = require_permission("handle_reports")
    wanted = request.args.get("status") or None
    return page(
        "reports.html",
        status,
        items=reports.list_reports(database(), user.id, wanted if wanted in reports.STATUS_NAMES else None),
        statuses=reports.STATUS_NAMES,
        wanted=wanted,
        values=values or MultiDict({"channel": "hotline", "real_name": "yes"}),
        problems=problems or Problems(),
        channels=list(reports.CHANNELS.items()),
    )


@bp.get("/reports")
@login_required
def reports_list() -> ResponseReturnValue:
    return _list_page()


@bp.post("/reports/new")
@login_required
def report_new() -> ResponseReturnValue:
    user = require_permission("handle_reports")
    form = MultiDict(request.form)
    try:
        created = reports.record_report(database(), user.id, _form_data(form), today())
    except ServiceError as exc:
        unless_about_the_form(exc)
        return _list_page(form, problems_from(exc), exc.status)
    flash(f"已登记举报 #{created['id']}：{created['subject']}", "success")
    return redirect(url_for("web.report_page", report_id=created["id"]))


def _report_page(
    report_id: int, step: str | None = None, values: MultiDict[str, str] | None = None,
    problems: Problems | None = None, status: int = 200,
) -> ResponseReturnValue:  # fmt: skip
    user = require_permission("handle_reports")
    report = reports.report_detail(database(), user.id, report_id)
    return page(
        "report.html",
        status,
        report=report,
        step=step,
        values=values or MultiDict(),
        problems=problems or Problems(),
        none_problems=Problems(),
        assignees=_assignees(report["county_code"]),
        methods=list(reports.ANSWER_METHODS.items()),
        channels=reports.CHANNELS,
    )


@bp.get("/reports/<int:report_id>")
@login_required
def report_page(report_id: int) -> ResponseReturnValue:
    return _report_page(report_id)


STEPS = {"assign": reports.assign, "verify": reports.verify, "answer": reports.answer}
DONE = {"assign": "已分派核查", "verify": "已记录核查结果", "answer": "已反馈举报人"}


@bp.post("/reports/<int:report_id>/<any(assign, verify, answer):step>")
@login_required
def report_step(report_id: int, step: str) -> ResponseReturnValue:
    user = require_permission("handle_reports")
    form = MultiDict(request.form)
    try:
        STEPS[step](database(), user.id, report_id, _form_data(form), today())
    except ServiceError as exc:
        unless_about_the_form(exc)
        return _report_page(report_id, step, form, problems_from(exc), exc.status)
    flash(DONE[step], "success")
    return redirect(url_for("web.report_page", report_id=report_id))
