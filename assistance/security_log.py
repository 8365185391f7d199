"""The security log: sign-ins, failed sign-ins, lockouts, sign-outs, password changes and every
administrator act outside a case (users, areas, delegation, holiday schedules, parameters), one
event each, written in the transaction of what it records and append-only like the audit trail
(``models.security.SecurityEvent``). The administrator reads it (``GET /security-log``)."""

from __future__ import annotations

from collections import defaultdict
from contextvars import ContextVar
from typing import Any

from sqlmodel import Session, col, select

from assistance.access import Actor, actor_for, require
from assistance.db import Database
from assistance.models import SecurityEvent, User

# The address the current request came from, set by the HTTP layer (``http``); "" elsewhere.
ADDRESS: ContextVar[str] = ContextVar("request_address", default="")


def record(
    session: Session,
    action: str,
    *,
    actor: Actor | None = None,
    user_id: int | None = None,
    username: str = "",
    subject: str = "",
    subject_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """One event; ``actor`` (or ``user_id``) who acted, ``username`` as typed at a sign-in."""
    session.add(
        SecurityEvent(
            user_id=actor.user_id if actor is not None else user_id,
            role=actor.role if actor is not None else "",
            username=(actor.username if actor is not None else username)[:60],
            address=ADDRESS.get()[:45],
            action=action,
            subject=subject,
            subject_id=subject_id,
            detail=detail or {},
        )
    )
    session.flush()


def of(session: Session, subject: str, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The events about these rows, oldest first, each with the name of who acted."""
    if not ids:
        return {}
    query = (
        select(SecurityEvent, User.display_name)
        .outerjoin(User, col(User.id) == col(SecurityEvent.user_id))
        .where(col(SecurityEvent.subject) == subject, col(SecurityEvent.subject_id).in_(ids))
        .order_by(col(SecurityEvent.id))
    )
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for event, name in session.exec(query).all():
        found[event.subject_id or 0].append(_plain(event, name))
    return dict(found)


def _plain(event: SecurityEvent, name: str | None) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "action": event.action,
        "user_id": event.user_id,
        "username": event.username,
        "actor_name": name or "",
        "role": event.role,
        "address": event.address,
        "subject": event.subject,
        "subject_id": event.subject_id,
        "detail": event.detail,
    }


def list_events(db: Database, user_id: int, *, limit: int, offset: int) -> dict[str, Any]:
    """The newest events first, a page at a time."""
    with db.reading() as session:
        require(actor_for(session, user_id), "read_security_log")
        query = (
            select(SecurityEvent, User.display_name)
            .outerjoin(User, col(User.id) == col(SecurityEvent.user_id))
            .order_by(col(SecurityEvent.id).desc())
            .limit(limit)
            .offset(offset)
        )
        items = [_plain(event, name) for event, name in session.exec(query).all()]
    return {"items": items, "limit": limit, "offset": offset}


def about(db: Database, user_id: int, subject: str, subject_id: int) -> list[dict[str, Any]]:
    """What the log holds about one row (an account, an area), oldest first."""
    with db.reading() as session:
        require(actor_for(session, user_id), "read_security_log")
        return of(session, subject, [subject_id]).get(subject_id, [])
