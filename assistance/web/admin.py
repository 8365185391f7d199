"""Administration pages: areas and delegation, holiday schedules, and the parameters in force
with a form to enter a new dated value (accounts: ``web.accounts``)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from assistance import security_log
from assistance.admin import holidays, parameter_entries
from assistance.errors import InvalidInput, ServiceError
from assistance.http import database, paging, today
from assistance.reference import area_import, areas
from assistance.uploaded_tables import MAX_BYTES
from assistance.web import labels
from assistance.web.base import bp, login_required, page, require_permission
from assistance.web.forms import Problems, problems_from
from assistance.web.parameters import parameters_in_force
from rules.counties import COUNTIES

AREA_FIELDS = ("code", "name", "level", "parent")
# A holiday schedule is a small JSON object; anything larger is not one.
SCHEDULE_MAX_BYTES = 64 * 1024


@bp.get("/admin")
@login_required
def admin_home() -> ResponseReturnValue:
    require_permission("manage_accounts")
    return page("admin/home.html")


def _area_tree(all_areas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Counties, each with its townships, each with its villages (codes nest)."""
    counties = [a for a in all_areas if a["level"] == "county"]
    townships = [a for a in all_areas if a["level"] == "township"]
    villages = [a for a in all_areas if a["level"] == "village"]
    return [
        {
            **county,
            "townships": [
                {**t, "villages": [v for v in villages if v["code"].startswith(t["code"])]}
                for t in townships
                if t["county"] == county["code"]
            ],
        }
        for county in counties
    ]


def _areas_page(
    values: MultiDict[str, str],
    problems: Problems,
    status: int = 200,
    import_problems: Problems | None = None,
) -> ResponseReturnValue:
    all_areas = areas.list_areas(database())
    parents = [
        (a["code"], f"{labels.name(labels.LEVELS, a['level'])} {a['name']}（{a['code']}）")
        for a in all_areas
        if a["level"] in ("county", "township")
    ]
    return page(
        "admin/areas.html",
        status,
        import_problems=import_problems or Problems(),
        tree=_area_tree(all_areas),
        parents=parents,
        values=values,
        problems=problems,
    )


@bp.route("/admin/areas", methods=["GET", "POST"])
@login_required
def admin_areas() -> ResponseReturnValue:
    user = require_permission("manage_areas")
    if request.method == "GET":
        return _areas_page(MultiDict(), Problems())
    payload = {k: request.form.get(k, "").strip() for k in AREA_FIELDS}
    try:
        created = areas.create_area(database(), user.id, {k: v for k, v in payload.items() if v})
    except ServiceError as exc:
        problems = problems_from(exc)
        if not exc.errors:
            problems.add("code", exc.message)
        return _areas_page(MultiDict(payload), problems, exc.status)
    flash(
        f"已新增{labels.name(labels.LEVELS, created['level'])}：{created['name']}（{created['code']}）",
        "success",
    )
    return redirect(url_for("web.admin_areas"))


@bp.post("/admin/areas/import")
@login_required
def admin_areas_import() -> ResponseReturnValue:
    user = require_permission("manage_areas")
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise InvalidInput.field("file", "请选择 .csv 或 .xlsx 文件")
        done = area_import.import_areas(database(), user.id, upload.filename, upload.read(MAX_BYTES + 1))
    except ServiceError as exc:
        problems = problems_from(exc, lambda field: field if field == "file" else None)
        return _areas_page(MultiDict(), Problems(), exc.status, problems)
    flash(
        f"区划表已导入：共{done['rows']}行，新增{done['created']}个，更名{done['renamed']}个，"
        f"未变{done['unchanged']}个。",
        "success",
    )
    return redirect(url_for("web.admin_areas"))


@bp.post("/admin/areas/<code>/backdating")
@login_required
def admin_backdating(code: str) -> ResponseReturnValue:
    user = require_permission("manage_areas")
    raw = request.form.get("working_days", "").strip()
    try:
        area = areas.set_backdating(
            database(), user.id, code, {"working_days": int(raw) if raw.isdigit() else raw}
        )
    except ServiceError as exc:
        details = "；".join(e.message for e in exc.errors) or exc.message
        flash(f"补录期限未改：{details}", "error")
    else:
        flash(
            f"{area['name']}：办理日期最多可早于录入之日{area['backdating_working_days']}个工作日。",
            "success",
        )
    return redirect(url_for("web.admin_areas"))


