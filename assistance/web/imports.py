"""The 乡村振兴 bureau's monitoring households: the county uploads the month's list, the township
sees those waiting and files each for direct recognition (64号 第十五条、第二十五条)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from assistance.access import may
from assistance.errors import InvalidInput, ServiceError
from assistance.http import database, today
from assistance.intake import imports
from assistance.web.base import bp, login_required, page, require_permission
from assistance.web.forms import Problems, problems_from, unless_about_the_form


def _page(
    result: dict[str, Any] | None = None, problems: Problems | None = None, status: int = 200
) -> ResponseReturnValue:
    user = require_permission("see_referral_page")
    wanted = request.args.get("status", "pending")
    if wanted not in ("pending", "filed", "dismissed", "all"):
        wanted = "pending"
    referrals = (
        imports.list_referrals(database(), user.id, None if wanted == "all" else wanted)
        if may(user, "read_referrals")
        else []
    )
    return page(
        "referrals.html",
        status,
        referrals=referrals,
        wanted=wanted,
        result=result,
        problems=problems or Problems(),
        may_upload=may(user, "import_agency_lists"),
    )


@bp.get("/referrals")
@login_required
def referrals() -> ResponseReturnValue:
    return _page()


@bp.post("/referrals/import")
@login_required
def import_referrals() -> ResponseReturnValue:
    user = require_permission("import_agency_lists")
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise InvalidInput.field("file", "请选择 .csv 或 .xlsx 文件")
        kind = request.form.get("kind", imports.KIND)
        if kind not in imports.SOURCES:
            raise InvalidInput.field("kind", "请选择名单类别")
        result = imports.import_list(
            database(), user.id, kind, upload.filename, upload.read(imports.MAX_BYTES + 1), today()
        )
    except ServiceError as exc:
        unless_about_the_form(exc)
        problems = problems_from(exc, lambda field: field if field in ("file", "kind") else None)
        return _page(None, problems, exc.status)
    return _page(result)


@bp.post("/referrals/<int:referral_id>/dismiss")
@login_required
def dismiss_referral(referral_id: int) -> ResponseReturnValue:
    user = require_permission("dismiss_referrals")
    try:
        imports.dismiss(database(), user.id, referral_id, request.form.get("reason", ""), today())
    except ServiceError as exc:
        unless_about_the_form(exc)
        flash(f"未能办理：{exc.message}；{'；'.join(e.message for e in exc.errors)}", "error")
        return redirect(url_for("web.referrals"))
    flash("已记录核查情况，不予登记申请", "success")
    return redirect(url_for("web.referrals"))
