"""The tasks that failed, newest first, for the jobs page: the administrator sees every failure
(the task, what it was given, the error and the worker); the queue keeps only that it failed."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from assistance.access import actor_for, may
from assistance.db import Database
from assistance.models import TaskFailure
from assistance.queue.tasks import TASKS

SHOWN = 20


def recent_failures(db: Database, user_id: int, limit: int = SHOWN) -> list[dict[str, Any]]:
    """The latest failed tasks, for those who look after the service; none for others."""
    with db.reading() as session:
        if not may(actor_for(session, user_id), "manage_schedules"):
            return []
        rows = session.exec(select(TaskFailure).order_by(col(TaskFailure.id).desc()).limit(limit)).all()
        return [
            {
                "task": f.task,
                "title": TASKS[f.task].title if f.task in TASKS else f.task,
                "args": f.args,
                "error": f.error,
                "runner": f.runner,
                "failed_at": f.failed_at.isoformat(),
            }
            for f in rows
        ]


__all__ = ["recent_failures"]
