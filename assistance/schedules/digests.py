"""Reading the morning digests (``work.township_digests``, ``work.recheck_reminders``) for the
queue page: a township sees its own, the county each of its townships'."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import col, func, select

from assistance.access import DIGESTS, actor_for, may
from assistance.db import Database
from assistance.models import Area, TownshipDigest


def latest_digests(db: Database, user_id: int, today: date) -> list[dict[str, Any]]:
    """The latest digest, up to ``today``, of each township in the user's area; none for users
    who do not read digests."""
    with db.reading() as session:
        actor = actor_for(session, user_id)
        if not may(actor, "read_digests"):
            return []
        scope = DIGESTS.where(actor, col(TownshipDigest.county_code), col(TownshipDigest.township_id))
        newest = (
            select(func.max(TownshipDigest.id))
            .where(scope, col(TownshipDigest.day) <= today)
            .group_by(col(TownshipDigest.township_id))
        )
        rows = session.exec(
            select(TownshipDigest, Area)
            .join(Area, col(Area.id) == col(TownshipDigest.township_id))
            .where(col(TownshipDigest.id).in_(newest))
            .order_by(col(Area.code))
        ).all()
        return [
            {
                "township": area.name,
                "day": digest.day.isoformat(),
                "today": digest.day == today,
                "overdue": digest.data.get("deadlines", {}).get("overdue", []),
                "due_soon": digest.data.get("deadlines", {}).get("due_soon", []),
                "rechecks": digest.data.get("rechecks", []),
            }
            for digest, area in rows
        ]


__all__ = ["latest_digests"]
