"""Whether this instance can do its work (``/readyz``), as a load balancer or an operator asks it.

``/healthz`` only says the process answers. Ready means: the database answers and its schema is
at the migrations' head (an upgrade not yet run would fail acts in odd places); a font covers
Chinese (else every notice prints boxes); and the work behind the requests keeps up: no notice
has waited for its layout, nor a batch job for its runner, longer than ``BEHIND``; and, on
PostgreSQL, a worker of the job queue has sent its heartbeat within two minutes.

The answer names each check and says what is wrong in Chinese; it holds no path, address or
personal data, so it can be asked without signing in.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from assistance.clock import utcnow
from assistance.db import Database
from assistance.documents.render import CJKFontMissing, check_cjk_fonts
from assistance.documents.rendering import count_waiting
from assistance.migrate import alembic_config
from assistance.models import BatchJob
from assistance.models.jobs import QUEUED, RUNNING

BEHIND: Final = timedelta(minutes=15)
# fontconfig is asked at most this often: fonts come and go with packages, not requests.
_FONTS_FOR: Final = 300.0
_JOBS: sa.Table = BatchJob.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


@functools.cache
def _head(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


_fonts: tuple[float, Check] | None = None


def _fonts_check() -> Check:
    global _fonts
    now = time.monotonic()
    if _fonts is None or now - _fonts[0] > _FONTS_FOR:
        try:
            check_cjk_fonts()
            found = Check("fonts", True, "已安装中文字体")
        except CJKFontMissing:
            found = Check("fonts", False, "没有中文字体，文书会打印成方框：请安装 fonts-noto-cjk")
        _fonts = (now, found)
    return _fonts[1]


def _late(name: str, count: int, what: str, fine: str) -> Check:
    return Check(name, not count, f"{count} {what}超过15分钟" if count else fine)


def _worker_check(connection: sa.Connection, queue: str) -> Check | None:
    """On PostgreSQL, a worker of the queue has beaten lately (Procrastinate's own table)."""
    if queue == "in-process":
        return Check("worker", True, "任务在本进程内运行")
    if queue != "procrastinate":
        return None
    beating = connection.execute(
        sa.text(
            "SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > now() - interval '2 minutes'"
        )
    ).scalar_one()
    if beating:
        return Check("worker", True, f"{beating} 个工作进程在运行")
    return Check("worker", False, "最近2分钟没有工作进程的心跳：请启动 assistance worker")


def checks(db: Database, queue: str = "none") -> list[Check]:
    found: list[Check] = []
    cutoff = utcnow() - BEHIND
    try:
        with db.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
            head = _head(db.url)
            upgrade = f"数据库结构为 {current}，应为 {head}：请运行 assistance db upgrade"
            found.append(Check("database", current == head, "数据库可用" if current == head else upgrade))
            count = sa.select(sa.func.count())
            waiting = connection.execute(count_waiting(issued_before=cutoff)).scalar_one()
            found.append(_late("documents", waiting, "份文书等待排版", "文书排版正常"))
            stalled = connection.execute(
                count.select_from(_JOBS).where(
                    sa.or_(
                        sa.and_(_JOBS.c.status == QUEUED, _JOBS.c.created_at < cutoff),
                        sa.and_(_JOBS.c.status == RUNNING, _JOBS.c.heartbeat_at < cutoff),
                    )
                )
            ).scalar_one()
            found.append(_late("jobs", stalled, "个批量任务停滞", "批量任务正常"))
            worker = _worker_check(connection, queue)
            if worker is not None:
                found.append(worker)
    except sa.exc.SQLAlchemyError:
        found.append(Check("database", False, "数据库无法连接"))
    found.append(_fonts_check())
    return found


def report(db: Database, queue: str = "none") -> tuple[dict[str, Any], int]:
    found = checks(db, queue)
    ready = all(c.ok for c in found)
    body = {
        "status": "ready" if ready else "not_ready",
        "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in found},
    }
    return body, 200 if ready else 503
