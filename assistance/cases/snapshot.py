"""What one transaction knows of one case, each read once, when first asked.

The case's county (read with its township and village, which its pages and notices name), the
working-day calendar, the case's open deadlines, and what its records say for the guards. A
reader that read one of these along with something else, in one statement, says so
(``CaseSnapshot.knows``); the domain functions ask the snapshot and take no pre-read values as
parameters. What an act runs last in its transaction (``AfterAct``) gets the snapshot of the case
as the act left it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from assistance.access import Actor
from assistance.cases import deadlines
from assistance.models import AuditEvent, Case, CaseDeadline, Investigation, Objection, Publicity
from assistance.models.steps import InformationCheck
from assistance.reference import places
from assistance.workdays import WorkingDayCalendar
from assistance.workflow.machine import COUNTY, TOWNSHIP

_UNREAD: Any = object()


class CaseSnapshot:
    """One case as one transaction sees it (see the module docstring)."""

    def __init__(self, session: Session, actor: Actor, case: Case) -> None:
        self.session = session
        self.actor = actor
        self.case = case
        self._recorded: Any = _UNREAD
        self._open: Sequence[CaseDeadline] | None = None
        # The case was filed in this transaction and this is its only event: no records of any
        # step yet, and no deadlines but the one its filing opened.
        self.filed: AuditEvent | None = None

    def knows(self, *, recorded: Any = _UNREAD, open_deadlines: Sequence[CaseDeadline] | None = None) -> None:
        """What a reader already read of the case: the row of ``recorded_columns``, its open deadlines."""
        if recorded is not _UNREAD:
            self._recorded = recorded
        if open_deadlines is not None:
            self._open = open_deadlines

    def just_filed(self, event: AuditEvent, opened: Sequence[CaseDeadline] = ()) -> CaseSnapshot:
        """Filed in this transaction: no records of any step, and only the deadlines its filing
        ``opened`` (the material review)."""
        self.filed = event
        self.knows(recorded=nothing_recorded(), open_deadlines=list(opened))
        return self

    def county(self) -> places.Place | None:
        """The case's county and its settings, read with the case's township and village; kept for
        the session, as every case of a county in it shares them."""
        known: dict[str, places.Place | None] = self.session.info.setdefault("counties", {})
        code = self.case.county_code
        if code not in known:
            case, revision = self.case, self.actor.reference_revision
            known[code] = places.of_case(self.session, code, case.township_id, case.village_id, revision)
        return known[code]

    def delegated(self) -> bool:
        """64号 第三十二条, 65号 第二十六条: whether the county delegated confirmation to townships."""
        county = self.county()
        return county is not None and county.confirmation_delegated

    def calendar(self) -> WorkingDayCalendar:
        return deadlines.calendar_for(self.session, self.actor.reference_revision)

    def open_deadlines(self) -> Sequence[CaseDeadline]:
        if self._open is None:
            return deadlines.open_deadlines(self.session, self.case)
        return self._open

    def recorded(self) -> Any:
        """What the guards look at in the case's records: the row of ``recorded_columns``."""
        if self._recorded is _UNREAD:
            case = self.case
            self._recorded = self.session.execute(
                _facts_query(), {"case_id": case.id, "entered": case.state_entered_at}
            ).one()
        return self._recorded


# Run last in an act's transaction, with the case as the act left it: to read what it wrote.
AfterAct = Callable[[CaseSnapshot], None]


@functools.cache
def _facts_query() -> sa.Select[Any]:
    """Everything ``facts_for`` reads, in one statement (parameters ``case_id`` and ``entered``, when
    the case entered its state): a guard is asked on every case page. Of tables, not of the ORM's
    classes, which would send it through the ORM's result handling."""

    def scalar(query: Any) -> Any:
        return query.limit(1).scalar_subquery()

    investigations, checks, publicities, objections = (
        model.__table__  # type: ignore[union-attr]
        for model in (Investigation, InformationCheck, Publicity, Objection)
    )
    case_id = sa.bindparam("case_id", type_=sa.Integer)
    visits = (
        sa.select(sa.func.count())
        .select_from(investigations)
        .where(investigations.c.case_id == case_id, investigations.c.recorded_at >= sa.bindparam("entered"))
    )
    publicity = (
        sa.select(publicities.c.id)
        .where(publicities.c.case_id == case_id, publicities.c.closed_on.is_(None))
        .order_by(publicities.c.id.desc())
    )
    latest = scalar(publicity)
    counted = sa.select(sa.func.count()).select_from(objections)
    return sa.select(
        scalar(visits).label("visits"),
        scalar(visits.where(investigations.c.level == TOWNSHIP)).label("township_visits"),
        scalar(visits.where(investigations.c.level == COUNTY)).label("county_visits"),
        scalar(
            sa.select(checks.c.result).where(checks.c.case_id == case_id).order_by(checks.c.id.desc())
        ).label("information_check"),
        scalar(publicity.with_only_columns(publicities.c.stage)).label("publicity_stage"),
        scalar(publicity.with_only_columns(publicities.c.round)).label("publicity_round"),
        scalar(publicity.with_only_columns(publicities.c.starts_on)).label("publicity_starts_on"),
        scalar(publicity.with_only_columns(publicities.c.ends_on)).label("publicity_ends_on"),
        scalar(counted.where(objections.c.publicity_id == latest)).label("publicity_objections"),
        scalar(counted.where(objections.c.case_id == case_id, objections.c.kind == "publicity")).label(
            "publicity_objections_total"
        ),
    )


def recorded_columns() -> sa.sql.ColumnCollection[str, Any]:
    """The columns ``facts_for`` reads (parameters ``case_id`` and ``entered``), for a statement
    that reads them with others: its row can be given to ``facts_for`` as ``recorded``."""
    return _facts_query().selected_columns


def nothing_recorded() -> Any:
    """``_facts_query``'s row for a case with no records: no visit, check, publicity or objection."""
    return SimpleNamespace(**dict.fromkeys(recorded_columns().keys()))
