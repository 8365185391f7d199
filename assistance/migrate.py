"""Bring a database's schema up to date with the Alembic migrations."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from assistance.config import PROJECT_ROOT
from assistance.db import make_engine


def alembic_config(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
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
