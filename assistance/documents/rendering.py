"""Laying out issued documents after the act that issued them.

An act commits its documents' number, date and full context (``issuing``), having checked that the
template takes the context and that every character has a font; what is left, the PDF (and a list's
spreadsheet), is laid out afterwards, once, by whichever gets there first:

- the web process's background renderer, woken when a transaction that issued documents commits,
  and otherwise looking for waiting documents every few seconds (``BackgroundRenderer``);
- ``assistance documents render [--follow]``, a worker on its own process;
- a reader asking for the file before either did (``rendered_file``).

Layout is deterministic (the same context, template and fonts give the same bytes), so two of them
racing write the same bytes; the write is conditional on the document still being empty, and
nothing else of an issued document is ever written after its act.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import event, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from assistance.db import Database
from assistance.documents import default_renderer
from assistance.documents.issuing import ISSUED, DocumentKind, PdfRenderer, digest, render
from assistance.documents.list_kinds import LIST_KINDS
from assistance.documents.notice_kinds import KINDS as NOTICE_KINDS
from assistance.errors import ServiceError
from assistance.models import IssuedDocument
from assistance.models.base import utcnow

log = logging.getLogger(__name__)

KINDS: Final[dict[str, DocumentKind]] = {**NOTICE_KINDS, **LIST_KINDS}
# How often an idle background renderer looks for documents issued by other processes.
POLL_SECONDS: Final = 5.0


@dataclass(frozen=True, slots=True)
class Rendered:
    content: bytes
    sha256: str
    spreadsheet: bytes | None
    spreadsheet_sha256: str


def _stored(document: IssuedDocument) -> Rendered | None:
    if document.content is None:
        return None
    return Rendered(document.content, document.sha256, document.spreadsheet, document.spreadsheet_sha256)


def _lay_out(document: IssuedDocument, renderer: PdfRenderer) -> Rendered:
    kind = KINDS[document.kind]
    pdf, sheet = render(kind, document.context, document.issued_on, renderer)
    return Rendered(pdf, digest(pdf), sheet, digest(sheet) if sheet is not None else "")


def _write(session: Session, document_id: int, rendered: Rendered) -> bool:
    """Store the layout unless somebody already did; the only write an issued document ever gets."""
    result = session.execute(
        update(IssuedDocument)
        .where(col(IssuedDocument.id) == document_id, col(IssuedDocument.content).is_(None))
        .values(
            content=rendered.content,
            sha256=rendered.sha256,
            spreadsheet=rendered.spreadsheet,
            spreadsheet_sha256=rendered.spreadsheet_sha256,
            rendered_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def rendered_file(db: Database, document: IssuedDocument, renderer: PdfRenderer | None = None) -> Rendered:
    """The document's bytes, laid out now if nobody has yet (the reader waits for it once)."""
    stored = _stored(document)
    if stored is not None:
        return stored
    rendered = _lay_out(document, renderer or default_renderer())
    with db.transaction() as session:
        if _write(session, document.id or 0, rendered):
            return rendered
        # Laid out meanwhile by another process: hand out what is stored, byte for byte.
        again = session.get(IssuedDocument, document.id)
        assert again is not None
        stored = _stored(again)
    return stored or rendered


class LayoutFailed(Exception):
    """A waiting document that cannot be laid out (its font removed since the act, say)."""

    def __init__(self, document_id: int, reason: str) -> None:
        super().__init__(reason)
        self.document_id, self.reason = document_id, reason


def lay_out(db: Database, document_id: int, renderer: PdfRenderer | None = None) -> Rendered:
    """Lay out one document now (a command-line act that waits for its own list, say)."""
    with db.reading() as session:
        document = session.get(IssuedDocument, document_id)
    if document is None:
        raise LookupError(f"issued document {document_id} does not exist")
    return rendered_file(db, document, renderer)


