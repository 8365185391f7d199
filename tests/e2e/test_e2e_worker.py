"""The job queue's workers on PostgreSQL, as processes (issue 20 item 6): two workers share one
batch job without counting a chunk twice, and a job whose worker is killed finishes on another
worker, with the same counts as a job run alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from database_support import BACKENDS, migrated_database
from sqlmodel import func, select

from assistance.batch.chunks import plan
from assistance.batch.jobs import create_job
from assistance.batch.running import run_job
from assistance.db import Database
from assistance.demo import seed_areas_and_accounts
from assistance.models import Area, BatchJob, BatchJobChunk, BatchJobItem
from assistance.parameters import ENVIRONMENT_VARIABLE
from assistance.queue.procrastinate_app import ProcrastinateQueue
from benchmarks.scale import RECHECK_ON, load

pytestmark = pytest.mark.skipif("postgresql" not in BACKENDS, reason="the workers need PostgreSQL")
ROOT = Path(__file__).resolve().parents[2]
ASSISTANCE = str(Path(sys.executable).parent / "assistance")
HOUSEHOLDS = 1500


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, dict[str, int]]]:
    """A PostgreSQL database with the demo's accounts and 1,500 recognised households."""
    os.environ.setdefault(ENVIRONMENT_VARIABLE, str(ROOT / "examples" / "local-parameters"))
    for url in migrated_database("postgresql", tmp_path_factory, "worker"):
        db = Database(url)
        ids = seed_areas_and_accounts(db, "worker12345")
        with db.reading() as session:
            villages = session.exec(
                select(Area).where(Area.level == "village", Area.county_code == "140802")
            ).all()
        load(url, HOUSEHOLDS, [(v.parent_id or 0, v.id or 0) for v in villages], ids["wangjianguo"])
        yield db, ids
        db.engine.dispose()


def _worker(db: Database, name: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "ASSISTANCE_QUEUE"}
    env |= {
        "DATABASE_URL": db.url,
        ENVIRONMENT_VARIABLE: str(ROOT / "examples" / "local-parameters"),
        "ASSISTANCE_WORKER_HEARTBEAT_SECONDS": "1",
        "ASSISTANCE_WORKER_STALLED_SECONDS": "3",
    }
    return subprocess.Popen(
        [ASSISTANCE, "worker", "--queue", "batch", "--name", name],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _job(db: Database, ids: dict[str, int]) -> int:
    return create_job(
        db, ids["yanhu"], {"kind": "recheck_review", "params": {"on": RECHECK_ON.isoformat()}}, RECHECK_ON
    )


def _queued(db: Database, job_id: int) -> None:
    """The job planned in chunks of 50 and each chunk deferred, as the web service does."""
    queue = ProcrastinateQueue(db.url)
    try:
        for chunk_id in plan(db, job_id, 50):
            queue.defer("run_batch_chunk", chunk_id=chunk_id)
    finally:
        queue.stop()


def _done_chunks(db: Database, job_id: int) -> int:
    with db.reading() as session:
        return int(
            session.exec(
                select(func.count())
                .select_from(BatchJobChunk)
                .where(BatchJobChunk.job_id == job_id, BatchJobChunk.done_at != None)  # noqa: E711
            ).one()
        )


def _wait_done(
    db: Database, job_id: int, workers: list[subprocess.Popen[bytes]], seconds: float = 240
) -> BatchJob:
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        with db.reading() as session:
            job = session.get(BatchJob, job_id)
            assert job is not None
            if job.status in ("done", "failed"):
                return job
        for worker in workers:
            assert worker.poll() is None, (worker.stderr.read() if worker.stderr else b"")[-3000:]
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} not done in {seconds} s")


def _facts(db: Database, job_id: int) -> tuple[dict[str, int], int, int, set[str]]:
    """The job's counts, how many cases it lists, the cases its chunks counted, and who ran them."""
    with db.reading() as session:
        job = session.get(BatchJob, job_id)
        assert job is not None
        items = session.exec(
            select(func.count()).select_from(BatchJobItem).where(BatchJobItem.job_id == job_id)
        ).one()
        chunks = session.exec(select(BatchJobChunk).where(BatchJobChunk.job_id == job_id)).all()
        return dict(job.result), int(items), sum(c.processed for c in chunks), {c.runner for c in chunks}


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
    for worker in workers:
        worker.wait(timeout=30)


def test_two_workers_share_one_job_and_count_each_chunk_once(loaded: tuple[Database, dict[str, int]]) -> None:
    db, ids = loaded
    alone = _job(db, ids)
    expected = run_job(db, alone, chunk=50)
    assert expected["processed"] == HOUSEHOLDS

    shared = _job(db, ids)
    _queued(db, shared)
    workers = [_worker(db, "a"), _worker(db, "b")]
    try:
        job = _wait_done(db, shared, workers)
    finally:
        _stop(workers)
    assert (job.status, job.processed, job.total) == ("done", HOUSEHOLDS, HOUSEHOLDS)
    counts, items, counted, runners = _facts(db, shared)
    assert counts == expected["result"]
    assert (items, counted) == (_facts(db, alone)[1], HOUSEHOLDS)
    assert len(runners) == 2, runners  # both workers took chunks


def test_a_killed_workers_job_finishes_on_another_without_counting_twice(
    loaded: tuple[Database, dict[str, int]],
) -> None:
    db, ids = loaded
    alone = _job(db, ids)
    expected = run_job(db, alone, chunk=50)

    job_id = _job(db, ids)
    _queued(db, job_id)
    first = _worker(db, "first")
    try:
        give_up = time.monotonic() + 120
        while _done_chunks(db, job_id) < 3 and time.monotonic() < give_up:
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)  # mid-chunk, most likely: no goodbye, no heartbeat
        first.wait(timeout=30)
    finally:
        _stop([first])
    done_when_killed = _done_chunks(db, job_id)
    assert 3 <= done_when_killed < HOUSEHOLDS // 50
    # Long enough for the killed worker's heartbeat to be stale: the next worker takes its job back.
    time.sleep(4)
    second = _worker(db, "second")
    try:
        job = _wait_done(db, job_id, [second])
    finally:
        _stop([second])
    assert (job.status, job.processed) == ("done", HOUSEHOLDS)
    counts, items, counted, runners = _facts(db, job_id)
    assert counts == expected["result"] and counted == HOUSEHOLDS
    assert items == _facts(db, alone)[1]
    assert len(runners) == 2
