"""Staff pages: the work queue (the most urgent deadline first) and the county dashboard."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from assistance.http import database, search_arguments, today
from assistance.reading import queues
from assistance.reading.statistics import case_statistics
from assistance.schedules.digests import latest_digests
from assistance.web import charts
from assistance.web.base import (
    PAGE_SIZE,
    bp,
    login_required,
    offset_argument,
    page,
    require_permission,
)


@bp.get("/queue")
@login_required
def queue() -> ResponseReturnValue:
    user = require_permission("work_queue")
    search = search_arguments()
    queue = queues.work_queue(
        database(), user.id, today(), limit=PAGE_SIZE, offset=offset_argument(), **search
    )
    return page(
        "queue.html",
        **queue,
        page_size=PAGE_SIZE,
        q=search["q"] or "",
        overdue_only=search["overdue"],
        digests=latest_digests(database(), user.id, today()),
    )


@bp.get("/dashboard")
@login_required
def dashboard() -> ResponseReturnValue:
    user = require_permission("read_statistics")
    stats = case_statistics(database(), user.id, today())
    state_charts = {
        procedure: charts.horizontal(
            [charts.Bar(s["name"], s["count"], "final" if s["final"] else "open") for s in states],
            "各状态案件数",
            f"chart-state-{procedure}",
        )
        for procedure, states in stats["by_state"].items()
    }
    township_chart = charts.horizontal(
        [charts.Bar(t["name"], t["open"], "open") for t in stats["by_township"]],
        "各乡镇（街道）办理中的案件数",
        "chart-township",
    )
    month_chart = charts.columns(
        [
            ("申请", [m["filed"] for m in stats["by_month"]], "open"),
            ("办结", [m["closed"] for m in stats["by_month"]], "final"),
        ],
        [m["label"] for m in stats["by_month"]],
        "近12个月申请与办结数",
        "chart-month",
    )
    return page(
        "dashboard.html",
        stats=stats,
        state_charts=state_charts,
        township_chart=township_chart,
        month_chart=month_chart,
    )
