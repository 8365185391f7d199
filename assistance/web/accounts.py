"""Account administration pages: the list of accounts with a form for a new staff account, and
each account's page to edit it, deactivate or reactivate it, and reset its password."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from assistance import security_log
from assistance.access import role_holds
from assistance.admin import account_admin, accounts
from assistance.errors import ServiceError
from assistance.http import database
from assistance.reference import areas
from assistance.web import labels
from assistance.web.base import bp, login_required, page, require_permission
from assistance.web.forms import Problems, problems_from

USER_FIELDS = ("username", "display_name", "role", "area", "phone", "id_number")
EDIT_FIELDS = ("display_name", "phone", "role", "area")


def _choices() -> dict[str, Any]:
    all_areas = areas.list_areas(database())
    return {
        "areas": {a["code"]: a for a in all_areas},
        "area_choices": [
            (a["code"], f"{labels.name(labels.LEVELS, a['level'])} {a['name']}（{a['code']}）")
            for a in all_areas
        ],
        "roles": [(k, v) for k, v in labels.ROLE_NAMES.items() if k != "applicant"],
    }


def _users_page(values: MultiDict[str, str], problems: Problems, status: int = 200) -> ResponseReturnValue:
    user = require_permission("manage_accounts")
    return page(
        "admin/users.html",
        status,
        users=accounts.list_users(database(), user.id),
        values=values,
        problems=problems,
        **_choices(),
    )


@bp.route("/admin/users", methods=["GET", "POST"])
@login_required
def admin_users() -> ResponseReturnValue:
    user = require_permission("manage_accounts")
    if request.method == "GET":
        return _users_page(MultiDict(), Problems())
    payload = {k: request.form.get(k, "").strip() for k in USER_FIELDS}
    payload["password"] = request.form.get("password", "")
    values = MultiDict({k: v for k, v in payload.items() if k != "password"})
    try:
        accounts.create_user(database(), user.id, {k: v for k, v in payload.items() if v})
    except ServiceError as exc:
        problems = problems_from(exc)
        if not exc.errors:
            problems.add("username", exc.message)
        return _users_page(values, problems, exc.status)
    flash(
        f"已新增账号：{payload['username']}（{labels.name(labels.ROLE_NAMES, payload['role'])}）", "success"
    )
    return redirect(url_for("web.admin_users"))


def _account_page(
    account_id: int,
    values: MultiDict[str, str] | None = None,
    problems: Problems | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    user = require_permission("manage_accounts")
    found = account_admin.account(database(), user.id, account_id)
    history = security_log.about(database(), user.id, "user", account_id)
    current = MultiDict({k: str(found.get(k) or "") for k in EDIT_FIELDS})
    return page(
        "admin/user.html",
        status,
        account=found,
        own=found["id"] == user.id,
        # An applicant's account is bound to its ID number: only name and phone may change.
        bound=role_holds(found["role"], "bound_to_registered_id_number"),
        history=history,
        values=values if values is not None else current,
        problems=problems or Problems(),
        **_choices(),
    )


@bp.route("/admin/users/<int:account_id>", methods=["GET", "POST"])
@login_required
def admin_user(account_id: int) -> ResponseReturnValue:
    user = require_permission("manage_accounts")
    if request.method == "GET":
        return _account_page(account_id)
    payload = {k: request.form.get(k, "").strip() for k in EDIT_FIELDS}
    if payload["role"] == "admin":
        payload["area"] = ""
    try:
        account_admin.edit_user(
            database(), user.id, account_id, {k: v for k, v in payload.items() if v or k == "phone"}
        )
    except ServiceError as exc:
        return _account_page(account_id, MultiDict(payload), problems_from(exc), exc.status)
    flash("账号已修改。", "success")
    return redirect(url_for("web.admin_user", account_id=account_id))


@bp.post("/admin/users/<int:account_id>/active")
@login_required
def admin_user_active(account_id: int) -> ResponseReturnValue:
    user = require_permission("manage_accounts")
    active = request.form.get("active") == "1"
    try:
        found = account_admin.set_active(database(), user.id, account_id, active)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        state = "已重新启用" if active else "已停用，其所有登录随即失效"
        flash(f"账号 {found['username']} {state}。", "success")
    return redirect(url_for("web.admin_user", account_id=account_id))


@bp.post("/admin/users/<int:account_id>/password")
@login_required
def admin_user_password(account_id: int) -> ResponseReturnValue:
    user = require_permission("manage_accounts")
    try:
        reset = account_admin.reset_password(database(), user.id, account_id, {})
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("web.admin_user", account_id=account_id))
    # Shown this once, on the page the administrator reads it from; kept nowhere in the clear.
    return (
        _account_page(account_id)
        if reset["temporary_password"] is None
        else page("admin/password_reset.html", account=reset["user"], temporary=reset["temporary_password"])
    )
