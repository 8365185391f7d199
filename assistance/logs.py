"""What the service writes to its log, and what it never writes there.

Lines are JSON objects, one a line (``ASSISTANCE_LOG_FORMAT=text`` for a person at a terminal):
``time`` (Beijing time, with its offset), ``level``, ``logger``, ``message``, ``request_id``, and
for the access log (logger ``assistance.access``, one line per request) ``method``, ``route``,
``path`` (never the query string, which may carry a searched name or ID number), ``status``,
``duration_ms``, ``user_id`` and ``address``. The security log is not here: it is a table
(``security_log``).

Every line carries the id of the request it belongs to (``X-Request-ID``: the caller's, or one
drawn here), which the answer carries too, so that a person reporting an error can name it. An
error is logged as its kind and where it was raised, never with its message: a database error's
message quotes the values it failed on (names, ID numbers, the text of a report), and the
engines are built with ``hide_parameters`` so that SQL parameters never reach a message either.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
import traceback
import uuid
from datetime import datetime
from typing import Any, TextIO

from flask import Flask, g, has_request_context, request, session
from flask.wrappers import Response
from pythonjsonlogger.json import JsonFormatter

from assistance.clock import CHINA
from assistance.http import SESSION_USER

REQUEST_ID_HEADER = "X-Request-ID"
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
FORMAT_VARIABLE = "ASSISTANCE_LOG_FORMAT"
ACCESS = logging.getLogger("assistance.access")
# Every module's logger is a child of it: one handler, one format.
_SERVICE = logging.getLogger("assistance")


def request_id() -> str:
    """This request's id; "-" outside a request."""
    if not has_request_context():
        return "-"
    if "request_id" not in g:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = offered if _ACCEPTED_ID.match(offered) else uuid.uuid4().hex
    return str(g.request_id)


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Standard error as it is when a line is written, not as it was when the app was made."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


class _Json(JsonFormatter):
    def __init__(self) -> None:
        super().__init__(
            "%(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"levelname": "level", "name": "logger"},
            json_ensure_ascii=False,
        )

    def add_fields(
        self, log_record: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        log_record["time"] = datetime.fromtimestamp(record.created, CHINA).isoformat(timespec="milliseconds")
        super().add_fields(log_record, record, message_dict)


def _formatter() -> logging.Formatter:
    return logging.Formatter(_FORMAT) if os.environ.get(FORMAT_VARIABLE, "json") == "text" else _Json()


def _start_clock() -> None:
    g.started = time.perf_counter()


def _answer_with_id(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = request_id()
    started = g.get("started")
    user = session.get(SESSION_USER)
    ACCESS.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "route": request.url_rule.rule if request.url_rule is not None else "",
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "user_id": user if isinstance(user, int) else None,
            "address": request.remote_addr or "",
        },
    )
    return response


def log_unhandled(logger: logging.Logger, exc: BaseException) -> None:
    """An error no handler expected: its kind, the request and where it was raised, without its
    message (which may quote personal data)."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if "/assistance/" in f.filename] or frames
    where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(own[-4:]))
    method, path = (request.method, request.path) if has_request_context() else ("-", "-")
    logger.error("unhandled %s on %s %s at %s", type(exc).__name__, method, path, where)


def install(app: Flask) -> None:
    """Request ids on every line of the service's log and on every answer; an access line for
    every request."""
    handler = _Stderr()
    handler.setFormatter(_formatter())
    handler.addFilter(_RequestIdFilter())
    _SERVICE.handlers[:] = [handler]
    _SERVICE.propagate = False
    _SERVICE.setLevel(logging.INFO)
    app.logger.handlers[:] = []  # "assistance.app": its lines go up to the service's handler
    app.logger.propagate = True
    app.before_request(_start_clock)
    app.after_request(_answer_with_id)


__all__ = ["REQUEST_ID_HEADER", "install", "log_unhandled", "request_id"]
