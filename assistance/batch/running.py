"""Running a batch job in this process (``assistance jobs run``, the tests, the benchmarks): its
chunks (``chunks``) one after the other, or across a pool of processes that take them as workers
on other machines would. The job queue's workers run the same chunks (``assistance.queue``)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from assistance.batch.chunks import plan, run_chunk
from assistance.batch.job_kinds import CHUNK
from assistance.batch.jobs import describe, job_items
from assistance.db import Database, shared_database
from assistance.errors import NotFound
from assistance.models import BatchJob


def run_chunk_in_pool(url: str, chunk_id: int) -> bool:
    """One chunk, run by a pool process with its own connection."""
    return run_chunk(shared_database(url), chunk_id)


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
    With ``workers`` > 1 that many processes (spawned, each with its own database connection) take
    the chunks. Returns the job as it stands."""
    pending = plan(db, job_id, chunk)[:max_chunks]
    if workers > 1 and len(pending) > 1:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            for future in [pool.submit(run_chunk_in_pool, db.url, c) for c in pending]:
                future.result()
                _report(db, job_id, progress)
    else:
        for chunk_id in pending:
            run_chunk(db, chunk_id)
            _report(db, job_id, progress)
    with db.reading() as session:
        final = session.get(BatchJob, job_id)
        if final is None:
            raise NotFound(f"批量任务 {job_id} 不存在")
        return describe(final, job_items(session, final))


def _report(db: Database, job_id: int, progress: Callable[[BatchJob], None] | None) -> None:
    if progress is not None:
        with db.reading() as session:
            current = session.get(BatchJob, job_id)
            assert current is not None
            progress(current)


__all__ = ["run_chunk_in_pool", "run_job"]
