"""The explained engine where it matters (issue 21): the households a reform changes, or that lie
within a fen of a boundary, decided again one by one with rules.engine.evaluate from their case
files, each compared with the screening path's verdict; every disagreement is counted (there must
be none) and the explained decision is what a person reads."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from multiprocessing import get_context
from typing import Any, Final

import orjson
from sqlmodel import Session

from assistance.casefile.from_rows import case_file_from_rows, columns_read
from assistance.casefile.listed_rows import CASE_HOUSEHOLD, CASE_ID, position, read_listed
from assistance.db import Database, shared_database
from assistance.models import Case, Member
from rules import ParameterError, evaluate
from rules.criteria import FAIL
from rules.decision import Decision
from rules.money import yuan
from rules.parameters import ParameterTable, ParameterValue
from rules.screening import CRITERIA, OUTCOMES, REFERRALS

_NUMBER: Final = position(Case.__table__, "number")  # type: ignore[attr-defined]
_APPLICANT: Final = position(Case.__table__, "applicant_member_id")  # type: ignore[attr-defined]
_MEMBER_ID: Final = position(Member.__table__, "id")  # type: ignore[attr-defined]
_NAME: Final = position(Member.__table__, "name")  # type: ignore[attr-defined]
PART: Final = 500
# Below this many households a pool costs more than it saves.
POOL_FROM: Final = 4000


@functools.cache
def _wanted() -> dict[str, frozenset[str]]:
    """The columns the re-check reads: those its case files are built from, and the case's
    number and applicant and the members' names for a case that cannot be read."""
    own = {Case.__tablename__: {"number", "applicant_member_id"}, Member.__tablename__: {"id", "name"}}
    return {table: read | own.get(table, set()) for table, read in columns_read().items()}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The screening path's verdict on one household in one pass: outcome code, referral code,
    failed-criteria bits (rules.screening.ScreeningResult)."""

    outcome: int
    referral: int
    failed: int


@dataclass
class Explained:
    """Per kept case, what its line in the list of changing households holds (``change_data``),
    already as JSON: it is made where the case is decided, often in another process, and a
    reform that moves 150,000 households would otherwise send and convert 300,000 decisions
    twice more. The parameter values the lines' decisions used, by the name a line gives them
    (``ThresholdSets``). And the counts: decisions checked, cases unreadable, disagreements."""

    listed: dict[int, str] = field(default_factory=dict)
    threshold_sets: dict[str, dict[str, str]] = field(default_factory=dict)
    checked: int = 0
    unreadable: int = 0
    disagreements: list[dict[str, Any]] = field(default_factory=list)

    def add(self, other: Explained) -> None:
        self.listed.update(other.listed)
        self.threshold_sets.update(other.threshold_sets)
        self.checked += other.checked
        self.unreadable += other.unreadable
        self.disagreements.extend(other.disagreements)


class ThresholdSets:
    """The parameter values of decisions, each distinct set named once. A county's households
    of one area and pass all use the same values, so a line names its set (``expand`` gives the
    values back on reading) rather than carrying them: they were a quarter of the bytes of a
    large reform's 150,000 lines. The name is made from the values themselves, so the processes
    deciding the parts name a set alike without asking each other."""

    def __init__(self) -> None:
        self.named: dict[str, dict[str, str]] = {}
        # By the identities of the values a decision used: the table resolves each value once,
        # so decisions of one place and period share them. The values are held here, so no
        # identity is reused while it names a set.
        self._known: dict[tuple[int, ...], tuple[tuple[ParameterValue, ...], str]] = {}

    def name(self, used: dict[str, ParameterValue]) -> str:
        values = tuple(used.values())
        identities = tuple(map(id, values))
        known = self._known.get(identities)
        if known is not None:
            return known[1]
        amounts = {value.key: str(value.amount) for value in values}
        canonical = orjson.dumps(amounts, option=orjson.OPT_SORT_KEYS)
        named = hashlib.blake2b(canonical, digest_size=8).hexdigest()
        self.named[named] = amounts
        self._known[identities] = (values, named)
        return named


def expand(line: dict[str, Any], named: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A stored line, with each decision's parameter values in place of their set's name (a
    line stored before sets were named carries the values, and is given as it is)."""
    found = dict(line)
    for decided in ("baseline", "reform"):
        decision = line.get(decided)
        if decision is not None and isinstance(decision.get("thresholds"), str):
            found[decided] = {**decision, "thresholds": named[decision["thresholds"]]}
    return found


def brief(decision: Decision, sets: ThresholdSets) -> dict[str, Any]:
    """What the list of changing households shows of a decision: its outcome and each failed
    criterion with its article and explanation, and the name of its parameter values' set."""
    return {
        "outcome": decision.outcome,
        "path": decision.path,
        "referral": decision.referral,
        "summary": decision.summary,
        "per_capita_monthly": yuan(decision.income.per_capita_monthly),
        "failed": [
            {"id": c.id, "title": c.title, "article": c.article, "explanation": c.explanation}
            for c in decision.criteria
            if c.result == FAIL and c.decisive
        ],
        "thresholds": sets.name(decision.thresholds),
    }


