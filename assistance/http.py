"""What every API handler and page shares: the database, the signed-in user, today's date, JSON
bodies, paging, file downloads and handing tasks to the job queue. ``api/`` and ``web/`` both
import it; neither imports the other."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, cast
from urllib.parse import quote, urlsplit

from flask import Response, current_app, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from assistance import security_log, storable
from assistance.access.actors import SIGNED_IN_EPOCH
from assistance.admin.signing_in import SignedIn
from assistance.clock import china_today
from assistance.db import Database
from assistance.documents.issued import DocumentFile
from assistance.errors import (
    FieldProblem,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    PasswordChangeRequired,
    UnsupportedMediaType,
)

SESSION_USER = "user_id"
SESSION_EPOCH = "epoch"  # the account's session epoch at sign-in (access.actors)
SESSION_MUST_CHANGE = "must_change_password"  # signed in with a password an administrator reset
# What a user whose password was reset may still do: change it, sign out, say who is signed in.
_WHILE_PASSWORD_RESET = frozenset(
    {
        "auth.change_password",
        "auth.logout",
        "auth.me",
        "web.change_password",
        "web.logout",
        "static",
        "web.static",
    }
)
F = TypeVar("F", bound=Callable[..., Any])


def database() -> Database:
    return cast(Database, current_app.extensions["assistance_db"])


def today() -> date:
    """The date in China; tests and demos pin it with the TODAY setting."""
    pinned = current_app.config.get("TODAY")
    if callable(pinned):
        return cast(date, pinned())
    if isinstance(pinned, date):
        return pinned
    return china_today()


def remember_request() -> None:
    """What the services need to know of the request: its remote address (for the security log)
    and the session epoch it was signed in at (a session without one predates epochs: ended)."""
    security_log.ADDRESS.set(request.remote_addr or "")
    SIGNED_IN_EPOCH.set(session.get(SESSION_EPOCH, -1) if SESSION_USER in session else None)


# Signing in and registering, limited per remote address (``SIGN_IN_RATE_LIMIT``); the account's
# own count of failures is in the database (``admin.signing_in``). The counts are kept where
# ``RATELIMIT_STORAGE_URI`` says: memory by default, one worker's own; redis:// shares them.
limiter = Limiter(get_remote_address)


def sign_in_limit() -> str:
    return str(current_app.config["SIGN_IN_RATE_LIMIT"])


limit_signing_in = limiter.limit(sign_in_limit, methods=["POST"])
# 扫码验真 is public: enough for anyone checking papers, too few to walk through codes.
limit_verifying = limiter.limit("60 per minute;600 per hour")


def begin_session(signed_in: SignedIn) -> None:
    """A fresh session on sign-in (no fixation), carrying the account's epoch."""
    session.clear()
    session[SESSION_USER] = signed_in.user_id
    session[SESSION_EPOCH] = signed_in.epoch
    if signed_in.must_change_password:
        session[SESSION_MUST_CHANGE] = True
    session.permanent = True
    SIGNED_IN_EPOCH.set(signed_in.epoch)


def refuse_until_password_changed() -> ResponseReturnValue | None:
    """Before every request: one signed in with a password an administrator reset (and so told to
    someone else) may do nothing but change it. A page leads to the form; the API says so."""
    if not session.get(SESSION_MUST_CHANGE) or request.endpoint in _WHILE_PASSWORD_RESET:
        return None
    if request.path.startswith("/api/"):
        raise PasswordChangeRequired(
            "管理员重置了您的密码，请先修改密码",
            [FieldProblem("password", "请先通过 POST /api/v1/auth/password 修改密码")],
        )
    return redirect(url_for("web.change_password"))


def end_session() -> None:
    session.clear()
    SIGNED_IN_EPOCH.set(None)


def user_id() -> int:
    found = session.get(SESSION_USER)
    if not isinstance(found, int):
        raise NotAuthenticated("请先登录")
    return found


def json_body() -> Any:
    """The request's JSON with numbers as Decimal (money must survive to the fen), no deeper than
    any body the service takes and with no text a database cannot store (``storable``). That the
    request is JSON at all, ``guard_api_request`` saw to before the view ran."""
    raw = request.get_data(as_text=True)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise InvalidInput.field("(根)", f"请求体不是有效的 JSON：第{exc.lineno}行第{exc.colno}列") from exc
    except RecursionError:
        raise InvalidInput.field("(根)", f"JSON 嵌套不能超过{storable.DEEPEST}层") from None
    storable.check_json(data)
    return data


