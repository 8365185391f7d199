"""Fault: PostgreSQL restarted while gunicorn serves a load; the service must recover by itself and
lose no committed case.

    .venv/bin/python benchmarks/fault_pg_restart.py [--seconds 30] [--restart-after 8] [--clients 8]

Needs the right to restart the local cluster (``pg_ctlcluster``, or ASSISTANCE_PG_RESTART as a
shell command); it restarts the server everybody on this machine shares, so run it alone (never
inside the test suite). Creates a throw-away database, seeds the demo accounts, starts gunicorn,
and drives filings (each with an idempotency key, retried until answered, as a client would) and
reads. Halfway it restarts PostgreSQL. Prints: requests answered before, during and after the
outage, how long the service answered 503, the time to the first success after the restart,
whether gunicorn is the same process, and whether every case the service confirmed (201/200) is
in the database. Exits 1 if a confirmed case is missing or the service never recovered.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from api_load import Client, gunicorn, seed, service_environment, throwaway_database  # noqa: E402

from assistance.demo import dibao_edge_household  # noqa: E402

RESTART = os.environ.get("ASSISTANCE_PG_RESTART", "pg_ctlcluster 15 main restart")


@dataclass
class Tally:
    confirmed: set[int] = field(default_factory=set)
    answered: list[tuple[float, int]] = field(default_factory=list)  # (time, status)
    lock: threading.Lock = field(default_factory=threading.Lock)


def drive(port: int, cases: list[int], stop: float, tally: Tally, index: int) -> None:
    applicant: Client | None = None
    reader: Client | None = None
    pending_key: str | None = None
    while time.monotonic() < stop:
        try:
            if applicant is None:
                applicant, reader = Client(port, "wangjianguo"), Client(port, "yanhu")
            assert reader is not None
            if index % 2 == 0:
                pending_key = pending_key or uuid.uuid4().hex
                body = {
                    "procedure": "dibao_edge",
                    "village": "140802001001",
                    "economic_check_authorised": True,
                    "commitment_signed": True,
                    "idempotency_key": pending_key,
                    "household": dibao_edge_household(),
                }
                status, payload = applicant.request("POST", "/api/v1/cases", body)
                if status in (200, 201):
                    with tally.lock:
                        tally.confirmed.add(int(json.loads(payload)["id"]))
                    pending_key = None  # answered: the next filing is a new one
            else:
                status, _ = reader.request("GET", f"/api/v1/cases/{cases[len(tally.answered) % len(cases)]}")
        except Exception:
            # A login refused during the outage, or the connection dropped: sign in again.
            status, applicant, reader = 0, None, None
            time.sleep(0.05)
        with tally.lock:
            tally.answered.append((time.monotonic(), status))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--restart-after", type=float, default=8)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, help="gunicorn's workers (default: gunicorn.conf.py's)")
    args = parser.parse_args()

    with throwaway_database("fault") as url:
        cases = seed(url, 20).cases
        with gunicorn(service_environment(url), args.workers, log_level="error") as (port, server):
            pid = server.pid
            tally = Tally()
            start = time.monotonic()
            stop = start + args.seconds
            threads = [
                threading.Thread(target=drive, args=(port, cases, stop, tally, i))
                for i in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            time.sleep(args.restart_after)
            restart_started = time.monotonic()
            subprocess.run(shlex.split(RESTART), check=True)
            restart_done = time.monotonic()
            for thread in threads:
                thread.join()
            alive = server.poll() is None and server.pid == pid
        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
            stored = {row[0] for row in connection.execute("SELECT id FROM assistance_case").fetchall()}

    before = [s for t, s in tally.answered if t < restart_started]
    during_failures = [(t, s) for t, s in tally.answered if t >= restart_started and s not in (200, 201)]
    after_ok = [t for t, s in tally.answered if t >= restart_done and s in (200, 201)]
    recovered = after_ok[0] - restart_done if after_ok else None
    outage = (during_failures[-1][0] - restart_started) if during_failures else 0.0
    missing = tally.confirmed - stored
    print(f"restart of PostgreSQL took {restart_done - restart_started:.1f} s")
    print(f"answered before the restart: {len(before)} ({sum(1 for s in before if s in (200, 201))} ok)")
    print(f"failed answers from the restart on: {len(during_failures)} over {outage:.1f} s "
          f"(statuses {sorted({s for _, s in during_failures})})")  # fmt: skip
    print(
        f"first success after the restart: {recovered:.2f} s" if recovered is not None else "NEVER RECOVERED"
    )
    print(f"successes after the restart: {len(after_ok)}")
    print(f"gunicorn master still the same process: {alive}")
    print(f"cases confirmed to clients: {len(tally.confirmed)}; missing from the database: {len(missing)}")
    if missing or recovered is None or not alive:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
