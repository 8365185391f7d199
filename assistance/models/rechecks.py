"""Periodic rechecks of recognised 低保边缘家庭 (64号 第二十六条): yearly, or half-yearly where the
income has no fixed source and a member can work; each due date kept with the reason for it."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from assistance.models.base import UTCDateTime, utcnow

DUE = "due"
DONE = "done"
CANCELLED = "cancelled"


class PeriodicRecheck(SQLModel, table=True):
    __tablename__ = "periodic_recheck"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="assistance_case.id", index=True)
    # The township that does it, for the list of rechecks due per township.
    township_id: int = Field(foreign_key="area.id", index=True)
    scheduled_on: date
    due_on: date = Field(index=True)
    interval_months: int
    # Why this interval: the household's unstable incomes and members able to work, or staff's choice.
    basis: str = Field(max_length=500)
    status: str = Field(default=DUE, max_length=10, index=True)
    done_on: date | None = None
    # continue | exit (proposed to the county)
    result: str | None = Field(default=None, max_length=10)
    evaluation_id: int | None = Field(default=None, foreign_key="rulesevaluation.id")
    recorded_by: int | None = Field(default=None, foreign_key="app_user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
