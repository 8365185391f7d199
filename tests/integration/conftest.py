"""Integration fixtures: every test here runs once on SQLite and once on PostgreSQL.

ASSISTANCE_TEST_DATABASES picks the backends (default "sqlite,postgresql");
ASSISTANCE_TEST_POSTGRES is the maintenance database used to create a throw-away test database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from integration_support import ApiClient, Clock
from sqlmodel import SQLModel

import assistance.models  # noqa: F401  (registers the tables)
from assistance.app import create_app
from assistance.config import database_url
from assistance.db import Database
from assistance.demo import seed_areas_and_accounts
from assistance.migrate import upgrade
from assistance.parameters import ENVIRONMENT_VARIABLE

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = [b for b in os.environ.get("ASSISTANCE_TEST_DATABASES", "sqlite,postgresql").split(",") if b]
POSTGRES_ADMIN = os.environ.get("ASSISTANCE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "demo12345"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to head with Alembic, for the whole session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        upgrade(url)
        yield url
        return
    name = f"assistance_test_{uuid.uuid4().hex[:12]}"
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


def _empty(db: Database) -> None:
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            # The audit trail refuses TRUNCATE (migration 0003); between tests, as the superuser,
            # the triggers are skipped for this session only.
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
            connection.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(sa.text(f"DELETE FROM {table}"))


@pytest.fixture
def clock() -> Clock:
    return Clock(date(2025, 9, 22))


@pytest.fixture
def app(database: str, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    # The shipped parameters have no minimum wage or medical deductible; the demo values do.
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(ROOT / "examples" / "local-parameters"))
    application = create_app(
        {"TESTING": True, "DATABASE_URL": database, "SECRET_KEY": "test", "TODAY": lambda: clock.today}
    )
    db: Database = application.extensions["assistance_db"]
    _empty(db)
    seed_areas_and_accounts(db, PASSWORD)
    yield application
    db.engine.dispose()


@pytest.fixture
def db(app: Flask) -> Database:
    database: Database = app.extensions["assistance_db"]
    return database


@pytest.fixture
def api(app: Flask) -> ApiClient:
    return ApiClient(app, PASSWORD)
