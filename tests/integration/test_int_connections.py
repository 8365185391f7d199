"""The pool's connections: one the server has ended is never lent out, and one it has not is lent
without a round trip (``db._ping_if_heard_from``)."""

from __future__ import annotations

import socket
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa

from assistance.db import Database, _ping_if_heard_from


class _Idle:
    """A connection that is nothing but its socket."""

    closed = broken = False

    def __init__(self, end: socket.socket) -> None:
        self._end = end

    def fileno(self) -> int:
        return self._end.fileno()


def test_a_quiet_connection_is_lent_without_asking_the_server() -> None:
    ours, server = socket.socketpair()
    asked: list[Any] = []

    def ping(connection: Any) -> bool:
        asked.append(connection)
        return False

    with ours, server:
        idle = _Idle(ours)
        assert _ping_if_heard_from(ping, idle) is True and asked == []
        server.sendall(b"E")  # the server spoke while the connection was idle: ask it
        assert _ping_if_heard_from(ping, idle) is False and asked == [idle]
        server.close()  # and a closed socket is heard as well
        assert _ping_if_heard_from(ping, idle) is False and len(asked) == 2


def test_a_connection_the_server_ended_is_replaced(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the server ends connections only on PostgreSQL")
    db.engine.dispose()
    with db.reading() as session:
        first = session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    # The same connection comes back from the pool while the server keeps it.
    with db.reading() as session:
        assert session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one() == first
    with psycopg.connect(db.engine.url.set(drivername="postgresql").render_as_string(False)) as admin:
        # pg_terminate_backend(pid, timeout) waits until the backend has gone.
        assert admin.execute("SELECT pg_terminate_backend(%s, 5000)", (first,)).fetchone() == (True,)
    with db.reading() as session:
        second = session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    assert second != first
