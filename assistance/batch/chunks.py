"""A batch job as chunks that any worker, on any machine, takes (``assistance.queue``).

``plan`` fixes the job's chunks once, as ranges of case ids, and the cases it covers with them.
``run_chunk`` reads and decides one range, then, in one transaction, marks the chunk done, adds its
counts to the job and writes the cases it lists. The mark is conditional (the chunk not yet done),
so when two workers run the same chunk (a worker thought dead that was only slow, a task retried
after a crash) only the first to commit counts it; the other's results are never written. A worker
that dies loses only the chunk it was on, which the queue gives to another."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import insert, update
from sqlmodel import Session, col, func, select

from assistance.batch.deciding import CASES, after, read_and_decide
from assistance.batch.job_kinds import CHUNK, CLASSIFY, Chunk
from assistance.db import Database
from assistance.errors import Conflict, NotFound
from assistance.models import BatchJob, BatchJobChunk, BatchJobItem
from assistance.models.base import utcnow
from assistance.models.jobs import DONE, FAILED, QUEUED, RUNNING
from assistance.runtime.identity import RUNNER


def _locked_job(session: Session, job_id: int) -> BatchJob:
    """The job, locked until the commit (PostgreSQL; SQLite writes one at a time anyway), so that
    chunks finishing together add their counts one after the other."""
    job = session.exec(select(BatchJob).where(col(BatchJob.id) == job_id).with_for_update()).first()
    if job is None:
        raise NotFound(f"批量任务 {job_id} 不存在")
    return job


def _chunk_ends(session: Session, job: BatchJob, size: int) -> tuple[list[int], int]:
    """The last case id of each chunk of ``size`` cases the job covers now, in order, and how many
    cases that is."""
    ids = session.execute(
        sa.select(CASES.c.id).where(after(job.kind, job.county_code, 0)).order_by(CASES.c.id)
    ).scalars()
    ends: list[int] = []
    last, count = 0, 0
    for count, case_id in enumerate(ids, 1):
        last = case_id
        if count % size == 0:
            ends.append(case_id)
    if last and (not ends or ends[-1] != last):
        ends.append(last)
    return ends, count


def plan(db: Database, job_id: int, size: int = CHUNK) -> list[int]:
    """Fix the job's chunks, the first time it is asked; the ids of its chunks not yet done (none
    for a job done or failed)."""
    with db.transaction() as session:
        job = _locked_job(session, job_id)
        if job.status in (DONE, FAILED):
            return []
        if job.status == QUEUED:
            ends, job.total = _chunk_ends(session, job, size)
            starts = [0, *ends[:-1]]
            if ends:
                session.execute(
                    insert(BatchJobChunk),
                    [
                        {"job_id": job_id, "after_id": a, "last_id": b}
                        for a, b in zip(starts, ends, strict=True)
                    ],
                )
            job.status = RUNNING if ends else DONE
            job.started_at = job.started_at or utcnow()
            job.heartbeat_at = utcnow()
            job.cursor = ends[-1] if ends else 0
            if not ends:
                job.finished_at = utcnow()
            job.version += 1
        pending = select(BatchJobChunk.id).where(
            BatchJobChunk.job_id == job_id, col(BatchJobChunk.done_at).is_(None)
        )
        return [i for i in session.exec(pending.order_by(col(BatchJobChunk.after_id))).all() if i is not None]


def run_chunk(db: Database, chunk_id: int, runner: str = RUNNER) -> bool:
    """Decide one chunk and count it, unless it is done already or its job stopped; whether this
    run's results are the ones that count."""
    with db.reading() as session:
        chunk = session.get(BatchJobChunk, chunk_id)
        if chunk is None:
            raise NotFound(f"批量任务分段 {chunk_id} 不存在")
        job = session.get(BatchJob, chunk.job_id)
        assert job is not None
        if chunk.done_at is not None or job.status != RUNNING:
            return False
        job_id, kind, county, params = job.id or 0, job.kind, job.county_code, dict(job.params)
        after_id, last_id = chunk.after_id, chunk.last_id
    result = Chunk()
    try:
        refs, heads, outcomes = read_and_decide(db, kind, county, params, after_id, last_id)
        for ref, per_case in zip(refs, outcomes, strict=True):
            CLASSIFY[kind](ref, heads.get(ref.applicant_member_id or 0, ""), per_case, result)
    except Exception as exc:
        fail(db, job_id, f"{type(exc).__name__}: {exc}")
        raise
    with db.transaction() as session:
        marked = session.execute(
            update(BatchJobChunk)
            .where(col(BatchJobChunk.id) == chunk_id, col(BatchJobChunk.done_at).is_(None))
            .values(done_at=utcnow(), processed=len(refs), runner=runner)
        )
        if marked.rowcount != 1:  # type: ignore[attr-defined]
            return False
        job = _locked_job(session, job_id)
        counts: dict[str, Any] = dict(job.result)
        for category, n in result.counts.items():
            counts[category] = counts.get(category, 0) + n
        job.result, job.processed = counts, job.processed + len(refs)
        job.heartbeat_at, job.version = utcnow(), job.version + 1
        left = session.exec(
            select(func.count())
            .select_from(BatchJobChunk)
            .where(BatchJobChunk.job_id == job_id, col(BatchJobChunk.done_at).is_(None))
        ).one()
        if not left:
            job.status, job.finished_at = DONE, utcnow()
            # Cases may have gone since the job was planned; what was decided is the total.
            job.total = job.processed
        session.add_all(
            BatchJobItem(job_id=job_id, case_id=case_id, category=category, data=row)
            for case_id, category, row in result.items
        )
    return True


def fail(db: Database, job_id: int, error: str) -> None:
    """Stop the job with the error, for the jobs page; its other chunks are left undone."""
    with db.transaction() as session:
        job = _locked_job(session, job_id)
        if job.status != DONE:
            job.status, job.error, job.version = FAILED, error[:2000], job.version + 1


def reopen(db: Database, job_id: int) -> None:
    """Let a failed or interrupted job go on from the chunks it has not done."""
    with db.transaction() as session:
        job = _locked_job(session, job_id)
        if job.status == DONE:
            raise Conflict("任务已完成")
        if job.status == FAILED:
            planned = session.exec(
                select(func.count()).select_from(BatchJobChunk).where(BatchJobChunk.job_id == job_id)
            ).one()
            job.status = RUNNING if planned else QUEUED
            job.error, job.version = "", job.version + 1


__all__ = ["fail", "plan", "reopen", "run_chunk"]
