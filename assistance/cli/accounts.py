"""Accounts at the console: the first administrator of an installation, and what an operator
does when no administrator can sign in (a forgotten password, a locked or deactivated account).
Each act goes to the security log as done "via 命令行"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from assistance.cli.base import main, refused

if TYPE_CHECKING:
    from assistance.db import Database


@main.group()
def users() -> None:
    """账号：创建系统管理员，停用、启用账号，重置密码。"""


def _database() -> Database:
    from assistance.config import database_url
    from assistance.db import Database

    return Database(database_url())


@users.command("create-admin")
@click.option("--username", prompt="用户名", help="登录用的用户名")
@click.option("--display-name", prompt="姓名", help="管理员姓名")
@click.option("--phone", default="", help="手机号码")
@click.option(
    "--password",
    prompt="密码（至少10位）",
    hide_input=True,
    confirmation_prompt="再输入一次",
    envvar="ASSISTANCE_ADMIN_PASSWORD",
    help="不给则提示输入；也可由环境变量 ASSISTANCE_ADMIN_PASSWORD 提供",
)
def create_admin(username: str, display_name: str, phone: str, password: str) -> None:
    """创建系统管理员账号（新装系统的第一个管理员由此创建）。"""
    from assistance.admin import account_admin
    from assistance.errors import ServiceError

    payload = {"username": username, "display_name": display_name, "password": password}
    if phone:
        payload["phone"] = phone
    try:
        account_admin.create_admin(_database(), payload)
    except ServiceError as exc:
        refused(exc)
    click.echo(f"已创建系统管理员 {username}")


@users.command("list")
def list_users() -> None:
    """列出所有账号。"""
    from sqlmodel import col, select

    from assistance.models import User

    with _database().reading() as session:
        for user in session.exec(select(User).order_by(col(User.id))):
            state = "启用" if user.active else "停用"
            click.echo(f"{user.id:>5}  {user.username:<20} {user.role:<10} {state}  {user.display_name}")


def _act(username: str, act: str) -> dict[str, Any]:
    from assistance.admin import account_admin
    from assistance.errors import ServiceError

    db = _database()
    try:
        account = account_admin.user_named(db, username)
        if act == "reset":
            return account_admin.reset_password(db, None, account, {})
        return account_admin.set_active(db, None, account, act == "reactivate")
    except ServiceError as exc:
        refused(exc)


@users.command("deactivate")
@click.argument("username")
def deactivate(username: str) -> None:
    """停用账号：不能再登录，已有的登录随即失效。"""
    _act(username, "deactivate")
    click.echo(f"已停用 {username}")


@users.command("reactivate")
@click.argument("username")
def reactivate(username: str) -> None:
    """重新启用账号。"""
    _act(username, "reactivate")
    click.echo(f"已重新启用 {username}")


@users.command("reset-password")
@click.argument("username")
def reset_password(username: str) -> None:
    """重置密码并解除锁定：打印临时密码（只显示一次），本人下次登录须先修改。"""
    reset = _act(username, "reset")
    click.echo(f"{username} 的临时密码：{reset['temporary_password']}")
    click.echo("下次登录须先修改密码；原有登录已全部失效。")
