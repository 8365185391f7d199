"""``/readyz`` (issue 20 item 3): ready when the database answers at the migrations' head, a font
covers Chinese and the work behind the requests keeps up; 503 naming the check otherwise.
``/healthz`` asks nothing."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from sqlmodel import select

from assistance.clock import utcnow
from assistance.db import Database
from assistance.models import BatchJob, User


def test_a_migrated_database_is_ready(app: Flask) -> None:
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 200, answer.json
    assert answer.json["status"] == "ready"
    assert set(answer.json["checks"]) == {"database", "documents", "jobs", "fonts"}
    assert app.test_client().get("/healthz").json == {"status": "ok"}


def test_a_stalled_job_makes_the_instance_not_ready(app: Flask, db: Database) -> None:
    with db.transaction() as session:
        admin = session.exec(select(User).where(User.username == "yanhu")).one()
        assert admin.id is not None
        session.add(BatchJob(kind="recheck_review", county_code="140802", created_by=admin.id,
                             created_at=utcnow() - timedelta(minutes=20)))  # fmt: skip
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json["checks"]["jobs"] == {"ok": False, "detail": "1 个批量任务停滞超过15分钟"}


def test_a_database_behind_the_migrations_is_not_ready(app: Flask, db: Database) -> None:
    with db.engine.begin() as connection:
        head = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0016'"))
    try:
        answer = app.test_client().get("/readyz")
        assert answer.status_code == 503
        assert "assistance db upgrade" in answer.json["checks"]["database"]["detail"]
    finally:
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": head})


def test_without_a_beating_worker_a_postgresql_instance_is_not_ready(app: Flask, db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        app.config["QUEUE"] = "in-process"
        assert app.test_client().get("/readyz").json["checks"]["worker"]["ok"] is True
        return
    app.config["QUEUE"] = "procrastinate"
    with db.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM procrastinate_workers"))
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert "assistance worker" in answer.json["checks"]["worker"]["detail"]
    with db.engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now())"))
    answer = app.test_client().get("/readyz")
    assert answer.json["checks"]["worker"] == {"ok": True, "detail": "1 个工作进程在运行"}
    with db.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM procrastinate_workers"))
