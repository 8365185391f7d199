"""Population what-ifs and sweeps as saved runs: created (checked, permitted), run once (here, on
the job queue's worker, or in this process), read back. Each service function owns its
transaction; the computing is in ``computing``."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, Final

import sqlalchemy as sa
from sqlmodel import Session, col, select

from assistance.access import JOBS, actor_for, require
from assistance.access.actors import Actor
from assistance.db import Database
from assistance.errors import FieldProblem, Forbidden, Gone, InvalidInput, NotFound
from assistance.models import ScreeningChange, ScreeningRun
from assistance.models.base import utcnow
from assistance.models.screening import SWEEP, WHAT_IF
from assistance.screening.explained import expand
from assistance.screening.population import POPULATION_TITLES
from assistance.screening.reforms import parse_changes, parse_sweep
from assistance.screening.results import CATEGORY_TITLES
from rules.counties import COUNTIES
from rules.screening.parameters import COUNTY_CODES

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUS_TITLES: Final = {QUEUED: "排队中", RUNNING: "测算中", DONE: "已完成", FAILED: "失败"}
KIND_TITLES: Final = {WHAT_IF: "政策测算（整体人群）", SWEEP: "标准测算"}
SHOWN: Final = 200
COUNTIES_BY_INDEX: Final = COUNTY_CODES


def _counties(actor: Actor, body: Mapping[str, Any]) -> list[str]:
    """The counties asked for (``counties`` or ``county``); county staff default to their own,
    the administrator to all 13."""
    raw = body.get("counties", body.get("county"))
    if raw is None or raw == [] or raw == "":
        if actor.county_code is not None:
            return [actor.county_code]
        return sorted(COUNTIES)
    wanted = [raw] if isinstance(raw, str) else raw
    if not isinstance(wanted, list) or not all(isinstance(c, str) for c in wanted):
        raise InvalidInput.field("counties", '应为县（市、区）代码的列表，如 ["140802"]')
    unknown = [c for c in wanted if c not in COUNTIES]
    if unknown:
        raise InvalidInput.field("counties", f"“{unknown[0]}”不是运城市的县（市、区）代码")
    return sorted(set(wanted))


def _allowed(actor: Actor, counties: Sequence[str]) -> None:
    if not all(JOBS.allows(actor, county) for county in counties):
        raise Forbidden("只有本县民政部门工作人员可以测算本县家庭")


def _common(actor: Actor, body: Any, today: date) -> tuple[list[str], str, date, str]:
    if not isinstance(body, Mapping):
        raise InvalidInput.field("body", "应为对象")
    counties = _counties(actor, body)
    _allowed(actor, counties)
    population = body.get("population", "current")
    if population not in POPULATION_TITLES:
        raise InvalidInput.field(
            "population", "应为 current（在办案件和已认定家庭）或 recognised（已认定的低保边缘家庭）"
        )
    raw_on = body.get("effective_on") or today.isoformat()
    try:
        on = date.fromisoformat(str(raw_on))
    except ValueError as exc:
        raise InvalidInput.field("effective_on", "应为日期，格式 YYYY-MM-DD") from exc
    name = body.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > 100):
        raise InvalidInput.field("name", "方案名称应为不超过100字的文字")
    return counties, population, on, (name or "").strip()


def create_what_if(db: Database, user_id: int, body: Any, today: date) -> int:
    """Save a reform (name, parameter changes, effective date) to be screened; its id."""
    with db.transaction() as session:
        actor = actor_for(session, user_id)
        require(actor, "run_screening")
        counties, population, on, name = _common(actor, body, today)
        changes = parse_changes(body.get("changes"))
        if not name:
            raise InvalidInput.field("name", "请给测算方案起个名称，如“2027年城市低保标准800元”")
        run = ScreeningRun(
            kind=WHAT_IF,
            name=name,
            counties=counties,
            population=population,
            effective_on=on,
            changes={k: str(v) for k, v in changes.items()},
            created_by=user_id,
        )
        session.add(run)
        session.flush()
        assert run.id is not None
        return run.id


def create_sweep(db: Database, user_id: int, body: Any, today: date) -> int:
    """Save a standard-setting sweep (one parameter over a range of values); its id."""
    with db.transaction() as session:
        actor = actor_for(session, user_id)
        require(actor, "run_screening")
        counties, population, on, name = _common(actor, body, today)
        key, points, kept = parse_sweep(body)
        run = ScreeningRun(
            kind=SWEEP,
            name=name or f"{key} 标准测算",
            counties=counties,
            population=population,
            effective_on=on,
            params={"parameter": key, **kept, "points": [str(p.value) for p in points],
                    "percents": [None if p.percent is None else str(p.percent) for p in points]},
            created_by=user_id,
        )  # fmt: skip
        session.add(run)
        session.flush()
        assert run.id is not None
        return run.id


def claim(db: Database, run_id: int) -> ScreeningRun | None:
    """Mark a queued (or failed) run running; None if another runner has it or it is done."""
    with db.transaction() as session:
        run = session.get(ScreeningRun, run_id, with_for_update=True)
        if run is None or run.status not in (QUEUED, FAILED):
            return None
        run.status, run.started_at, run.error = RUNNING, utcnow(), ""
        # Tried again, it writes a new list, which the retention period counts from its end.
        run.changes_pruned_on = None
        session.flush()
        session.expunge(run)
        return run


_CHANGES: Final[sa.Table] = ScreeningChange.__table__  # type: ignore[attr-defined]
# A change as ``Finishing.write`` takes it: these columns, then ``data`` as JSON text
# (``explained.change_data``).
CHANGE_COLUMNS: Final = ("run_id", "case_id", "category", "county_code", "township_id", "area", "persons")


def finish(db: Database, run_id: int, result: dict[str, Any]) -> None:
    """Write the result of a run that lists no households (a sweep); a what-if's is written
    with its list (``finishing``)."""
    with db.transaction() as session:
        _done(session, run_id, result)


class Finishing:
    """A run's changing households, written as they come (``write``), and its ``result``, set
    before the end of ``finishing``."""

    def __init__(self, copy: Any = None) -> None:
        self._copy = copy
        self.kept: list[dict[str, Any]] = []
        self.result: dict[str, Any] | None = None

    def write(self, changes: Sequence[dict[str, Any]]) -> None:
        if self._copy is None:
            self.kept.extend(changes)
            return
        write_row = self._copy.write_row
        for change in changes:
            write_row([*(change[n] for n in CHANGE_COLUMNS), change["data"]])


@contextmanager
def finishing(db: Database, run_id: int) -> Iterator[Finishing]:
    """Write the run's changing households and then its result, in one transaction: nothing of
    it is seen until all is, and a run that fails leaves no list behind.

    On PostgreSQL the changes go through one ``COPY`` left open while the run goes on, so that a
    part's households are written while the next parts are still read and decided: a reform can
    move 150,000 households (130 MB of JSON), and written at the end, after every part, their
    ``COPY`` took 3.6 s. On SQLite they are kept and inserted as rows at the end: a transaction
    open for the whole run would hold SQLite's one write lock and stop every other writer."""
    if db.engine.dialect.name != "postgresql":
        kept = Finishing()
        yield kept
        with db.transaction() as session:
            session.execute(sa.delete(_CHANGES).where(_CHANGES.c.run_id == run_id))
            rows = [{**{n: c[n] for n in CHANGE_COLUMNS}, "data": json.loads(c["data"])} for c in kept.kept]
            for start in range(0, len(rows), 5000):
                session.execute(sa.insert(_CHANGES), rows[start : start + 5000])
            _done(session, run_id, kept.result)
        return
    with db.transaction() as session:
        session.execute(sa.delete(_CHANGES).where(_CHANGES.c.run_id == run_id))
        raw = session.connection().connection.driver_connection
        assert raw is not None
        columns = ", ".join([*CHANGE_COLUMNS, "data"])
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY {_CHANGES.name} ({columns}) FROM STDIN") as copy:
                writer = Finishing(copy)
                yield writer
            _done(session, run_id, writer.result)


