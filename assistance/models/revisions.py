"""Revisions that tell a process whether a case page it kept is still good
(``reading.kept_pages``).

A transaction that changes anything a case page shows gives that case a new ``revision``; one that
changes what all case pages share (area names and delegation, staff names, holiday schedules,
parameter entries) gives the one ``ReferenceRevision`` row a new one. Both are written in the
changing transaction,
so a reader sees the new revision exactly when it can see the change. A revision is a random
number drawn once per transaction, not a count: a database emptied, restored from a backup or
swapped for another under a running process cannot bring back a revision it kept a page for. The ORM's
flushes are watched here; a bulk UPDATE or DELETE of such rows is not, and must move the revision
itself (as ``transitions.fire`` does with the version)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Field, Session, SQLModel

from assistance.db import for_this_transaction
from assistance.models.areas import Area
from assistance.models.base import new_revision
from assistance.models.cases import Case
from assistance.models.households import Household, Member
from assistance.models.parameter_entries import ParameterEntry
from assistance.models.steps import HolidaySchedule
from assistance.models.users import User


class ReferenceRevision(SQLModel, table=True):
    __tablename__ = "reference_revision"

    id: int = Field(default=1, primary_key=True)
    revision: int = Field(default_factory=new_revision, sa_type=sa.BigInteger)


# A user's password hash, login time and the like appear on no case page.
_USER_FIELDS_SHOWN = ("display_name",)
# Parameter entries change what a case page's actions may decide (a guard evaluates the case).
_REFERENCE_MODELS = (Area, HolidaySchedule, ParameterEntry)
# Rows that name a case but appear on no case page: no reason to turn its page over.
_NOT_ON_THE_PAGE = ("batch_job_item", "monitoring_referral", "report", "issued_document")
# Once per transaction is enough: a reader sees all of a transaction's changes or none.
_MOVED = "revisions_moved"


def _moved(session: Session) -> dict[str, Any]:
    """What this transaction has moved, and the revision it moves things to."""
    return for_this_transaction(
        session,
        _MOVED,
        lambda: {"cases": set(), "households": set(), "reference": False, "revision": new_revision()},
    )


def transaction_revision(session: Session) -> int:
    revision: int = _moved(session)["revision"]
    return revision


def _changed(session: Session, instance: Any, fields: tuple[str, ...] | None = None) -> bool:
    if instance in session.new or instance in session.deleted:
        return True
    if fields is None:
        return session.is_modified(instance, include_collections=False)
    state = sa.inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in fields)


def _names_a_case(instance: Any) -> bool:
    table = getattr(instance, "__tablename__", None)
    return isinstance(getattr(instance, "case_id", None), int) and table not in _NOT_ON_THE_PAGE


@event.listens_for(Session, "after_flush")
def _move_revisions(session: Session, _context: Any) -> None:
    # After the flush the new rows have ids, while new/dirty/deleted and the attribute histories
    # still describe what the flush wrote.
    moved = _moved(session)
    # No page was kept of a case or household new in this transaction.
    moved["cases"] |= {c.id for c in session.new if isinstance(c, Case)}
    moved["households"] |= {h.id for h in session.new if isinstance(h, Household)}
    cases: set[int] = set()
    households: set[int] = set()
    reference = False
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Case):
            if instance.id is not None and _changed(session, instance):
                cases.add(instance.id)
        elif isinstance(instance, (Household, Member)):
            household = instance.id if isinstance(instance, Household) else instance.household_id
            if household is not None and _changed(session, instance):
                households.add(household)
        elif isinstance(instance, User):
            shown = None if instance in session.new else _USER_FIELDS_SHOWN
            reference = reference or (shown is not None and _changed(session, instance, shown))
        elif isinstance(instance, _REFERENCE_MODELS):
            reference = reference or _changed(session, instance)
        elif _names_a_case(instance) and _changed(session, instance):
            cases.add(instance.case_id)
    cases -= moved["cases"]
    households -= moved["households"]
    connection = session.connection()
    table = Case.__table__  # type: ignore[attr-defined]
    bump = {"revision": moved["revision"]}
    if cases:
        connection.execute(sa.update(table).where(table.c.id.in_(cases)).values(bump))
        moved["cases"] |= cases
    households_changed(session, households)
    if reference and not moved["reference"]:
        move_reference_revision(connection, moved["revision"])
        moved["reference"] = True


def households_changed(session: Session, households: set[int]) -> None:
    """Give every case of these households this transaction's revision (once): for the flushes
    above, and for rows written past them."""
    moved = _moved(session)
    fresh = households - moved["households"]
    if fresh:
        table = Case.__table__  # type: ignore[attr-defined]
        update = sa.update(table).where(table.c.household_id.in_(fresh)).values(revision=moved["revision"])
        session.connection().execute(update)
        moved["households"] |= fresh


_READ = "reference_revision_read"


def remember_reference_revision(session: Session, revision: int | None) -> None:
    """The reference revision this transaction read first (with the actor): what the process
    keeps per revision (parameter entries in force) is good for it."""
    for_this_transaction(session, _READ, lambda: revision)


def reference_revision_read(session: Session) -> int | None:
    """The revision remembered above, unless this transaction moved it itself."""
    if reference_moved(session):
        return None
    revision: int | None = session.info.get(_READ)
    return revision


def reference_moved(session: Session) -> bool:
    """Whether this transaction has given the reference revision a new value."""
    return bool(session.info.get(_MOVED, {}).get("reference"))


def moved_already(session: Session, case_id: int) -> None:
    """Tell the listener that this transaction gave the case its revision
    (``transaction_revision``) itself."""
    _moved(session)["cases"].add(case_id)


def move_reference_revision(connection: sa.Connection, revision: int) -> None:
    table = ReferenceRevision.__table__  # type: ignore[attr-defined]
    moved = connection.execute(sa.update(table).values(revision=revision))
    if moved.rowcount == 0:  # the row was emptied out with the rest
        connection.execute(sa.insert(table).values(id=1, revision=revision))
