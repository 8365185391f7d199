"""Scheduled work (``assistance.schedules``): which schedules a county has switched off, what each
run did, and the township digests the morning run writes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from assistance.models.base import UTCDateTime, utcnow


class ScheduleSetting(SQLModel, table=True):
    """A county's choice for one schedule; a schedule without a row is on."""

    __tablename__ = "schedule_setting"

    county_code: str = Field(primary_key=True, max_length=6)
    schedule: str = Field(primary_key=True, max_length=40)
    enabled: bool = True
    changed_by: int | None = Field(default=None, foreign_key="app_user.id")
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ScheduleRun(SQLModel, table=True):
    """One schedule's run for one county and one period (a month, a quarter, a day). The row is the
    claim: two workers reaching the same run, or the same worker an hour later, find it and leave
    it; a worker that was down on the day finds the period without its row and runs it late."""

    __tablename__ = "schedule_run"
    __table_args__ = (sa.UniqueConstraint("schedule", "county_code", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    schedule: str = Field(max_length=40)
    county_code: str = Field(max_length=6, index=True)
    period: str = Field(max_length=10)
    # The day (Beijing) it ran.
    day: date
    # done | nothing (nothing was due) | failed
    status: str = Field(max_length=10)
    detail: str = Field(default="", max_length=2000)
    document_id: int | None = Field(default=None, foreign_key="issued_document.id")
    ran_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TownshipDigest(SQLModel, table=True):
    """A township's morning digest: its cases past a step's date, those due within the next working
    days, and its rechecks due soon (64号 第二十六条), as they stood that morning."""

    __tablename__ = "township_digest"
    __table_args__ = (sa.UniqueConstraint("township_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    township_id: int = Field(foreign_key="area.id", index=True)
    county_code: str = Field(max_length=6)
    day: date
    data: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    made_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
