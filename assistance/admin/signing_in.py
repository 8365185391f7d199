"""Signing in and out, and changing one's password, with what protects them.

- Failed sign-ins count per account, in the database so that every worker sees them: after
  ``LOCK_AFTER`` in a row the account is locked for ``LOCKED_FOR``, and the answer says so in
  Chinese. (Per address, the HTTP layer limits the rate, ``http.limiter``.)
- An unknown user name costs the same password hash as a known one, so the time taken does not
  tell which user names exist; both get the same answer.
- Every session carries the account's epoch; signing out and a password change move it on, which
  ends every session of the account, a copied cookie included (``access.actors``).
- Each sign-in, failure, lockout, sign-out and password change goes to the security log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from sqlmodel import select
from werkzeug.security import check_password_hash, generate_password_hash

from assistance import security_log
from assistance.access import actor_for
from assistance.admin.passwords import check_new_password
from assistance.clock import beijing, utcnow
from assistance.db import Database
from assistance.errors import InvalidInput, NotAuthenticated, TooManyAttempts
from assistance.models import User
from assistance.validation import ChineseSchema, load, text

LOCK_AFTER: Final = 5
LOCKED_FOR: Final = timedelta(minutes=15)
# Checked against when the user name is unknown: as slow as a real account's hash.
_DUMMY_HASH: Final = generate_password_hash("不是任何人的密码-dummy")
WRONG: Final = "用户名或密码错误"


class LoginSchema(ChineseSchema):
    username = text(required=True, max_length=60)
    password = text(required=True, max_length=128)


class PasswordChangeSchema(ChineseSchema):
    current_password = text(required=True, max_length=128, metadata={"description": "当前密码"})
    new_password = text(required=True, max_length=128, metadata={"description": "新密码，至少10位"})


@dataclass(frozen=True, slots=True)
class SignedIn:
    user_id: int
    epoch: int
    # A password an administrator reset: until it is changed, nothing else may be done (``http``).
    must_change_password: bool = False


def authenticate(db: Database, payload: Any) -> SignedIn:
    """The account the user name and password open. 401 for either wrong (the same answer), 429
    while the account is locked."""
    data = load(LoginSchema(), payload)
    refusal: Exception | None = None
    with db.transaction() as session:
        user = session.exec(select(User).where(User.username == data["username"])).first()
        now = utcnow()
        if user is None or not user.active:
            check_password_hash(_DUMMY_HASH, data["password"])
            security_log.record(session, "sign_in_failed", username=data["username"], detail={"known": False})
            refusal = NotAuthenticated(WRONG)
        elif user.locked_until is not None and user.locked_until > now:
            security_log.record(session, "sign_in_refused_locked", user_id=user.id, username=user.username)
            refusal = _locked(user)
        elif not check_password_hash(user.password_hash, data["password"]):
            user.failed_sign_ins += 1
            detail = {"failures": user.failed_sign_ins}
            security_log.record(
                session, "sign_in_failed", user_id=user.id, username=user.username, detail=detail
            )
            refusal = NotAuthenticated(WRONG)
            if user.failed_sign_ins >= LOCK_AFTER:
                user.locked_until, user.failed_sign_ins = now + LOCKED_FOR, 0
                security_log.record(session, "locked_out", user_id=user.id, username=user.username)
                refusal = _locked(user)
        else:
            user.failed_sign_ins, user.locked_until = 0, None
            security_log.record(session, "sign_in", user_id=user.id, username=user.username)
            assert user.id is not None
            return SignedIn(user.id, user.session_epoch, user.must_change_password)
    # Raised once the failure is counted and logged: the transaction has committed.
    raise refusal


def _locked(user: User) -> TooManyAttempts:
    assert user.locked_until is not None
    until = beijing(user.locked_until).strftime("%H:%M")
    return TooManyAttempts(
        f"连续{LOCK_AFTER}次密码错误，账号已暂时锁定，请于{until}后再试，或联系系统管理员", []
    )


def sign_out(db: Database, user_id: int) -> None:
    """End every session of the account (a copied cookie too)."""
    with db.transaction() as session:
        actor = actor_for(session, user_id)
        user = session.get(User, user_id)
        assert user is not None
        user.session_epoch += 1
        security_log.record(session, "sign_out", actor=actor)


def change_password(db: Database, user_id: int, payload: Any) -> SignedIn:
    """A new password, given the current one. Every other session of the account ends; the one
    returned continues here."""
    data = load(PasswordChangeSchema(), payload)
    with db.transaction() as session:
        actor = actor_for(session, user_id)
        user = session.get(User, user_id)
        assert user is not None
        if check_password_hash(user.password_hash, data["current_password"]):
            new = data["new_password"]
            check_new_password(new, username=user.username, id_number=user.id_number, field="new_password")
            if check_password_hash(user.password_hash, new):
                raise InvalidInput.field("new_password", "新密码不能与当前密码相同")
            user.password_hash = generate_password_hash(new)
            user.session_epoch += 1
            user.must_change_password = False
            security_log.record(session, "password_changed", actor=actor)
            return SignedIn(user_id, user.session_epoch)
        security_log.record(session, "password_change_failed", actor=actor)
    # Raised once the failure is logged: the transaction has committed.
    raise InvalidInput.field("current_password", "当前密码不正确")
