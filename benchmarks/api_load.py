"""Load on the API: gunicorn serving PostgreSQL on loopback, driven by a realistic mix.

    .venv/bin/python benchmarks/api_load.py [--seconds 20] [--rate 300] [--clients 16] [--workers N]
                                            [--warm-up 10]

Creates a throw-away PostgreSQL database (ASSISTANCE_BENCH_POSTGRES, default the local server),
seeds the demo areas and accounts, 16 more townships of 盐湖区 (``--townships``) each with a
village, an officer and an applicant, and a few hundred cases spread over them, starts gunicorn
on a free loopback port and, beside it, the document worker (``assistance documents render --follow``, at idle
priority) that lays out the PDFs the acts issue. For a bounded time it sends work-queue reads,
case reads, filings, acceptances (which issue the application form) and evaluations.

With ``--rate`` the requests are sent on a fixed schedule (open loop), as users arrive, and each
latency counts from the moment the request was due, so a server falling behind shows as latency
rather than as fewer requests (no coordinated omission). With ``--rate 0`` every client sends its
next request as soon as the last one is answered: the most the service can take.

Prints throughput, p50/p99 latency and the error count, then how long the worker took to lay out
the documents issued during the run. Target on 2 cores: 300 requests/s with p99 under 100 ms and
zero errors. Traffic goes to 127.0.0.1 only and stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistance.admin.accounts import create_user, register  # noqa: E402
from assistance.cases.filing import file_case  # noqa: E402
from assistance.cases.transitions import fire  # noqa: E402
from assistance.config import database_url  # noqa: E402
from assistance.db import Database  # noqa: E402
from assistance.demo import dibao_edge_household, seed_areas_and_accounts  # noqa: E402
from assistance.documents.rendering import waiting  # noqa: E402
from assistance.migrate import upgrade  # noqa: E402
from assistance.reference.areas import create_area  # noqa: E402
from assistance.runtime import quiet_machine  # noqa: E402

ADMIN_URL = os.environ.get("ASSISTANCE_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "bench12345"
TODAY = date.today()
EXAMPLE = json.loads((ROOT / "examples" / "dibao-edge-eligible.json").read_text(encoding="utf-8"))


BIN = Path(sys.executable).parent


@contextmanager
def throwaway_database(purpose: str) -> Iterator[str]:
    """A new PostgreSQL database for one run, dropped afterwards whatever happens."""
    name = f"assistance_{purpose}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        # Keeps the rest of the address: a host=/var/run/postgresql socket query, for one.
        yield make_url(database_url(ADMIN_URL)).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def service_environment(url: str) -> dict[str, str]:
    environment = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench"}
    environment.setdefault("ASSISTANCE_PARAMETERS", str(ROOT / "examples" / "local-parameters"))
    return environment


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


@contextmanager
def gunicorn(
    environment: dict[str, str], workers: int | None = None, log_level: str = "warning"
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """The service under gunicorn on a free loopback port, once it accepts connections: the port
    and the master process. Without ``workers``, as many as gunicorn.conf.py says."""
    port = free_port()
    count = ["--workers", str(workers)] if workers else []
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), *count, "--bind", f"127.0.0.1:{port}",
         "--log-level", log_level, "assistance.app:create_app()"],
        cwd=ROOT, env=environment,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield port, server
    finally:
        stop(server)


def reference_loop() -> float:
    """Milliseconds of CPU for a fixed pure-Python loop: the machine's speed at the time (it drifts
    by half and more within an hour here, so a run's figures are read beside it)."""
    started = time.process_time()
    total = 0
    for n in range(2_000_000):
        total += n
    return (time.process_time() - started) * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


DEMO_VILLAGE = "140802001001"  # 北城街道槐东社区


def filing_body(
    household: dict[str, Any], idempotency_key: str | None = None, village: str = DEMO_VILLAGE
) -> dict[str, Any]:
    """An application for a dibao-edge family of a village (the demo's), authorised and committed."""
    body = {
        "procedure": "dibao_edge",
        "village": village,
        "economic_check_authorised": True,
        "commitment_signed": True,
        "household": household,
    }
    return {**body, "idempotency_key": idempotency_key} if idempotency_key else body


@dataclass(frozen=True)
class Township:
    """Where a client works: a village of the township, its officer and an applicant living there."""

    village: str
    officer: str
    applicant: str
    officer_id: int
    applicant_id: int


