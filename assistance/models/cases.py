"""An application under one procedure, and the deadlines running on it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Field, Session, SQLModel

from assistance.models.base import UTCDateTime, new_revision, utcnow

# Where the application may be made (64号 第十七条: 户籍所在地; 65号 第十一条: also 经常居住地, or
# 参保地 where that differs).
FILING_PLACES = {"hukou": "户籍所在地", "residence": "经常居住地", "insurance": "参保地"}

# How the application was filed (64号 第十七条, 65号 第十一条).
FILING_CHANNELS = {
    "self": "本人申请",
    "village_committee": "委托村（居）民委员会代为申请",
    "authorised_person": "委托他人代为申请",
}


class Case(SQLModel, table=True):
    __tablename__ = "assistance_case"

    id: int | None = Field(default=None, primary_key=True)
    number: str | None = Field(default=None, max_length=30, unique=True, index=True)
    procedure: str = Field(max_length=20, index=True)
    state: str = Field(max_length=30, index=True)
    # The state a suspended case returns to (64号 第二十七条).
    suspended_from: str | None = Field(default=None, max_length=30)
    household_id: int = Field(foreign_key="household.id", index=True)
    applicant_member_id: int | None = Field(default=None, foreign_key="member.id")
    patient_member_id: int | None = Field(default=None, foreign_key="member.id")
    county_code: str = Field(max_length=6, index=True)
    township_id: int = Field(foreign_key="area.id", index=True)
    village_id: int = Field(foreign_key="area.id", index=True)
    filed_by_user_id: int = Field(foreign_key="app_user.id", index=True)
    filing_channel: str = Field(max_length=20)
    # 65号 第十一条: applied where the household is registered (hukou), usually lives
    # (residence, with a 居住证), or is insured (insurance, where that differs); 64号 第十七条:
    # always where it is registered.
    filing_place: str = Field(default="hukou", max_length=10, sa_column_kwargs={"server_default": "hukou"})
    proxy_name: str = Field(default="", max_length=60)
    proxy_authorisation: str = Field(default="", max_length=500)
    economic_check_authorised: bool = False  # 家庭经济状况核对授权书
    commitment_signed: bool = False  # 书面承诺
    application_date: date
    accepted_on: date | None = None
    current_assistance: str = Field(default="none", max_length=20)
    assistance_transition: str | None = Field(default=None, max_length=20)
    monitoring_category: str | None = Field(default=None, max_length=20)
    monitoring_identified_on: date | None = None
    monitoring_identified_by: str = Field(default="", max_length=100)
    # 64号 第二十四条, 65号 第十九条: 30 working days, 45 on a recorded reason.
    extended: bool = False
    extension_reason: str = Field(default="", max_length=500)
    # Findings under county rules the engine cannot know (64号 第十四条（四）, 65号 第十条).
    county_findings: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    # The date the case entered its current state (guards count "since" it).
    state_entered_on: date
    state_entered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The date of the latest act (the filing included): no act may take effect before it.
    last_act_on: date | None = None
    outcome: str | None = Field(default=None, max_length=20)
    closed_on: date | None = None
    # Who confirmed: the county, or a township under delegation (64号 第三十二条, 65号 第二十六条).
    decided_by_level: str | None = Field(default=None, max_length=10)
    # 65号 第十七条: a confirmed patient is pushed to the medical-insurance bureau.
    push_status: str | None = Field(default=None, max_length=10)  # queued | pushed
    pushed_on: date | None = None
    idempotency_key: str | None = Field(default=None, max_length=80, unique=True)
    # Optimistic lock: two staff firing transitions at once, one wins, the other gets 409.
    version: int = Field(default=1)
    # New with every committed change to anything the case page shows, the acts (which move
    # ``version``) included: a page a process kept is good while this and ``version`` stand
    # (models.revisions).
    revision: int = Field(
        default_factory=new_revision, sa_type=sa.BigInteger, sa_column_kwargs={"server_default": "0"}
    )
    # The nearest open deadline's due date, kept by every flush that writes the case's deadlines:
    # work queues sort and count by it without reading every case's deadlines.
    next_due_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CaseDeadline(SQLModel, table=True):
    """A period the regulations set, counted from an event, in working or calendar days."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="assistance_case.id", index=True)
    kind: str = Field(max_length=30)
    label: str = Field(max_length=100)
    article: str = Field(max_length=60)
    starts_on: date
    days: int
    working_days: bool = True
    due_on: date
    warning: str = Field(default="", max_length=300)
    met_on: date | None = None
    cancelled: bool = False


def next_due_query(case_id: Any) -> sa.ScalarSelect[Any]:
    """The earliest due date among the case's open deadlines (None when none is open)."""
    due = CaseDeadline.__table__  # type: ignore[attr-defined]
    return (
        sa.select(sa.func.min(due.c.due_on))
        .where(due.c.case_id == case_id, due.c.met_on.is_(None), due.c.cancelled.is_(False))
        .scalar_subquery()
    )


@event.listens_for(Session, "after_flush")
def _keep_next_due(session: Session, _context: Any) -> None:
    changed = {
        d.case_id for d in (*session.new, *session.dirty, *session.deleted) if isinstance(d, CaseDeadline)
    }
    if changed:
        cases = Case.__table__  # type: ignore[attr-defined]
        session.connection().execute(
            sa.update(cases).where(cases.c.id.in_(changed)).values(next_due_on=next_due_query(cases.c.id))
        )


class CaseNumberCounter(SQLModel, table=True):
    """The last case number given per county, procedure and year (numbers never repeat)."""

    county_code: str = Field(max_length=6, primary_key=True)
    procedure: str = Field(max_length=20, primary_key=True)
    year: int = Field(primary_key=True)
    last: int = 0
