"""The audit trail: one event per act on a case, written in the act's own transaction, each chained
to the case's previous event by a keyed hash (HMAC-SHA-256, the key outside the database) so that
a changed, removed or inserted event is detected, even when the one who changed it could write
the database (64号 第二十八条, 65号 第二十条: 档案“不得随意涂改、变更和销毁”)."""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from assistance.access.actors import Actor
from assistance.audit_key import audit_key, derived_key
from assistance.db import for_this_transaction
from assistance.models import AuditEvent, Case

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _sealed_text(event: AuditEvent, prev_hash: str) -> bytes:
    """The previous hash and every field of the event except its own id and hash."""
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
    return f"{prev_hash}\n{_canonical(fields)}".encode()


@functools.cache
def chain_key(key: bytes) -> bytes:
    return derived_key(key, "assistance audit chain")


def event_hash(event: AuditEvent, prev_hash: str, key: bytes | None = None) -> str:
    """HMAC-SHA-256, under the audit key (``key``, by default the configured one), of the event
    and the previous event's hash."""
    sealing = chain_key(audit_key() if key is None else key)
    return hmac.new(sealing, _sealed_text(event, prev_hash), hashlib.sha256).hexdigest()


def unkeyed_event_hash(event: AuditEvent, prev_hash: str) -> str:
    """The plain SHA-256 the trail was chained with before revision 0016: anyone who could write
    the database could recompute it. Only the migrations use it."""
    return hashlib.sha256(_sealed_text(event, prev_hash)).hexdigest()


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


# A case's anchored head: the seq and hash of its last event when the anchor was taken.
Head = tuple[int, str]


def verify_chain(
    events: Iterable[AuditEvent], key: bytes | None = None, anchored: Head | None = None
) -> list[ChainBreak]:
    """The breaks in one case's events, given in ``seq`` order: a changed event no longer matches
    its keyed hash, a removed or inserted one breaks the numbering or the link to its
    predecessor; against the case's ``anchored`` head, a trail re-sealed or cut back since."""
    key = audit_key() if key is None else key
    breaks: list[ChainBreak] = []
    prev_hash, expected_seq = GENESIS, 1
    last: AuditEvent | None = None
    for event in events:
        if event.seq != expected_seq:
            breaks.append(
                ChainBreak(event.case_id, event.seq, event.id, f"序号应为{expected_seq}，实为{event.seq}")
            )
        if event.prev_hash != prev_hash:
            breaks.append(ChainBreak(event.case_id, event.seq, event.id, "与前一条记录的哈希不衔接"))
        if event_hash(event, event.prev_hash, key) != event.hash:
            breaks.append(ChainBreak(event.case_id, event.seq, event.id, "记录内容与其哈希不符（已被改动）"))
        if anchored is not None and event.seq == anchored[0] and event.hash != anchored[1]:
            breaks.append(
                ChainBreak(event.case_id, event.seq, event.id, "与锚点所记的哈希不符（锚定后被改写）")
            )
        prev_hash, expected_seq, last = event.hash, event.seq + 1, event
    if anchored is not None and last is not None and last.seq < anchored[0]:
        breaks.append(
            ChainBreak(
                last.case_id,
                last.seq,
                last.id,
                f"锚定时已有{anchored[0]}条记录，现只到第{last.seq}条（其后的记录已被删除）",
            )
        )
    return breaks


def verify_all(
    session: Session, batch: int = 5000, anchor: Mapping[int, Head] | None = None
) -> tuple[int, int, list[ChainBreak]]:
    """Every case's chain, and each against its head in ``anchor`` if one is given: (cases
    checked, events checked, breaks). Reads in batches of events in (case, seq) order, so memory
    stays flat on a large archive."""
    key = audit_key()
    heads = anchor or {}
    cases = events = 0
    breaks: list[ChainBreak] = []
    current: list[AuditEvent] = []
    seen: set[int] = set()

    def close(trail: list[AuditEvent]) -> None:
        breaks.extend(verify_chain(trail, key, heads.get(trail[0].case_id)))
        seen.add(trail[0].case_id)

    last_key: tuple[int, int] = (0, 0)
    while True:
        rows = session.exec(
            select(AuditEvent)
            .where(_after(last_key))
            .order_by(col(AuditEvent.case_id), col(AuditEvent.seq))
            .limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            if current and current[0].case_id != row.case_id:
                close(current)
                cases += 1
                current = []
            current.append(row)
            events += 1
        last_key = (rows[-1].case_id, rows[-1].seq)
        session.expunge_all()
    if current:
        close(current)
        cases += 1
    for case_id in sorted(set(heads) - seen):
        seq = heads[case_id][0]
        breaks.append(ChainBreak(case_id, seq, None, f"锚定时有{seq}条记录，现已全部删除"))
    breaks.extend(_against_the_cases(session))
    return cases, events, breaks


def _after(key: tuple[int, int]) -> sa.ColumnElement[bool]:
    """The events after ``key`` (case, seq) in trail order: the next batch of a walk."""
    case_id, seq = _EVENTS.c.case_id, _EVENTS.c.seq
    return (case_id > key[0]) | ((case_id == key[0]) & (seq > key[1]))


Hasher = Callable[[Any, str], str]


def reseal(connection: sa.Connection, old: Hasher, new: Hasher, batch: int = 5000) -> tuple[int, int]:
    """Chain every event again with ``new`` where it verifies under ``old`` (a migration to a new
    hash, or to a new key, run by the owner of the table). A break found under ``old`` is carried
    over, never healed: a changed event keeps its old hash and a broken link its old ``prev_hash``,
    so `verify` still reports each where it was. Returns (events re-sealed, breaks carried)."""
    columns = [_EVENTS.c[name] for name in ("id", "case_id", "seq", "at", "actor_id", "actor_role")]
    columns += [_EVENTS.c[name] for name in ("action", "on", "from_state", "to_state", "detail")]
    columns += [_EVENTS.c.prev_hash, _EVENTS.c.hash]
    update = (
        _EVENTS.update()
        .where(_EVENTS.c.id == sa.bindparam("event_id"))
        .values(prev_hash=sa.bindparam("new_prev"), hash=sa.bindparam("new_hash"))
    )
    resealed = carried = 0
    case_id, old_prev, new_prev = None, GENESIS, GENESIS
    after: tuple[int, int] = (0, 0)
    while True:
        rows = connection.execute(
            sa.select(*columns).where(_after(after)).order_by(_EVENTS.c.case_id, _EVENTS.c.seq).limit(batch)
        ).all()
        if not rows:
            return resealed, carried
        changes = []
        for row in rows:
            if row.case_id != case_id:
                case_id, old_prev, new_prev = row.case_id, GENESIS, GENESIS
            linked = row.prev_hash == old_prev
            intact = old(row, row.prev_hash) == row.hash
            prev = new_prev if linked else row.prev_hash
            sealed = new(row, prev) if intact else row.hash
            carried += (not linked) + (not intact)
            resealed += intact
            changes.append({"event_id": row.id, "new_prev": prev, "new_hash": sealed})
            old_prev, new_prev = row.hash, sealed
        connection.execute(update, changes)
        after = (rows[-1].case_id, rows[-1].seq)


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


__all__ = [
    "GENESIS",
    "ChainBreak",
    "Head",
    "event_hash",
    "record",
    "reseal",
    "unkeyed_event_hash",
    "verify_all",
    "verify_chain",
]
