"""Claiming a case for a change: a compare-and-set on its version before anything else is
written, so that of two staff changing one case at once exactly one goes on and the other is told
to refresh (409), and nothing of the loser is written."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col

from assistance import audit
from assistance.access import Actor, actor_and_case_stamp, not_visible
from assistance.errors import Conflict, FieldProblem
from assistance.models import Case
from assistance.models.revisions import moved_already, transaction_revision

_CLAIM = (
    sa.update(Case)
    .where(col(Case.id) == sa.bindparam("case_id"), col(Case.version) == sa.bindparam("version"))
    .values(version=col(Case.version) + 1, revision=sa.bindparam("revision"))
    .returning(Case, *audit.last_event_columns(sa.bindparam("case_id")))
    .execution_options(synchronize_session=False, populate_existing=True)
)


STALE = "案件已被他人更新，请刷新后重试"


def claim(session: Session, user_id: int, case_id: int, expected_version: int | None) -> tuple[Actor, Case]:
    """The actor and the case, its version moved on in this transaction. 404 for a case the actor
    may not see; 409 if ``expected_version`` (the version the caller saw, ``If-Match``) is not the
    case's, or if another transaction moved it first. The case comes back with where its audit
    trail ends, which this change's event continues: no other change can add to the trail now."""
    actor, stamp = actor_and_case_stamp(session, user_id, case_id)
    if stamp is None:
        raise not_visible(case_id)
    version = stamp[0]
    if expected_version is not None and expected_version != version:
        raise Conflict(STALE, [FieldProblem("version", f"当前版本为{version}")])
    claimed = session.execute(
        _CLAIM, {"case_id": case_id, "version": version, "revision": transaction_revision(session)}
    ).one_or_none()
    if claimed is None:
        raise Conflict(STALE)
    case, last_seq, last_hash = claimed
    audit.trail_ends_at(session, case_id, last_seq, last_hash)
    moved_already(session, case_id)
    return actor, case


__all__ = ["STALE", "claim"]