def add_townships(db: Database, admin_id: int, count: int) -> list[Township]:
    """``count`` townships of 盐湖区 beside the demo's, each with a village, a township officer and an
    applicant, made as the administrator and applicants would make them."""
    made = []
    for n in range(1, count + 1):
        code = f"140802{200 + n:03d}"
        village = code + "001"
        for area, kind, level, parent in (
            (code, "镇", "township", "140802"),
            (village, "村", "village", code),
        ):
            name = f"压测{n}{kind}"
            create_area(db, admin_id, {"code": area, "name": name, "level": level, "parent": parent})
        officer, applicant = f"bench-township-{n}", f"bench-applicant-{n}"
        staff = {"username": officer, "password": PASSWORD, "display_name": f"压测{n}镇 民政专干"}
        officer_id = create_user(db, admin_id, {**staff, "role": "township", "area": code})
        person = {"username": applicant, "password": PASSWORD, "display_name": f"申请人{n}"}
        made.append(Township(village, officer, applicant, officer_id, register(db, person)))
    return made


@dataclass
class Seeded:
    cases: list[int]
    townships: list[Township]
    # Per township, its cases filed and not yet accepted.
    filed: list[list[int]]


def seed(url: str, cases: int, townships: int = 0) -> Seeded:
    """The demo's areas and accounts and ``cases`` applications, every other one accepted, spread
    over ``townships`` townships made for the run (0: all in the demo's 北城街道)."""
    upgrade(url)
    db = Database(url)
    ids = seed_areas_and_accounts(db, PASSWORD)
    demo = Township(DEMO_VILLAGE, "beicheng", "wangjianguo", ids["beicheng"], ids["wangjianguo"])
    places = add_townships(db, ids["admin"], townships) if townships else [demo]
    created: list[int] = []
    filed: list[list[int]] = [[] for _ in places]
    for n in range(cases):
        where = n % len(places)
        place = places[where]
        payload = filing_body(dibao_edge_household(f"申请人{n}"), village=place.village)
        case_id, _ = file_case(db, place.applicant_id, payload, TODAY)
        if (n // len(places)) % 2:
            fire(db, place.officer_id, case_id, "accept", {}, TODAY)
        else:
            filed[where].append(case_id)
        created.append(case_id)
    db.engine.dispose()
    for waiting_cases in filed:
        random.shuffle(waiting_cases)
    return Seeded(created, places, filed)


class Client:
    def __init__(self, port: int, username: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""
        status, _ = self.request("POST", "/api/v1/auth/login", {"username": username, "password": PASSWORD})
        assert status == 200, status

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        try:
            response = self._send(method, path, data, headers)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # The server closes a connection left idle past its keep-alive time; as any HTTP
            # client does, send again on a new one (the closed one carried nothing it read).
            self.connection.close()
            response = self._send(method, path, data, headers)
        payload = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, payload

    def _send(
        self, method: str, path: str, data: bytes | None, headers: dict[str, str]
    ) -> http.client.HTTPResponse:
        self.connection.request(method, path, body=data, headers=headers)
        return self.connection.getresponse()


Users = tuple[Client, Client, Client]


def sign_in(port: int, clients: int, townships: list[Township]) -> list[Users]:
    """Per client, the officer of its township (client i works in township i, round the list), an
    applicant of that township and the county officer, signed in. Staff sign in once a working
    day, not once a run: a sign-in hashes the password on purpose (tens of milliseconds of CPU),
    and 48 of them inside the measured window would stall every worker."""
    return [
        (Client(port, t.officer), Client(port, t.applicant), Client(port, "yanhu"))
        for t in (townships[i % len(townships)] for i in range(clients))
    ]


# The mix: each kind of request with the share of requests it starts at.
MIX = (("queue", 0.0), ("case", 0.35), ("evaluate", 0.65), ("file", 0.80), ("accept", 0.92))


def _kind(roll: float, only: str | None) -> str:
    return only or next(kind for kind, start in reversed(MIX) if roll >= start)


def drive(
    users: list[Users], seeded: Seeded, seconds: float, rate: float, only: str | None = None
) -> tuple[list[float], list[str], float, list[tuple[str, float, float]]]:
    """Latencies and errors of the requests sent in ``seconds`` by each of ``users`` (client i in
    township i of the seed's, round the list: it files there and accepts what was filed there),
    the time until the last answer, and each request's kind (``only``: of that kind alone), when
    it was due (seconds into the run) and its latency."""
    clients = len(users)
    latencies: list[float] = []
    by_kind: list[tuple[str, float, float]] = []
    errors: list[str] = []
    lock = threading.Lock()
    begun = time.perf_counter()
    stop = begun + seconds

    def worker(index: int) -> None:
        rng = random.Random(index)
        township, applicant, county = users[index]
        place = seeded.townships[index % len(seeded.townships)]
        to_accept = seeded.filed[index % len(seeded.townships)]
        local: list[float] = []
        kinds: list[str] = []
        dues: list[float] = []
        failures: list[str] = []
        interval = clients / rate if rate else 0.0
        due = time.perf_counter() + rng.random() * interval
        while due < stop:
            if interval:
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
            kind = _kind(rng.random(), only)
            started = due if interval else time.perf_counter()
            due = due + interval if interval else time.perf_counter()
            if kind == "accept":
                with lock:
                    target = to_accept.pop(0) if to_accept else None
                if target is None:
                    if only:  # all the seed's filed cases accepted: nothing left to send
                        break
                    continue
            try:
                if kind == "queue":
                    status, _ = township.request("GET", "/api/v1/queue")
                    ok = status == 200
                elif kind == "case":
                    status, _ = county.request("GET", f"/api/v1/cases/{rng.choice(seeded.cases)}")
                    ok = status == 200
                elif kind == "evaluate":
                    status, _ = township.request("POST", "/api/v1/evaluate", EXAMPLE)
                    ok = status == 200
                elif kind == "file":
                    body = filing_body(dibao_edge_household(), uuid.uuid4().hex, place.village)
                    status, answer = applicant.request("POST", "/api/v1/cases", body)
                    ok = status == 201
                    if ok:
                        with lock:
                            to_accept.append(json.loads(answer)["id"])
                else:
                    status, _ = township.request("POST", f"/api/v1/cases/{target}/actions/accept", {})
                    ok = status in (200, 409)
                failure = "" if ok else f"{status}"
            except (OSError, http.client.HTTPException) as error:  # counted, not a dead client
                failure = type(error).__name__
            local.append(time.perf_counter() - started)
            kinds.append(kind)
            dues.append(started - begun)
            if failure:
                failures.append(failure)
        with lock:
            latencies.extend(local)
            by_kind.extend(zip(kinds, dues, local, strict=True))
            errors.extend(failures)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - begun, by_kind


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time the machine has spent on anything but idling and waiting for I/O, all cores."""
    busy = quiet_machine.machine_busy_seconds()
    assert busy is not None, "this benchmark reads Linux's /proc"
    return busy


def named(command: str) -> list[int]:
    """Processes whose command name is ``command``: PostgreSQL's server processes, for one."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == command:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def percentile(ordered: list[float], share: float) -> float:
    return ordered[max(int(len(ordered) * share) - 1, 0)] if ordered else 0.0


def print_timeline(samples: list[tuple[str, float, float]]) -> None:
    """Requests due in each second of the run, their p50, p99 and worst latency and the kind of the
    worst: a stall shows as one bad second for every kind, a slow kind as bad seconds throughout."""
    seconds: dict[int, list[tuple[float, str]]] = {}
    for kind, due, latency in samples:
        seconds.setdefault(int(due), []).append((latency, kind))
    for second, found in sorted(seconds.items()):
        ordered = sorted(found)
        times = [latency for latency, _ in ordered]
        worst, worst_kind = ordered[-1]
        print(
            f"  s{second:>3} {len(times):>4} requests, p50 {statistics.median(times) * 1000:6.1f} ms, "
            f"p99 {percentile(times, 0.99) * 1000:6.1f} ms, worst {worst * 1000:6.1f} ms ({worst_kind})"
        )


def drain(url: str, limit: float = 300) -> tuple[int, bool]:
    """Documents still waiting for their layout when the load stops, and whether the worker laid
    them all out within ``limit`` seconds."""
    db = Database(url)
    try:
        at_end = waiting(db)
        give_up = time.monotonic() + limit
        while waiting(db) and time.monotonic() < give_up:
            time.sleep(0.2)
        return at_end, waiting(db) == 0
    finally:
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    # A worker of a running service has its prepared statements and kept case pages.
    parser.add_argument("--warm-up", type=float, default=10, help="seconds of load before measuring")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, help="gunicorn's workers (default: gunicorn.conf.py's)")
    parser.add_argument("--cases", type=int, default=300)
    # A county's applications come from its twenty-odd townships, each officer working through
    # the queue of their own; one township taking all of them grows one queue without end.
    parser.add_argument(
        "--townships", type=int, default=16, help="townships the clients work in; 0: the demo's 北城街道"
    )
    parser.add_argument("--rate", type=float, default=300, help="requests/s on a schedule; 0: closed loop")
    parser.add_argument(
        "--drain", type=float, default=300, help="seconds to wait for the documents issued to be laid out"
    )
    parser.add_argument(
        "--only",
        choices=[kind for kind, _ in MIX],
        help="send this kind of request alone (accept: until the filed half of the seed runs out)",
    )
    parser.add_argument(
        "--timeline", action="store_true", help="latency second by second, by when each request was due"
    )
    args = parser.parse_args()

    with throwaway_database("bench") as url:
        seeded = seed(url, args.cases, args.townships)
        environment = service_environment(url)
        environment["ASSISTANCE_QUEUE"] = "procrastinate"
        worker = [str(BIN / "assistance"), "worker", "--queue", "documents"]
        # Only on CPU the web processes leave idle: the layout can wait, a request cannot (at
        # nice 10 it still took a third of a core from them).
        renderer = subprocess.Popen(
            ["chrt", "--idle", "0", *worker], cwd=ROOT, env=environment, stdout=subprocess.DEVNULL
        )
        try:
            with gunicorn(environment, args.workers) as (port, server):
                users = sign_in(port, args.clients, seeded.townships)
                drive(users, seeded, args.warm_up, args.rate, args.only)
                # Where the two cores went during the measured run: the service's workers, the
                # document worker, PostgreSQL, this client, and the rest (the system, mostly).
                workers = children(server.pid)
                service = [server.pid, *workers]
                database = named("postgres")

                def spent() -> tuple[float, ...]:
                    return (
                        cpu_seconds(service), cpu_seconds([renderer.pid]), cpu_seconds(database),
                        cpu_seconds([os.getpid()]), machine_busy_seconds(),
                    )  # fmt: skip

                speed_before = statistics.median(reference_loop() for _ in range(3))
                before = spent()
                run = drive(users, seeded, args.seconds, args.rate, args.only)
                after = spent()
                speed_after = statistics.median(reference_loop() for _ in range(3))
                latencies, errors, elapsed, by_kind = run
                cores = [(b - a) / elapsed for a, b in zip(before, after, strict=True)]
                ended = time.perf_counter()
                issued_during_run, drained = drain(url, args.drain)
                drain_seconds = time.perf_counter() - ended
        finally:
            stop(renderer)
    if not latencies:
        sys.exit("no request was sent: --only accept accepts the seed's filed cases, half of --cases")
    ordered = sorted(latencies)
    p99 = percentile(ordered, 0.99)
    load = f"{args.rate:.0f} requests/s scheduled" if args.rate else "closed loop"
    setup = f"{args.clients} clients, {len(workers)} workers, {load}"
    print(f"requests: {len(latencies)} in {elapsed:.1f} s with {setup}")
    print(f"throughput: {len(latencies) / elapsed:,.0f} requests/s")
    print(f"latency p50: {statistics.median(ordered) * 1000:.1f} ms, p99: {p99 * 1000:.1f} ms")
    print(f"errors: {len(errors)}" + (f" ({sorted(set(errors))})" if errors else ""))
    for kind in ("queue", "case", "evaluate", "file", "accept"):
        times = sorted(t for k, _, t in by_kind if k == kind)
        if times:
            p50, p99_kind = statistics.median(times) * 1000, percentile(times, 0.99) * 1000
            print(f"  {kind:<9} {len(times):>6} requests, p50 {p50:.1f} ms, p99 {p99_kind:.1f} ms")
    if args.timeline:
        print_timeline(by_kind)
    web, layout, postgres, client, busy = cores
    rest = busy - web - layout - postgres - client
    print(
        f"CPU: service {web:.2f} cores, document worker {layout:.2f}, PostgreSQL {postgres:.2f}, "
        f"this load client {client:.2f}, all else {rest:.2f}"
    )
    print(f"reference loop: {speed_before:.0f} ms CPU before the run, {speed_after:.0f} ms after")
    per_request = elapsed / max(len(latencies), 1) * 1000
    service_ms, postgres_ms, machine_ms = (share * per_request for share in (web, postgres, busy))
    print(
        f"CPU per request: service {service_ms:.2f} ms, PostgreSQL {postgres_ms:.2f} ms, "
        f"machine (all processes) {machine_ms:.2f} ms"
    )
    state = "all laid out" if drained else "NOT all laid out"
    print(
        f"documents waiting when the load stopped: {issued_during_run}, {state} {drain_seconds:.1f} s later"
    )


if __name__ == "__main__":
    main()
