"""Errors on the web pages: a Chinese page with the status, never the API's JSON.

Inside the pages' views, a service refusal that no form catches becomes a page: 401 sends to the
sign-in page, 404 (also for another area's case, so its existence does not leak) and 403 say so,
409 asks to reload. Outside any view (a mistyped address) the API's error handler asks this
module for the page through ``app.extensions["assistance_html_error"]``.
"""

from __future__ import annotations

from flask import Flask, Response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from assistance.errors import NotAuthenticated, ServiceError
from assistance.web.base import SECURITY_HEADERS, bp, next_target

TITLES = {
    400: "请求有误",
    403: "没有权限",
    404: "没有找到",
    405: "不支持此操作",
    409: "与当前状态冲突",
    413: "文件过大",
    422: "提交的数据有误",
    429: "请求过于频繁",
    500: "服务器内部错误",
    503: "服务暂时不可用",
}
MESSAGES = {
    404: "您要找的页面或案件不存在，或不在您的管辖范围内。",
    403: "您的角色不能进行此项操作或查看此页面。",
    405: "此页面不支持这种请求方式。",
    413: "上传的文件超过了12MB的限制。",
    429: "短时间内请求次数过多，请稍后再试。",
    500: "服务器出了问题，已记录。请稍后重试。",
}


def error_page(status: int, message: str = "") -> Response:
    body = render_template(
        "web/error.html",
        status=status,
        title=TITLES.get(status, "出错了"),
        message=message or MESSAGES.get(status, ""),
    )
    response = Response(body, status=status, mimetype="text/html")
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    # werkzeug's descriptions are English; ours (CSRFError) are Chinese.
    own = exc.description if exc.description and not exc.description.isascii() else ""
    return error_page(status, own)


@bp.errorhandler(HTTPException)
def _http(exc: HTTPException) -> ResponseReturnValue:
    return http_error(exc)


@bp.errorhandler(ServiceError)
def _service(exc: ServiceError) -> ResponseReturnValue:
    if isinstance(exc, NotAuthenticated):
        return redirect(url_for("web.login", next=next_target()))
    status = exc.status if exc.status in TITLES else 400
    if status == 404:
        return error_page(404)
    details = "；".join(p.message for p in exc.errors)
    return error_page(status, exc.message + (f"（{details}）" if details else ""))


@bp.errorhandler(IntegrityError)
def _integrity(exc: IntegrityError) -> ResponseReturnValue:
    return error_page(409, "数据与同时提交的另一请求冲突，请刷新后重试。")


@bp.errorhandler(OperationalError)
def _operational(exc: OperationalError) -> ResponseReturnValue:
    if "locked" in str(exc.orig).lower():
        return error_page(409, "案件正由他人办理，请稍后重试。")
    return error_page(503, "数据库暂时不可用，请稍后重试。")


def register(app: Flask) -> None:
    def html_error(exc: HTTPException) -> Response:
        return http_error(exc)

    # Errors outside the blueprint's views (a mistyped address) land in the API's handler, which
    # hands non-API paths to this one.
    app.extensions["assistance_html_error"] = html_error
