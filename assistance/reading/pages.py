"""A case page: one case with everything on it, built in one transaction and kept by the process
while its stamp stands; the page an act answers with."""

from __future__ import annotations

import functools
import json
from collections.abc import Hashable, Iterable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from assistance.access import Actor, actor_and_case_stamp, may, may_fire, visible_case
from assistance.casefile.household import household_data
from assistance.cases import deadlines
from assistance.cases.rechecks import case_rechecks
from assistance.cases.snapshot import CaseSnapshot, recorded_columns
from assistance.cases.transitions import facts_for
from assistance.db import Database
from assistance.models import (
    Appraisal,
    AuditEvent,
    Case,
    CaseDeadline,
    Evidence,
    InformationCheck,
    Investigation,
    MaterialNotice,
    Objection,
    Opinion,
    Publicity,
    RulesEvaluation,
    Termination,
    User,
)
from assistance.models.revisions import reference_moved, transaction_revision
from assistance.parameters import entered_stamp
from assistance.reading.kept_pages import KeptPage, KeptPages
from assistance.reading.listings import nearest_open, place, summary
from assistance.reference import places
from assistance.workflow import WORKFLOWS

_STEP_MODELS: dict[str, type[SQLModel]] = {
    "material_notices": MaterialNotice,
    "information_checks": InformationCheck,
    "investigations": Investigation,
    "publicities": Publicity,
    "objections": Objection,
    "appraisals": Appraisal,
    "opinions": Opinion,
    "terminations": Termination,
}


def _records(
    session: Session,
    model: type[SQLModel],
    case_id: int,
    drop: tuple[str, ...] = (),
    latest: bool = False,
    actor_names: bool = False,
) -> list[dict[str, Any]]:
    """A case's rows of one table as plain data, oldest first (or only the latest): read as rows,
    not as ORM objects, since a case page reads a dozen tables and changes none. ``actor_names``:
    with the display name of each row's ``actor_id`` as ``actor_name``."""
    query = _records_query(model, drop, latest, actor_names)
    return [_as_json(row.items()) for row in session.execute(query, {"case_id": case_id}).mappings()]


def _as_json(values: Iterable[tuple[Any, Any]]) -> dict[str, Any]:
    """A row's values as the page shows them: dates and times in ISO form."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values}


@functools.cache
def _records_query(
    model: type[SQLModel], drop: tuple[str, ...], latest: bool, actor_names: bool
) -> sa.Select[Any]:
    """``_records``'s statement, built once (parameter ``case_id``): a case page reads a dozen."""
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    query = sa.select(*(c for c in table.c if c.name not in drop)).where(
        table.c.case_id == sa.bindparam("case_id")
    )
    if actor_names:
        users: sa.Table = User.__table__  # type: ignore[attr-defined]
        name = sa.func.coalesce(users.c.display_name, "").label("actor_name")
        query = query.add_columns(name).outerjoin(users, users.c.id == table.c.actor_id)
    return query.order_by(table.c.id.desc()).limit(1) if latest else query.order_by(table.c.id)


def _present_and_recorded(session: Session, case: Case) -> tuple[set[str], Any]:
    """Which of the case's record tables have rows, and what the guards look at in them
    (``transitions.facts_for``'s ``recorded``), asked in one statement: a case early in its
    procedure has no rows in most tables, and each table read is a round trip to the database."""
    row = session.execute(_present_query(), {"case_id": case.id, "entered": case.state_entered_at}).one()
    return {name for name in _RECORD_TABLES if getattr(row, name)}, row


_RECORD_TABLES: dict[str, type[SQLModel]] = {
    **_STEP_MODELS,
    "evidence": Evidence,
    "evaluations": RulesEvaluation,
}


@functools.cache
def _present_query() -> sa.Select[Any]:
    return _PRESENT.add_columns(*recorded_columns())


_PRESENT = sa.select(
    *(
        sa.exists().where(model.__table__.c.case_id == sa.bindparam("case_id")).label(name)  # type: ignore[attr-defined]
        for name, model in _RECORD_TABLES.items()
    )
)


