"""The audit trail: one event per act on a case, written in the act's own transaction, each chained
to the case's previous event by hash so that a changed, removed or inserted event is detected
(64号 第二十八条, 65号 第二十条: 档案“不得随意涂改、变更和销毁”)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from assistance.access.actors import Actor
from assistance.db import for_this_transaction
from assistance.models import AuditEvent, Case

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_hash(event: AuditEvent, prev_hash: str) -> str:
    """SHA-256 over the previous hash and every field of the event except its own id and hash."""
    fields = {
        "case_id": event.case_id,
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_role": event.actor_role,
        "action": event.action,
        "on": event.on.isoformat(),
        "from_state": event.from_state,
        "to_state": event.to_state,
        "detail": event.detail,
    }
    return hashlib.sha256(f"{prev_hash}\n{_canonical(fields)}".encode()).hexdigest()


_EVENTS: sa.Table = AuditEvent.__table__  # type: ignore[attr-defined]

# session.info key: per case, the seq and hash of the last event of its trail in this transaction.
_LAST = "last_audit_events"


def last_event_columns(case_id: Any) -> tuple[sa.ScalarSelect[Any], sa.ScalarSelect[Any]]:
    """The seq and hash of the last event of the trail of the case ``case_id`` (a parameter), as two
    columns: what the statement that claims a case for an act reads along with it."""

    def last(column: sa.Column[Any]) -> sa.ScalarSelect[Any]:
        latest = sa.select(column).where(_EVENTS.c.case_id == case_id).order_by(_EVENTS.c.seq.desc())
        return latest.limit(1).scalar_subquery()

    return last(_EVENTS.c.seq), last(_EVENTS.c.hash)


# Built once: an act that did not claim its case reads it.
_LAST_EVENT = sa.select(*last_event_columns(sa.bindparam("case_id")))


def trail_ends_at(session: Session, case_id: int, seq: int | None, hash_: str | None) -> None:
    """Tell ``record`` where the case's trail ends, read with the case's row locked."""
    ends: dict[int, tuple[int, str] | None] = for_this_transaction(session, _LAST, dict)
    ends[case_id] = (seq, hash_) if seq is not None and hash_ is not None else None


def record(
    session: Session,
    case: Case,
    actor: Actor,
    action: str,
    on: date,
    from_state: str,
    to_state: str,
    detail: dict[str, Any] | None = None,
    *,
    first: bool = False,
) -> AuditEvent:
    """Append the case's next event, chained to its last one (``first``: the case was created in
    this transaction and has none yet, so there is nothing to read)."""
    assert case.id is not None
    ends: dict[int, tuple[int, str] | None] = for_this_transaction(session, _LAST, dict)
    if first:
        previous = None
    elif case.id in ends:
        previous = ends[case.id]
    else:
        seq, hash_ = session.connection().execute(_LAST_EVENT, {"case_id": case.id}).one()
        previous = (seq, hash_) if seq is not None else None
    event = AuditEvent(
        case_id=case.id,
        actor_id=actor.user_id,
        actor_role=actor.role,
        action=action,
        on=on,
        from_state=from_state,
        to_state=to_state,
        # As the database will give it back, so that the hash verifies after the round trip.
        detail=json.loads(_canonical(detail or {})),
        seq=previous[0] + 1 if previous is not None else 1,
        prev_hash=previous[1] if previous is not None else GENESIS,
    )
    event.hash = event_hash(event, event.prev_hash)
    session.add(event)
    ends[case.id] = (event.seq, event.hash)
    return event


@dataclass(frozen=True, slots=True)
class ChainBreak:
    case_id: int
    seq: int
    event_id: int | None
    problem: str


def verify_chain(events: Iterable[AuditEvent]) -> list[ChainBreak]:
    """The breaks in one case's events, given in ``seq`` order: a changed event no longer matches
    its hash, a removed or inserted one breaks the numbering or the link to its predecessor."""
    breaks: list[ChainBreak] = []
    prev_hash, expected_seq = GENESIS, 1
    for event in events:
        if event.seq != expected_seq:
            breaks.append(
                ChainBreak(event.case_id, event.seq, event.id, f"序号应为{expected_seq}，实为{event.seq}")
            )
        if event.prev_hash != prev_hash:
            breaks.append(ChainBreak(event.case_id, event.seq, event.id, "与前一条记录的哈希不衔接"))
        if event_hash(event, event.prev_hash) != event.hash:
            breaks.append(ChainBreak(event.case_id, event.seq, event.id, "记录内容与其哈希不符（已被改动）"))
        prev_hash, expected_seq = event.hash, event.seq + 1
    return breaks


def verify_all(session: Session, batch: int = 5000) -> tuple[int, int, list[ChainBreak]]:
    """Every case's chain: (cases checked, events checked, breaks). Reads in batches of events in
    (case, seq) order, so memory stays flat on a large archive."""
    cases = events = 0
    breaks: list[ChainBreak] = []
    current: list[AuditEvent] = []
    last_key: tuple[int, int] = (0, 0)
    while True:
        rows = session.exec(
            select(AuditEvent)
            .where(
                (col(AuditEvent.case_id) > last_key[0])
                | ((col(AuditEvent.case_id) == last_key[0]) & (col(AuditEvent.seq) > last_key[1]))
            )
            .order_by(col(AuditEvent.case_id), col(AuditEvent.seq))
            .limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            if current and current[0].case_id != row.case_id:
                breaks.extend(verify_chain(current))
                cases += 1
                current = []
            current.append(row)
            events += 1
        last_key = (rows[-1].case_id, rows[-1].seq)
        session.expunge_all()
    if current:
        breaks.extend(verify_chain(current))
        cases += 1
    breaks.extend(_against_the_cases(session))
    return cases, events, breaks


def _against_the_cases(session: Session) -> list[ChainBreak]:
    """Each case against its trail's last event: a case with no events, or whose state is not the
    one its last event left it in, has lost events from the end of its trail (which the chain
    alone cannot show)."""
    last = (
        sa.select(_EVENTS.c.case_id, sa.func.max(_EVENTS.c.seq).label("seq"))
        .group_by(_EVENTS.c.case_id)
        .subquery()
    )
    cases: sa.Table = Case.__table__  # type: ignore[attr-defined]
    query = (
        sa.select(cases.c.id, cases.c.state, last.c.seq, _EVENTS.c.to_state)
        .select_from(cases)
        .outerjoin(last, last.c.case_id == cases.c.id)
        .outerjoin(_EVENTS, sa.and_(_EVENTS.c.case_id == cases.c.id, _EVENTS.c.seq == last.c.seq))
        .order_by(cases.c.id)
    )
    breaks = []
    for case_id, state, seq, to_state in session.execute(query):
        if seq is None:
            breaks.append(ChainBreak(case_id, 0, None, "案件没有任何审计记录（记录已被删除）"))
        elif to_state != state:
            breaks.append(
                ChainBreak(
                    case_id,
                    seq,
                    None,
                    f"案件状态“{state}”与最后一条审计记录（“{to_state}”）不一致：其后的记录可能已被删除",
                )
            )
    return breaks


__all__ = ["GENESIS", "ChainBreak", "event_hash", "record", "verify_all", "verify_chain"]
