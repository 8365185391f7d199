"""Real-name reports and complaints (64号 第三十条, 65号 第二十三条): “对接到的实名举报，逐一核查，
并及时向举报人反馈核查处理结果”. Anonymous reports are checked too; only a real-name reporter is
answered."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from assistance.models.base import UTCDateTime, utcnow

RECEIVED = "received"
ASSIGNED = "assigned"
VERIFIED = "verified"
ANSWERED = "answered"
CLOSED = "closed"


class Report(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    county_code: str = Field(max_length=6, index=True)
    # The township concerned, when the report names one (or its case does).
    township_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="assistance_case.id", index=True)
    procedure: str | None = Field(default=None, max_length=20)
    channel: str = Field(max_length=20)  # hotline | letter | visit | online
    real_name: bool
    reporter_name: str = Field(default="", max_length=60)
    reporter_contact: str = Field(default="", max_length=100)
    subject: str = Field(max_length=200)
    content: str = Field(max_length=4000)
    received_on: date
    received_by: int = Field(foreign_key="app_user.id")
    status: str = Field(default=RECEIVED, max_length=10, index=True)
    assigned_to: int | None = Field(default=None, foreign_key="app_user.id")
    assigned_on: date | None = None
    findings: str = Field(default="", max_length=4000)
    substantiated: bool | None = None
    verified_on: date | None = None
    verified_by: int | None = Field(default=None, foreign_key="app_user.id")
    answer: str = Field(default="", max_length=4000)
    answer_method: str = Field(default="", max_length=20)
    answered_on: date | None = None
    answered_by: int | None = Field(default=None, foreign_key="app_user.id")
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
