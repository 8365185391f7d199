"""Population screening from the command line: a saved what-if over whole populations and a
standard-setting sweep (标准测算), run in the foreground; the result as JSON. And the retention
period of the what-ifs' lists of changing households, applied now."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from assistance.cli.base import fail, main, refused, user_id_of
from assistance.clock import china_today


@main.group()
def screening() -> None:
    """人群测算：政策测算（按县、乡镇和城乡统计新纳入、退出的家庭）和标准测算。"""


def _run(body: dict[str, Any], username: str, kind: str, workers: int | None) -> None:
    from assistance.config import database_url
    from assistance.db import Database
    from assistance.errors import ServiceError
    from assistance.screening import runs
    from assistance.screening.computing import run_screening
    from assistance.screening.parts import processes

    database = Database(database_url())
    try:
        create = runs.create_what_if if kind == "what_if" else runs.create_sweep
        run_id = create(database, user_id_of(username), body, china_today())
        click.echo(f"测算 {run_id} 已开始", err=True)
        run_screening(database, run_id, workers=workers or processes())
        found = runs.detail(database, user_id_of(username), run_id)
    except ServiceError as exc:
        refused(exc)
    click.echo(json.dumps(found, ensure_ascii=False, indent=2))


_by = click.option("--by", "username", required=True, help="县级工作人员或管理员用户名。")
_county = click.option(
    "--county",
    "counties",
    multiple=True,
    help="县（市、区）代码，可多次给出；县级工作人员默认本县，管理员默认全市。",
)
_on = click.option("--on", "on", default=None, help="生效日期（默认今天），每户均按此日测算。")
_population = click.option(
    "--population", default="current", type=click.Choice(["current", "recognised"]), show_default=True,
    help="current：在办案件和已认定家庭；recognised：已认定的低保边缘家庭。",
)  # fmt: skip


@screening.command("what-if")
@_by
@_county
@_on
@_population
@click.option("--name", required=True, help="方案名称。")
@click.option(
    "--set", "settings", multiple=True, required=True, help="参数变化，如 dibao_standard.urban=800.00"
)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(1, 64),
    help="读取和规则引擎复核的进程数；默认 ASSISTANCE_SCREENING_PROCESSES，或本机核数（至多4）。",
)
def what_if_command(
    username: str, counties: tuple[str, ...], on: str | None, population: str, name: str,
    settings: tuple[str, ...], workers: int | None,
) -> None:  # fmt: skip
    """保存政策测算方案并测算（不改变任何案件），输出结果（JSON）。"""
    changes: dict[str, str] = {}
    for setting in settings:
        key, sep, value = setting.partition("=")
        if not sep:
            fail(f"--set 应为 名称=数值：{setting}")
        changes[key.strip()] = value.strip()
    body = {"name": name, "changes": changes, "counties": list(counties), "effective_on": on,
            "population": population}  # fmt: skip
    _run(body, username, "what_if", workers)


@screening.command("sweep")
@_by
@_county
@_on
@_population
@click.option("--parameter", required=True, help="参数，如 dibao_standard.urban")
@click.option("--start", default=None, help="起值，如 600.00")
@click.option("--stop", default=None, help="终值，如 900.00")
@click.option("--step", default=None, help="步长，如 5.00")
@click.option("--consumption", default=None, help="上年人均消费支出（元/年），按比例测算时给出")
@click.option("--source", default=None, help="消费支出数据来源")
@click.option("--percent", default=None, help="比例范围和步长，如 30:40:0.5")
def sweep_command(
    username: str, counties: tuple[str, ...], on: str | None, population: str, parameter: str,
    start: str | None, stop: str | None, step: str | None, consumption: str | None, source: str | None,
    percent: str | None,
) -> None:  # fmt: skip
    """标准测算：一个参数取一组值，输出各值下符合条件的户数和人数（JSON），标出现行值。"""
    body: dict[str, Any] = {"parameter": parameter, "counties": list(counties), "effective_on": on,
                            "population": population}  # fmt: skip
    if consumption is not None:
        shares = (percent or "").split(":")
        if len(shares) != 3:
            fail("--percent 应为 起:止:步长，如 30:40:0.5")
        body |= {"consumption": consumption, "source": source or ""}
        body |= dict(zip(("start_percent", "stop_percent", "step_percent"), shares, strict=True))
    else:
        body |= {"start": start, "stop": stop, "step": step}
    _run(body, username, "sweep", None)


@screening.command("prune")
@click.option("--today", "day", default=None, help="按这一天计算（YYYY-MM-DD，默认北京时间今天）。")
@click.option(
    "--days",
    default=None,
    type=click.IntRange(min=1),
    help="保留期限（天）；默认 ASSISTANCE_SCREENING_RETENTION_DAYS，未设置时90天。",
)
def prune_command(day: str | None, days: int | None) -> None:
    """立即删除完成超过保留期限的政策测算的变化家庭清单（统计数字保留，记入安全日志）；
    关闭了该定时任务的县的测算不删除。"""
    from assistance.config import (
        SCREENING_RETENTION_VARIABLE,
        UnsafeSetting,
        database_url,
        screening_retention_days,
    )
    from assistance.db import Database
    from assistance.screening.retention import prune

    try:
        on = date.fromisoformat(day) if day else china_today()
    except ValueError:
        fail(f"--today 应为 YYYY-MM-DD：{day}")
    if days is None:
        try:
            days = screening_retention_days()
        except UnsafeSetting as exc:
            fail(str(exc))
    if days is None:
        click.echo(f"未启用保留期限（{SCREENING_RETENTION_VARIABLE}=off），没有删除任何清单", err=True)
        return
    click.echo(json.dumps(prune(Database(database_url()), on, days), ensure_ascii=False, indent=2))
