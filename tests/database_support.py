"""Throw-away databases for the tests that need a real one (integration, and the web pages).

ASSISTANCE_TEST_DATABASES picks the backends (default "sqlite,postgresql");
ASSISTANCE_TEST_POSTGRES is the maintenance database used to create and drop a PostgreSQL one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

import assistance.models  # noqa: F401  (registers the tables)
from assistance.config import database_url
from assistance.db import Database
from assistance.migrate import upgrade

BACKENDS = [b for b in os.environ.get("ASSISTANCE_TEST_DATABASES", "sqlite,postgresql").split(",") if b]
POSTGRES_ADMIN = os.environ.get("ASSISTANCE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def migrated_database(backend: str, tmp_path_factory: pytest.TempPathFactory, prefix: str) -> Iterator[str]:
    """A database of ``backend`` migrated to head with Alembic; a PostgreSQL one is dropped after."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp(prefix) / f'{prefix}.sqlite3'}"
        upgrade(url)
        yield url
        return
    name = f"assistance_{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = database_url(POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + name)
    try:
        upgrade(url)
        yield url
    finally:
        sa.create_engine(url).dispose()
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def empty(db: Database) -> None:
    """Every table emptied, between tests."""
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            # The audit trail refuses TRUNCATE (migration 0003); as the superuser, the triggers are
            # skipped for this session only.
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
            connection.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(sa.text(f"DELETE FROM {table}"))
