"""Batch jobs over a county's cases, run in the background with their progress kept, resumable
after a crash (see ``models.jobs``). Two kinds:

- ``recheck_review`` (64号 第二十六条): every recognised 低保边缘家庭 of the county decided again on a
  date, under the parameters in force that day; lists the families that no longer meet the
  conditions so that townships check them first. Changes no case.
- ``what_if``: every current case decided again under proposed parameters (a new dibao
  standard); lists who would enter or leave. Changes no case.

A job runs in chunks of cases in id order. Each chunk's results, the count and the cursor are
committed in one transaction guarded by the job's version, so two runners never both count a
chunk, and a runner that dies loses only the chunk it was on: ``resume`` carries on after the last
committed one. The web service starts a job on a background thread; ``assistance jobs run`` runs
(or resumes) one in the foreground, printing its progress.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections import deque
from collections.abc import Callable, Generator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from multiprocessing import get_context
from typing import Any, Final, cast

import sqlalchemy as sa
from sqlalchemy import ColumnElement, and_, or_, update
from sqlmodel import Session, col, func, select

from assistance.access import JOBS, actor_for, require
from assistance.access.permissions import PERMISSIONS
from assistance.casefile.household import Preloaded, case_file, preload
from assistance.db import Database
from assistance.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from assistance.models import BatchJob, BatchJobItem, Case, Member
from assistance.models.base import utcnow
from assistance.models.jobs import DONE, FAILED, QUEUED, RUNNING
from assistance.parameters import parameter_table
from assistance.workflow import WORKFLOWS
from rules import CaseFileError, ParameterError, evaluate_data
from rules.counties import COUNTIES
from rules.money import yuan
from rules.parameters import ParameterTable
from rules.parsing import parse_case_file

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


def _decide(data: dict[str, Any], table: ParameterTable) -> Outcome:
    try:
        decision = evaluate_data(data, table)
    except ParameterError as exc:
        return Outcome("undetermined", None, f"参数未配置：{exc}", [])
    except CaseFileError as exc:
        return Outcome("undetermined", None, f"案卷不完整：{exc}", [])
    failed = [c.title for c in decision.criteria if c.result == "fail"]
    return Outcome(decision.outcome, yuan(decision.income.per_capita_monthly), "", failed)


def _row(case: Any, applicant: str, outcome: Outcome, **more: Any) -> dict[str, Any]:
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


def _recheck_select(county: str) -> Any:
    return and_(
        col(Case.county_code) == county, col(Case.procedure) == "dibao_edge", col(Case.state) == "recognised"
    )


def _what_if_select(county: str) -> Any:
    open_states = {s for w in WORKFLOWS.values() for s in w.open_states}
    return and_(col(Case.county_code) == county, col(Case.state).in_([*open_states, "recognised"]))


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
    session: Session, case: Case, params: Mapping[str, Any], preloaded: Preloaded | None
) -> list[dict[str, Any]]:
    data = case_file(session, case, preloaded)
    data["application_date"] = params["on"]
    return [data]


def _recheck_classify(case: Any, applicant: str, outcomes: list[Outcome], chunk: Chunk) -> None:
    (found,) = outcomes
    if found.outcome == "eligible":
        chunk.count("eligible")
    else:
        category = "undetermined" if found.outcome == "undetermined" else "not_eligible"
        chunk.list(case, category, _row(case, applicant, found))


def _what_if_files(
    session: Session, case: Case, params: Mapping[str, Any], preloaded: Preloaded | None
) -> list[dict[str, Any]]:
    current = case_file(session, case, preloaded)
    return [current, {**current, "parameter_overrides": dict(params["overrides"])}]


def _what_if_classify(case: Any, applicant: str, outcomes: list[Outcome], chunk: Chunk) -> None:
    current, proposed = outcomes
    row = _row(case, applicant, current, proposed=proposed.outcome)
    if "undetermined" in (current.outcome, proposed.outcome):
        chunk.list(case, "undetermined", row)
    elif current.outcome != "eligible" and proposed.outcome == "eligible":
        chunk.list(case, "entering", row)
    elif current.outcome == "eligible" and proposed.outcome != "eligible":
        chunk.list(case, "leaving", row)
    else:
        chunk.count("unchanged")


Prepare = Callable[[Session, Case, Mapping[str, Any], Preloaded | None], list[dict[str, Any]]]
Classify = Callable[[Any, str, list[Outcome], Chunk], None]
PREPARE: Final[dict[str, Prepare]] = {"recheck_review": _recheck_files, "what_if": _what_if_files}
CLASSIFY: Final[dict[str, Classify]] = {"recheck_review": _recheck_classify, "what_if": _what_if_classify}
SELECT: Final[dict[str, Callable[[str], Any]]] = {
    "recheck_review": _recheck_select,
    "what_if": _what_if_select,
}


# --- starting, reading, running ----------------------------------------------------------------


def _params(kind: str, data: Mapping[str, Any], today: date) -> dict[str, Any]:
    if kind == "recheck_review":
        raw = data.get("on") or today.isoformat()
        try:
            on = date.fromisoformat(str(raw))
        except ValueError as exc:
            raise InvalidInput.field("params.on", "应为日期，格式 YYYY-MM-DD") from exc
        if on > today:
            raise InvalidInput.field("params.on", "不能晚于今天")
        return {"on": on.isoformat()}
    overrides = data.get("overrides")
    if not isinstance(overrides, Mapping) or not overrides:
        raise InvalidInput.field("params.overrides", '请给出测算参数，如 {"dibao_standard.urban": "800.00"}')
    probe = {
        "schema_version": 1, "procedure": "dibao_edge", "application_date": today.isoformat(),
        "county": "140802", "hukou_type": "urban", "parameter_overrides": dict(overrides),
        "members": [{"id": "m1", "name": "测算", "id_number": "140802198003151239", "relation": "self",
                     "hukou_region": "140802"}],
    }  # fmt: skip
    try:
        parse_case_file(probe)
    except CaseFileError as exc:
        problems = [
            FieldProblem(e.field.replace("parameter_overrides", "params.overrides"), e.message)
            for e in exc.errors
            if e.field.startswith("parameter_overrides")
        ]
        if problems:
            raise InvalidInput("测算参数有误", problems) from exc
    return {"overrides": {str(k): str(v) for k, v in overrides.items()}}


LISTED = ("not_eligible", "entering", "leaving", "undetermined")
SHOWN = 1000


def _items(session: Session, job: BatchJob, limit: int = SHOWN) -> dict[str, list[dict[str, Any]]]:
    """The first ``limit`` cases of each listed category, in case order."""
    found: dict[str, list[dict[str, Any]]] = {}
    for category in LISTED:
        if not job.result.get(category):
            continue
        rows = session.exec(
            select(BatchJobItem)
            .where(BatchJobItem.job_id == job.id, BatchJobItem.category == category)
            .order_by(col(BatchJobItem.case_id))
            .limit(limit)
        ).all()
        found[category] = [r.data for r in rows]
    return found


def describe(job: BatchJob, items: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "title": TITLES.get(job.kind, job.kind),
        "county": job.county_code,
        "county_name": COUNTIES.get(job.county_code, job.county_code),
        "params": job.params,
        "status": job.status,
        "total": job.total,
        "processed": job.processed,
        "percent": int(job.processed * 100 / job.total) if job.total else (100 if job.status == DONE else 0),
        # Counts per category; ``items`` lists the cases (at most SHOWN of each category).
        "result": job.result,
        "items": items or {},
        "error": job.error,
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "note": "测算结果不改变任何案件，也不作为认定依据。",
    }


def create_job(db: Database, user_id: int, data: Any, today: date) -> int:
    if not isinstance(data, Mapping):
        raise InvalidInput.field("(根)", "应为 JSON 对象")
    kind = str(data.get("kind", ""))
    if kind not in TITLES:
        raise InvalidInput.field("kind", f"应为以下之一：{'、'.join(TITLES)}")
    raw_params = data.get("params") or {}
    if not isinstance(raw_params, Mapping):
        raise InvalidInput.field("params", "应为对象")
    params = _params(kind, raw_params, today)
    with db.transaction() as session:
        actor = actor_for(session, user_id)
        county = str(data.get("county") or actor.county_code or "")
        require(actor, "run_batch_jobs")
        if not JOBS.allows(actor, county):
            raise Forbidden(PERMISSIONS["run_batch_jobs"].refusal)
        if county not in COUNTIES:
            raise InvalidInput.field("county", "应为运城市的县（市、区）代码")
        total = session.exec(select(func.count()).select_from(Case).where(SELECT[kind](county))).one()
        job = BatchJob(
            kind=kind, county_code=county, params=params, total=int(total), created_by=actor.user_id
        )
        session.add(job)
        session.flush()
        assert job.id is not None
        return job.id


def job_detail(db: Database, user_id: int, job_id: int) -> dict[str, Any]:
    with db.reading() as session:
        actor = actor_for(session, user_id)
        job = session.get(BatchJob, job_id)
        if job is None or not JOBS.allows(actor, job.county_code):
            raise NotFound(f"批量任务 {job_id} 不存在或不在您的管辖范围内")
        return describe(job, _items(session, job))


def list_jobs(db: Database, user_id: int) -> list[dict[str, Any]]:
    with db.reading() as session:
        actor = actor_for(session, user_id)
        require(actor, "run_batch_jobs")
        query = select(BatchJob).where(JOBS.where(actor, col(BatchJob.county_code)))
        return [describe(j) for j in session.exec(query.order_by(col(BatchJob.id).desc()).limit(50)).all()]


def _claim(session: Session, job: BatchJob, **values: Any) -> bool:
    """Move the job on only if nobody else did since it was read (the version guard)."""
    moved = session.execute(
        update(BatchJob)
        .where(col(BatchJob.id) == job.id, col(BatchJob.version) == job.version)
        .values(version=job.version + 1, heartbeat_at=utcnow(), **values)
    )
    return bool(moved.rowcount == 1)  # type: ignore[attr-defined]


@dataclass
class Pool:
    executor: ProcessPoolExecutor
    workers: int


def run_job(
    db: Database,
    job_id: int,
    *,
    chunk: int = CHUNK,
    max_chunks: int | None = None,
    progress: Callable[[BatchJob], None] | None = None,
    workers: int = 1,
) -> dict[str, Any]:
    """Run (or resume) the job until done, or for ``max_chunks`` chunks (a test's simulated crash).
    With ``workers`` > 1 each chunk is read, prepared and decided by one of that many processes
    (spawned, each with its own database connection), a few chunks ahead, while this one writes
    the results in order. Returns the job as it stands."""
    pool = None
    if workers > 1:
        pool = Pool(ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")), workers)
    try:
        return _run(db, job_id, chunk, max_chunks, progress, pool)
    finally:
        if pool is not None:
            pool.executor.shutdown(cancel_futures=True)


@dataclass(frozen=True, slots=True)
class CaseRef:
    """What a job's result says of a case, read with its chunk."""

    id: int
    number: str | None
    procedure: str
    state: str
    applicant_member_id: int | None


Decided = tuple[list[CaseRef], dict[int, str], list[list[Outcome]]]
_CASES: Final[sa.Table] = Case.__table__  # type: ignore[attr-defined]
_MEMBERS: Final[sa.Table] = Member.__table__  # type: ignore[attr-defined]


def _after(kind: str, county: str, after: int) -> ColumnElement[bool]:
    """The job's cases after case ``after``."""
    return and_(SELECT[kind](county), _CASES.c.id > after)


def _read_and_decide(
    db: Database,
    kind: str,
    county: str,
    params: Mapping[str, Any],
    after: int,
    chunk: int | None,
    last: int | None = None,
) -> Decided:
    """The next chunk after case ``after`` (up to case ``last`` if given): the cases, their
    applicants' names, and per case the outcomes of its case files."""
    with db.reading() as session:
        # Plain rows with the case's columns, not ORM objects: the case files only read columns,
        # and making a thousand Case objects a chunk took a third of the time spent reading it.
        page = sa.select(_CASES).where(_after(kind, county, after))
        if last is not None:
            page = page.where(_CASES.c.id <= last)
        page = page.order_by(_CASES.c.id)
        cases = cast(list[Case], session.execute(page if chunk is None else page.limit(chunk)).all())
        if not cases:
            return [], {}, []
        applicants = _MEMBERS.c.id.in_([c.applicant_member_id for c in cases])
        names = sa.select(_MEMBERS.c.id, _MEMBERS.c.name).where(applicants)
        heads = {m.id: m.name for m in session.execute(names)}
        records = preload(session, cases)
        files = [PREPARE[kind](session, case, params, records) for case in cases]
        refs = [CaseRef(c.id or 0, c.number, c.procedure, c.state, c.applicant_member_id) for c in cases]
    table = parameter_table()
    return refs, heads, [[_decide(f, table) for f in per_case] for per_case in files]


def _decided_here(
    db: Database, kind: str, county: str, params: Mapping[str, Any], after: int, chunk: int
) -> Generator[Decided]:
    """The chunks after case ``after`` in order, each read and decided by a thread of this process
    while the job writes the one before (the reading is mostly database time); the last one
    empty."""
    reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="batch-job-reader")
    try:
        upcoming = reader.submit(_read_and_decide, db, kind, county, params, after, chunk)
        while True:
            decided = upcoming.result()
            refs = decided[0]
            if refs:
                upcoming = reader.submit(_read_and_decide, db, kind, county, params, refs[-1].id, chunk)
            yield decided
            if not refs:
                return
    finally:
        reader.shutdown(wait=True, cancel_futures=True)


