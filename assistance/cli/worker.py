"""``assistance worker``: a process of the job queue (``assistance.queue``), and ``assistance
schedules``: the scheduled work, run by hand."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from typing import Any

import click

from assistance.cli.base import fail, main
from assistance.clock import china_today


@main.command("worker")
@click.option(
    "--queue",
    "queues",
    multiple=True,
    type=click.Choice(["documents", "batch", "scheduled"]),
    help="只处理这些队列（可重复；默认全部）。例如单独一台机器只排版文书：--queue documents",
)
@click.option(
    "--concurrency", default=1, show_default=True, type=click.IntRange(1, 64), help="同时运行的任务数。"
)
@click.option("--name", default=None, help="工作进程名称（日志中显示）。")
def worker(queues: tuple[str, ...], concurrency: int, name: str | None) -> None:
    """运行任务队列的工作进程（PostgreSQL）：文书排版、批量任务、名单和定时任务。

    可在任意多台机器上各运行若干个，连接同一个 PostgreSQL；某个进程中断时，其正在运行的任务
    会在心跳超时后交给其他进程继续。SQLite 下无需此进程：任务在 Web 进程内运行。"""
    from assistance.config import database_url
    from assistance.queue.procrastinate_app import HEARTBEAT, STALLED, make_app, recover_stalled

    url = database_url()
    if not url.startswith("postgresql"):
        fail("assistance worker 需要 PostgreSQL（DATABASE_URL）；SQLite 下任务在 Web 进程内运行")
    app = make_app(url, worker=True)

    async def run() -> None:
        async with app.open_async():
            # Before taking anything: the jobs of a worker that died while this one was down.
            await recover_stalled(app)
            options: dict[str, Any] = {"queues": list(queues)} if queues else {}
            if name:
                options["name"] = name
            await app.run_worker_async(
                concurrency=concurrency,
                update_heartbeat_interval=HEARTBEAT,
                stalled_worker_timeout=STALLED,
                # Finished jobs go: what they did is in the service's own tables.
                delete_jobs="successful",
                **options,
            )

    asyncio.run(run())


@main.group("schedules")
def schedules_group() -> None:
    """定时任务：月报医保名单、季报残联名单、每日提醒、定期核查提醒。"""


@schedules_group.command("run")
@click.option("--today", "day", default=None, help="按这一天运行（YYYY-MM-DD，默认北京时间今天）。")
def schedules_run(day: str | None) -> None:
    """立即运行今天到期、尚未运行的定时任务（工作进程每15分钟自动运行一次）。"""
    from assistance.config import database_url
    from assistance.db import Database
    from assistance.schedules.running import run_due

    try:
        on = date.fromisoformat(day) if day else china_today()
    except ValueError:
        fail(f"--today 应为 YYYY-MM-DD：{day}")
    ran = run_due(Database(database_url()), on)
    click.echo(json.dumps(ran, ensure_ascii=False, indent=2))