def _oldest_waiting(skip: frozenset[int]) -> SelectOfScalar[IssuedDocument]:
    query = select(IssuedDocument).where(col(IssuedDocument.content).is_(None))
    if skip:
        query = query.where(col(IssuedDocument.id).not_in(skip))
    return query.order_by(col(IssuedDocument.id)).limit(1)


def _any_waiting(db: Database, skip: frozenset[int]) -> bool:
    with db.reading() as session:
        return session.exec(_oldest_waiting(skip)).first() is not None


def render_next(db: Database, renderer: PdfRenderer, skip: frozenset[int] = frozenset()) -> int | None:
    """Lay out the oldest waiting document; its id, or None when none waits.

    The row is locked while it is laid out and other renderers skip it (PostgreSQL), so several
    web processes and workers share the waiting documents without doing one twice."""
    with db.transaction() as session:
        document = session.exec(_oldest_waiting(skip).with_for_update(skip_locked=True)).first()
        if document is None:
            return None
        try:
            rendered = _lay_out(document, renderer)
        except ServiceError as exc:
            raise LayoutFailed(document.id or 0, exc.message) from exc
        _write(session, document.id or 0, rendered)
        return document.id


def waiting(db: Database) -> int:
    """How many issued documents still wait for their layout."""
    with db.reading() as session:
        return int(
            session.exec(
                select(func.count()).select_from(IssuedDocument).where(col(IssuedDocument.content).is_(None))
            ).one()
        )


def render_waiting(
    db: Database,
    renderer: PdfRenderer | None = None,
    skip: set[int] | None = None,
    before_each: Callable[[], object] | None = None,
) -> tuple[int, dict[int, str]]:
    """Lay out every waiting document; how many were laid out, and those that could not be, why.
    ``before_each`` is called before each, once one is known to wait (a worker waiting for a quiet
    machine, say).

    One that cannot be laid out is reported and left waiting: a reader asking for it is told why."""
    renderer = renderer or default_renderer()
    failed: dict[int, str] = {}
    done = 0
    while True:
        excluded = frozenset(set(skip or ()) | set(failed))
        if before_each is not None:
            # Looked at first: a worker waiting for a quiet machine with nothing to lay out would
            # wait for nothing. Not under the row lock of render_next, which it would hold while
            # waiting.
            if not _any_waiting(db, excluded):
                return done, failed
            before_each()
        try:
            document_id = render_next(db, renderer, excluded)
        except LayoutFailed as exc:
            failed[exc.document_id] = exc.reason
            continue
        if document_id is None:
            return done, failed
        done += 1


class BackgroundRenderer:
    """A daemon thread of the web process laying out documents as acts issue them."""

    def __init__(self, db: Database, renderer: PdfRenderer | None = None, poll: float = POLL_SECONDS) -> None:
        self.db = db
        self.renderer = renderer
        self.poll = poll
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._failed: set[int] = set()
        self.thread = threading.Thread(target=self._run, name="document-renderer", daemon=True)

    def start(self) -> BackgroundRenderer:
        _RUNNING.add(self)
        self.thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        self._wake.set()
        self.thread.join(timeout)
        _RUNNING.discard(self)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                _, failed = render_waiting(self.db, self.renderer, self._failed)
            except Exception:
                # The database may be restarting; the documents wait and the next round retries.
                log.exception("laying out issued documents failed")
                failed = {}
            for document_id, reason in failed.items():
                log.error("issued document %s cannot be laid out: %s", document_id, reason)
            self._failed |= set(failed)
            self._wake.wait(self.poll)


_RUNNING: set[BackgroundRenderer] = set()


def wake_all() -> None:
    for renderer in list(_RUNNING):
        renderer.wake()


@event.listens_for(OrmSession, "after_commit")
def _wake_after_commit(session: Any) -> None:
    if session.info.pop(ISSUED, False):
        wake_all()


__all__ = [
    "BackgroundRenderer",
    "LayoutFailed",
    "Rendered",
    "lay_out",
    "render_next",
    "render_waiting",
    "rendered_file",
    "waiting",
    "wake_all",
]