def _done(session: Session, run_id: int, result: dict[str, Any] | None) -> None:
    assert result is not None, "a run's result is set before its writing ends"
    run = session.get(ScreeningRun, run_id)
    assert run is not None
    run.result, run.status, run.finished_at = result, DONE, utcnow()


def failed(db: Database, run_id: int, error: str) -> None:
    with db.transaction() as session:
        run = session.get(ScreeningRun, run_id)
        if run is not None:
            run.status, run.error, run.finished_at = FAILED, error[:2000], utcnow()


def _readable(session: Session, user_id: int, run_id: int) -> ScreeningRun:
    actor = actor_for(session, user_id)
    require(actor, "run_screening")
    run = session.get(ScreeningRun, run_id)
    if run is None or not all(JOBS.allows(actor, c) for c in run.counties):
        raise NotFound(f"测算 {run_id} 不存在")
    return run


def pruned_note(run: ScreeningRun) -> str | None:
    """What a reader of a run whose list was deleted under the retention period is told."""
    on = run.changes_pruned_on
    if on is None:
        return None
    return (
        f"变化家庭清单已于{on.year}年{on.month}月{on.day}日按测算结果保留期限删除；"
        "各县（市、区）、乡镇（街道）和城乡的统计数字仍保留。"
    )


def describe(run: ScreeningRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "kind": run.kind,
        "kind_title": KIND_TITLES[run.kind],
        "name": run.name,
        "counties": run.counties,
        "county_names": [COUNTIES[c] for c in run.counties],
        "population": run.population,
        "population_title": POPULATION_TITLES[run.population],
        "effective_on": run.effective_on.isoformat(),
        "changes": run.changes,
        "params": run.params,
        "status": run.status,
        "status_title": STATUS_TITLES.get(run.status, run.status),
        "error": run.error,
        "created_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "changes_pruned_on": run.changes_pruned_on.isoformat() if run.changes_pruned_on else None,
        "changes_pruned_note": pruned_note(run),
        "result": run.result,
    }