@functools.cache
def _database(url: str) -> Database:
    """A pool process's own connection to the database, kept for the chunks it is given."""
    return Database(url)


def read_and_decide(
    url: str, kind: str, county: str, params: Mapping[str, Any], after: int, last: int
) -> Decided:
    """One chunk, cases ``after`` < id <= ``last``, read, prepared and decided by a pool process."""
    return _read_and_decide(_database(url), kind, county, params, after, None, last)


def _last_of_chunk(db: Database, kind: str, county: str, after: int, chunk: int) -> int | None:
    """The id of the ``chunk``-th case after ``after`` (or of the last there is); None if none is."""
    with db.reading() as session:
        ids = sa.select(_CASES.c.id).where(_after(kind, county, after))
        page = ids.order_by(_CASES.c.id).limit(chunk).subquery()
        last: int | None = session.execute(sa.select(sa.func.max(page.c.id))).scalar()
        return last


def _decided_in_pool(
    db: Database, pool: Pool, kind: str, county: str, params: Mapping[str, Any], after: int, chunk: int
) -> Generator[Decided]:
    """``_decided_here``, each chunk read, prepared and decided whole by a pool process, a few
    chunks ahead: this process only finds where each chunk ends and writes the results. (Reading
    and preparing here held this process's interpreter lock at about 90 % while the pool's
    processes idled half the time.)"""
    pending: deque[Future[Decided]] = deque()
    try:
        while True:
            while len(pending) <= pool.workers:
                last = _last_of_chunk(db, kind, county, after, chunk)
                if last is None:
                    break
                pending.append(
                    pool.executor.submit(read_and_decide, db.url, kind, county, params, after, last)
                )
                after = last
            if not pending:
                yield [], {}, []
                return
            decided = pending.popleft().result()
            if decided[0]:  # not a range whose cases went since its end was found: that is the end
                yield decided
    finally:
        for waiting in pending:
            waiting.cancel()


