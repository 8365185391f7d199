"""Parameter values entered through the service, and the security log that records who entered,
approved and withdrew them (and every other sign-in and administrator act).

An entry is a record: who entered it and when, its source document, whether a value outside the
plausible range was confirmed, who approved it (an entry effective before the day it is entered
needs a second person), and who withdrew it and why. Entries are never changed otherwise; a
decision keeps the value it used, and names the entry in its source."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper
from sqlmodel import Field, SQLModel

from assistance.models.base import Money, UTCDateTime, utcnow
from assistance.models.steps import AuditTampering

PENDING = "pending"  # effective before the day it was entered: awaits an administrator
IN_FORCE = "in_force"
WITHDRAWN = "withdrawn"
ENTRY_STATUSES = {PENDING: "待管理员批准", IN_FORCE: "施行中", WITHDRAWN: "已撤回"}


class ParameterEntry(SQLModel, table=True):
    __tablename__ = "parameter_entry"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    county: str = Field(max_length=6, index=True)  # a county code, or "*" for the whole city
    area: str = Field(max_length=6)  # urban, rural, or "*"
    effective_from: date
    effective_to: date | None = None
    amount: Decimal = Field(sa_type=Money)
    source: str = Field(max_length=300)
    note: str = Field(default="", max_length=300)
    status: str = Field(max_length=12, index=True)
    # Outside the plausible range (``admin.parameter_entries.BOUNDS``), entered knowingly.
    out_of_range_confirmed: bool = False
    entered_by: int = Field(foreign_key="app_user.id")
    entered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    approved_by: int | None = Field(default=None, foreign_key="app_user.id")
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_by: int | None = Field(default=None, foreign_key="app_user.id")
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawal_reason: str = Field(default="", max_length=300)


class SecurityEvent(SQLModel, table=True):
    """The security log (``security_log``): sign-ins and their failures, lockouts, sign-outs,
    password changes, and every administrator act outside a case (a parameter entered, approved,
    withdrawn; users, areas, holiday schedules), in the same transaction as what it records.
    Append-only: the ORM refuses to change or delete one, and on PostgreSQL so does the database
    (migration 0014)."""

    __tablename__ = "security_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    # Who acted, if known (a failed sign-in names only what was typed, in ``username``).
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    role: str = Field(default="", max_length=12)
    username: str = Field(default="", max_length=60)
    address: str = Field(default="", max_length=45)  # the request's remote address
    action: str = Field(max_length=40, index=True)
    subject: str = Field(default="", max_length=40)  # the kind of row acted on: "parameter_entry"
    subject_id: int | None = Field(default=None, index=True)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


@event.listens_for(SecurityEvent, "before_update")
def _refuse_update(_mapper: Mapper[Any], _connection: Connection, target: SecurityEvent) -> None:
    raise AuditTampering(f"安全日志 {target.id} 不能修改")


@event.listens_for(SecurityEvent, "before_delete")
def _refuse_delete(_mapper: Mapper[Any], _connection: Connection, target: SecurityEvent) -> None:
    raise AuditTampering(f"安全日志 {target.id} 不能删除")
