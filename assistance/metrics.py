"""What Prometheus reads at ``/metrics``: requests by route and status (prometheus-flask-exporter),
acts fired, and, read from the database when scraped, the backlog: documents waiting for their
layout, batch jobs by status, and cases past a deadline per county.

Under gunicorn each worker counts its own requests; with ``PROMETHEUS_MULTIPROC_DIR`` set (the
directory emptied before start, ``gunicorn.conf.py`` marks dead workers) every worker's counts
are added up, whichever worker answers the scrape. The backlog comes from the database and is
the same from any worker. Nothing here names a person: labels are routes, acts, statuses and
county codes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from assistance.db import Database
from assistance.documents.rendering import count_waiting
from assistance.models import BatchJob, Case

if TYPE_CHECKING:
    from flask import Flask

# Not in the default registry: every app made (the tests make many) registers it in its own.
ACTS = Counter("assistance_acts", "Acts fired on cases, by act", ["action"], registry=None)

_JOBS: sa.Table = BatchJob.__table__  # type: ignore[attr-defined]
_CASES: sa.Table = Case.__table__  # type: ignore[attr-defined]


def act_fired(action: str) -> None:
    ACTS.labels(action=action).inc()


# Procrastinate's own table (migration 0022), read as it is: it is not one of the service's models.
_QUEUE_DEPTH = sa.text(
    "SELECT queue_name, status::text, count(*) FROM procrastinate_jobs GROUP BY queue_name, status"
)


class Backlog(Collector):
    """Gauges read from the database at each scrape (a few small aggregate queries)."""

    def __init__(self, db: Database, today: Callable[[], date]) -> None:
        self.db = db
        self.today = today

    def collect(self) -> Iterator[GaugeMetricFamily]:
        waiting = GaugeMetricFamily("assistance_documents_waiting", "Issued documents not yet laid out")
        jobs = GaugeMetricFamily("assistance_batch_jobs", "Batch jobs by status", labels=["status"])
        overdue = GaugeMetricFamily(
            "assistance_cases_overdue", "Open cases with a deadline passed, per county", labels=["county"]
        )
        queued = GaugeMetricFamily(
            "assistance_queue_tasks",
            "Tasks of the job queue by queue and status (PostgreSQL; finished ones are deleted)",
            labels=["queue", "status"],
        )
        try:
            with self.db.engine.connect() as connection:
                if connection.dialect.name == "postgresql":
                    for queue, status, count in connection.execute(_QUEUE_DEPTH):
                        queued.add_metric([queue, status], count)
                waiting.add_metric([], connection.execute(count_waiting()).scalar_one())
                for status, count in connection.execute(
                    sa.select(_JOBS.c.status, sa.func.count()).group_by(_JOBS.c.status)
                ):
                    jobs.add_metric([status], count)
                for county, count in connection.execute(
                    sa.select(_CASES.c.county_code, sa.func.count())
                    .where(_CASES.c.next_due_on < self.today(), _CASES.c.closed_on.is_(None))
                    .group_by(_CASES.c.county_code)
                ):
                    overdue.add_metric([county], count)
        except sa.exc.SQLAlchemyError:
            return  # the database is down: /readyz says so; the request metrics still count
        yield waiting
        yield jobs
        yield overdue
        yield queued


def install(app: Flask, db: Database, today: Callable[[], date]) -> None:
    if app.config.get("METRICS", True) is False:
        return
    options: dict[str, Any] = {"group_by": "url_rule", "excluded_paths": ["^/static/"]}
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics

        # Its registry adds up every worker's files, ACTS among them.
        exporter: Any = GunicornInternalPrometheusMetrics(app, **options)
    else:
        from prometheus_flask_exporter import PrometheusMetrics

        exporter = PrometheusMetrics(app, registry=CollectorRegistry(), **options)
        exporter.registry.register(ACTS)
    exporter.registry.register(Backlog(db, today))


__all__ = ["ACTS", "Backlog", "act_fired", "install"]