def _run(
    db: Database,
    job_id: int,
    chunk: int,
    max_chunks: int | None,
    progress: Callable[[BatchJob], None] | None,
    pool: Pool | None,
) -> dict[str, Any]:
    with db.transaction() as session:
        job = session.get(BatchJob, job_id)
        if job is None:
            raise NotFound(f"批量任务 {job_id} 不存在")
        if job.status == DONE:
            return describe(job, _items(session, job))
        # The version this runner will hold once its claim is in (the update also refreshes ``job``).
        version = job.version + 1
        if not _claim(session, job, status=RUNNING, started_at=job.started_at or utcnow()):
            raise Conflict("批量任务正由其他进程运行")
        kind, county, params = job.kind, job.county_code, dict(job.params)
        cursor, processed, counts = job.cursor, job.processed, dict(job.result)
    if pool is None:
        chunks_decided = _decided_here(db, kind, county, params, cursor, chunk)
    else:
        chunks_decided = _decided_in_pool(db, pool, kind, county, params, cursor, chunk)
    try:
        chunks = 0
        while max_chunks is None or chunks < max_chunks:
            chunk_result = Chunk()
            try:
                refs, heads, outcomes = next(chunks_decided)
                for ref, per_case in zip(refs, outcomes, strict=True):
                    applicant = heads.get(ref.applicant_member_id or 0, "")
                    CLASSIFY[kind](ref, applicant, per_case, chunk_result)
            except Exception as exc:
                with db.transaction() as failing:
                    stored = failing.get(BatchJob, job_id)
                    assert stored is not None
                    _claim(failing, stored, status=FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
                raise
            for category, n in chunk_result.counts.items():
                counts[category] = counts.get(category, 0) + n
            processed += len(refs)
            cursor = refs[-1].id if refs else cursor
            with db.transaction() as session:
                stored = session.get(BatchJob, job_id)
                assert stored is not None
                if stored.version != version:
                    raise Conflict("批量任务正由其他进程运行")
                values: dict[str, Any] = {"processed": processed, "cursor": cursor, "result": dict(counts)}
                if not refs:
                    values.update(status=DONE, finished_at=utcnow(), total=max(stored.total, processed))
                if not _claim(session, stored, **values):
                    raise Conflict("批量任务正由其他进程运行")
                version += 1
                # With the cursor: a chunk's items are there exactly when the chunk counts.
                session.add_all(
                    BatchJobItem(job_id=job_id, case_id=case_id, category=category, data=row)
                    for case_id, category, row in chunk_result.items
                )
            if progress is not None:
                with db.reading() as session:
                    current = session.get(BatchJob, job_id)
                    assert current is not None
                    progress(current)
            if not refs:
                break
            chunks += 1
    finally:
        chunks_decided.close()
    with db.reading() as session:
        final = session.get(BatchJob, job_id)
        assert final is not None
        return describe(final, _items(session, final))


def start_in_background(db: Database, job_id: int) -> threading.Thread:
    """The web service's way to run a job: a daemon thread; if the process dies, ``resume_stale``
    (or ``assistance jobs run``) carries on."""

    def target() -> None:
        # The job row records a failure; the thread has nobody to tell.
        with contextlib.suppress(Exception):
            run_job(db, job_id)

    thread = threading.Thread(target=target, name=f"batch-job-{job_id}", daemon=True)
    thread.start()
    return thread


def stale_jobs(db: Database) -> list[int]:
    """Jobs queued, or running with no heartbeat for a while: their runner died."""
    cutoff = utcnow() - STALE_AFTER
    with db.reading() as session:
        rows = session.exec(
            select(BatchJob).where(
                or_(
                    col(BatchJob.status) == QUEUED,
                    and_(col(BatchJob.status) == RUNNING, col(BatchJob.heartbeat_at) < cutoff),
                )
            )
        ).all()
        return [j.id for j in rows if j.id is not None]


__all__ = [
    "TITLES",
    "create_job",
    "describe",
    "job_detail",
    "list_jobs",
    "run_job",
    "stale_jobs",
    "start_in_background",
]
