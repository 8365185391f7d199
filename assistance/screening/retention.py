"""The retention period of what-ifs' lists of changing households. A list is about 1.1 kB a
household (a reform that moves 154,000 households keeps 170 MB) and nothing else deletes it. A
what-if that finished, done or failed, more than ``ASSISTANCE_SCREENING_RETENTION_DAYS`` days
ago loses its ``ScreeningChange`` rows; the run and its counts (``result``) stay, and say on
which day the list went. Sweeps keep no list.

Pruning is two steps, each safe to repeat. Marking a run (``changes_pruned_on``) commits with
its event in the security log, and from then on nobody reads its rows. Then the rows go,
``BATCH`` at a time, each batch in a transaction of its own: a long list neither holds one long
transaction (on SQLite every other writer would wait for it) nor, cut short, leaves a half list
that reads as whole. Rows left by a deletion that stopped are found the next time.

The daily schedule (``SCHEDULE``) runs per county: a county's run marks the what-ifs whose
counties include it. A county that switches the schedule off keeps its lists, and so does every
run over several counties that includes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Final

import sqlalchemy as sa
from sqlmodel import Session, col, select, update

from assistance import security_log
from assistance.clock import CHINA
from assistance.db import Database
from assistance.models import ScheduleSetting, ScreeningChange, ScreeningRun
from assistance.models.screening import WHAT_IF
from assistance.screening.runs import DONE, FAILED

SCHEDULE: Final = "screening_retention"
ACTION: Final = "screening_changes_pruned"
SUBJECT: Final = "screening_run"
# Rows deleted a transaction: some 11 MB of a list, a fraction of a second on either database.
BATCH: Final = 10_000
SCHEDULED, CONSOLE = "定时任务", "命令行"
_CHANGES: Final[sa.Table] = ScreeningChange.__table__  # type: ignore[attr-defined]
_FINISHED: Final = (DONE, FAILED)


@dataclass(frozen=True, slots=True)
class Marked:
    """A run whose list was marked deleted, and how many households the list held."""

    run_id: int
    households: int


def cutoff(today: date, days: int) -> datetime:
    """A run that finished before this instant has kept its list more than ``days`` days: the
    start, in Beijing, of the day ``days`` days before ``today``."""
    return datetime.combine(today - timedelta(days=days), time(), tzinfo=CHINA)


def _kept(session: Session) -> set[str]:
    """The counties that switched the schedule off."""
    rows = session.exec(
        select(ScheduleSetting.county_code).where(
            ScheduleSetting.schedule == SCHEDULE, col(ScheduleSetting.enabled).is_(False)
        )
    ).all()
    return set(rows)


def due(session: Session, today: date, days: int, county: str | None) -> list[ScreeningRun]:
    """The finished what-ifs past the period whose lists are whole, over ``county`` (None: over
    any county), and over no county that keeps its lists."""
    kept = _kept(session)
    runs = session.exec(
        select(ScreeningRun)
        .where(
            ScreeningRun.kind == WHAT_IF,
            col(ScreeningRun.status).in_(_FINISHED),
            col(ScreeningRun.changes_pruned_on).is_(None),
            col(ScreeningRun.finished_at) < cutoff(today, days),
        )
        .order_by(col(ScreeningRun.id))
    ).all()
    return [r for r in runs if (county is None or county in r.counties) and not kept.intersection(r.counties)]


def mark(session: Session, run: ScreeningRun, today: date, days: int, via: str) -> Marked | None:
    """Mark the run's list deleted on ``today``, with its event in the security log, in the
    caller's transaction. None if another worker marked it first, or it is being run again."""
    assert run.id is not None
    marked = session.execute(
        update(ScreeningRun)
        .where(
            col(ScreeningRun.id) == run.id,
            col(ScreeningRun.changes_pruned_on).is_(None),
            col(ScreeningRun.status).in_(_FINISHED),
        )
        .values(changes_pruned_on=today)
    )
    if marked.rowcount != 1:  # type: ignore[attr-defined]
        return None
    households = session.execute(
        sa.select(sa.func.count()).select_from(_CHANGES).where(_CHANGES.c.run_id == run.id)
    ).scalar_one()
    security_log.record(
        session,
        ACTION,
        subject=SUBJECT,
        subject_id=run.id,
        detail={
            "name": run.name,
            "counties": run.counties,
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "retention_days": days,
            "households": households,
            "via": via,
        },
    )
    return Marked(run.id, households)


def mark_due(session: Session, county: str, today: date, days: int) -> list[Marked]:
    """The schedule's step for one county, in its run's transaction: mark what is due."""
    found = (mark(session, run, today, days, SCHEDULED) for run in due(session, today, days, county))
    return [m for m in found if m is not None]


def delete_marked(db: Database, batch: int = BATCH) -> int:
    """Delete the rows of every marked run, ``batch`` at a time, each batch in a transaction of
    its own; how many were deleted."""
    marked = select(ScreeningRun.id).where(col(ScreeningRun.changes_pruned_on).is_not(None))
    chosen = sa.select(_CHANGES.c.id).where(_CHANGES.c.run_id.in_(marked)).limit(batch)
    deleted = 0
    while True:
        with db.transaction() as session:
            gone: int = session.execute(sa.delete(_CHANGES).where(_CHANGES.c.id.in_(chosen))).rowcount  # type: ignore[attr-defined]
        deleted += gone
        if gone < batch:
            return deleted


def prune(db: Database, today: date, days: int, via: str = CONSOLE) -> dict[str, Any]:
    """Apply the period now to the what-ifs over every county (the console's ``assistance
    screening prune``): each run marked in a transaction of its own, then the rows deleted."""
    with db.reading() as session:
        ids = [r.id for r in due(session, today, days, None)]
    marked = []
    for run_id in ids:
        with db.transaction() as session:
            run = session.get(ScreeningRun, run_id)
            found = mark(session, run, today, days, via) if run is not None else None
        if found is not None:
            marked.append(found)
    return {
        "today": today.isoformat(),
        "retention_days": days,
        "runs": [m.run_id for m in marked],
        "households": sum(m.households for m in marked),
        "rows_deleted": delete_marked(db),
    }


__all__ = [
    "ACTION",
    "BATCH",
    "SCHEDULE",
    "SUBJECT",
    "Marked",
    "cutoff",
    "delete_marked",
    "due",
    "mark_due",
    "prune",
]