def available_actions(snapshot: CaseSnapshot, today: date) -> list[dict[str, Any]]:
    """What this actor may do now, each with the guards that still stand in the way."""
    actor, case = snapshot.actor, snapshot.case
    workflow = WORKFLOWS[case.procedure]
    delegation = snapshot.delegated()
    facts = None
    out = []
    for t in workflow.from_state(case.state):
        if not may_fire(actor, workflow, t, delegation):
            continue
        if facts is None:
            facts = facts_for(snapshot, today)
        blocked = [reason for g in t.guards if (reason := g.check(facts))]
        out.append(
            {
                "action": t.action,
                "name": t.name,
                "article": t.article,
                "target": t.target_for(case.suspended_from),
                "allowed": not blocked,
                "blocked_by": blocked,
            }
        )
    return out


# A worker holds the pages its users read lately: about a thousand pages of some ten kilobytes each.
CASE_PAGES = KeptPages(1000)


def _stamp(version: int, revision: int, reference: int | None) -> Hashable:
    """What a kept page of a case must have been built at: the case's version and revision, the
    reference revision, the parameters entered. Read before anything the page shows, so that a
    page is never older than its stamp."""
    return (version, revision, reference, entered_stamp())


def case_page(db: Database, user_id: int, case_id: int, today: date) -> KeptPage:
    """The case page as JSON, kept by the process between changes of the case."""
    with db.reading() as session:
        actor, found = actor_and_case_stamp(session, user_id, case_id)
        stamp = None if found is None else _stamp(*found, actor.reference_revision)
        key = (case_id, actor, today)
        kept = CASE_PAGES.get(key, stamp) if stamp is not None else None
        if kept is not None:
            return kept
        case = visible_case(session, actor, case_id)  # 404 in the words every reader gets
        data = _build_case_detail(CaseSnapshot(session, actor, case), today)
        page = KeptPage(stamp, json.dumps(data, ensure_ascii=False), data["version"])
        if stamp is not None:
            CASE_PAGES.keep(key, page)
        return page


class PageOfTheAct:
    """The case page as an act leaves it, for its answer: built in the act's transaction (``then``
    of ``transitions.fire`` and ``filing.file_case``), where the act has already read much of what
    the page shows, and kept once that transaction has committed."""

    def __init__(self, today: date) -> None:
        self.today = today
        self._built: tuple[Hashable, KeptPage] | None = None

    def __call__(self, snapshot: CaseSnapshot) -> None:
        snapshot.session.flush()
        stamp = _stamp_of_the_act(snapshot.session, snapshot.actor, snapshot.case)
        data = _build_case_detail(snapshot, self.today)
        case, actor = snapshot.case, snapshot.actor
        page = KeptPage(stamp, json.dumps(data, ensure_ascii=False), data["version"])
        self._built = (case.id, actor, self.today), page

    def committed(self) -> KeptPage | None:
        """The page, once the act's transaction has committed (None if no act built one)."""
        if self._built is None:
            return None
        key, page = self._built
        CASE_PAGES.keep(key, page)
        return page


def _stamp_of_the_act(session: Session, actor: Actor, case: Case) -> Hashable:
    """``_stamp`` as the act leaves the case, known without reading it: the act gave the case its
    version and this transaction's revision (``transitions.fire``; a filed case has its own, and
    any bulk UPDATE of it in this transaction writes the same, ``models.revisions``), and the
    reference revision is the one the actor was read with, unless the transaction itself moved
    it, to this transaction's revision."""
    moved = reference_moved(session)
    reference = transaction_revision(session) if moved else actor.reference_revision
    return _stamp(case.version, case.revision, reference)


def case_detail(db: Database, user_id: int, case_id: int, today: date) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(case_page(db, user_id, case_id, today).text)
    return data


DEADLINES_TABLE_OF_CASE = (
    select(CaseDeadline).where(CaseDeadline.case_id == sa.bindparam("case_id")).order_by(col(CaseDeadline.id))
)


