"""The rechecks due in the user's area (64号 第二十六条), soonest first; each links to its case,
where the township records the result through the case's action forms."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.typing import ResponseReturnValue

from assistance.access import may
from assistance.cases import rechecks, recognised_import
from assistance.errors import InvalidInput, ServiceError
from assistance.http import database, today
from assistance.web.base import bp, login_required, page, require_permission
from assistance.web.forms import Problems, problems_from

WINDOWS = (30, 60, 90, 366)


@bp.get("/rechecks")
@login_required
def rechecks_due() -> ResponseReturnValue:
    return _page()


def _page(
    imported: dict[str, Any] | None = None, problems: Problems | None = None, status: int = 200
) -> ResponseReturnValue:
    user = require_permission("review_rechecks")
    raw = request.args.get("within", "30")
    within = int(raw) if raw.isdigit() and int(raw) in WINDOWS else 30
    items = rechecks.due_rechecks(database(), user.id, today(), within)
    return page(
        "rechecks.html",
        status,
        items=items,
        within=within,
        windows=WINDOWS,
        overdue=sum(1 for i in items if i["overdue"]),
        imported=imported,
        problems=problems or Problems(),
        may_import=may(user, "import_recognised_families"),
    )


@bp.post("/rechecks/import")
@login_required
def import_recognised() -> ResponseReturnValue:
    """原系统已认定的家庭，导入后排定定期核查。"""
    user = require_permission("import_recognised_families")
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise InvalidInput.field("file", "请选择 .csv 或 .xlsx 文件")
        content = upload.read(recognised_import.MAX_BYTES + 1)
        done = recognised_import.import_recognised(database(), user.id, upload.filename, content, today())
    except ServiceError as exc:
        return _page(None, problems_from(exc, lambda field: field if field == "file" else None), exc.status)
    return _page(done)
