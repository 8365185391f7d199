"""Batch jobs run in the background over many cases (a county's recheck review, a policy what-if),
in chunks: each chunk's results and the job's cursor are committed together, so a job stopped by
a crash resumes after the last chunk it finished and counts no case twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from assistance.models.base import UTCDateTime, utcnow

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"


class BatchJob(SQLModel, table=True):
    __tablename__ = "batch_job"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30)
    county_code: str = Field(max_length=6, index=True)
    params: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    status: str = Field(default=QUEUED, max_length=10, index=True)
    total: int = 0
    processed: int = 0
    # The last case id whose result is in ``result``: the job resumes after it.
    cursor: int = 0
    result: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    error: str = Field(default="", max_length=2000)
    created_by: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = 1


class BatchJobItem(SQLModel, table=True):
    """One case a job lists (no longer eligible, entering, leaving, undetermined), written with the
    chunk that found it; the job itself keeps only the counts, so a job over a million cases does
    not rewrite a growing result at every chunk."""

    __tablename__ = "batch_job_item"

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="batch_job.id", index=True)
    case_id: int = Field(foreign_key="assistance_case.id")
    category: str = Field(max_length=20)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class BatchJobChunk(SQLModel, table=True):
    """One range of a job's cases, ``after_id`` < id <= ``last_id``, fixed when the job is planned.
    Workers on any machine take the chunks; a chunk counts once, when ``done_at`` is set in the
    transaction that writes its results, so two workers that both ran it never both count it."""

    __tablename__ = "batch_job_chunk"
    __table_args__ = (sa.UniqueConstraint("job_id", "after_id"),)

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="batch_job.id", index=True)
    after_id: int
    last_id: int
    processed: int = 0
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # host:pid of the worker whose results count.
    runner: str = Field(default="", max_length=100)


class TaskFailure(SQLModel, table=True):
    """A queued task that raised: what it was given and the error, for the jobs page (the queue
    itself keeps only that it failed)."""

    __tablename__ = "task_failure"

    id: int | None = Field(default=None, primary_key=True)
    task: str = Field(max_length=60)
    args: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    error: str = Field(max_length=2000)
    runner: str = Field(default="", max_length=100)
    failed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
