"""The queue on PostgreSQL: Procrastinate (locking with SKIP LOCKED, retries, periodic tasks, worker
heartbeats), its schema installed by migration 0022. The web process defers through a small
synchronous pool; ``assistance worker`` runs the tasks, the periodic ones included, and gives the
jobs of a worker that stopped beating to the living ones (``recover_stalled``)."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import threading
from typing import Any, Final

import procrastinate
from procrastinate import exceptions
from procrastinate.psycopg_connector import PsycopgConnector
from procrastinate.sync_psycopg_connector import SyncPsycopgConnector

from assistance.db import shared_database
from assistance.queue.tasks import TASKS, perform

log = logging.getLogger(__name__)
# A worker beats every HEARTBEAT seconds; one silent for STALLED seconds is taken to be dead and
# its running jobs are given to others.
HEARTBEAT: Final = float(os.environ.get("ASSISTANCE_WORKER_HEARTBEAT_SECONDS", "10"))
STALLED: Final = float(os.environ.get("ASSISTANCE_WORKER_STALLED_SECONDS", "60"))
# The periodic deferrals. Each is frequent, so the worker's time zone does not matter; the
# schedules themselves count days in Beijing (``schedules.running``).
PERIODIC: Final = {"lay_out_documents": "* * * * *", "run_schedules": "*/15 * * * *"}


def conninfo(url: str) -> str:
    """libpq's form of the service's SQLAlchemy URL."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def make_app(url: str, *, worker: bool) -> procrastinate.App:
    """The Procrastinate app for the database at ``url``: asynchronous for a worker, a small
    synchronous pool for the web process's deferrals."""
    connector: Any = (
        PsycopgConnector(conninfo=conninfo(url))
        if worker
        else SyncPsycopgConnector(conninfo=conninfo(url), min_size=1, max_size=2)
    )
    app = procrastinate.App(connector=connector)
    for kind in TASKS.values():
        _register(app, url, kind.name)
    for name, cron in PERIODIC.items():
        _register_periodic(app, url, name, cron)

    @app.periodic(cron="* * * * *")
    @app.task(name="recover_stalled", queue="scheduled", queueing_lock="recover_stalled")
    async def recover_stalled_periodically(timestamp: int) -> None:
        await recover_stalled(app)

    return app


def _register(app: procrastinate.App, url: str, name: str) -> None:
    kind = TASKS[name]

    def run(**kwargs: Any) -> None:
        perform(shared_database(url), functools.partial(defer, app), name, kwargs)

    app.task(
        name=name, queue=kind.queue, priority=kind.priority, queueing_lock=name if kind.single else None
    )(run)


def _register_periodic(app: procrastinate.App, url: str, name: str, cron: str) -> None:
    kind = TASKS[name]

    def tick(timestamp: int) -> None:
        perform(shared_database(url), functools.partial(defer, app), name, {})

    task = app.task(
        name=f"periodic_{name}", queue=kind.queue, priority=kind.priority, queueing_lock=f"periodic_{name}"
    )(tick)
    app.periodic(cron=cron)(task)


def defer(app: procrastinate.App, name: str, **kwargs: Any) -> None:
    """Defer a task; one that waits already and is single (document layout) is not deferred twice."""
    with contextlib.suppress(exceptions.AlreadyEnqueued):
        app.tasks[name].defer(**kwargs)


async def recover_stalled(app: procrastinate.App) -> int:
    """Give the jobs of workers silent for STALLED seconds back to the queue; how many."""
    stalled = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=STALLED))
    for job in stalled:
        log.warning("job %s (%s) was running on a worker that stopped; queued again", job.id, job.task_name)
        await app.job_manager.retry_job(job)
    return len(stalled)


class ProcrastinateQueue:
    """The web process's side: deferring, opened on first use (after gunicorn's fork)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._app: procrastinate.App | None = None
        self._lock = threading.Lock()

    def _opened(self) -> procrastinate.App:
        with self._lock:
            if self._app is None:
                self._app = make_app(self.url, worker=False)
                self._app.open()
            return self._app

    def defer(self, name: str, **kwargs: Any) -> None:
        defer(self._opened(), name, **kwargs)

    def documents_issued(self) -> None:
        try:
            self.defer("lay_out_documents")
        except Exception:
            # The act is committed; the workers' sweep finds its documents within a minute.
            log.exception("could not queue the layout of issued documents")

    def stop(self, timeout: float = 30) -> None:
        with self._lock:
            if self._app is not None:
                self._app.close()
                self._app = None


__all__ = ["ProcrastinateQueue", "conninfo", "defer", "make_app", "recover_stalled"]