def change_data(number: str | None, applicant: str, briefs: Sequence[dict[str, Any]]) -> str:
    """A changing household's line: its case number, applicant, and each pass's brief decision
    (``baseline``, ``reform``; None where the case could not be read), as JSON. Through orjson:
    the standard library took 10 µs a line, a tenth of a household's whole re-check, and orjson
    1.1 µs (UTF-8, as ``ensure_ascii=False`` wrote it)."""
    line = {
        "number": number,
        "applicant": applicant,
        "baseline": briefs[0] if briefs else None,
        "reform": briefs[1] if len(briefs) > 1 else None,
    }
    return orjson.dumps(line).decode()


def _applicant(case: Any, members: Sequence[Any]) -> str:
    """The applicant's name among the member rows of a case that cannot be read (the first
    member's if none is the applicant)."""
    applicant = case[_APPLICANT]
    return next(
        (m[_NAME] for m in members if m[_MEMBER_ID] == applicant), members[0][_NAME] if members else ""
    )


def _disagrees(decision: Decision | None, verdict: Verdict) -> str | None:
    """How the screening verdict differs from the explained decision, or None."""
    if decision is None:
        return None if OUTCOMES[verdict.outcome][0] == "error" else "explained: parameter missing"
    outcome = OUTCOMES[verdict.outcome]
    if outcome != (decision.outcome, decision.path):
        return f"outcome {outcome} != {(decision.outcome, decision.path)}"
    if REFERRALS[verdict.referral] != decision.referral:
        return f"referral {REFERRALS[verdict.referral]} != {decision.referral}"
    screened = {name for i, name in enumerate(CRITERIA) if verdict.failed >> i & 1}
    failed = {c.id for c in decision.criteria if c.result == FAIL}
    if screened != failed:
        return f"failed {sorted(screened)} != {sorted(failed)}"
    return None


def explain_part(
    session: Session,
    case_ids: Sequence[int],
    verdicts: Sequence[Sequence[Verdict]],
    on: date,
    tables: Sequence[ParameterTable],
    keep: Sequence[bool],
) -> Explained:
    """Decide the cases (one part, read together) on ``on`` under each table, compare each with
    its screening verdict, and keep the brief decisions of the cases ``keep`` marks."""
    found = Explained()
    sets = ThresholdSets()
    rows, household_rows = read_listed(session, case_ids, _wanted())
    by_id = {row[CASE_ID]: row for row in rows}
    for case_id, per_pass, kept in zip(case_ids, verdicts, keep, strict=True):
        case = by_id[case_id]
        parsed = case_file_from_rows(case, household_rows, on)
        if parsed is None:
            found.unreadable += 1
            if kept:
                members = household_rows.members.get(case[CASE_HOUSEHOLD], [])
                found.listed[case_id] = change_data(case[_NUMBER], _applicant(case, members), [])
            continue
        briefs: list[dict[str, Any]] = []
        for table, verdict in zip(tables, per_pass, strict=True):
            try:
                decision: Decision | None = evaluate(parsed, table)
            except ParameterError as exc:
                decision = None
                briefs.append({"outcome": "undetermined", "summary": f"参数未配置：{exc}", "failed": []})
            else:
                assert decision is not None
                briefs.append(brief(decision, sets))
            found.checked += 1
            problem = _disagrees(decision, verdict)
            if problem is not None:
                found.disagreements.append({"case": case_id, "problem": problem})
        if kept:
            found.listed[case_id] = change_data(case[_NUMBER], parsed.applicant.name, briefs)
    found.threshold_sets = sets.named
    return found


def _explain_in_pool(
    url: str,
    case_ids: Sequence[int],
    verdicts: Sequence[Sequence[Verdict]],
    on: date,
    tables: Sequence[ParameterTable],
    keep: Sequence[bool],
    snapshot: str | None,
) -> Explained:
    with shared_database(url).reading_snapshot(snapshot) as session:
        return explain_part(session, case_ids, verdicts, on, tables, keep)


def explain(
    db: Database,
    case_ids: Sequence[int],
    verdicts: Sequence[Sequence[Verdict]],
    on: date,
    tables: Sequence[ParameterTable],
    keep: Sequence[bool],
    workers: int = 1,
    snapshot: str | None = None,
) -> Explained:
    """``explain_part`` over parts of ``PART`` cases, across ``workers`` processes when many, each
    reading the snapshot ``snapshot`` (``Database.exported_snapshot``) when given."""
    parts = [slice(i, i + PART) for i in range(0, len(case_ids), PART)]
    found = Explained()
    if workers > 1 and len(case_ids) >= POOL_FROM:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            futures = [
                pool.submit(_explain_in_pool, db.url, case_ids[p], verdicts[p], on, tables, keep[p], snapshot)
                for p in parts
            ]
            for future in futures:
                found.add(future.result())
        return found
    for p in parts:
        with db.reading_snapshot(snapshot) as session:
            found.add(explain_part(session, case_ids[p], verdicts[p], on, tables, keep[p]))
    return found


__all__ = [
    "Explained",
    "ThresholdSets",
    "Verdict",
    "brief",
    "change_data",
    "expand",
    "explain",
    "explain_part",
]
