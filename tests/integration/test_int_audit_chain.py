"""The audit trail is append-only and tamper-evident (64号 第二十八条, 65号 第二十条), on both databases."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from integration_support import ApiClient, Clock, dibao_edge_to_publicity
from sqlmodel import select

from assistance.audit import Hasher, event_hash, reseal, unkeyed_event_hash
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


@contextmanager
def past_the_triggers(db: Database) -> Iterator[sa.Connection]:
    """A connection of someone who can write the database behind the service's back: a superuser
    on PostgreSQL (who can skip the triggers), anyone with the file on SQLite."""
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        yield connection


def rewrite(db: Database, case_id: int, seq: int, to_state: str, hasher: Hasher) -> None:
    """Change one event, then chain the whole trail again with ``hasher``: a forger's best."""
    with past_the_triggers(db) as connection:
        connection.execute(
            sa.text("UPDATE auditevent SET to_state = :s WHERE case_id = :c AND seq = :q"),
            {"s": to_state, "c": case_id, "q": seq},
        )
        reseal(connection, lambda row, prev: str(row.hash), hasher)


def test_a_trail_rehashed_without_the_key_is_found(
    api: ApiClient, clock: Clock, db: Database, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hash is keyed: rewriting an event and re-chaining with SHA-256, as anyone who can write
    the database could, leaves every re-chained event unsealed (issue 18 item 15)."""
    cid = dibao_edge_to_publicity(api, clock)["id"]
    rewrite(db, cid, 2, "recognised", unkeyed_event_hash)
    code, report = verify(database, monkeypatch)
    assert code == 1
    assert {b["problem"] for b in report["breaks"]} == {"记录内容与其哈希不符（已被改动）"}  # type: ignore[attr-defined]

    # A key of the forger's own does no better.
    rewrite(db, cid, 2, "recognised", lambda row, prev: event_hash(row, prev, b"\x01" * 32))
    code, report = verify(database, monkeypatch)
    assert code == 1 and len(report["breaks"]) == report["events"]  # type: ignore[arg-type]


def test_anchors_find_a_trail_resealed_or_cut_back_since(
    api: ApiClient,
    clock: Clock,
    db: Database,
    database: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    cid = dibao_edge_to_publicity(api, clock)["id"]
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("ASSISTANCE_ANCHOR_DIR", str(tmp_path))
    taken = CliRunner().invoke(main, ["audit", "anchor"])
    assert taken.exit_code == 0, taken.output
    [anchor_file] = tmp_path.glob("anchor-*.json")
    with db.reading() as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.case_id == cid)).all()
    assert f"已锚定 1 件案件的 {len(events)} 条审计记录" in taken.output
    assert json.loads(anchor_file.read_text())["heads"] == [
        [cid, len(events), max(events, key=lambda e: e.seq).hash]
    ]
    code, report = verify(database, monkeypatch)
    assert (code, report["intact"], report["anchor"]) == (0, True, str(anchor_file))

    # Someone who had the key rewrites an event and re-seals the trail: it verifies as a chain,
    # but its head is no longer the anchored one.
    rewrite(db, cid, 2, "recognised", event_hash)
    assert CliRunner().invoke(main, ["audit", "verify", "--no-anchor"]).exit_code == 0
    code, report = verify(database, monkeypatch)
    assert code == 1
    assert [b["problem"] for b in report["breaks"]] == ["与锚点所记的哈希不符（锚定后被改写）"]  # type: ignore[index]

    # The last event removed, and the case's state put back to hide it.
    rewrite(db, cid, 2, events[1].to_state, event_hash)
    last = len(events)
    with past_the_triggers(db) as connection:
        connection.execute(
            sa.text("DELETE FROM auditevent WHERE case_id = :c AND seq = :s"), {"c": cid, "s": last}
        )
        connection.execute(
            sa.text("UPDATE assistance_case SET state = :s WHERE id = :c"),
            {"s": next(e.to_state for e in events if e.seq == last - 1), "c": cid},
        )
    assert CliRunner().invoke(main, ["audit", "verify", "--no-anchor"]).exit_code == 0
    code, report = verify(database, monkeypatch)
    assert [b["problem"] for b in report["breaks"]] == [  # type: ignore[index]
        f"锚定时已有{last}条记录，现只到第{last - 1}条（其后的记录已被删除）"
    ]

    # The anchor itself altered to match: its signature no longer holds.
    body = json.loads(anchor_file.read_text())
    body["heads"][0][1] = last - 1
    anchor_file.chmod(0o644)
    anchor_file.write_text(json.dumps(body))
    code, report = verify(database, monkeypatch)
    assert code == 1 and report["breaks"][0]["problem"].endswith("的签名不符：文件已被改动")  # type: ignore[index]


def test_resealing_carries_a_break_over_and_never_heals_it(
    api: ApiClient, clock: Clock, db: Database, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migration 0016 re-chains an unkeyed trail under the key; an event changed before it ran
    stays reported where it was, and no other."""
    cid = dibao_edge_to_publicity(api, clock)["id"]
    with past_the_triggers(db) as connection:
        assert reseal(connection, event_hash, unkeyed_event_hash)[1] == 0  # back to revision 0015
        connection.execute(
            sa.text("UPDATE auditevent SET to_state = 'recognised' WHERE case_id = :c AND seq = 2"),
            {"c": cid},
        )
        resealed, carried = reseal(connection, unkeyed_event_hash, event_hash)
    assert carried == 1
    code, report = verify(database, monkeypatch)
    assert code == 1 and resealed == report["events"] - 1  # type: ignore[operator]
    assert [(b["seq"], b["problem"]) for b in report["breaks"]] == [(2, "记录内容与其哈希不符（已被改动）")]  # type: ignore[index]
