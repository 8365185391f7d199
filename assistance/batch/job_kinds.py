"""What each kind of batch job selects, prepares and decides for one case, and what it counts:

- ``recheck_review`` (64号 第二十六条): a recognised 低保边缘家庭 decided again on a date, under the
  parameters in force that day; the families that no longer meet the conditions are listed;
- ``what_if``: a current case decided again under proposed parameters; who would enter or leave.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Final

from sqlmodel import Session

from assistance.casefile.from_rows import case_file_from_rows
from assistance.casefile.household import case_file, household_rows
from assistance.errors import FieldProblem
from assistance.models import Case
from rules import CaseFile, CaseFileError, ParameterError, decide_all, parse_case_file
from rules.engine import Decided
from rules.money import yuan
from rules.parameters import ParameterTable

CHUNK: Final = 100
# A running job whose runner has not written for this long is taken to have died.
STALE_AFTER: Final = timedelta(minutes=2)
TITLES: Final = {"recheck_review": "低保边缘家庭复核测算（64号 第二十六条）", "what_if": "政策测算"}


@dataclass(frozen=True, slots=True)
class Outcome:
    outcome: str
    per_capita: str | None
    note: str
    failed: list[str]


def decide(files: Sequence[dict[str, Any] | CaseFile], table: ParameterTable) -> list[Outcome]:
    """The explained engine's outcome for each case file, built (``from_rows``) or in the format,
    decided together (``rules.decide_all``)."""
    return [_outcome(decided) for decided in decide_all(files, table)]


def _outcome(decided: Decided) -> Outcome:
    if isinstance(decided, ParameterError):
        return Outcome("undetermined", None, f"参数未配置：{decided}", [])
    if isinstance(decided, CaseFileError):
        return Outcome("undetermined", None, f"案卷不完整：{decided}", [])
    failed = [c.title for c in decided.criteria if c.result == "fail"]
    return Outcome(decided.outcome, yuan(decided.income.per_capita_monthly), "", failed)


def result_row(case: Any, applicant: str, outcome: Outcome, **more: Any) -> dict[str, Any]:
    return {
        "case": case.id,
        "number": case.number,
        "procedure": case.procedure,
        "state": case.state,
        "applicant": applicant,
        "outcome": outcome.outcome,
        "per_capita_monthly": outcome.per_capita,
        "failed": outcome.failed,
        "note": outcome.note,
        **more,
    }


# --- what each kind selects and does with one case -------------------------------------------


@dataclass
class Chunk:
    """What one chunk adds: counts, and the cases it lists (``BatchJobItem``)."""

    counts: dict[str, int] = field(default_factory=dict)
    items: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)

    def count(self, category: str) -> None:
        self.counts[category] = self.counts.get(category, 0) + 1

    def list(self, case: Any, category: str, row: dict[str, Any]) -> None:
        self.count(category)
        self.items.append((case.id or 0, category, row))


def _recheck_files(
    session: Session, case: Case, params: Mapping[str, Any]
) -> list[dict[str, Any] | CaseFile]:
    # Built straight from the rows the chunk read (a third of the cost of the format and the
    # parser); a case the parser would refuse on that date goes through it, to say why.
    built = case_file_from_rows(case, household_rows(session, case), date.fromisoformat(params["on"]))
    if built is not None:
        return [built]
    data = case_file(session, case)
    data["application_date"] = params["on"]
    return [data]


def _recheck_classify(case: Any, applicant: str, outcomes: list[Outcome], chunk: Chunk) -> None:
    (found,) = outcomes
    if found.outcome == "eligible":
        chunk.count("eligible")
    else:
        category = "undetermined" if found.outcome == "undetermined" else "not_eligible"
        chunk.list(case, category, result_row(case, applicant, found))


def _what_if_files(
    session: Session, case: Case, params: Mapping[str, Any]
) -> list[dict[str, Any] | CaseFile]:
    # Built from the chunk's rows on the case's own date, as for the recheck review; the proposed
    # file is the same with the job's overrides, read as the parser reads them.
    built = case_file_from_rows(case, household_rows(session, case), case.application_date)
    if built is not None:
        overrides = _read_overrides(tuple(sorted(params["overrides"].items())))
        return [built, replace(built, parameter_overrides=overrides)]
    current = case_file(session, case)
    return [current, {**current, "parameter_overrides": dict(params["overrides"])}]


def overrides_probe(overrides: Mapping[str, Any], on: date) -> dict[str, Any]:
    """A case file that holds nothing but the what-if's overrides, for the parser to check (when a
    job is made) and to read (when its case files are built from rows)."""
    return {
        "schema_version": 1, "procedure": "dibao_edge", "application_date": on.isoformat(),
        "county": "140802", "hukou_type": "urban", "parameter_overrides": dict(overrides),
        "members": [{"id": "m1", "name": "测算", "id_number": "140802198003151239", "relation": "self",
                     "hukou_region": "140802"}],
    }  # fmt: skip


def override_problems(exc: CaseFileError, field: str) -> list[FieldProblem]:
    """The errors found in a probe's overrides (``overrides_probe``), each under ``field``, the
    name the caller gives the overrides, and its key."""
    return [
        FieldProblem(e.field.replace("parameter_overrides", field), e.message)
        for e in exc.errors
        if e.field.startswith("parameter_overrides")
    ]


@functools.lru_cache(maxsize=8)
def _read_overrides(items: tuple[tuple[str, str], ...]) -> Mapping[str, Decimal]:
    # The date does not matter: overrides are read the same on any day. Checked when the job was
    # made, so they read.
    return parse_case_file(overrides_probe(dict(items), date(2024, 1, 1))).parameter_overrides


def _what_if_classify(case: Any, applicant: str, outcomes: list[Outcome], chunk: Chunk) -> None:
    current, proposed = outcomes
    row = result_row(case, applicant, current, proposed=proposed.outcome)
    if "undetermined" in (current.outcome, proposed.outcome):
        chunk.list(case, "undetermined", row)
    elif current.outcome != "eligible" and proposed.outcome == "eligible":
        chunk.list(case, "entering", row)
    elif current.outcome == "eligible" and proposed.outcome != "eligible":
        chunk.list(case, "leaving", row)
    else:
        chunk.count("unchanged")


Prepare = Callable[[Session, Case, Mapping[str, Any]], list[dict[str, Any] | CaseFile]]
Classify = Callable[[Any, str, list[Outcome], Chunk], None]
PREPARE: Final[dict[str, Prepare]] = {"recheck_review": _recheck_files, "what_if": _what_if_files}
CLASSIFY: Final[dict[str, Classify]] = {"recheck_review": _recheck_classify, "what_if": _what_if_classify}
