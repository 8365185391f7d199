"""Sign in and out, register as an applicant, and say who is signed in."""

from __future__ import annotations

import contextlib
from typing import Any

from flask import session
from flask_smorest import Blueprint

from assistance.admin import accounts, signing_in
from assistance.errors import NotAuthenticated
from assistance.http import (
    SESSION_USER,
    begin_session,
    database,
    end_session,
    json_body,
    limit_signing_in,
    user_id,
)

blp = Blueprint("auth", __name__, url_prefix="/auth", description="登录与注册")


@blp.route("/login", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": signing_in.LoginSchema}}})
@limit_signing_in
def login() -> dict[str, Any]:
    """登录（会话 Cookie）；连续5次密码错误，账号锁定15分钟"""
    signed_in = signing_in.authenticate(database(), json_body())
    begin_session(signed_in)
    return accounts.user_view(database(), signed_in.user_id)


@blp.route("/logout", methods=["POST"])
def logout() -> tuple[str, int]:
    """退出登录：结束该账号的所有会话"""
    if SESSION_USER in session:
        with contextlib.suppress(NotAuthenticated):  # already ended: nothing more to end
            signing_in.sign_out(database(), user_id())
    end_session()
    return "", 204


@blp.route("/password", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": signing_in.PasswordChangeSchema}}})
def change_password() -> tuple[str, int]:
    """修改密码：其他会话随即结束，本会话继续"""
    begin_session(signing_in.change_password(database(), user_id(), json_body()))
    return "", 204


@blp.route("/me", methods=["GET"])
def me() -> dict[str, Any]:
    """当前登录用户"""
    return accounts.user_view(database(), user_id())


@blp.route("/register", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": accounts.RegisterSchema}}})
@limit_signing_in
def register() -> tuple[dict[str, Any], int]:
    """申请人注册并登录"""
    signed_in = accounts.register(database(), json_body())
    begin_session(signed_in)
    return accounts.user_view(database(), signed_in.user_id), 201
