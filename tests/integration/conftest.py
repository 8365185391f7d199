"""Integration fixtures: every test here runs once on SQLite and once on PostgreSQL.

ASSISTANCE_TEST_DATABASES picks the backends (default "sqlite,postgresql");
ASSISTANCE_TEST_POSTGRES is the maintenance database used to create a throw-away test database.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from database_support import BACKENDS, empty, migrated_database
from flask import Flask
from integration_support import ApiClient, Clock

import assistance.models  # noqa: F401  (registers the tables)
from assistance.app import create_app
from assistance.db import Database
from assistance.demo import seed_areas_and_accounts
from assistance.parameters import ENVIRONMENT_VARIABLE

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo12345"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to head with Alembic, for the whole session."""
    yield from migrated_database(request.param, tmp_path_factory, "test")


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
    empty(db)
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
