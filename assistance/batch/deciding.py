"""Reading one chunk of a batch job's cases and deciding them: plain rows, the case files the job's
kind prepares, and the explained engine's outcome for each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, cast

import sqlalchemy as sa
from sqlalchemy import ColumnElement, and_

from assistance.batch.job_kinds import PREPARE, Outcome, decide
from assistance.casefile.household import keep_for_these_cases
from assistance.casefile.populations import SELECT
from assistance.db import Database
from assistance.models import Case, Member
from assistance.parameters import parameter_table
from assistance.screening.rechecks import to_explain


@dataclass(frozen=True, slots=True)
class CaseRef:
    """What a job's result says of a case, read with its chunk."""

    id: int
    number: str | None
    procedure: str
    state: str
    applicant_member_id: int | None


Decided = tuple[list[CaseRef], dict[int, str], list[list[Outcome]]]
CASES: Final[sa.Table] = Case.__table__  # type: ignore[attr-defined]
# The kinds whose chunks are screened first, and what a case the screening clears counts as.
SCREENED: Final = {"recheck_review": to_explain}
SCREENED_ELIGIBLE: Final = Outcome("eligible", None, "按筛查结果符合条件（未逐项说明）", [])
_MEMBERS: Final[sa.Table] = Member.__table__  # type: ignore[attr-defined]


def after(kind: str, county: str, after_id: int) -> ColumnElement[bool]:
    """The job's cases after case ``after_id``."""
    return and_(SELECT[kind](county), CASES.c.id > after_id)


def read_and_decide(
    db: Database, kind: str, county: str, params: Mapping[str, Any], after_id: int, last_id: int
) -> Decided:
    """The cases ``after_id`` < id <= ``last_id``, their applicants' names, and per case the
    outcomes of its case files."""
    # One snapshot: the screening reads the chunk's tables one after another, and the flagged
    # cases are then decided from the rows it screened.
    with db.reading_snapshot() as session:
        # Plain rows with the case's columns, not ORM objects: the case files only read columns,
        # and making a thousand Case objects a chunk took a third of the time spent reading it.
        page = sa.select(CASES).where(after(kind, county, after_id), CASES.c.id <= last_id)
        cases = cast(list[Case], session.execute(page.order_by(CASES.c.id)).all())
        if not cases:
            return [], {}, []
        applicants = _MEMBERS.c.id.in_([c.applicant_member_id for c in cases])
        names = sa.select(_MEMBERS.c.id, _MEMBERS.c.name).where(applicants)
        heads = {m.id: m.name for m in session.execute(names)}
        table = parameter_table(session=session)
        explained = cases
        if kind in SCREENED:
            # The recheck review on the screening path: only the cases it flags are decided with
            # explanations (issue 21); the others are eligible, as the explained engine finds.
            flagged = SCREENED[kind](
                session, county, date.fromisoformat(params["on"]), after_id, last_id, table
            )
            explained = [c for c in cases if c.id in flagged]
        keep_for_these_cases(session, explained)
        files = {c.id: PREPARE[kind](session, c, params) for c in explained}
        refs = [CaseRef(c.id or 0, c.number, c.procedure, c.state, c.applicant_member_id) for c in cases]
    screened = [SCREENED_ELIGIBLE]
    # All the chunk's case files decided together, then handed back to their cases in order.
    outcomes = iter(decide([f for r in refs if r.id in files for f in files[r.id]], table))
    return refs, heads, [[next(outcomes) for _ in files[r.id]] if r.id in files else screened for r in refs]


__all__ = ["CASES", "CaseRef", "Decided", "after", "read_and_decide"]
