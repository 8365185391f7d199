"""CSRF protection for the web forms: one random token per session, in every POST form.

The session cookie is sent with any request to this site, so a form on another site could post to
it in the user's name. Each session holds a random token; every page's forms carry it in a hidden
field, and a POST (or PUT, PATCH, DELETE) to the web pages without the same token is refused with
400 before the view runs. The session cookie is signed, so another site can neither read nor set
the token. The REST API takes JSON, which a cross-site form cannot send without a CORS preflight.
"""

from __future__ import annotations

import hmac
import secrets

from flask import request, session
from werkzeug.exceptions import BadRequest

SESSION_KEY = "csrf_token"
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CSRFError(BadRequest):
    description = "表单已过期或来源不明（缺少有效的防伪令牌）。请返回上一页，刷新后重新提交。"


def token() -> str:
    """This session's token, created on first use."""
    value = session.get(SESSION_KEY)
    if not isinstance(value, str) or not value:
        value = secrets.token_urlsafe(32)
        session[SESSION_KEY] = value
    return value


def rotate() -> str:
    """A new token, after the session changes hands (sign-in, sign-out)."""
    session.pop(SESSION_KEY, None)
    return token()


def protect() -> None:
    """Refuse an unsafe request whose token is missing or not this session's."""
    if request.method not in UNSAFE_METHODS:
        return
    expected = session.get(SESSION_KEY)
    sent = request.form.get(FIELD) or request.headers.get(HEADER) or ""
    # Bytes: compare_digest refuses non-ASCII text, and a forged token may be anything.
    if (
        not isinstance(expected, str)
        or not expected
        or not hmac.compare_digest(sent.encode(), expected.encode())
    ):
        raise CSRFError()
