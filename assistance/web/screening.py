"""Population screening for county staff and the administrator: save a what-if (a named reform
from an effective date) or a standard-setting sweep, watch it run, read its result as a table and
a chart, download the changing households (XLSX)."""

from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from assistance.errors import ServiceError
from assistance.http import database, defer, file_response, today
from assistance.screening import runs
from assistance.screening.results import CATEGORY_TITLES
from assistance.screening.workbook import what_if_workbook
from assistance.web.base import bp, login_required, page, require_permission
from assistance.web.charts import Bar, horizontal
from assistance.web.forms import Problems, problems_from, unless_about_the_form

_WHAT_IF_FIELDS = {"changes.dibao_standard.urban": "urban", "changes.dibao_standard.rural": "rural",
                   "changes": "urban", "name": "name", "effective_on": "effective_on"}  # fmt: skip
_SWEEP_FIELDS = {"parameter": "parameter", "start": "start", "stop": "stop", "step": "step",
                 "effective_on": "sweep_on"}  # fmt: skip


def _index(form: str | None = None, values: MultiDict[str, str] | None = None,
           problems: Problems | None = None, status: int = 200) -> ResponseReturnValue:  # fmt: skip
    user = require_permission("run_screening")
    defaults = {"effective_on": today().isoformat(), "sweep_on": today().isoformat(),
                "start": "600.00", "stop": "900.00", "step": "5.00"}  # fmt: skip
    return page(
        "screening.html",
        status,
        items=runs.list_runs(database(), user.id),
        failed_form=form,
        values=values or MultiDict(defaults),
        problems=problems or Problems(),
        none_problems=Problems(),
    )


@bp.get("/screening")
@login_required
def screening_list() -> ResponseReturnValue:
    return _index()


@bp.post("/screening/<any(what_if, sweep):kind>")
@login_required
def screening_start(kind: str) -> ResponseReturnValue:
    user = require_permission("run_screening")
    form = MultiDict(request.form)
    try:
        if kind == "what_if":
            changes = {key: form.get(name, "").strip() for key, name in
                       (("dibao_standard.urban", "urban"), ("dibao_standard.rural", "rural"))
                       if form.get(name, "").strip()}  # fmt: skip
            body: dict[str, Any] = {"name": form.get("name", ""), "changes": changes,
                                    "effective_on": form.get("effective_on", "")}  # fmt: skip
            run_id = runs.create_what_if(database(), user.id, body, today())
        else:
            body = {"parameter": form.get("parameter", ""), "effective_on": form.get("sweep_on", ""),
                    **{f: form.get(f, "").strip() for f in ("start", "stop", "step")}}  # fmt: skip
            run_id = runs.create_sweep(database(), user.id, body, today())
    except ServiceError as exc:
        unless_about_the_form(exc)
        names = _WHAT_IF_FIELDS if kind == "what_if" else _SWEEP_FIELDS
        return _index(kind, form, problems_from(exc, lambda f: names.get(f)), exc.status)
    defer("run_screening", run_id=run_id)
    return redirect(url_for("web.screening_page", run_id=run_id))


def sweep_chart(points: list[dict[str, Any]], title: str) -> Markup:
    """Eligible households against the swept value, a polyline; today's value marked."""
    width, height, left, bottom = 640, 240, 56, 32
    counts = [int(p["households"]) for p in points]
    top = max(counts, default=0) or 1
    step = (width - left - 16) / max(len(points) - 1, 1)

    def y(count: int) -> float:
        return round(height - bottom - count * (height - bottom - 16) / top, 1)

    line = " ".join(f"{round(left + i * step, 1)},{y(c)}" for i, c in enumerate(counts))
    summary = "；".join(f"{p['value']}：{p['households']}户" for p in points)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="sweep-t sweep-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="sweep-t">{escape(title)}</title><desc id="sweep-d">{escape(summary)}</desc>',
        f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{width - 8}" y2="{height - bottom}"/>',
        f'<line class="axis" x1="{left}" y1="8" x2="{left}" y2="{height - bottom}"/>',
        f'<text class="chart-label" x="{left - 6}" y="20" text-anchor="end" font-size="11">{top}</text>',
        f'<polyline class="line" fill="none" stroke="currentColor" stroke-width="2" points="{line}"/>',
    ]
    for i, p in enumerate(points):
        if i in (0, len(points) - 1) or p["current"]:
            x = round(left + i * step, 1)
            parts.append(f'<text class="chart-label" x="{x}" y="{height - 12}" text-anchor="middle" '
                         f'font-size="11">{escape(p["value"])}</text>')  # fmt: skip
        if p["current"]:
            x = round(left + i * step, 1)
            parts.append(
                f'<line class="marker" x1="{x}" y1="8" x2="{x}" y2="{height - bottom}" stroke="currentColor" '
                f'stroke-dasharray="4 3"/><text class="chart-label" x="{x + 4}" y="20" font-size="11">'
                f"现行值 {escape(p['value'])}：{p['households']}户</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


@bp.get("/screening/<int:run_id>")
@login_required
def screening_page(run_id: int) -> ResponseReturnValue:
    user = require_permission("run_screening")
    run = runs.detail(database(), user.id, run_id)
    chart = None
    result = run["result"]
    if run["status"] == "done" and run["kind"] == "what_if":
        totals = result["totals"]["households"]
        tones = (
            ("entering", "open"),
            ("leaving", "overdue"),
            ("staying", "final"),
            ("undetermined", "closed"),
        )
        bars = [Bar(CATEGORY_TITLES[c], totals[c], tone) for c, tone in tones]
        chart = horizontal(bars, "测算结果（户）", "whatif", unit="户")
    elif run["status"] == "done":
        chart = sweep_chart(result["points"], f"{result['parameter']} 各取值下符合条件的户数")
    html, status = page("screening_run.html", run=run, chart=chart, titles=CATEGORY_TITLES)
    return (html, status, {"Refresh": "2"}) if run["status"] in ("queued", "running") else (html, status)


@bp.get("/screening/<int:run_id>/xlsx")
@login_required
def screening_workbook(run_id: int) -> ResponseReturnValue:
    user = require_permission("run_screening")
    return file_response(what_if_workbook(database(), user.id, run_id))
