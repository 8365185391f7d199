"""The service as production runs it: gunicorn with the project's ``gunicorn.conf.py``, over HTTP.

A client keeps its connection between requests (a sync worker would close it after every answer,
so that each request paid for a new TCP connection), and a worker answers a request while another
one it holds is still running."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from server_support import free_port

from assistance.db import Database
from assistance.demo import seed_areas_and_accounts
from assistance.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
PASSWORD = "demo12345"


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    url = f"sqlite:///{tmp_path_factory.mktemp('gunicorn') / 'service.sqlite3'}"
    upgrade(url)
    db = Database(url)
    seed_areas_and_accounts(db, PASSWORD)
    db.engine.dispose()
    chosen = free_port()
    environment = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test"}
    environment.pop("GUNICORN_CMD_ARGS", None)  # the settings under test are the file's
    # One worker: what one process does with two requests at once is the point.
    server = subprocess.Popen(
        [str(GUNICORN), "--workers", "1", "--bind", f"127.0.0.1:{chosen}", "assistance.app:create_app()"],
        cwd=ROOT, env=environment,
    )  # fmt: skip
    try:
        give_up = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", chosen), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, "gunicorn stopped"
                assert time.monotonic() < give_up, "gunicorn did not start"
                time.sleep(0.1)
        yield chosen
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def _request(
    connection: http.client.HTTPConnection, method: str, path: str, body: Any = None, cookie: str = ""
) -> http.client.HTTPResponse:
    headers = {"Content-Type": "application/json", **({"Cookie": cookie} if cookie else {})}
    data = json.dumps(body).encode() if body is not None else None
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    response.read()
    return response


def test_a_client_keeps_its_connection_from_one_request_to_the_next(port: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    signed_in = _request(
        connection, "POST", "/api/v1/auth/login", {"username": "beicheng", "password": PASSWORD}
    )
    assert signed_in.status == 200
    kept = connection.sock
    cookie = (signed_in.getheader("Set-Cookie") or "").split(";", 1)[0]
    for _ in range(3):
        queue = _request(connection, "GET", "/api/v1/queue", cookie=cookie)
        assert queue.status == 200
        assert (queue.getheader("Connection") or "").lower() != "close"
        assert connection.sock is kept  # the same socket: not reopened
    connection.close()


def test_one_worker_answers_a_second_request_while_the_first_is_still_open(port: int) -> None:
    # The first client sends half a request and waits; a sync worker would sit on it until it
    # timed out, and the second client would get no answer.
    stalled = socket.create_connection(("127.0.0.1", port), timeout=30)
    stalled.sendall(b"POST /api/v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    answered: list[int] = []

    def second() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        answered.append(_request(connection, "GET", "/api/v1/workflows").status)
        connection.close()

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(timeout=15)
    stalled.close()
    assert answered == [200]
