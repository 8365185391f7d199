"""What the service writes to its log, and what it never writes there.

Every line carries the id of the request it belongs to (``X-Request-ID``: the caller's, or one
drawn here), which the answer carries too, so that a person reporting an error can name it. An
error is logged as its kind and where it was raised, never with its message: a database error's
message quotes the values it failed on (names, ID numbers, the text of a report), and the
engines are built with ``hide_parameters`` so that SQL parameters never reach a message either.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
import uuid
from typing import TextIO

from flask import Flask, g, has_request_context, request
from flask.wrappers import Response

REQUEST_ID_HEADER = "X-Request-ID"
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


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


def _answer_with_id(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = request_id()
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
    """Request ids on every line of the app's log and on every answer."""
    handler = _Stderr()
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(_RequestIdFilter())
    app.logger.handlers[:] = [handler]
    app.logger.propagate = False
    app.logger.setLevel(logging.INFO)
    app.after_request(_answer_with_id)


__all__ = ["REQUEST_ID_HEADER", "install", "log_unhandled", "request_id"]
