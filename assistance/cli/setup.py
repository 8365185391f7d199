"""Setting up and serving: the database schema, the demo, the development server."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import click

from assistance.cli.base import fail, main, refused
from assistance.clock import china_today


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """启动服务（内置默认配置；DATABASE_URL 指定数据库）。"""
    from assistance.app import create_app

    # The development server speaks plain HTTP: a cookie kept off plain HTTP would never come back.
    os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
    create_app().run(host=host, port=port)


@main.group()
def db() -> None:
    """数据库。"""


@db.command("upgrade")
def db_upgrade() -> None:
    """把数据库结构升级到最新（Alembic 迁移）。"""
    from assistance.config import database_url
    from assistance.migrate import upgrade

    upgrade(database_url())
    click.echo("数据库已是最新结构")
    role = os.environ.get("ASSISTANCE_SERVICE_ROLE")
    if role:
        _grant(role)


@db.command("grant")
@click.argument("role")
def db_grant(role: str) -> None:
    """（PostgreSQL，由属主角色运行）授予服务角色所需权限：审计记录和安全日志只能新增和读取。"""
    _grant(role)


def _grant(role: str) -> None:
    from assistance.config import database_url
    from assistance.migrate import grant_service_role

    try:
        grant_service_role(database_url(), role)
    except ValueError as exc:
        fail(str(exc))
    click.echo(f"已授予 {role} 服务所需权限（审计记录、安全日志只能新增和读取）")


@main.command()
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    help="演示案件以此日为今天排布（默认北京时间今天）。",
)
@click.option("--reset", is_flag=True, help="清空演示数据库（仅限载有演示账号的数据库）后重新载入。")
def demo(today: datetime | None, reset: bool) -> None:
    """载入演示数据：盐湖区的乡镇、村，各角色账号，以及在各环节等待办理的案件。

    演示案件按工作日倒排，在任何一天载入都停在同样的环节；全部载入，或一件也不载入。
    """
    from assistance.config import database_url
    from assistance.db import Database
    from assistance.demo import ACCOUNTS, DEMO_PASSWORD, is_demo_database, load_demo
    from assistance.errors import ServiceError
    from assistance.migrate import recreate

    url = database_url()
    if reset:
        if not is_demo_database(Database(url)):
            fail("此数据库不是演示数据库（没有全部演示账号），不予清空")
        recreate(url)
    day = today.date() if today else china_today()
    try:
        cases = load_demo(Database(url), day)
    except ServiceError as exc:
        refused(exc)
    click.echo(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    for username, name, role, area in ACCOUNTS:
        click.echo(f"  {username:<14} {role:<10} {name}{'（' + area + '）' if area else ''}")
    if cases is None:
        click.echo("已有案件，未再载入演示案件（assistance demo --reset 清空后按今天重新载入）")
        return
    click.echo(f"以 {day.isoformat()} 为今天，新建演示案件 {len(cases)} 件：")
    for case in cases:
        click.echo(f"  {case.applicant:<6} 待 {case.waiting_at} 办理")


@main.group()
def areas() -> None:
    """行政区划。"""


@areas.command("import")
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def areas_import(table: Path) -> None:
    """导入区划表（CSV 或 XLSX：区划代码、名称）；有错误行时不导入任何一行。"""
    from assistance.config import database_url
    from assistance.db import Database
    from assistance.errors import ServiceError
    from assistance.reference.area_import import import_areas

    try:
        done = import_areas(Database(database_url()), None, table.name, table.read_bytes())
    except ServiceError as exc:
        refused(exc)
    click.echo(
        f"区划表已导入：共{done['rows']}行，新增{done['created']}个，更名{done['renamed']}个，未变{done['unchanged']}个"
    )
