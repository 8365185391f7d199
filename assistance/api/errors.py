"""Errors as JSON with Chinese messages: ``{"message", "errors": [{"field", "message"}]}``."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from assistance.errors import ServiceError
from assistance.logs import log_unhandled, request_id

HTTP_MESSAGES = {
    400: "请求有误",
    401: "请先登录",
    403: "没有权限",
    404: "没有找到",
    405: "不支持此请求方法",
    409: "与当前状态冲突",
    410: "已删除",
    413: "请求体过大",
    415: "不支持的内容类型",
    422: "提交的数据有误",
    429: "请求过于频繁",
    500: "服务器内部错误",
}


def register(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError) -> tuple[dict[str, Any], int]:
        return exc.to_dict(), exc.status

    @app.errorhandler(IntegrityError)
    def integrity_error(exc: IntegrityError) -> tuple[dict[str, Any], int]:
        # Two requests racing for the same unique value (a retried filing, a username): the
        # loser's transaction was rolled back whole. Not its message: it quotes the value.
        app.logger.warning("integrity conflict: %s", type(exc.orig).__name__)
        return {"message": "数据与同时提交的另一请求冲突，请刷新后重试", "errors": []}, 409

    @app.errorhandler(OperationalError)
    def operational_error(exc: OperationalError) -> tuple[dict[str, Any], int]:
        if "locked" in str(exc.orig).lower():
            return {"message": "案件正由他人办理，请稍后重试", "errors": []}, 409
        app.logger.error("database unavailable: %s", type(exc.orig).__name__)
        return {"message": "数据库暂时不可用，请稍后重试", "errors": []}, 503

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        # Instead of Flask's own log of the error, which would print its message.
        log_unhandled(app.logger, exc)
        if not request.path.startswith("/api/"):
            html_error = app.extensions.get("assistance_html_error")
            if html_error:
                return html_error(InternalServerError())
        return {"message": HTTP_MESSAGES[500], "errors": [], "request_id": request_id()}, 500

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        if not request.path.startswith("/api/"):
            # The web pages (assistance/web) answer with a Chinese page of their own.
            html_error = app.extensions.get("assistance_html_error")
            return html_error(exc) if html_error else exc
        code = exc.code or 500
        errors: list[dict[str, str]] = []
        messages = getattr(exc, "data", {}).get("messages") if hasattr(exc, "data") else None
        if isinstance(messages, dict):
            from assistance.validation import problems_of

            for location in messages.values():
                errors.extend({"field": f, "message": m} for f, m in problems_of(location))
        return {"message": HTTP_MESSAGES.get(code, exc.name), "errors": errors}, code
