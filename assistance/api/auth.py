"""Sign in and out, register as an applicant, and say who is signed in."""

from __future__ import annotations

from typing import Any

from flask import session
from flask_smorest import Blueprint

from assistance.admin import accounts
from assistance.http import SESSION_USER, database, json_body, user_id

blp = Blueprint("auth", __name__, url_prefix="/auth", description="登录与注册")


@blp.route("/login", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": accounts.LoginSchema}}})
def login() -> dict[str, Any]:
    """登录（会话 Cookie）"""
    uid = accounts.authenticate(database(), json_body())
    session.clear()  # a fresh session on sign-in: no fixation
    session[SESSION_USER] = uid
    session.permanent = True
    return accounts.user_view(database(), uid)


@blp.route("/logout", methods=["POST"])
def logout() -> tuple[str, int]:
    """退出登录"""
    session.clear()
    return "", 204


@blp.route("/me", methods=["GET"])
def me() -> dict[str, Any]:
    """当前登录用户"""
    return accounts.user_view(database(), user_id())


@blp.route("/register", methods=["POST"])
@blp.doc(requestBody={"content": {"application/json": {"schema": accounts.RegisterSchema}}})
def register() -> tuple[dict[str, Any], int]:
    """申请人注册并登录"""
    uid = accounts.register(database(), json_body())
    session.clear()
    session[SESSION_USER] = uid
    session.permanent = True
    return accounts.user_view(database(), uid), 201
