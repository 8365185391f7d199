"""Case files built straight from their rows (assistance/casefile/from_rows.py) are the records the
parser builds from the same case in the case-file format, field for field, on any date: drafted
households of both procedures (members excluded, support by formula, rented housing, expenses in
and out of the window…) filed through the API, and the demo. On both databases."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from integration_support import HUAIDONG, XIGUAN, ApiClient, Clock
from sqlmodel import Session

from assistance.casefile.from_rows import case_file_from_rows, columns_read
from assistance.casefile.household import case_file
from assistance.casefile.listed_rows import CASE_ID, read_listed
from assistance.casefile.storage import case_owned_keys
from assistance.db import Database
from assistance.demo import dibao_edge_household, load_demo
from assistance.models import Case
from assistance.parameters import parameter_table
from rules import CaseFileError, evaluate, parse_case_file
from rules import vocabulary as v
from rules.criteria import FAIL
from tests.unit.unit_screening_cases import draft_cases

_CASES: sa.Table = Case.__table__  # type: ignore[attr-defined]
FILERS = {v.DIBAO_EDGE: ("wangjianguo", HUAIDONG), v.ILLNESS_POVERTY: ("chenzhiqiang", XIGUAN)}


def _both_ways(session: Session, case_ids: list[int], on: date) -> list[tuple[str, str]]:
    """Each case on ``on``, built from its rows and parsed from its case file, as reprs (None for
    a case the parser refuses). The rows carry only the columns the building reads, the others
    read as NULL, as the screening's re-check reads them."""
    rows, household_rows = read_listed(session, case_ids, columns_read())
    found = []
    for row in sorted(rows, key=lambda r: r[CASE_ID]):
        built = case_file_from_rows(row, household_rows, on)
        data = case_file(session, session.get(Case, row[CASE_ID]))  # type: ignore[arg-type]
        data["application_date"] = on.isoformat()
        try:
            parsed: Any = parse_case_file(data)
        except CaseFileError:
            parsed = None
        found.append((repr(built), repr(parsed)))
    return found


@pytest.mark.parametrize("procedure", [v.DIBAO_EDGE, v.ILLNESS_POVERTY])
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_drafted_households_are_built_as_parsed(
    db: Database, api: ApiClient, clock: Clock, procedure: str, data: st.DataObject
) -> None:
    draft = data.draw(draft_cases(procedure))
    applied = date.fromisoformat(draft["application_date"])
    household = {k: value for k, value in draft.items() if k not in case_owned_keys()}
    clock.today = applied
    username, village = FILERS[procedure]
    proxy = {"channel": "authorised_person", "proxy_name": "代理人", "proxy_authorisation": "委托书"}
    case_id = int(api.file(username, procedure, village, household, **proxy)["id"])
    with db.reading() as session:
        # On the day it was filed, a year later, and before the applicant was born (refused).
        for on in (applied, applied + timedelta(days=366), date(2000, 1, 1)):
            for built, parsed in _both_ways(session, [case_id], on):
                assert built == parsed, on


def test_every_demo_case_is_built_as_parsed(db: Database) -> None:
    loaded_on = date(2026, 10, 12)
    assert load_demo(db, loaded_on) is not None
    with db.reading() as session:
        case_ids = [int(i) for i in session.scalars(sa.select(_CASES.c.id))]
        assert len(case_ids) >= 5
        for on in (loaded_on, date(2024, 1, 2)):
            for built, parsed in _both_ways(session, case_ids, on):
                assert built == parsed, on


def test_the_countys_findings_given_with_a_household_are_kept_and_decide(
    db: Database, api: ApiClient
) -> None:
    # 64号 第十四条（四）: a finding the county records with the household is stored with the case,
    # read back into its case file (built both ways) and decides it.
    household = dibao_edge_household()
    findings = [
        {"article": "64号 第十四条（四）", "description": "有县级规定的其他情形", "disqualifying": True}
    ]
    household["county_findings"] = findings
    case_id = int(api.file("wangjianguo", v.DIBAO_EDGE, HUAIDONG, household)["id"])
    detail = api.get("wangjianguo", f"/cases/{case_id}").json or {}
    assert detail["household"]["county_findings"] == findings
    with db.reading() as session:
        data = case_file(session, session.get(Case, case_id))  # type: ignore[arg-type]
        assert data["county_findings"] == findings
        ((built, parsed),) = _both_ways(session, [case_id], date(2025, 9, 22))
        assert built == parsed and "disqualifying=True" in built
        table = parameter_table(session=session)
    decision = evaluate(parse_case_file(data), table)
    assert decision.outcome == "not_eligible"
    assert any(c.result == FAIL and "第十四条（四）" in c.article for c in decision.criteria)
