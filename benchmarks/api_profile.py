"""Where one request of each kind in the load mix spends its CPU, measured inside one process.

    .venv/bin/python benchmarks/api_profile.py [--repeat 200] [--profile accept] [--top 30]
                                               [--callees actor_for]

Seeds a throw-away PostgreSQL database as ``api_load.py`` does, then sends each kind of request
of its mix (queue, case, evaluate, file, accept) through Flask's test client ``--repeat`` times,
after a warm-up, and prints per kind: the CPU time of this process per request (median, not wall
time: PostgreSQL's share is not in it), the SQL statements per request, and the CPU of a fixed
pure-Python loop, so figures from machines of different speed can be compared. ``--profile KIND``
then prints that kind's cProfile, by own time and by cumulative time, in process CPU time.

The load benchmark measures the service; this one says which line to change.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from api_load import (  # noqa: E402
    EXAMPLE,
    PASSWORD,
    filing_body,
    reference_loop,
    seed,
    service_environment,
    throwaway_database,
)

from assistance.demo import dibao_edge_household  # noqa: E402

KINDS = ("queue", "case", "evaluate", "file", "accept")


def requests(app: Any, cases: list[int], to_accept: list[int]) -> dict[str, Callable[[], None]]:
    township, applicant, county = (app.test_client() for _ in range(3))
    for client, username in ((township, "beicheng"), (applicant, "wangjianguo"), (county, "yanhu")):
        answer = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.status_code
    rng = random.Random(1)

    def expect(answer: Any, *statuses: int) -> None:
        assert answer.status_code in statuses, (answer.status_code, answer.get_data(as_text=True)[:300])

    def queue() -> None:
        expect(township.get("/api/v1/queue"), 200)

    def case() -> None:
        expect(county.get(f"/api/v1/cases/{rng.choice(cases)}"), 200)

    def evaluate() -> None:
        expect(township.post("/api/v1/evaluate", json=EXAMPLE), 200)

    def file() -> None:
        answer = applicant.post("/api/v1/cases", json=filing_body(dibao_edge_household(), uuid.uuid4().hex))
        expect(answer, 201)
        to_accept.append(answer.get_json()["id"])

    def accept() -> None:
        expect(township.post(f"/api/v1/cases/{to_accept.pop(0)}/actions/accept", json={}), 200)

    return {"queue": queue, "case": case, "evaluate": evaluate, "file": file, "accept": accept}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--profile", choices=KINDS, help="print this kind's cProfile")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--callees", help="with --profile: what the functions matching this call")
    parser.add_argument("--statements", choices=KINDS, help="print the SQL of one request of this kind")
    args = parser.parse_args()

    with throwaway_database("profile") as url:
        cases = seed(url, args.cases).cases
        to_accept: list[int] = []
        environment = service_environment(url)
        os.environ.update(environment)
        from assistance.app import create_app  # after the environment: it reads it

        # Documents are laid out by a worker in production: not on this process's clock.
        app = create_app({"DATABASE_URL": url, "QUEUE": "none", "SECRET_KEY": "bench"})
        engine = app.extensions["assistance_db"].engine
        statements = [0]
        shown: list[str] = []

        @event.listens_for(engine, "before_cursor_execute")
        def count(_connection: Any, _cursor: Any, sql: str, *_: Any) -> None:
            statements[0] += 1
            shown.append(sql)

        send = requests(app, cases, to_accept)
        # Warm-up: statement caches, kept pages, the rules' parameters; and cases to accept.
        for _ in range(max(args.repeat // 4, 20)):
            for kind in KINDS:
                send[kind]()
        for _ in range(args.repeat):
            send["file"]()
        print(f"reference loop: {statistics.median(reference_loop() for _ in range(5)):.1f} ms CPU")
        print(f"{'request':<9} {'CPU ms p50':>10} {'mean':>7} {'statements':>11}")
        for kind in KINDS:
            times = []
            statements[0] = 0
            shown.clear()
            for _ in range(args.repeat):
                started = time.process_time()
                send[kind]()
                times.append((time.process_time() - started) * 1000)
            per_request = statements[0] / args.repeat
            print(
                f"{kind:<9} {statistics.median(times):>10.2f} {statistics.fmean(times):>7.2f}"
                f" {per_request:>11.1f}"
            )
        if args.statements:
            shown.clear()
            send[args.statements]()
            for n, sql in enumerate(shown, 1):
                print(f"-- {n}\n{sql}")
        if args.profile:
            for _ in range(args.repeat):
                send["file"]()
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(args.repeat):
                send[args.profile]()
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(args.top)
            stats.sort_stats("cumulative").print_stats(args.top)
            if args.callees:
                stats.print_callees(args.callees)
        engine.dispose()


if __name__ == "__main__":
    main()
