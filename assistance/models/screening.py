"""Population screening (issue 21): a saved what-if (a named reform: parameter changes from an
effective date) or a standard-setting sweep (标准测算), run on the job queue; its result, and the
households whose outcome the reform changes, each with the explained engine's decision."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from assistance.models.base import UTCDateTime, utcnow

WHAT_IF = "what_if"
SWEEP = "sweep"


class ScreeningRun(SQLModel, table=True):
    """One what-if (``kind`` what_if: ``changes`` applied from ``effective_on``) or one sweep
    (``kind`` sweep: ``params`` name the parameter and its values). ``result`` holds the counts
    by county, township and area, the sweep's points, and the agreement of the screening path
    with the explained engine; the changing households are ``ScreeningChange`` rows, until the
    retention period deletes them."""

    __tablename__ = "screening_run"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)
    name: str = Field(max_length=100)
    # The counties whose households are screened and whose parameters change.
    counties: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    population: str = Field(default="current", max_length=20)
    effective_on: date
    changes: dict[str, str] = Field(default_factory=dict, sa_type=sa.JSON)
    params: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    status: str = Field(default="queued", max_length=10, index=True)
    result: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    error: str = Field(default="", max_length=2000)
    created_by: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The day (Beijing) its ScreeningChange rows were deleted under the retention period
    # (``screening.retention``); ``result`` is kept. None: the list is whole.
    changes_pruned_on: date | None = None


class ScreeningChange(SQLModel, table=True):
    """A household whose outcome the reform changes (``entering`` or ``leaving``), or that could
    not be decided (``undetermined``), with both explained decisions in brief.

    No foreign keys: a reform can list 150,000 households in one ``COPY``, and checking the two
    keys row by row took 1.35 s of the 3.6 s the server spent writing them (migration 0025). The
    one writer (``runs.finish``) writes its own run's id and case ids read from the run's
    snapshot, and neither runs nor cases are ever deleted."""

    __tablename__ = "screening_change"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(index=True)
    case_id: int
    category: str = Field(max_length=20)
    county_code: str = Field(max_length=6)
    township_id: int
    area: str = Field(max_length=10)
    persons: int
    data: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
