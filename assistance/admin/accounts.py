"""Accounts: applicants register themselves; administrators create staff in their areas."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from marshmallow import validate
from sqlmodel import Session, col, select
from werkzeug.security import generate_password_hash

from assistance import security_log
from assistance.access import actor_for, require, role_holds
from assistance.access.permissions import holders
from assistance.admin.passwords import check_new_password
from assistance.admin.signing_in import SignedIn
from assistance.db import Database
from assistance.errors import Conflict, FieldProblem, InvalidInput
from assistance.models import Area, User
from assistance.models.users import APPLICANT, COUNTY, ROLES, TOWNSHIP, VILLAGE
from assistance.validation import ChineseSchema, choice, load, text
from rules.idnumber import InvalidIdNumber, birth_date_of

# The area level each staff role works at.
ROLE_LEVEL = {VILLAGE: "village", TOWNSHIP: "township", COUNTY: "county"}
_USERNAME = validate.Regexp(r"^[A-Za-z0-9_.@-]{3,60}$", error="用户名应为3至60位字母、数字或 _ . @ -")


class _Password(ChineseSchema):
    password = text(required=True, max_length=128)


class _Account(_Password):
    username = text(required=True, max_length=60, validate=_USERNAME)
    display_name = text(required=True, max_length=60, metadata={"description": "姓名"})
    phone = text(max_length=20)
    id_number = text(max_length=18, metadata={"description": "本人身份证号码（可选）"})


class RegisterSchema(_Account):
    # The account files as ``self`` only for the household whose applicant this is (cases.filing).
    id_number = text(
        required=True,
        max_length=18,
        metadata={"description": "本人身份证号码：以本人名义只能为本人作为申请人的家庭提出申请"},
    )


class StaffSchema(_Account):
    role = choice({k: v for k, v in ROLES.items() if k != APPLICANT})
    area = text(max_length=12, metadata={"description": "工作区域代码（村、乡镇或县）"})


_BOUND_TO_NUMBER = select(User.id).where(
    col(User.role).in_(holders("bound_to_registered_id_number")), User.id_number == sa.bindparam("number")
)


def new_user(session: Session, data: dict[str, Any], role: str, area_id: int | None) -> User:
    number = str(data.get("id_number") or "").upper()
    check_new_password(data["password"], username=data["username"], id_number=number)
    if number:
        try:
            birth_date_of(number)
        except InvalidIdNumber as exc:
            raise InvalidInput.field("id_number", str(exc)) from exc
    if session.exec(select(User).where(User.username == data["username"])).first():
        raise Conflict("用户名已被使用", [])
    bound = role_holds(role, "bound_to_registered_id_number")
    if number and bound and session.exec(_BOUND_TO_NUMBER, params={"number": number}).first():
        raise Conflict(
            "该身份证号码已注册申请人账号",
            [
                FieldProblem(
                    "id_number", "一人只能注册一个申请人账号；如非本人注册，请联系乡镇（街道）民政工作人员"
                )
            ],
        )
    user = User(
        username=data["username"],
        password_hash=generate_password_hash(data["password"]),
        display_name=data["display_name"],
        role=role,
        area_id=area_id,
        phone=data.get("phone", ""),
        id_number=number,
    )
    session.add(user)
    session.flush()
    return user


def register(db: Database, payload: Any) -> SignedIn:
    """A new applicant account, signed in."""
    data = load(RegisterSchema(), payload)
    with db.transaction() as session:
        user = new_user(session, data, APPLICANT, None)
        assert user.id is not None
        security_log.record(session, "registered", user_id=user.id, username=user.username)
        return SignedIn(user.id, user.session_epoch)


def create_user(db: Database, admin_id: int, payload: Any) -> int:
    data = load(StaffSchema(), payload)
    with db.transaction() as session:
        actor = actor_for(session, admin_id)
        require(actor, "manage_accounts")
        user = new_user(session, data, data["role"], area_of_role(session, data["role"], data.get("area")))
        assert user.id is not None
        detail = {"username": user.username, "role": user.role, "area": data.get("area") or ""}
        security_log.record(
            session, "user_created", actor=actor, subject="user", subject_id=user.id, detail=detail
        )
        return user.id


_LEVEL_NAMES = {"village": "村（社区）", "township": "乡镇（街道）", "county": "县（市、区）"}


def area_of_role(session: Session, role: str, code: str | None) -> int | None:
    """The area a staff member of ``role`` works in, which must be of the role's level; none for
    an administrator."""
    level = ROLE_LEVEL.get(role)
    if level is None:
        return None
    area = session.exec(select(Area).where(Area.code == (code or ""))).first()
    if area is None or area.level != level:
        raise InvalidInput.field("area", f"{ROLES[role]}应属于一个{_LEVEL_NAMES[level]}")
    return area.id


def user_view(db: Database, user_id: int) -> dict[str, Any]:
    with db.reading() as session:
        actor = actor_for(session, user_id)
        area = session.get(Area, actor.area_id) if actor.area_id else None
        return {
            "id": actor.user_id,
            "username": actor.username,
            "display_name": actor.display_name,
            "role": actor.role,
            "role_name": ROLES[actor.role],
            "area": {"code": area.code, "name": area.name, "level": area.level} if area else None,
            "must_change_password": actor.must_change_password,
        }


def list_users(db: Database, admin_id: int) -> list[dict[str, Any]]:
    with db.reading() as session:
        require(actor_for(session, admin_id), "manage_accounts")
        codes = {a.id: a.code for a in session.exec(select(Area)).all()}
        return [
            account_row(u, codes.get(u.area_id)) for u in session.exec(select(User).order_by(col(User.id)))
        ]


def account_row(user: User, area_code: str | None) -> dict[str, Any]:
    """An account as the administrator sees it (never its password hash)."""
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "area": area_code,
        "active": user.active,
        "phone": user.phone,
        "must_change_password": user.must_change_password,
        "locked_until": user.locked_until.isoformat() if user.locked_until else None,
    }
