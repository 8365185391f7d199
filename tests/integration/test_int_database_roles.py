"""The service's own database role (issue 18 item 15): on PostgreSQL, a role granted with
``assistance db grant`` reads and writes the cases but may only add to and read the audit trail and
the security log, and, being no superuser, cannot switch the triggers off."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from database_support import POSTGRES_ADMIN
from integration_support import ApiClient, Clock, dibao_edge_to_publicity

from assistance.cli import main
from assistance.db import Database


@pytest.fixture
def service_role(db: Database, database: str) -> Iterator[str]:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no roles")
    role = f"assistance_service_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER')
    try:
        yield role
    finally:
        db.engine.dispose()
        name = database.rsplit("/", 1)[1]
        with psycopg.connect(POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + name, autocommit=True) as owner:
            owner.execute(f'DROP OWNED BY "{role}"')
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP ROLE "{role}"')


def test_the_service_role_cannot_rewrite_the_trail(
    api: ApiClient, clock: Clock, database: str, service_role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = dibao_edge_to_publicity(api, clock)["id"]
    monkeypatch.setenv("DATABASE_URL", database)
    result = CliRunner().invoke(main, ["db", "grant", service_role])
    assert result.exit_code == 0, result.output

    as_service = sa.create_engine(database.replace("://postgres@", f"://{service_role}@"))
    try:
        with as_service.begin() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM auditevent")).scalar_one() > 0
            connection.execute(
                sa.text("UPDATE assistance_case SET extended = extended WHERE id = :c"), {"c": cid}
            )
        for statement in (
            "UPDATE auditevent SET to_state = 'recognised'",
            "DELETE FROM auditevent",
            "DELETE FROM security_event",
            "TRUNCATE auditevent CASCADE",
            "SET session_replication_role = replica",
            "ALTER TABLE auditevent DISABLE TRIGGER ALL",
        ):
            with (
                pytest.raises(sa.exc.DBAPIError, match=r"permission denied|must be owner"),
                as_service.begin() as c,
            ):
                c.execute(sa.text(statement))
    finally:
        as_service.dispose()


def test_grant_refuses_sqlite_and_odd_role_names(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database)
    result = CliRunner().invoke(main, ["db", "grant", "x; DROP TABLE member"])
    assert result.exit_code == 2 and "只能由字母、数字和下划线组成" in result.output
    if database.startswith("sqlite"):
        result = CliRunner().invoke(main, ["db", "grant", "assistance_service"])
        assert result.exit_code == 2 and "SQLite" in result.output
