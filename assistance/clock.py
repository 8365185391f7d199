"""What time it is for the service.

Times are stored in UTC. "Today", the day deadlines and acts are counted from, is the date in
Beijing (Asia/Shanghai) wherever the service runs: a machine set to UTC would otherwise start a
Beijing morning on the day before until 08:00.

The demo replays its history day by day (``replaying``), so that what it records carries the
times it would have carried had the staff done the work on those days.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")

_replayed: ContextVar[datetime | None] = ContextVar("replayed_instant", default=None)


def utcnow() -> datetime:
    """The current instant in UTC, or the instant being replayed."""
    replayed = _replayed.get()
    return replayed if replayed is not None else datetime.now(UTC)


def china_today() -> date:
    """Today's date in Beijing."""
    return utcnow().astimezone(CHINA).date()


def beijing(instant: datetime) -> datetime:
    """A stored instant as a person in China reads it. A naive instant is taken as UTC, which is
    how the database gives back what it was given."""
    aware = instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)
    return aware.astimezone(CHINA)


@contextmanager
def replaying(instant: datetime) -> Iterator[None]:
    """Within the block, ``utcnow`` is ``instant`` (timezone-aware)."""
    if instant.tzinfo is None:
        raise ValueError("a replayed instant needs its time zone")
    token = _replayed.set(instant.astimezone(UTC))
    try:
        yield
    finally:
        _replayed.reset(token)


__all__ = ["CHINA", "beijing", "china_today", "replaying", "utcnow"]
