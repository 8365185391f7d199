"""Running a batch job: chunk after chunk of cases in id order, read and decided ahead of the
writer (by a reader thread, or by a pool of processes), each chunk's results, count and cursor
committed in one transaction guarded by the job's version, so that two runners never both count
a chunk and a runner that dies loses only the chunk it was on."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections import deque
from collections.abc import Callable, Generator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any, Final, cast

import sqlalchemy as sa
from sqlalchemy import ColumnElement, and_, update
from sqlmodel import Session, col

from assistance.batch.job_kinds import CHUNK, CLASSIFY, PREPARE, SELECT, Chunk, Outcome, decide
from assistance.batch.jobs import describe, job_items
from assistance.casefile.household import keep_for_these_cases
from assistance.db import Database
from assistance.errors import Conflict, NotFound
from assistance.models import BatchJob, BatchJobItem, Case, Member
from assistance.models.base import utcnow
from assistance.models.jobs import DONE, FAILED, RUNNING
from assistance.parameters import parameter_table


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
        keep_for_these_cases(session, cases)
        files = [PREPARE[kind](session, case, params) for case in cases]
        refs = [CaseRef(c.id or 0, c.number, c.procedure, c.state, c.applicant_member_id) for c in cases]
        table = parameter_table(session=session)
    return refs, heads, [[decide(f, table) for f in per_case] for per_case in files]


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
            return describe(job, job_items(session, job))
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
        return describe(final, job_items(session, final))


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


__all__ = ["Pool", "read_and_decide", "run_job", "start_in_background"]
