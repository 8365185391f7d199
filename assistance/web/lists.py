"""The county's lists to other agencies: make the monthly (医保) and quarterly (残联) lists, push
confirmed patients to 医保, and download what was sent (64号 第二十五条; 65号 第十七条)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from assistance.documents import agency_lists
from assistance.errors import ServiceError
from assistance.http import database, today
from assistance.web.base import bp, login_required, page, require_permission
from assistance.web.forms import Problems, problems_from, unless_about_the_form

FORMS = {
    "edge_medical_monthly": "monthly",
    "edge_disability_quarterly": "quarterly",
}


def lists_page(
    form: str | None = None, values: MultiDict[str, str] | None = None, problems: Problems | None = None,
    status: int = 200,
) -> ResponseReturnValue:  # fmt: skip
    user = require_permission("send_agency_lists")
    on = today()
    defaults = MultiDict(
        {
            "monthly-period": agency_lists.last_complete_month(on),
            "quarterly-period": agency_lists.last_complete_quarter(on),
        }
    )
    if values is not None and form is not None:
        defaults[f"{form}-period"] = values.get("period", "")
    return page(
        "lists.html",
        status,
        documents=agency_lists.list_documents(database(), user.id),
        pending_push=agency_lists.pending_push(database(), user.id),
        values=defaults,
        failed_form=form,
        problems=problems or Problems(),
        none_problems=Problems(),
        titles={k: v.title for k, v in agency_lists.LIST_KINDS.items()},
    )


@bp.get("/lists")
@login_required
def lists() -> ResponseReturnValue:
    return lists_page()


@bp.post("/lists/<any(edge_medical_monthly, edge_disability_quarterly):kind>")
@login_required
def make_list(kind: str) -> ResponseReturnValue:
    user = require_permission("send_agency_lists")
    period = request.form.get("period", "").strip()
    try:
        document, created = agency_lists.issue_periodic(database(), user.id, kind, period, today())
    except ServiceError as exc:
        unless_about_the_form(exc)
        return lists_page(FORMS[kind], MultiDict({"period": period}), problems_from(exc), exc.status)
    if created:
        flash(f"已生成《{document['title']}》{document['number']}（第{document['version']}版）", "success")
    else:
        flash(f"本期名单没有变化，仍为{document['number']}（第{document['version']}版）", "info")
    return redirect(url_for("web.lists", _anchor="issued"))


@bp.post("/lists/illness_push")
@login_required
def push_patients() -> ResponseReturnValue:
    user = require_permission("send_agency_lists")
    try:
        document = agency_lists.push_confirmed_patients(database(), user.id, today())
    except ServiceError as exc:
        unless_about_the_form(exc)
        return lists_page("push", MultiDict(), problems_from(exc), exc.status)
    flash(f"已推送医保部门：《{document['title']}》{document['number']}", "success")
    return redirect(url_for("web.lists", _anchor="issued"))
