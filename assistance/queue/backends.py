"""Which queue an application uses, from ``ASSISTANCE_QUEUE`` (the ``QUEUE`` setting):

- ``procrastinate``, the default on PostgreSQL: ``assistance worker`` processes run the tasks;
- ``in-process``, the default on SQLite: threads of the web process run them;
- ``none``: nothing runs them (the tests, which run what they need themselves). Documents are
  still laid out when a reader asks for them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from assistance.db import Database
from assistance.documents.rendering import when_issued

log = logging.getLogger(__name__)
KINDS = ("procrastinate", "in-process", "none")


class Queue(Protocol):
    def defer(self, name: str, **kwargs: Any) -> None: ...
    def documents_issued(self) -> None: ...
    def stop(self, timeout: float = 30) -> None: ...


class NoQueue:
    def defer(self, name: str, **kwargs: Any) -> None:
        log.info("no queue: task %s not run", name)

    def documents_issued(self) -> None:
        pass

    def stop(self, timeout: float = 30) -> None:
        pass


def default_kind(url: str) -> str:
    return "procrastinate" if url.startswith("postgresql") else "in-process"


def start(kind: str, db: Database, today: Callable[[], date]) -> Queue:
    """The application's queue, started, and told of every commit that issues documents."""
    if kind not in KINDS:
        raise ValueError(f"ASSISTANCE_QUEUE 应为以下之一：{'、'.join(KINDS)}（现为 {kind!r}）")
    queue: Queue
    if kind == "procrastinate":
        if not db.url.startswith("postgresql"):
            raise ValueError("ASSISTANCE_QUEUE=procrastinate 需要 PostgreSQL 数据库")
        from assistance.queue.procrastinate_app import ProcrastinateQueue

        queue = ProcrastinateQueue(db.url)
    elif kind == "in-process":
        from assistance.queue.in_process import InProcessQueue

        queue = InProcessQueue(db, today).start()
    else:
        # Nothing to tell: documents are laid out when read. (Not registered, so the apps the
        # tests create by the hundred leave nothing behind.)
        return NoQueue()
    when_issued(queue.documents_issued)
    return queue


__all__ = ["KINDS", "NoQueue", "Queue", "default_kind", "start"]
