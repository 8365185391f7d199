"""The ``assistance`` command group and what its commands share: exit code 2 with a Chinese
message for bad input, JSON read with exact money, a user named by --by."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import IO, Any, NoReturn

import click

INVALID_INPUT = 2


def fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(INVALID_INPUT)


def refused(exc: Any) -> NoReturn:
    """A service's refusal (ServiceError): its message and each field's, exit code 2."""
    lines = "\n".join(f"  {e.field}: {e.message}" for e in exc.errors)
    fail(f"{exc.message}\n{lines}" if lines else exc.message)


def read_json(source: IO[str]) -> Any:
    try:
        return json.load(source, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        fail(f"案卷文件不是有效的 JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}")
    except UnicodeDecodeError:
        fail("案卷文件应为 UTF-8 编码的 JSON")


@click.group()
def main() -> None:
    """救助认定：低保边缘家庭（运民发〔2023〕64号）与因病致贫重病患者（运民发〔2023〕65号）。"""


def user_id_of(username: str) -> int:
    from sqlmodel import select

    from assistance.config import database_url
    from assistance.db import Database
    from assistance.models import User

    with Database(database_url()).reading() as session:
        user = session.exec(select(User).where(User.username == username)).first()
    if user is None or user.id is None:
        fail(f"没有用户 {username}")
    return user.id
