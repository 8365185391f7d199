"""What every API handler and page shares: the database, the signed-in user, today's date, JSON
bodies, paging, file downloads and launching batch jobs. ``api/`` and ``web/`` both import it;
neither imports the other."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any, cast
from urllib.parse import quote

from flask import Response, current_app, request, session

from assistance import storable
from assistance.batch import running
from assistance.clock import china_today
from assistance.db import Database
from assistance.documents.issued import DocumentFile
from assistance.errors import InvalidInput, NotAuthenticated

SESSION_USER = "user_id"


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


def user_id() -> int:
    found = session.get(SESSION_USER)
    if not isinstance(found, int):
        raise NotAuthenticated("请先登录")
    return found


def json_body() -> Any:
    """The request's JSON with numbers as Decimal (money must survive to the fen), no deeper than
    any body the service takes and with no text a database cannot store (``storable``)."""
    raw = request.get_data(as_text=True)
    if not raw.strip():
        return {}
    if not (request.mimetype or "").endswith("json"):
        raise InvalidInput.field("(根)", "请求体应为 JSON（Content-Type: application/json）")
    try:
        data = json.loads(raw, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise InvalidInput.field("(根)", f"请求体不是有效的 JSON：第{exc.lineno}行第{exc.colno}列") from exc
    except RecursionError:
        raise InvalidInput.field("(根)", f"JSON 嵌套不能超过{storable.DEEPEST}层") from None
    storable.check_json(data)
    return data


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


def launch(job_id: int) -> None:
    """How this process runs a job: on a background thread (the default), in the request
    (JOBS_RUN=inline, for tests and small installations), or not at all (JOBS_RUN=none: a separate
    ``assistance jobs run`` does it)."""
    mode = current_app.config.get("JOBS_RUN", "thread")
    if mode == "inline":
        running.run_job(database(), job_id)
    elif mode == "thread":
        running.start_in_background(database(), job_id)
