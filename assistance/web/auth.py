"""Signing in and out, and applicants registering themselves."""

from __future__ import annotations

import contextlib

from flask import flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from assistance.access import may
from assistance.admin import accounts, signing_in
from assistance.admin.signing_in import SignedIn
from assistance.errors import NotAuthenticated, ServiceError
from assistance.http import SESSION_USER, begin_session, database, end_session, limit_signing_in
from assistance.web import csrf
from assistance.web.base import WebUser, bp, current_user, login_required, page, safe_next
from assistance.web.forms import Problems, problems_from

REGISTER_FIELDS = ("username", "display_name", "password", "phone", "id_number")


def _start_session(signed_in: SignedIn) -> None:
    # A fresh session on sign-in (no fixation), with a fresh form token.
    begin_session(signed_in)
    csrf.rotate()


def home_for(user: WebUser | None) -> str:
    """Staff start at their queue, the administrator at the administration, applicants at their
    applications."""
    if may(user, "work_queue"):
        return url_for("web.queue")
    if may(user, "manage_accounts"):
        return url_for("web.admin_home")
    return url_for("web.cases")


@bp.get("/")
def home() -> ResponseReturnValue:
    user = current_user()
    if user is None:
        return redirect(url_for("web.login"))
    return redirect(home_for(user))


@bp.route("/login", methods=["GET", "POST"])
@limit_signing_in
def login() -> ResponseReturnValue:
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        return page("login.html", values=MultiDict(), problems=Problems(), next=target or "")
    form = request.form
    try:
        signed_in = signing_in.authenticate(
            database(), {"username": form.get("username", "").strip(), "password": form.get("password", "")}
        )
    except ServiceError as exc:
        values = MultiDict({"username": form.get("username", "")})
        problems = problems_from(exc)
        if not exc.errors:
            # An unknown user or a wrong password (the same answer, no account enumeration): said
            # beside the password, which is the input to type again, and linked from the summary.
            problems.add("password", exc.message)
        return page("login.html", exc.status, values=values, problems=problems, next=target or "")
    _start_session(signed_in)
    user = current_user()
    return redirect(target or home_for(user))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Ends every session of the account, a copied cookie included."""
    uid = session.get(SESSION_USER)
    if isinstance(uid, int):
        with contextlib.suppress(NotAuthenticated):  # already ended
            signing_in.sign_out(database(), uid)
    end_session()
    csrf.rotate()
    flash("您已退出登录。", "success")
    return redirect(url_for("web.login"))


@bp.route("/register", methods=["GET", "POST"])
@limit_signing_in
def register() -> ResponseReturnValue:
    if request.method == "GET":
        return page("register.html", values=MultiDict(), problems=Problems())
    form = request.form
    payload = {name: form.get(name, "").strip() for name in REGISTER_FIELDS}
    payload["password"] = form.get("password", "")
    problems = Problems()
    if form.get("password") != form.get("password_again"):
        problems.add("password_again", "两次输入的密码不一致")
        problems.message = "提交的数据有误"
    else:
        try:
            signed_in = accounts.register(database(), {k: v for k, v in payload.items() if v})
        except ServiceError as exc:
            problems = problems_from(exc)
            if not exc.errors and exc.status == 409:
                problems.add("username", exc.message)
        else:
            _start_session(signed_in)
            flash("注册成功，欢迎使用。您可以提出申请了。", "success")
            return redirect(url_for("web.cases"))
    values = MultiDict({k: v for k, v in payload.items() if k != "password"})
    return page("register.html", 422, values=values, problems=problems)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    if request.method == "GET":
        return page("password.html", values=MultiDict(), problems=Problems())
    user = current_user()
    assert user is not None
    fields = {k: request.form.get(k, "") for k in ("current_password", "new_password")}
    try:
        _start_session(signing_in.change_password(database(), user.id, fields))
    except ServiceError as exc:
        return page("password.html", exc.status, values=MultiDict(), problems=problems_from(exc))
    flash("密码已修改，其他设备上的登录已失效。", "success")
    return redirect(home_for(user))
