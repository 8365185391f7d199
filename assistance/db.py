"""The database: one engine per application, and transactions owned by service functions."""

from __future__ import annotations

import functools
import re
import select
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

T = TypeVar("T")
# What pg_export_snapshot() returns, e.g. 00000003-0000001B-1.
_SNAPSHOT_ID: Final = re.compile(r"[0-9A-F]+-[0-9A-F]+(-[0-9]+)?")
# The session.info keys of memos that hold for one transaction (``for_this_transaction``).
_TRANSACTION_KEYS: set[str] = set()


def for_this_transaction(session: Session, key: str, make: Callable[[], T]) -> T:
    """``session.info[key]``, made on first use and forgotten when the transaction ends: what one
    transaction read or wrote, which the next must not trust."""
    _TRANSACTION_KEYS.add(key)
    if key not in session.info:
        session.info[key] = make()
    return cast(T, session.info[key])


@event.listens_for(Session, "after_transaction_end")
def _forget_transaction_memos(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        for key in _TRANSACTION_KEYS:
            session.info.pop(key, None)


def next_in_series(session: Session, table: Any, key: dict[str, Any]) -> int:
    """Count on the ``last`` column of the ``table`` row ``key`` names (its primary key), starting it
    at 1, and return the new count: one statement that creates or locks the row until the commit,
    so that two transactions never draw the same number (the second waits for the first)."""
    query = _counting(table, tuple(key), session.get_bind().dialect.name)
    last: int = session.execute(query, key).scalar_one()
    return last


@functools.cache
def _counting(table: Any, names: tuple[str, ...], dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(table)
        .values({**{name: sa.bindparam(name) for name in names}, "last": 1})
        .on_conflict_do_update(index_elements=list(names), set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if path and path != url and ":memory:" not in path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA busy_timeout = 5000")
            cursor.close()

        return engine
    # pool_pre_ping: a PostgreSQL restart must not leave dead connections in the pool.
    # hide_parameters: an error's message never carries the values it was given (names, ID
    # numbers, the text of a report), so that no log can.
    engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True)
    engine.dialect.do_ping = functools.partial(_ping_if_heard_from, engine.dialect.do_ping)  # type: ignore[method-assign]
    return engine


def _ping_if_heard_from(ping: Callable[[Any], bool], connection: Any) -> bool:
    """The pool's check of an idle connection before lending it: a round trip to the server only if
    the server has sent something since the connection went idle. A server that shuts down or
    ends the connection says so (or its socket closes), which makes the socket readable; one
    that has not spoken has nothing to report. The round trip cost about a third of a
    millisecond of CPU on every request."""
    if getattr(connection, "closed", False) or getattr(connection, "broken", False):
        return False
    try:
        heard = select.poll()
        heard.register(connection.fileno(), select.POLLIN)
        quiet = not heard.poll(0)
    except (OSError, ValueError):
        quiet = False
    return True if quiet else ping(connection)


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        # PostgreSQL reads at READ COMMITTED, each statement from its own snapshot, in a
        # transaction or not: a reading session needs no BEGIN and ROLLBACK, two round trips of a
        # page's six. SQLite's read transaction is one snapshot for all statements: kept there.
        self._reading_engine = (
            self.engine
            if url.startswith("sqlite")
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self._snapshot_engine = self.engine.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits together at the end, or not at all."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session that only reads."""
        with Session(self._reading_engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def reading_snapshot(self, exported: str | None = None) -> Iterator[Session]:
        """A session whose statements all read one snapshot of the database, for reads that must
        agree with each other (a population read table by table, then its households decided
        again). On PostgreSQL a read-only REPEATABLE READ transaction, in the snapshot
        ``exported`` (``exported_snapshot``) when given; on SQLite one read transaction."""
        if self.engine.dialect.name != "postgresql":
            with Session(self.engine, expire_on_commit=False) as session:
                # pysqlite begins no transaction before a read: each statement would see the
                # database as it is by then.
                session.connection().exec_driver_sql("BEGIN")
                yield session
            return
        with Session(self._snapshot_engine, expire_on_commit=False) as session:
            if exported is not None:
                if not _SNAPSHOT_ID.fullmatch(exported):
                    raise ValueError(f"not a snapshot id: {exported!r}")
                # The first statement of the transaction, as PostgreSQL requires.
                session.execute(sa.text(f"SET TRANSACTION SNAPSHOT '{exported}'"))
            yield session

    @contextmanager
    def exported_snapshot(self) -> Iterator[str | None]:
        """On PostgreSQL, a snapshot of the database that sessions in other processes can read in
        (``reading_snapshot``), held while the block runs; None on SQLite, where it cannot be."""
        if self.engine.dialect.name != "postgresql":
            yield None
            return
        with self._snapshot_engine.connect() as connection:
            yield connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()

    @contextmanager
    def all_or_nothing(self) -> Iterator[Database]:
        """A database whose every transaction is a savepoint of one outer transaction, committed
        when the block ends and rolled back if it raises: many service calls, each owning its
        transaction as usual, that land together or not at all (the demo)."""
        engine = make_engine(self.url)
        if engine.dialect.name == "sqlite":
            _begin_explicitly(engine)
        try:
            with engine.connect() as connection, connection.begin():
                yield _OneTransaction(self.url, connection)
        finally:
            engine.dispose()


class _OneTransaction(Database):
    def __init__(self, url: str, connection: sa.Connection) -> None:
        self.url = url
        self.engine = connection.engine
        self._connection = connection

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with (
            Session(
                self._connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
            ) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.transaction() as session:
            yield session

    @contextmanager
    def reading_snapshot(self, exported: str | None = None) -> Iterator[Session]:
        # Inside the one transaction already; no other process can join it.
        with self.transaction() as session:
            yield session

    @contextmanager
    def exported_snapshot(self) -> Iterator[str | None]:
        yield None


def _begin_explicitly(engine: Engine) -> None:
    """pysqlite begins a transaction only before a write, and a SAVEPOINT outside one commits on
    its release: SQLAlchemy's recipe, for an engine whose savepoints must nest."""

    @event.listens_for(engine, "connect")
    def _no_implicit_begin(connection: Any, _record: Any) -> None:
        connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN")


@functools.cache
def shared_database(url: str) -> Database:
    """One ``Database`` per URL for the whole process: a worker's tasks, a pool process's chunks,
    all on the same connection pool."""
    return Database(url)
