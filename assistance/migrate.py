"""Bring a database's schema up to date with the Alembic migrations."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from assistance.config import shipped
from assistance.db import make_engine


def alembic_config(url: str) -> Config:
    config = Config(str(shipped("alembic.ini")))
    config.set_main_option("script_location", str(shipped("migrations")))
    config.attributes["database_url"] = url
    return config


def upgrade(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def recreate(url: str) -> None:
    """Every table dropped (the migrations' record included) and the schema made again: an
    empty database at head. The audit trail refuses deletion of its rows, not the removal of its
    table by the owner; its trigger functions are replaced by the upgrade."""
    engine = make_engine(url)
    try:
        tables = sa.MetaData()
        tables.reflect(engine)
        with engine.begin() as connection:
            tables.drop_all(connection)
    finally:
        engine.dispose()
    upgrade(url)


# Tables whose rows are never changed or removed: the service role may only add and read them.
APPEND_ONLY = ("auditevent", "security_event")


def grant_service_role(url: str, role: str) -> None:
    """Give the service's database role what it needs and no more, on PostgreSQL (run by the
    owner, after every upgrade): read and write every table, but only INSERT and SELECT on the
    append-only ones. The role owns nothing and is no superuser, so it can neither disable the
    triggers nor skip them (``session_replication_role``)."""
    if not role.replace("_", "").isalnum():
        raise ValueError(f"数据库角色名只能由字母、数字和下划线组成：{role}")
    engine = make_engine(url)
    try:
        if engine.dialect.name != "postgresql":
            raise ValueError("只有 PostgreSQL 区分数据库角色；SQLite 仅供首次运行和演示")
        with engine.begin() as connection:
            tables = [t for t in sa.inspect(connection).get_table_names() if t != "alembic_version"]
            quoted = f'"{role}"'
            connection.execute(sa.text(f"GRANT USAGE ON SCHEMA public TO {quoted}"))
            connection.execute(sa.text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}"))
            for table in tables:
                rights = "SELECT, INSERT" if table in APPEND_ONLY else "SELECT, INSERT, UPDATE, DELETE"
                connection.execute(sa.text(f'GRANT {rights} ON "{table}" TO {quoted}'))
            connection.execute(sa.text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}"))
    finally:
        engine.dispose()