def _build_case_detail(snapshot: CaseSnapshot, today: date) -> dict[str, Any]:
    session, actor, case, filed = snapshot.session, snapshot.actor, snapshot.case, snapshot.filed
    # A case filed in this transaction has only the deadline its filing opened (snapshot.just_filed).
    due: Sequence[CaseDeadline] = list(snapshot.open_deadlines()) if filed is not None else []
    if filed is None:
        due = session.execute(DEADLINES_TABLE_OF_CASE, {"case_id": case.id}).scalars().all()
        snapshot.knows(open_deadlines=[d for d in due if d.met_on is None and not d.cancelled])
    # Reads the county (whose delegation the actions depend on) with the township and village.
    snapshot.county()
    township, village = (places.named(session, a) for a in (case.township_id, case.village_id))
    data = summary(
        case,
        place(township.code, township.name),
        place(village.code, village.name),
        nearest_open(due),
        today,
        snapshot.calendar(),
    )
    data["deadlines"] = [deadlines.describe(d, today, snapshot.calendar()) for d in due]
    data["filing"] = {
        "channel": case.filing_channel,
        "filing_place": case.filing_place,
        "proxy_name": case.proxy_name,
        "proxy_authorisation": case.proxy_authorisation,
        "economic_check_authorised": case.economic_check_authorised,
        "commitment_signed": case.commitment_signed,
        "extended": case.extended,
        "extension_reason": case.extension_reason,
        "decided_by_level": case.decided_by_level,
        "push_status": case.push_status,
    }
    data["household"] = household_data(session, case)
    data["periodic_rechecks"] = case_rechecks(session, case)
    present: set[str] = set()
    if filed is None:
        present, recorded = _present_and_recorded(session, case)
        snapshot.knows(recorded=recorded)
    for name, model in _STEP_MODELS.items():
        data[name] = _records(session, model, case.id or 0) if name in present else []
    data["evidence"] = (
        _records(session, Evidence, case.id or 0, drop=("content",)) if "evidence" in present else []
    )
    evaluations = (
        _records(session, RulesEvaluation, case.id or 0, drop=("case_file",), latest=True)
        if "evaluations" in present
        else []
    )
    data["latest_evaluation"] = evaluations[0] if evaluations else None
    if filed is None:
        data["history"] = _records(session, AuditEvent, case.id or 0, actor_names=True)
    else:
        data["history"] = [{**_plain(filed), "actor_name": actor.display_name}]
    data["available_actions"] = available_actions(snapshot, today)
    return data if may(actor, "read_objection_sources") else _as_the_applicant_sees_it(data)


# Of an objection raised in a publicity, what the applicant reads: that it was raised, when, and
# in which publicity; its outcome is in the appraisal and the opinions that follow.
_OBJECTION_SEEN = ("id", "case_id", "kind", "publicity_id", "raised_on", "recorded_at")


# Of an objection's event: whether it was raised by name, and the report it became.
_NOT_THE_APPLICANTS = frozenset({"real_name", "report_id"})


def _as_the_applicant_sees_it(data: dict[str, Any]) -> dict[str, Any]:
    """The case page without who objected in its publicities, what they said or sent, and without
    real-name reports on the case (64号 第二十二条、第三十条)."""
    publicity = [o for o in data["objections"] if o["kind"] == "publicity"]
    sent = {o["evidence_id"] for o in publicity if o.get("evidence_id")}
    data["objections"] = [
        {k: o[k] for k in _OBJECTION_SEEN if k in o} if o["kind"] == "publicity" else o
        for o in data["objections"]
    ]
    data["evidence"] = [e for e in data["evidence"] if e["id"] not in sent]
    data["history"] = [
        {**e, "detail": {k: v for k, v in e["detail"].items() if k not in _NOT_THE_APPLICANTS}}
        for e in data["history"]
        if not e["action"].startswith("report_")
    ]
    return data


def _plain(row: SQLModel) -> dict[str, Any]:
    """A row held as an object, as ``_records`` reads rows of its table."""
    table: sa.Table = row.__table__  # type: ignore[attr-defined]
    return _as_json((c.name, getattr(row, c.name)) for c in table.c)
