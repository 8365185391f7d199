"""The audit trail is append-only and tamper-evident (64号 第二十八条, 65号 第二十条), on both databases."""

from __future__ import annotations

import itertools
import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from integration_support import ApiClient, Clock, dibao_edge_to_publicity
from sqlmodel import select

from assistance.cli import main
from assistance.db import Database
from assistance.models import AuditEvent
from assistance.models.steps import AuditTampering


def verify(database: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, object]]:
    monkeypatch.setenv("DATABASE_URL", database)
    result = CliRunner().invoke(main, ["audit", "verify", "--json"])
    return result.exit_code, json.loads(result.output)


def test_every_act_is_chained_to_the_one_before(
    api: ApiClient, clock: Clock, db: Database, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = dibao_edge_to_publicity(api, clock)
    with db.reading() as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.case_id == case["id"]).order_by(AuditEvent.seq)
        ).all()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    code, report = verify(database, monkeypatch)
    assert (code, report["intact"], report["cases"], report["events"]) == (0, True, 1, len(events))


def test_the_orm_refuses_to_change_or_delete_an_event(api: ApiClient, clock: Clock, db: Database) -> None:
    dibao_edge_to_publicity(api, clock)
    with pytest.raises(AuditTampering), db.transaction() as session:
        event = session.exec(select(AuditEvent)).first()
        assert event is not None
        event.to_state = "recognised"
    with pytest.raises(AuditTampering), db.transaction() as session:
        event = session.exec(select(AuditEvent)).first()
        session.delete(event)


def test_a_changed_or_removed_event_is_found(
    api: ApiClient, clock: Clock, db: Database, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = dibao_edge_to_publicity(api, clock)
    cid = case["id"]
    postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        # The database itself refuses, whoever asks.
        for statement in (
            "UPDATE auditevent SET to_state = 'recognised' WHERE seq = 2",
            "DELETE FROM auditevent WHERE seq = 2",
            "TRUNCATE auditevent CASCADE",
        ):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as connection:
                connection.execute(sa.text(statement))
    # Someone with the power to bypass the database (a superuser, or SQLite's file) edits the record.
    with db.engine.begin() as connection:
        if postgres:
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        connection.execute(
            sa.text("UPDATE auditevent SET to_state = 'recognised' WHERE case_id = :c AND seq = 2"),
            {"c": cid},
        )
    code, report = verify(database, monkeypatch)
    assert code == 1 and report["intact"] is False
    assert report["breaks"] == [
        {
            "case_id": cid,
            "seq": 2,
            "event_id": report["breaks"][0]["event_id"],
            "problem": "记录内容与其哈希不符（已被改动）",
        }  # type: ignore[index]
    ]

    with db.engine.begin() as connection:
        if postgres:
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        connection.execute(sa.text("DELETE FROM auditevent WHERE case_id = :c AND seq = 2"), {"c": cid})
    code, report = verify(database, monkeypatch)
    problems = {b["problem"] for b in report["breaks"]}  # type: ignore[attr-defined]
    assert code == 1 and "序号应为2，实为3" in problems and "与前一条记录的哈希不衔接" in problems


def test_events_removed_from_the_end_of_a_trail_are_found(
    api: ApiClient, clock: Clock, db: Database, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chain cannot show its own tail cut off; the case's state can (issue 18 item 15)."""
    cid = dibao_edge_to_publicity(api, clock)["id"]
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        last = connection.execute(
            sa.text("SELECT max(seq) FROM auditevent WHERE case_id = :c"), {"c": cid}
        ).scalar_one()
        connection.execute(
            sa.text("DELETE FROM auditevent WHERE case_id = :c AND seq = :s"), {"c": cid, "s": last}
        )
    code, report = verify(database, monkeypatch)
    assert code == 1
    assert [(b["case_id"], b["seq"]) for b in report["breaks"]] == [(cid, last - 1)]  # type: ignore[index]
    assert "其后的记录可能已被删除" in report["breaks"][0]["problem"]  # type: ignore[index]

    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        connection.execute(sa.text("DELETE FROM auditevent WHERE case_id = :c"), {"c": cid})
    code, report = verify(database, monkeypatch)
    assert report["breaks"] == [  # type: ignore[comparison-overlap]
        {"case_id": cid, "seq": 0, "event_id": None, "problem": "案件没有任何审计记录（记录已被删除）"}
    ]


def test_production_refuses_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistance.app import create_app
    from assistance.config import UnsafeSetting

    monkeypatch.setenv("ASSISTANCE_ENV", "production")
    with pytest.raises(UnsafeSetting, match="不能使用 SQLite"):
        create_app({"DATABASE_URL": "sqlite:///:memory:", "SECRET_KEY": "x"})
