"""The audit trail: one event per act on a case, written in the act's own transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from assistance.models import AuditEvent, Case
from assistance.services.actors import Actor


def record(
    session: Session,
    case: Case,
    actor: Actor,
    action: str,
    on: date,
    from_state: str,
    to_state: str,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    assert case.id is not None
    event = AuditEvent(
        case_id=case.id,
        actor_id=actor.user_id,
        actor_role=actor.role,
        action=action,
        on=on,
        from_state=from_state,
        to_state=to_state,
        detail=detail or {},
    )
    session.add(event)
    return event
