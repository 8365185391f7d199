"""Who is acting, where they work, and which cases they may see (the area scope)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from assistance.models import Area, Case, User
from assistance.models.users import ADMIN, APPLICANT, COUNTY, TOWNSHIP, VILLAGE
from assistance.services.errors import NotAuthenticated, NotFound


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int
    username: str
    display_name: str
    role: str
    area_id: int | None
    area_level: str | None
    county_code: str | None

    @property
    def is_staff(self) -> bool:
        return self.role in (VILLAGE, TOWNSHIP, COUNTY)


def actor_for(session: Session, user_id: int | None) -> Actor:
    # One query for the user and their area: every request of the service starts here.
    with_area = select(User, Area).outerjoin(Area, col(Area.id) == col(User.area_id))
    found = session.exec(with_area.where(col(User.id) == user_id)).first() if user_id is not None else None
    if found is None or not found[0].active:
        raise NotAuthenticated("请先登录")
    user, area = found
    return Actor(
        user_id=user.id or 0,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        area_id=user.area_id,
        area_level=area.level if area else None,
        county_code=area.county_code if area else None,
    )


def case_scope(actor: Actor) -> ColumnElement[bool]:
    """The cases an actor may see: applicants their own filings, staff their own area."""
    if actor.role == ADMIN:
        return sa.true()
    if actor.role == APPLICANT:
        return col(Case.filed_by_user_id) == actor.user_id
    if actor.role == VILLAGE:
        return col(Case.village_id) == actor.area_id
    if actor.role == TOWNSHIP:
        return col(Case.township_id) == actor.area_id
    if actor.role == COUNTY:
        return col(Case.county_code) == actor.county_code
    return sa.false()


def area_scope(actor: Actor, county: Any, township: Any = None) -> ColumnElement[bool]:
    """Rows of an area's business (reports, referrals, rechecks, jobs) that the actor's area holds,
    given the row's county code column and, where townships see their own, its township column.
    The administrator sees all; any other role none."""
    if actor.role == ADMIN:
        return sa.true()
    if actor.role == COUNTY:
        return sa.and_(county == actor.county_code)
    if actor.role == TOWNSHIP and township is not None:
        return sa.and_(township == actor.area_id)
    return sa.false()


def in_area(actor: Actor, county_code: str, township_id: int | None = None) -> bool:
    """``area_scope`` for one row already read."""
    if actor.role == ADMIN:
        return True
    if actor.role == COUNTY:
        return county_code == actor.county_code
    return actor.role == TOWNSHIP and township_id is not None and township_id == actor.area_id


def can_see(actor: Actor, case: Case) -> bool:
    if actor.role == ADMIN:
        return True
    if actor.role == APPLICANT:
        return case.filed_by_user_id == actor.user_id
    if actor.role == VILLAGE:
        return case.village_id == actor.area_id
    if actor.role == TOWNSHIP:
        return case.township_id == actor.area_id
    if actor.role == COUNTY:
        return case.county_code == actor.county_code
    return False


def visible_case(session: Session, actor: Actor, case_id: int) -> Case:
    """The case, or 404 — also for another area's case, so that its existence does not leak."""
    case = session.get(Case, case_id)
    if case is None or not can_see(actor, case):
        raise NotFound(f"案件 {case_id} 不存在或不在您的管辖范围内")
    return case


__all__ = [
    "APPLICANT",
    "COUNTY",
    "TOWNSHIP",
    "VILLAGE",
    "Actor",
    "actor_for",
    "can_see",
    "case_scope",
    "visible_case",
]
