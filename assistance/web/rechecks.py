"""The rechecks due in the user's area (64号 第二十六条), soonest first; each links to its case,
where the township records the result through the case's action forms."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue

from assistance.cases import rechecks
from assistance.http import database, today
from assistance.web.base import bp, login_required, page, require_permission

WINDOWS = (30, 60, 90, 366)


@bp.get("/rechecks")
@login_required
def rechecks_due() -> ResponseReturnValue:
    user = require_permission("review_rechecks")
    raw = request.args.get("within", "30")
    within = int(raw) if raw.isdigit() and int(raw) in WINDOWS else 30
    items = rechecks.due_rechecks(database(), user.id, today(), within)
    return page(
        "rechecks.html",
        items=items,
        within=within,
        windows=WINDOWS,
        overdue=sum(1 for i in items if i["overdue"]),
    )
