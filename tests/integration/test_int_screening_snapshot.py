"""A population is read in one snapshot of the database (issue 21): its tables are read one after
another and matched by id, and its parts and the households decided again are read by other
sessions, in other processes. A household filed meanwhile is in none of them, or the counts,
the list and the explained check would each see another database. On both databases."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from integration_support import HUAIDONG, ApiClient, Clock, dibao_edge_household
from test_int_screening import ON, population  # noqa: F401  (the fixture)

from assistance.db import Database
from assistance.parameters import parameter_table
from assistance.screening import parts
from assistance.screening.parts import Reading, read_in_parts
from assistance.screening.population import read_population
from assistance.screening.reforms import reform_table
from rules.screening import build_parameter_arrays


def _file(api: ApiClient) -> int:
    return int(api.file("wangjianguo", "dibao_edge", HUAIDONG, dibao_edge_household())["id"])


def _count(db: Database, exported: str | None = None) -> int:
    with db.reading_snapshot(exported) as session:
        arrays = build_parameter_arrays(parameter_table(session=session))
        return len(read_population(session, "current", ["140802"], ON, arrays))


@pytest.mark.usefixtures("population")
def test_a_snapshot_session_reads_the_database_as_it_was_when_it_began(db: Database, api: ApiClient) -> None:
    with db.reading_snapshot() as session:
        arrays = build_parameter_arrays(parameter_table(session=session))
        before = len(read_population(session, "current", ["140802"], ON, arrays))
        _file(api)
        assert len(read_population(session, "current", ["140802"], ON, arrays)) == before
    assert _count(db) == before + 1


@pytest.mark.usefixtures("population")
def test_an_exported_snapshot_is_read_by_later_sessions(db: Database, api: ApiClient) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("only PostgreSQL exports a snapshot; SQLite reads in one process")
    before = _count(db)
    with db.exported_snapshot() as exported:
        assert exported is not None
        _file(api)
        assert _count(db, exported) == before
        assert _count(db) == before + 1


def test_a_population_is_not_read_statement_by_statement(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's reading session is one read transaction")
    with db.reading() as session, pytest.raises(RuntimeError, match="one snapshot"):
        arrays = build_parameter_arrays(parameter_table(session=session))
        read_population(session, "current", ["140802"], ON, arrays)


def test_a_malformed_snapshot_id_is_refused(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("no snapshot is imported on SQLite")
    with pytest.raises(ValueError, match="snapshot id"), db.reading_snapshot("1'; DROP TABLE x; --"):
        pass


@pytest.fixture
def filed_while_reading(api: ApiClient, monkeypatch: pytest.MonkeyPatch, clock: Clock) -> Iterator[list[int]]:
    """A household filed just before each part is read, after the run's snapshot was taken."""
    filed: list[int] = []
    read_part = parts._read_part

    def filing_first(db: Database, reading: Reading, ids: tuple[int, int] | None) -> parts.Part:
        filed.append(_file(api))
        return read_part(db, reading, ids)

    monkeypatch.setattr(parts, "_read_part", filing_first)
    yield filed


@pytest.mark.usefixtures("population")
def test_a_what_if_reads_and_explains_one_snapshot(db: Database, filed_while_reading: list[int]) -> None:
    before = _count(db)
    with db.reading() as session:
        base = parameter_table(session=session)
    reform = reform_table(base, {"dibao_standard.urban": Decimal("760.00")}, ["140802"], ON, "测试")
    reading = Reading("current", ("140802",), ON, base, reform)
    screened = read_in_parts(db, reading)
    assert filed_while_reading, "no part was read"
    if db.engine.dialect.name == "postgresql":
        assert len(screened.population) == before
        assert not set(filed_while_reading) & {int(i) for i in screened.population.case_ids}
    assert screened.explained.checked > 0
    assert screened.explained.disagreements == []
