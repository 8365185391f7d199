"""Laying out issued documents after the act that issued them.

An act commits its documents' number, date and full context (``issuing``), having checked that the
template takes the context and that every character has a font; what is left, the PDF (and a list's
spreadsheet), is laid out afterwards, once, by whichever gets there first:

- the job queue's ``lay_out_documents`` task (``assistance.queue``), deferred when a transaction
  that issued documents commits (``when_issued``) and every minute besides;
- ``assistance documents render``, at the console;
- a reader asking for the file before either did (``rendered_file``).

Layout is deterministic (the same context, template and fonts give the same bytes), so two of them
racing write the same bytes; the write is conditional on the document still being empty, and
nothing else of an issued document is ever written after its act.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import event, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from assistance.db import Database
from assistance.documents import default_renderer
from assistance.documents.issuing import ISSUED, DocumentKind, PdfRenderer, digest, render
from assistance.documents.list_kinds import LIST_KINDS
from assistance.documents.notice_kinds import KINDS as NOTICE_KINDS
from assistance.errors import ServiceError
from assistance.models import IssuedDocument
from assistance.models.base import utcnow

_ISSUED: Final[sa.Table] = IssuedDocument.__table__  # type: ignore[attr-defined]
KINDS: Final[dict[str, DocumentKind]] = {**NOTICE_KINDS, **LIST_KINDS}


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


def count_waiting(issued_before: datetime | None = None) -> sa.Select[int]:
    """The statement counting the documents that wait for their layout (issued before a time, if
    given): readiness asks how many waited too long, the metrics how many wait."""
    query = sa.select(sa.func.count()).select_from(_ISSUED).where(_ISSUED.c.content.is_(None))
    if issued_before is not None:
        query = query.where(_ISSUED.c.issued_at < issued_before)
    return query


def waiting(db: Database) -> int:
    """How many issued documents still wait for their layout."""
    with db.reading() as session:
        return int(session.execute(count_waiting()).scalar_one())


def render_waiting(
    db: Database, renderer: PdfRenderer | None = None, skip: set[int] | None = None
) -> tuple[int, dict[int, str]]:
    """Lay out every waiting document; how many were laid out, and those that could not be, why.

    One that cannot be laid out is reported and left waiting: a reader asking for it is told why."""
    renderer = renderer or default_renderer()
    failed: dict[int, str] = {}
    done = 0
    while True:
        excluded = frozenset(set(skip or ()) | set(failed))
        try:
            document_id = render_next(db, renderer, excluded)
        except LayoutFailed as exc:
            failed[exc.document_id] = exc.reason
            continue
        if document_id is None:
            return done, failed
        done += 1


# What to call when a transaction that issued documents commits: the queue of each application in
# this process (``assistance.queue``), which defers their layout.
_ON_ISSUED: set[Callable[[], None]] = set()


def when_issued(callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` after each commit that issued documents; returns the way to stop."""
    _ON_ISSUED.add(callback)
    return lambda: _ON_ISSUED.discard(callback)


@event.listens_for(OrmSession, "after_commit")
def _after_issuing(session: Any) -> None:
    if session.info.pop(ISSUED, False):
        for callback in list(_ON_ISSUED):
            callback()


__all__ = [
    "LayoutFailed",
    "Rendered",
    "count_waiting",
    "lay_out",
    "render_next",
    "render_waiting",
    "rendered_file",
    "waiting",
    "when_issued",
]
