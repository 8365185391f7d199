"""Who is acting and where they work, read first thing in every request."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from assistance.access.scopes import CASES
from assistance.errors import NotAuthenticated, NotFound
from assistance.models import Area, Case, User
from assistance.models.revisions import ReferenceRevision, remember_reference_revision


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int
    username: str
    display_name: str
    role: str
    area_id: int | None
    area_level: str | None
    county_code: str | None
    # What all case pages share (areas, staff names, holiday schedules), as read with the actor
    # before anything else the request reads (``models.revisions``): what the process keeps of
    # it (``places``, ``deadlines.calendar_for``, kept case pages) is good for this revision.
    reference_revision: int | None = None
    # The ID number the account registered with: an applicant files as ``self`` only for it.
    id_number: str = ""
    # Reset by an administrator: only changing the password is allowed (``http``).
    must_change_password: bool = False


_CASES: sa.Table = Case.__table__  # type: ignore[attr-defined]


# Every request of the service starts here: one statement, built once, read as a row.
# Of tables, not of the ORM's classes, which would send it through the ORM's result handling.
_USERS: sa.Table = User.__table__  # type: ignore[attr-defined]
_AREAS: sa.Table = Area.__table__  # type: ignore[attr-defined]
_REFERENCE: sa.Table = ReferenceRevision.__table__  # type: ignore[attr-defined]
_ACTOR = (
    sa.select(
        _USERS.c.username,
        _USERS.c.display_name,
        _USERS.c.role,
        _USERS.c.area_id,
        _USERS.c.active,
        _USERS.c.id_number,
        _USERS.c.session_epoch,
        _USERS.c.must_change_password,
        _AREAS.c.level,
        _AREAS.c.county_code,
        _REFERENCE.c.revision.label("reference_revision"),
    )
    .select_from(_USERS)
    .outerjoin(_AREAS, _AREAS.c.id == _USERS.c.area_id)
    .outerjoin(_REFERENCE, sa.true())
    .where(_USERS.c.id == sa.bindparam("user"))
)


def actor_for(session: Session, user_id: int | None) -> Actor:
    found = session.execute(_ACTOR, {"user": user_id}).first() if user_id is not None else None
    return _actor(session, user_id, found)


def actor_and_case_stamp(
    session: Session, user_id: int | None, case_id: int
) -> tuple[Actor, tuple[int, int] | None]:
    """The actor, and the version and revision of the case if the actor may see it (else None), in
    one statement: all that a case page kept by the process needs to read."""
    found = (
        session.execute(_ACTOR_AND_CASE, {"user": user_id, "case_id": case_id}).first()
        if user_id is not None
        else None
    )
    actor = _actor(session, user_id, found)
    assert found is not None
    return actor, None if found.case_version is None else (found.case_version, found.case_revision)


# The session epoch of the request's sign-in (``http``); None outside a signed-in request (the
# command line, jobs), where no session can have been ended.
SIGNED_IN_EPOCH: ContextVar[int | None] = ContextVar("signed_in_epoch", default=None)


def _actor(session: Session, user_id: int | None, found: Any) -> Actor:
    if found is None or not found.active:
        raise NotAuthenticated("请先登录")
    epoch = SIGNED_IN_EPOCH.get()
    if epoch is not None and epoch != found.session_epoch:
        # Signed out since, or the password changed: this session (or a copy of it) has ended.
        raise NotAuthenticated("登录已失效，请重新登录")
    remember_reference_revision(session, found.reference_revision)
    return Actor(
        user_id=user_id or 0,
        username=found.username,
        display_name=found.display_name,
        role=found.role,
        area_id=found.area_id,
        area_level=found.level,
        county_code=found.county_code,
        reference_revision=found.reference_revision,
        id_number=found.id_number or "",
        must_change_password=bool(found.must_change_password),
    )


# ``_ACTOR`` with the case the parameter ``case_id`` names, joined where the user's role sees it
# (``scopes.CASES``, written out for every role at once: the role is read in the same statement).
# The column ``_ACTOR`` reads each of the actor's scope fields from:
_FIELD_COLUMNS = {"user_id": _USERS.c.id, "area_id": _USERS.c.area_id, "county_code": _AREAS.c.county_code}
_ACTOR_AND_CASE = _ACTOR.add_columns(
    _CASES.c.version.label("case_version"), _CASES.c.revision.label("case_revision")
).outerjoin(
    _CASES,
    sa.and_(_CASES.c.id == sa.bindparam("case_id"), CASES.joined(_USERS.c.role, _FIELD_COLUMNS)),
)


def visible_case(session: Session, actor: Actor, case_id: int) -> Case:
    """The case, or 404 — also for another area's case, so that its existence does not leak."""
    case = session.get(Case, case_id)
    if case is None or not CASES.allows(actor, case):
        raise not_visible(case_id)
    return case


def not_visible(case_id: int) -> NotFound:
    """The answer for a case the actor may not see, the same as for one that does not exist."""
    return NotFound(f"案件 {case_id} 不存在或不在您的管辖范围内")


__all__ = ["Actor", "actor_and_case_stamp", "actor_for", "not_visible", "visible_case"]