def detail(db: Database, user_id: int, run_id: int) -> dict[str, Any]:
    """The run, its result, and the first changing households of each category (None once the
    list is deleted: not an empty list, which would read as nobody changing)."""
    with db.reading() as session:
        run = _readable(session, user_id, run_id)
        found = describe(run)
        found["changes_shown"] = (
            None
            if run.changes_pruned_on is not None
            else {
                category: _changes(session, run, category, 0, SHOWN) for category in ("entering", "leaving")
            }
        )
        return found


def _changes(
    session: Session, run: ScreeningRun, category: str, offset: int, limit: int
) -> list[dict[str, Any]]:
    named = (run.result or {}).get("threshold_sets", {})
    query = (
        select(ScreeningChange)
        .where(ScreeningChange.run_id == run.id, ScreeningChange.category == category)
        .order_by(col(ScreeningChange.id))
        .offset(offset)
        .limit(limit)
    )
    return [
        {"case": c.case_id, "category": c.category, "category_title": CATEGORY_TITLES[c.category],
         "county": c.county_code, "township": c.township_id, "area": c.area, "persons": c.persons,
         **expand(c.data, named)}
        for c in session.exec(query)
    ]  # fmt: skip


def changes(
    db: Database, user_id: int, run_id: int, category: str, offset: int, limit: int
) -> dict[str, Any]:
    if category not in ("entering", "leaving", "undetermined"):
        raise InvalidInput.field("category", "应为 entering、leaving 或 undetermined")
    with db.reading() as session:
        run = _readable(session, user_id, run_id)
        note = pruned_note(run)
        if note is not None:
            raise Gone(note, [FieldProblem("id", "该测算的变化家庭清单已删除")])
        total = session.execute(
            sa.select(sa.func.count()).where(
                col(ScreeningChange.run_id) == run_id, col(ScreeningChange.category) == category
            )
        ).scalar_one()
        return {"total": total, "items": _changes(session, run, category, offset, limit)}


def list_runs(db: Database, user_id: int) -> list[dict[str, Any]]:
    with db.reading() as session:
        actor = actor_for(session, user_id)
        require(actor, "run_screening")
        runs = session.exec(select(ScreeningRun).order_by(col(ScreeningRun.id).desc()).limit(100)).all()
        return [
            {k: v for k, v in describe(run).items() if k != "result"}
            for run in runs
            if all(JOBS.allows(actor, c) for c in run.counties)
        ]


def workbook_rows(db: Database, user_id: int, run_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The run and every changing household, for the XLSX download (none once the list is
    deleted: the workbook then holds the counts)."""
    with db.reading() as session:
        run = _readable(session, user_id, run_id)
        if run.kind != WHAT_IF or run.status != DONE:
            raise InvalidInput.field("id", "只有已完成的政策测算可以下载结果")
        found = describe(run)
        if run.changes_pruned_on is not None:
            return found, []
        rows = [row for category in ("entering", "leaving", "undetermined")
                for row in _changes(session, run, category, 0, 10**7)]  # fmt: skip
        return found, rows


__all__ = [
    "DONE",
    "FAILED",
    "KIND_TITLES",
    "QUEUED",
    "RUNNING",
    "changes",
    "claim",
    "create_sweep",
    "create_what_if",
    "describe",
    "detail",
    "failed",
    "finish",
    "finishing",
    "list_runs",
    "pruned_note",
    "workbook_rows",
]
