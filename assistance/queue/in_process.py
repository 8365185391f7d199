"""The queue on SQLite, the embedded default: one thread per queue in the web process runs the
tasks, and a ticker defers the periodic ones, so that a first run needs nothing else. Waiting tasks
live in memory; what they work on lives in the database, so a restart loses no work: the ticker
looks again for waiting documents, due schedules and jobs left running (``resume_interrupted``)."""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from datetime import date
from typing import Any

from assistance.db import Database
from assistance.queue.tasks import QUEUES, TASKS, perform

log = logging.getLogger(__name__)
# How often the ticker looks for documents waiting (issued by another process, or left by a
# restart) and for schedules due.
SWEEP_SECONDS = 5.0
SCHEDULE_SECONDS = 900.0


class InProcessQueue:
    def __init__(
        self,
        db: Database,
        today: Callable[[], date],
        sweep_seconds: float = SWEEP_SECONDS,
        schedule_seconds: float = SCHEDULE_SECONDS,
    ) -> None:
        self.db, self.today = db, today
        self.sweep_seconds, self.schedule_seconds = sweep_seconds, schedule_seconds
        self._waiting: dict[str, queue.SimpleQueue[tuple[str, dict[str, Any]] | None]] = {
            name: queue.SimpleQueue() for name in QUEUES
        }
        self._pending_single: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._consume, args=(name,), name=f"queue-{name}", daemon=True)
            for name in QUEUES
        ]
        self._threads.append(threading.Thread(target=self._tick, name="queue-ticker", daemon=True))

    def start(self) -> InProcessQueue:
        for thread in self._threads:
            thread.start()
        return self

    def defer(self, name: str, **kwargs: Any) -> None:
        kind = TASKS[name]
        if kind.single:
            with self._lock:
                if name in self._pending_single:
                    return
                self._pending_single.add(name)
        self._waiting[kind.queue].put((name, kwargs))

    def documents_issued(self) -> None:
        self.defer("lay_out_documents")

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        for waiting in self._waiting.values():
            waiting.put(None)
        for thread in self._threads:
            thread.join(timeout)

    def _consume(self, name: str) -> None:
        waiting = self._waiting[name]
        while (item := waiting.get()) is not None:
            task, kwargs = item
            with self._lock:
                self._pending_single.discard(task)
            with contextlib.suppress(Exception):
                perform(self.db, self.defer, task, kwargs)

    def _tick(self) -> None:
        from assistance.batch.jobs import stale_jobs

        since_schedules = self.schedule_seconds
        first = True
        while not self._stop.is_set():
            try:
                if first:
                    for job_id in stale_jobs(self.db):
                        self.defer("plan_batch_job", job_id=job_id)
                self.defer("lay_out_documents")
                if since_schedules >= self.schedule_seconds:
                    self.defer("run_schedules", day=self.today().isoformat())
                    since_schedules = 0.0
            except Exception:
                # The database may be restarting; the next tick tries again.
                log.exception("the in-process queue's ticker failed")
            first = False
            self._stop.wait(self.sweep_seconds)
            since_schedules += self.sweep_seconds


__all__ = ["InProcessQueue"]