@bp.post("/admin/areas/<code>/step-days")
@login_required
def admin_step_days(code: str) -> ResponseReturnValue:
    user = require_permission("manage_areas")
    days: dict[str, object] = {}
    for key, raw in request.form.items():
        if key.startswith("days."):
            text = raw.strip()
            days[key.removeprefix("days.")] = int(text) if text.isdigit() else (text or None)
    try:
        area = areas.set_step_days(database(), user.id, code, {"days": days})
    except ServiceError as exc:
        details = "；".join(f"{labels.step_name(e.field)}{e.message}" for e in exc.errors) or exc.message
        flash(f"各环节办理期限未改：{details}", "error")
    else:
        flash(f"{area['name']}：各环节办理期限已保存，此后进入各环节的案件按新期限计算。", "success")
    return redirect(url_for("web.admin_areas"))


@bp.post("/admin/areas/<code>/delegation")
@login_required
def admin_delegation(code: str) -> ResponseReturnValue:
    user = require_permission("manage_areas")
    delegated = request.form.get("confirmation_delegated") == "1"
    area = areas.set_delegation(database(), user.id, code, {"confirmation_delegated": delegated})
    state = "已下放乡镇（街道）" if area["confirmation_delegated"] else "由县级办理"
    flash(f"{area['name']}：审核确认权限{state}（64号 第三十二条，65号 第二十六条）。", "success")
    return redirect(url_for("web.admin_areas"))


def _holidays_page(values: MultiDict[str, str], problems: Problems, status: int = 200) -> ResponseReturnValue:
    return page("admin/holidays.html", status, schedules=holidays.list_schedules(database()), values=values,
                problems=problems)  # fmt: skip


