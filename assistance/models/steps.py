"""What happens to a case on its way: notices of missing materials, information checks,
investigations, publicity and objections, democratic appraisal, opinions, rules-engine
evaluations, terminations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper
from sqlmodel import Field, SQLModel

from assistance.models.base import UTCDateTime, utcnow


class _CaseStep(SQLModel):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="assistance_case.id", index=True)
    recorded_by: int = Field(foreign_key="app_user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MaterialNotice(_CaseStep, table=True):
    """65号 第十四条: one notice listing every missing material."""

    missing: list[str] = Field(sa_type=sa.JSON)
    note: str = Field(default="", max_length=1000)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class InformationCheck(_CaseStep, table=True):
    """64号 第十九条, 65号 第十五条: the county's check of the household's economic information."""

    requested_on: date
    result: str | None = Field(default=None, max_length=20)  # qualified | not_qualified
    findings: str = Field(default="", max_length=2000)
    result_recorded_on: date | None = None


INVESTIGATION_METHODS = {
    "home_visit": "入户调查",
    "neighbour_visit": "邻里访问",
    "letter_inquiry": "信函索证",
    "expenditure_estimate": "支出推算",
    "remote_visit": "电话、视频等非接触方式（重大突发事件时）",
}


class Investigation(_CaseStep, table=True):
    """64号 第二十一条, 65号 第十五条."""

    method: str = Field(max_length=30)
    # village | township | county: 64号 第二十三条 asks the county itself to verify at home.
    level: str = Field(max_length=10)
    conducted_on: date
    investigators: str = Field(max_length=200)
    findings: str = Field(max_length=4000)
    emergency_reason: str = Field(default="", max_length=500)


class Publicity(_CaseStep, table=True):
    """A 7-day publicity in the village (64号 第二十二条、第二十三条, 65号 第十六条)."""

    stage: str = Field(max_length=20)  # township | county
    round: int = 1
    starts_on: date
    ends_on: date
    place: str = Field(max_length=200)
    closed_on: date | None = None
    objections_raised: bool = False


class Objection(_CaseStep, table=True):
    """An objection in publicity, or the applicant's objection to a not-qualified result."""

    kind: str = Field(max_length=20)  # publicity | applicant
    publicity_id: int | None = Field(default=None, foreign_key="publicity.id")
    raised_on: date
    raised_by: str = Field(default="", max_length=60)
    real_name: bool = False
    content: str = Field(max_length=4000)
    evidence_id: int | None = Field(default=None, foreign_key="evidence.id")


class Appraisal(_CaseStep, table=True):
    """64号 第二十二条: democratic appraisal of a disputed case."""

    held_on: date
    participants: str = Field(max_length=1000)
    result: str = Field(max_length=20)  # upheld | not_upheld
    minutes: str = Field(max_length=4000)


class RulesEvaluation(_CaseStep, table=True):
    """The rules engine's decision on the case file as it stood, kept as evidence."""

    outcome: str = Field(max_length=20)
    engine_version: str = Field(max_length=10)
    case_file: dict[str, Any] = Field(sa_type=sa.JSON)
    decision: dict[str, Any] = Field(sa_type=sa.JSON)


class Opinion(_CaseStep, table=True):
    """An initial opinion, a review, a recheck or a confirmation decision, with its reasons."""

    stage: str = Field(max_length=20)  # initial | township_check | county
    decision: str = Field(max_length=10)  # approve | reject
    reasons: str = Field(max_length=4000)
    evaluation_id: int | None = Field(default=None, foreign_key="rulesevaluation.id")
    engine_outcome: str | None = Field(default=None, max_length=20)
    # A human decision that departs from the engine's must say why (and notices must not blame
    # the rules for it).
    departure_reason: str = Field(default="", max_length=2000)
    # The conditions the people found not met, by the ids of the engine's criteria, each printed
    # with its article in the notice.
    criteria: list[str] | None = Field(default=None, sa_type=sa.JSON)


class Termination(_CaseStep, table=True):
    """64号 第二十七条, 65号 第二十一条: suspension or termination of the procedure."""

    action: str = Field(max_length=12)  # suspend | terminate | resume
    ground: str = Field(max_length=40)
    article: str = Field(max_length=60)
    note: str = Field(default="", max_length=2000)


class AuditEvent(SQLModel, table=True):
    """One per state change and per recorded step, written in the same transaction.

    Append-only and tamper-evident (64号 第二十八条, 65号 第二十条: 档案不得随意涂改、变更和销毁):
    each event of a case carries the hash of the one before it (``audit``); the ORM
    refuses to change or delete one, and on PostgreSQL so does the database (migration 0003).
    """

    __table_args__ = (sa.UniqueConstraint("case_id", "seq", name="uq_audit_event_case_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="assistance_case.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_id: int = Field(foreign_key="app_user.id")
    actor_role: str = Field(max_length=12)
    action: str = Field(max_length=40)
    # The date the act took effect (a deadline counts from it), which may precede `at`.
    on: date
    from_state: str = Field(max_length=30)
    to_state: str = Field(max_length=30)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    # The case's events in order, 1, 2, …; two acts at once cannot both take the next number.
    seq: int = Field(default=0)
    prev_hash: str = Field(default="", max_length=64)
    hash: str = Field(default="", max_length=64)


class HolidaySchedule(SQLModel, table=True):
    """A year's holiday arrangement loaded by an administrator (for years chinesecalendar lacks)."""

    year: int = Field(primary_key=True)
    source: str = Field(max_length=300)
    data: dict[str, Any] = Field(sa_type=sa.JSON)
    loaded_by: int = Field(foreign_key="app_user.id")
    loaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuditTampering(RuntimeError):
    """Something tried to change or delete an audit event."""


@event.listens_for(AuditEvent, "before_update")
def _refuse_audit_update(_mapper: Mapper[Any], _connection: Connection, target: AuditEvent) -> None:
    raise AuditTampering(f"审计记录 {target.id} 不能修改")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_audit_delete(_mapper: Mapper[Any], _connection: Connection, target: AuditEvent) -> None:
    raise AuditTampering(f"审计记录 {target.id} 不能删除")
