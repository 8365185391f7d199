"""Entry points: evaluate a case file for its procedure."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any, Final

from rules import vocabulary as v
from rules.casefile import CaseFile
from rules.decision import Decision
from rules.dibao_edge import evaluate_dibao_edge
from rules.illness_poverty import evaluate_illness_poverty
from rules.parameters import ParameterError, ParameterTable, load_parameters
from rules.parsing import parse_case_file
from rules.reader import CaseFileError
from rules.regulations import REGULATIONS
from rules.thresholds import Thresholds

_PROCEDURES = {
    v.DIBAO_EDGE: evaluate_dibao_edge,
    v.ILLNESS_POVERTY: evaluate_illness_poverty,
}


def evaluate(case: CaseFile, parameters: ParameterTable | None = None) -> Decision:
    """Decide a case file, explaining every criterion.

    Raises ``ParameterError`` when a value the case needs is not configured for its county,
    area and date, and ``CaseFileError`` for an override of an unknown parameter.
    """
    thresholds = Thresholds(parameters or load_parameters(), case)
    decision = _PROCEDURES[case.procedure](case, thresholds)
    warnings: list[str] = []
    validity = REGULATIONS[case.procedure].warning_for(case.application_date)
    if validity:
        warnings.append(validity)
    if thresholds.may_have_overridden:
        overridden = [t.title for t in decision.thresholds.values() if t.overridden]
        if overridden:
            warnings.append(
                f"本结论使用了案卷指定的测算参数（{'、'.join(overridden)}），仅供测算，不作为认定依据。"
            )
    if warnings:
        # The decision is new and not yet shared: set its warnings rather than copy it.
        decision.warnings = tuple(warnings)
    return decision


def evaluate_data(data: Mapping[str, Any], parameters: ParameterTable | None = None) -> Decision:
    """Validate JSON-shaped case data and decide it."""
    return evaluate(parse_case_file(data), parameters)


# Case files are read and then decided a batch at a time. Reading each and deciding it in turn
# took 15 % longer, measured over the same 40,000 households: the two code paths took turns on the
# processor's caches (docs/performance.md). Beyond some 10 the gain stays the same.
BATCH: Final = 16
Decided = Decision | CaseFileError | ParameterError


def decide_all(
    items: Iterable[Mapping[str, Any] | CaseFile], parameters: ParameterTable | None = None
) -> Iterator[Decided]:
    """Each case file (JSON-shaped data, or one already built) decided in turn, as ``evaluate``
    decides it: its decision, or in its place the error that stopped it (``CaseFileError`` for
    data that does not read, ``ParameterError`` for a value not configured)."""
    table = parameters or load_parameters()
    found = iter(items)
    while batch := list(islice(found, BATCH)):
        read: list[CaseFile | CaseFileError] = []
        for item in batch:
            try:
                read.append(item if isinstance(item, CaseFile) else parse_case_file(item))
            except CaseFileError as exc:
                read.append(exc)
        for case in read:
            if isinstance(case, CaseFileError):
                yield case
                continue
            try:
                yield evaluate(case, table)
            except (CaseFileError, ParameterError) as exc:
                yield exc