def _schedule_text() -> str:
    upload = request.files.get("schedule_file")
    if upload is not None and upload.filename:
        raw = upload.read(SCHEDULE_MAX_BYTES + 1)
        if len(raw) > SCHEDULE_MAX_BYTES:
            raise InvalidInput.field("schedule_file", "文件过大，节假日安排应为不超过64KB的 JSON")
        try:
            return str(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise InvalidInput.field("schedule_file", "文件应为 UTF-8 编码的 JSON") from exc
    text = request.form.get("schedule", "")
    if not text.strip():
        raise InvalidInput.field("schedule", "请粘贴节假日安排（JSON），或选择文件")
    return text


@bp.route("/admin/holidays", methods=["GET", "POST"])
@login_required
def admin_holidays() -> ResponseReturnValue:
    user = require_permission("load_holidays")
    if request.method == "GET":
        return _holidays_page(MultiDict(), Problems())
    values = MultiDict({"schedule": request.form.get("schedule", "")})
    try:
        text = _schedule_text()
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput.field("schedule", f"不是有效的 JSON：第{exc.lineno}行第{exc.colno}列") from exc
        loaded = holidays.load_schedule(database(), user.id, payload)
    except ServiceError as exc:
        problems = problems_from(exc, lambda f: "schedule" if f != "schedule_file" else f)
        return _holidays_page(values, problems, exc.status)
    return _schedule_loaded(loaded)


def _schedule_loaded(loaded: dict[str, Any]) -> ResponseReturnValue:
    flash(
        f"已录入{loaded['year']}年节假日安排（{loaded['source']}），重新计算了{loaded['deadlines_recounted']}个期限。",
        "success",
    )
    return redirect(url_for("web.admin_holidays"))


@bp.post("/admin/holidays/dates")
@login_required
def admin_holiday_dates() -> ResponseReturnValue:
    """The schedule typed from the notice's dates, as a form rather than JSON."""
    user = require_permission("load_holidays")
    fields = ("year", "source", "holidays", "workdays")
    values = MultiDict({k: request.form.get(k, "") for k in fields})
    try:
        payload = holidays.schedule_from_notice(*(values[k] for k in fields))
        loaded = holidays.load_schedule(database(), user.id, payload)
    except ServiceError as exc:
        return _holidays_page(values, problems_from(exc), exc.status)
    return _schedule_loaded(loaded)


def _parameters_page(
    values: MultiDict[str, str] | None = None, problems: Problems | None = None, status: int = 200
) -> ResponseReturnValue:
    user = require_permission("enter_parameters")
    raw = request.args.get("on", "")
    view_problems = Problems()
    try:
        on = date.fromisoformat(raw) if raw else today()
    except ValueError:
        view_problems.add("on", "应为日期，格式 YYYY-MM-DD")
        on = today()
    county = request.args.get("county") or None
    own = signed_in_county(user.area_code)
    defaults = MultiDict({"county": own or "", "area": "urban", "effective_from": today().isoformat()})
    return page(
        "admin/parameters.html",
        status,
        on=on,
        county=county,
        problems=view_problems,
        entry_values=values if values is not None else defaults,
        entry_problems=problems or Problems(),
        kind_options=[(code, e.title) for code, e in parameter_entries.ENTERABLE.items()],
        area_options=list(parameter_entries.AREAS.items()),
        county_options=[(own, COUNTIES[own])] if own else [("*", "全市各县（市、区）"), *COUNTIES.items()],
        entries=parameter_entries.list_entries(database(), user.id),
        **parameters_in_force(database(), on, county),
    )


@bp.post("/admin/parameters/entries/<int:entry_id>/approve")
@login_required
def admin_approve_parameter(entry_id: int) -> ResponseReturnValue:
    user = require_permission("approve_parameter_entries")
    try:
        approved = parameter_entries.approve(database(), user.id, entry_id)
    except ServiceError as exc:
        return _parameters_page(problems=problems_from(exc), status=exc.status)
    flash(f"已批准参数录入第{approved['id']}号，自{approved['effective_from']}起施行", "success")
    return redirect(url_for("web.admin_parameters"))


@bp.post("/admin/parameters/entries/<int:entry_id>/withdraw")
@login_required
def admin_withdraw_parameter(entry_id: int) -> ResponseReturnValue:
    user = require_permission("enter_parameters")
    try:
        withdrawn = parameter_entries.withdraw(
            database(), user.id, entry_id, {"reason": request.form.get("reason", "")}
        )
    except ServiceError as exc:
        return _parameters_page(problems=problems_from(exc), status=exc.status)
    flash(f"已撤回参数录入第{withdrawn['id']}号", "success")
    return redirect(url_for("web.admin_parameters"))


def signed_in_county(area_code: str | None) -> str | None:
    """A county officer's county code (their area is the county)."""
    return area_code[:6] if area_code else None


@bp.get("/admin/parameters")
@login_required
def admin_parameters() -> ResponseReturnValue:
    return _parameters_page()


@bp.post("/admin/parameters/entries")
@login_required
def admin_enter_parameter() -> ResponseReturnValue:
    user = require_permission("enter_parameters")
    values = MultiDict(request.form)
    values.pop("csrf_token", None)
    try:
        entered = parameter_entries.enter_value(database(), user.id, values.to_dict(), today())
    except ServiceError as exc:
        return _parameters_page(values, problems_from(exc), exc.status)
    waiting = "，待另一名管理员批准后施行" if entered["status"] == "pending" else ""
    flash(
        f"已录入{entered['title']}：{entered['county']} {parameter_entries.AREAS[entered['area']]} "
        f"{entered['amount']}元，自{entered['effective_from']}起施行{waiting}（录入第{entered['id']}号）",
        "success",
    )
    return redirect(
        url_for("web.admin_parameters", county=entered["county"] if entered["county"] != "*" else None)
    )


@bp.get("/admin/security-log")
@login_required
def admin_security_log() -> ResponseReturnValue:
    user = require_permission("read_security_log")
    limit, offset = paging()
    found = security_log.list_events(database(), user.id, limit=limit, offset=offset)
    return page("admin/security_log.html", **found)