def takes_upload(view: F) -> F:
    """Mark an API view that takes a file as multipart/form-data (``guard_api_request``)."""
    view.takes_upload = True  # type: ignore[attr-defined]
    return view


def guard_api_request() -> None:
    """Before every API request that changes something: a cross-site one is refused. A browser
    says where a request comes from (``Origin``) and may post a form from another site without
    asking anyone; it may not send JSON across sites without the service's consent (CORS, which
    the service never gives). So a change is taken only as JSON, or as a file upload to a view
    made for one, and from this site when the browser says where from."""
    if not request.path.startswith("/api/") or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc != request.host:
        raise Forbidden("拒绝来自其他网站的请求")
    if request.mimetype == "application/json":
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if request.mimetype == "multipart/form-data" and getattr(view, "takes_upload", False):
        return
    raise UnsupportedMediaType(
        "请求体应为 JSON（Content-Type: application/json）",
        [FieldProblem("Content-Type", "应为 application/json")],
    )


def no_store(response: Response) -> Response:
    """API answers carry personal data: no cache along the way keeps them."""
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def refuse_unstorable_text() -> None:
    """Before every request: a query string, form field or file name with text a database
    cannot store is refused with its name, not passed on to fail in the database."""
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            field = str(name or "(无名字段)")
            storable.check_text(field, field)
            storable.check_text(str(value or ""), field)
    for name, upload in request.files.items(multi=True):
        storable.check_text(upload.filename or "", str(name or "file"))


def search_arguments() -> dict[str, Any]:
    """``q`` (a search) and ``overdue`` (1: past-due only) of a listing, from the query string."""
    overdue = request.args.get("overdue", "").strip().lower()
    if overdue not in ("", "0", "1", "true", "false"):
        raise InvalidInput.field("overdue", "应为 1 或 0")
    return {"q": request.args.get("q") or None, "overdue": overdue in ("1", "true")}


def expected_version() -> int | None:
    """``If-Match: "7"``: act only if the case is still at the version the caller saw."""
    header = request.headers.get("If-Match", "").strip().strip('W/"').strip('"')
    if not header:
        return None
    if not header.isdigit():
        raise InvalidInput.field("If-Match", "应为案件版本号")
    return int(header)


DEFAULT_PAGE = 50
LARGEST_PAGE = 200
# The databases count rows in 32-bit integers; an offset past them finds nothing anyway.
LARGEST_OFFSET = 2**31 - 1


def paging() -> tuple[int, int]:
    """``limit`` (1–200, default 50) and ``offset`` (from 0) of a listing, from the query string."""
    values = {}
    for name, default, least in (("limit", DEFAULT_PAGE, 1), ("offset", 0, 0)):
        raw = request.args.get(name, str(default))
        try:
            values[name] = int(raw)
        except ValueError:
            raise InvalidInput.field(name, "应为整数") from None
        if values[name] < least:
            raise InvalidInput.field(name, f"应不小于{least}")
        if values[name] > LARGEST_OFFSET:
            raise InvalidInput.field(name, f"应不大于{LARGEST_OFFSET}")
    return min(values["limit"], LARGEST_PAGE), values["offset"]


def file_response(found: DocumentFile, *, inline: bool = False) -> Response:
    response = Response(found.content, mimetype=found.media_type)
    disposition = "inline" if inline else "attachment"
    # RFC 6266: the Chinese number in filename*, an ASCII fallback in filename.
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=document.{found.filename.rsplit('.', 1)[-1]}; "
        f"filename*=UTF-8''{quote(found.filename)}"
    )
    response.headers["ETag"] = f'"{found.sha256}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def defer(name: str, **kwargs: Any) -> None:
    """Hand a task to the job queue (``assistance.queue.tasks``); JOBS_RUN=inline runs it in the
    request (the tests; a task it defers runs there too), JOBS_RUN=none leaves it to whoever asks
    (``assistance jobs run``, ``make_export`` by hand)."""
    mode = current_app.config.get("JOBS_RUN", "queue")
    if mode == "inline":
        from assistance.queue.tasks import perform

        perform(database(), defer, name, kwargs)
    elif mode == "queue":
        current_app.extensions["assistance_queue"].defer(name, **kwargs)
