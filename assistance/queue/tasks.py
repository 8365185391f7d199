"""The tasks, declared once: what each does, the queue it waits in and its priority. Both
backends (``in_process``, ``procrastinate_app``) walk this table.

A task's arguments are plain JSON values; each task finds what it works on in the database, so a
task run twice (a worker thought dead that was only slow) does nothing twice: a chunk counts once
(``batch.chunks``), a document is written once (``documents.rendering``), a scheduled run is
recorded once per period (``schedules.running``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Protocol

from assistance.db import Database
from assistance.models import TaskFailure
from assistance.runtime.identity import RUNNER

log = logging.getLogger(__name__)


class Later(Protocol):
    """Defer another task (a job's plan defers its chunks)."""

    def __call__(self, name: str, **kwargs: Any) -> None: ...


@dataclass(frozen=True, slots=True)
class TaskKind:
    name: str
    title: str
    queue: str
    # Higher runs first within a worker (Procrastinate's order).
    priority: int
    run: Callable[..., None]
    # Only one waiting at a time: deferring it again while one waits adds nothing.
    single: bool = False


def _plan_batch_job(db: Database, later: Later, job_id: int) -> None:
    from assistance.batch.chunks import plan

    for chunk_id in plan(db, job_id):
        later("run_batch_chunk", chunk_id=chunk_id)


def _run_batch_chunk(db: Database, later: Later, chunk_id: int) -> None:
    from assistance.batch.chunks import run_chunk

    run_chunk(db, chunk_id)


def _run_screening(db: Database, later: Later, run_id: int) -> None:
    from assistance.screening.computing import run_screening
    from assistance.screening.parts import processes

    run_screening(db, run_id, workers=processes())


def _lay_out_documents(db: Database, later: Later) -> None:
    from assistance.documents.rendering import render_waiting

    _, failed = render_waiting(db)
    for document_id, reason in failed.items():
        # Left waiting: a reader asking for it is told why; the next round tries again.
        log.error("issued document %s cannot be laid out: %s", document_id, reason)


def _make_archive_export(db: Database, later: Later, export_id: int) -> None:
    from assistance.documents.township_archives import make_export

    make_export(db, export_id)


def _run_schedules(db: Database, later: Later, day: str | None = None) -> None:
    from assistance.clock import china_today
    from assistance.schedules.running import run_due

    for ran in run_due(db, date.fromisoformat(day) if day else china_today()):
        log.info("scheduled work", extra={"run": ran})


DOCUMENTS, BATCH, SCHEDULED = "documents", "batch", "scheduled"
TASKS: Final[dict[str, TaskKind]] = {
    t.name: t
    for t in (
        # Readers wait for these; a worker takes them before any batch chunk.
        TaskKind("lay_out_documents", "文书排版", DOCUMENTS, 10, _lay_out_documents, single=True),
        TaskKind("plan_batch_job", "批量任务分段", BATCH, 0, _plan_batch_job),
        TaskKind("run_batch_chunk", "批量任务的一段", BATCH, 0, _run_batch_chunk),
        TaskKind("run_screening", "人群测算（政策测算、标准测算）", BATCH, 0, _run_screening),
        TaskKind("run_schedules", "定时任务", SCHEDULED, 5, _run_schedules, single=True),
        TaskKind("make_archive_export", "导出乡镇（街道）全部一户一档", BATCH, 0, _make_archive_export),
    )
}
QUEUES: Final = (DOCUMENTS, BATCH, SCHEDULED)


def perform(db: Database, later: Later, name: str, kwargs: dict[str, Any]) -> None:
    """Run one task; a failure is logged and recorded with its error for the jobs page, then
    raised for the queue to mark."""
    try:
        TASKS[name].run(db, later, **kwargs)
    except Exception as exc:
        log.exception("task %s failed", name, extra={"task_args": kwargs})
        try:
            with db.transaction() as session:
                session.add(
                    TaskFailure(
                        task=name, args=kwargs, error=f"{type(exc).__name__}: {exc}"[:2000], runner=RUNNER
                    )
                )
        except Exception:
            log.exception("the failure of task %s could not be recorded", name)
        raise


__all__ = ["QUEUES", "TASKS", "Later", "TaskKind", "perform"]
