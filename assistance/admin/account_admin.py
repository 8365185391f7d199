"""What an administrator does to accounts once they exist: edit, deactivate and reactivate them,
and reset a password; and the first administrator of an installation, made at the console.

Every act here goes to the security log. Whatever changes who the account is or whether it may
sign in (role, area, deactivation, a reset password) moves the account's session epoch on, which
ends every session it has open (``access.actors``): a reactivated account starts afresh, and a
reset password must be changed at the next sign-in (``http.refuse_until_password_changed``).

``by`` is the administrator's user id, or None for the operator at the console (``assistance
users``), who holds the server and so the database already: the log says "命令行".
"""

from __future__ import annotations

import secrets
from typing import Any, Final

from sqlmodel import Session, col, func, select
from werkzeug.security import generate_password_hash

from assistance import security_log
from assistance.access import Actor, actor_for, may, require, role_holds
from assistance.access.permissions import holders
from assistance.admin.accounts import StaffSchema, account_row, area_of_role, new_user
from assistance.admin.passwords import check_new_password
from assistance.db import Database
from assistance.errors import Conflict, InvalidInput, NotFound
from assistance.models import Area, User
from assistance.models.users import ADMIN, APPLICANT, ROLES
from assistance.validation import ChineseSchema, choice, load, text

CONSOLE: Final = {"via": "命令行"}
# Temporary passwords: no 0/O, 1/l/I to misread when it is told over the telephone.
_ALPHABET: Final = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TEMPORARY_LENGTH: Final = 12


class EditSchema(ChineseSchema):
    display_name = text(max_length=60, metadata={"description": "姓名"})
    phone = text(max_length=20, metadata={"description": "手机号码"})
    role = choice({k: v for k, v in ROLES.items() if k != APPLICANT}, required=False)
    area = text(max_length=12, metadata={"description": "工作区域代码（村、乡镇或县；管理员不填）"})


class ResetSchema(ChineseSchema):
    password = text(max_length=128, metadata={"description": "临时密码；不填则由系统生成（只显示一次）"})


class AdminSchema(StaffSchema):
    role = choice({ADMIN: ROLES[ADMIN]})


def _acting(session: Session, by: int | None) -> Actor | None:
    if by is None:
        return None
    actor = actor_for(session, by)
    require(actor, "manage_accounts")
    return actor


def _target(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"账号 {user_id} 不存在")
    return user


def _log(session: Session, action: str, actor: Actor | None, user: User, detail: dict[str, Any]) -> None:
    security_log.record(
        session,
        action,
        actor=actor,
        subject="user",
        subject_id=user.id,
        detail={"username": user.username, **detail, **({} if actor else CONSOLE)},
    )


def _keep_an_administrator(session: Session, leaving: User, new_role: str | None = None) -> None:
    """Refuse to leave the installation with no active account that manages accounts: nobody
    could then administer it but from the console."""
    if not may(leaving, "manage_accounts") or not leaving.active:
        return
    if new_role is not None and role_holds(new_role, "manage_accounts"):
        return
    others = session.exec(
        select(func.count())
        .select_from(User)
        .where(
            col(User.role).in_(holders("manage_accounts")), col(User.active).is_(True), User.id != leaving.id
        )
    ).one()
    if not others:
        raise Conflict("至少要保留一个启用的系统管理员账号", [])


def account(db: Database, by: int, user_id: int) -> dict[str, Any]:
    """One account as the administrator sees it."""
    with db.reading() as session:
        _acting(session, by)
        return _plain(session, _target(session, user_id))


def edit_user(db: Database, by: int | None, user_id: int, payload: Any) -> dict[str, Any]:
    """Name and phone of any account; role and area of a staff account. A change of role or area
    ends the account's sessions."""
    data = load(EditSchema(), payload)
    with db.transaction() as session:
        actor = _acting(session, by)
        user = _target(session, user_id)
        changed: dict[str, Any] = {}
        for field in ("display_name", "phone"):
            if data.get(field) is not None and data[field] != getattr(user, field):
                changed[field] = data[field]
                setattr(user, field, data[field])
        if data.get("role") or data.get("area"):
            if may(user, "bound_to_registered_id_number"):
                raise InvalidInput.field("role", "申请人账号由本人注册，不能改为工作人员账号")
            role = data.get("role") or user.role
            _keep_an_administrator(session, user, role)
            area_id = area_of_role(session, role, data.get("area"))
            if (role, area_id) != (user.role, user.area_id):
                changed.update(role=role, area=data.get("area") or "")
                user.role, user.area_id = role, area_id
                user.session_epoch += 1
        if changed:
            _log(session, "user_edited", actor, user, {"changed": changed})
        return _plain(session, user)


def set_active(db: Database, by: int | None, user_id: int, active: bool) -> dict[str, Any]:
    """Deactivate (every session ends, no sign-in) or reactivate an account."""
    with db.transaction() as session:
        actor = _acting(session, by)
        user = _target(session, user_id)
        if user.active == active:
            return _plain(session, user)
        if not active:
            if by == user.id:
                raise Conflict("不能停用自己的账号", [])
            _keep_an_administrator(session, user)
        user.active = active
        user.session_epoch += 1
        user.failed_sign_ins, user.locked_until = 0, None
        _log(session, "user_reactivated" if active else "user_deactivated", actor, user, {})
        return _plain(session, user)


def reset_password(db: Database, by: int | None, user_id: int, payload: Any) -> dict[str, Any]:
    """A temporary password, given or made here, that the user must change at the next sign-in.
    The account's sessions end and a lockout is lifted. A made password is returned once and
    kept nowhere in the clear."""
    data = load(ResetSchema(), payload)
    with db.transaction() as session:
        actor = _acting(session, by)
        user = _target(session, user_id)
        if by == user.id:
            raise Conflict("请在“修改密码”中修改自己的密码", [])
        password = data.get("password") or _temporary_password(user)
        check_new_password(password, username=user.username, id_number=user.id_number)
        user.password_hash = generate_password_hash(password)
        user.must_change_password = True
        user.session_epoch += 1
        user.failed_sign_ins, user.locked_until = 0, None
        _log(session, "password_reset", actor, user, {})
        return {
            "user": _plain(session, user),
            "temporary_password": None if data.get("password") else password,
        }


def _temporary_password(user: User) -> str:
    while True:
        made = "".join(secrets.choice(_ALPHABET) for _ in range(TEMPORARY_LENGTH))
        try:
            check_new_password(made, username=user.username, id_number=user.id_number)
        except InvalidInput:
            continue
        return made


def create_admin(db: Database, payload: Any) -> int:
    """An administrator, made at the console: how an installation gets its first one."""
    data = load(AdminSchema(), {**payload, "role": ADMIN})
    with db.transaction() as session:
        user = new_user(session, data, ADMIN, None)
        _log(session, "user_created", None, user, {"role": ADMIN})
        assert user.id is not None
        return user.id


def user_named(db: Database, username: str) -> int:
    with db.reading() as session:
        found = session.exec(select(User.id).where(User.username == username)).first()
    if found is None:
        raise NotFound(f"没有用户名为 {username} 的账号")
    return found


def _plain(session: Session, user: User) -> dict[str, Any]:
    area = session.get(Area, user.area_id) if user.area_id else None
    return account_row(user, area.code if area else None)
