"""一户一档 in bulk for township and county staff: ask for a township's archives, watch them being
made (the page reloads itself while one is), download them."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from assistance.documents import township_archives
from assistance.http import database, defer, file_response
from assistance.web.base import bp, login_required, page, require_permission


@bp.get("/archives")
@login_required
def archive_exports() -> ResponseReturnValue:
    user = require_permission("export_case_archives")
    items = township_archives.list_exports(database(), user.id)
    html, status = page(
        "archives.html", items=items, townships=township_archives.township_choices(database(), user.id)
    )
    waiting = any(e["status"] in ("queued", "running") for e in items)
    return (html, status, {"Refresh": "5"}) if waiting else (html, status)


@bp.post("/archives")
@login_required
def archive_export_request() -> ResponseReturnValue:
    user = require_permission("export_case_archives")
    export = township_archives.request_export(
        database(), user.id, {"township": request.form.get("township", "")}
    )
    defer("make_archive_export", export_id=export["id"])
    flash(f"已开始生成{export['township']}的一户一档，完成后可在下方下载。", "success")
    return redirect(url_for("web.archive_exports"))


@bp.get("/archives/<int:export_id>.zip")
@login_required
def archive_export_file(export_id: int) -> ResponseReturnValue:
    user = require_permission("export_case_archives")
    return file_response(township_archives.export_file(database(), user.id, export_id))
