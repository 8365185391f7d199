"""Documents laid out after the act that issued them (documents.rendering): the act commits the
number, date and context; a renderer, a worker or the first reader lays the PDF out, once."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner
from integration_support import HUAIDONG, ApiClient, Clock, dibao_edge_to_publicity, errors
from sqlmodel import select

from assistance.cli import main
from assistance.db import Database
from assistance.demo import dibao_edge_household
from assistance.documents import MissingGlyphs, default_renderer
from assistance.documents.rendering import render_waiting, waiting, when_issued
from assistance.models import Case, IssuedDocument
from assistance.models.documents import ImmutableRecord
from assistance.queue.in_process import InProcessQueue

RARE = "\U00030000"  # CJK Extension G: a 生僻字 no installed font draws.


def issued(db: Database, case_id: int) -> list[IssuedDocument]:
    with db.reading() as session:
        return list(
            session.exec(
                select(IssuedDocument).where(IssuedDocument.case_id == case_id).order_by(IssuedDocument.id)
            ).all()
        )


class Refusing:
    """A renderer whose fonts lost a character between the act and the layout."""

    def render_html(self, template_name: str, context: Mapping[str, Any]) -> str:
        return default_renderer().render_html(template_name, context)

    def render_pdf(
        self, template_name: str, context: Mapping[str, Any], *, issued: date | None = None
    ) -> bytes:
        raise MissingGlyphs([RARE])


def test_the_act_commits_the_document_and_a_renderer_lays_it_out_once(
    api: ApiClient, clock: Clock, db: Database
) -> None:
    case = dibao_edge_to_publicity(api, clock)
    documents = issued(db, case["id"])
    assert [d.kind for d in documents] == ["edge_application", "edge_township_publicity"]
    assert all(d.content is None and d.sha256 == "" and d.rendered_at is None for d in documents)
    assert all(d.number and d.context["number"] == d.number for d in documents)
    assert waiting(db) == 2

    assert render_waiting(db) == (2, {})
    assert render_waiting(db) == (0, {})
    laid_out = issued(db, case["id"])
    for document in laid_out:
        assert document.content is not None and document.content.startswith(b"%PDF")
        assert document.sha256 == hashlib.sha256(document.content).hexdigest()
        assert document.rendered_at is not None
    # What the reader gets is what was laid out; the record stays closed to any other write.
    pdf = api.get("beicheng", f"/documents/{laid_out[1].id}/pdf")
    assert pdf.data == laid_out[1].content
    with db.transaction() as session, pytest.raises(ImmutableRecord):
        stored = session.get(IssuedDocument, laid_out[1].id)
        assert stored is not None
        stored.content = b"%PDF altered"
        session.flush()


def test_the_in_process_queue_is_woken_by_the_commit(api: ApiClient, clock: Clock, db: Database) -> None:
    # A sweep far longer than the test: only the commit's deferral can explain a quick layout.
    queue = InProcessQueue(db, lambda: clock.today, sweep_seconds=3600, schedule_seconds=10**9)
    stop_hearing = when_issued(queue.documents_issued)
    queue.start()
    try:
        case = dibao_edge_to_publicity(api, clock)
        give_up = time.monotonic() + 60
        while waiting(db) and time.monotonic() < give_up:
            time.sleep(0.05)
    finally:
        stop_hearing()
        queue.stop()
    assert waiting(db) == 0
    assert all(d.content is not None for d in issued(db, case["id"]))


def test_a_document_that_cannot_be_laid_out_waits_and_is_reported(
    api: ApiClient, clock: Clock, db: Database
) -> None:
    case = dibao_edge_to_publicity(api, clock)
    ids = [d.id for d in issued(db, case["id"])]
    done, failed = render_waiting(db, Refusing())
    assert done == 0 and sorted(failed) == ids
    assert "生僻字" in failed[ids[0]]
    assert waiting(db) == 2
    # With the fonts back, the same documents are laid out.
    assert render_waiting(db) == (2, {})


def test_a_character_no_font_has_refuses_the_act_and_writes_nothing(
    api: ApiClient, clock: Clock, db: Database
) -> None:
    household = dibao_edge_household(f"王{RARE}")
    cid = int(api.file("wangjianguo", "dibao_edge", HUAIDONG, household)["id"])
    refused = api.post("beicheng", f"/cases/{cid}/actions/accept", {})
    assert refused.status_code == 422, refused.json
    assert "生僻字" in (refused.json or {})["message"]
    assert any(RARE in message for message in errors(refused.json or {}, "document"))
    assert issued(db, cid) == []
    with db.reading() as session:
        stored = session.get(Case, cid)
        assert stored is not None and stored.state == "filed"


def test_the_command_line_lays_out_what_waits(
    api: ApiClient, clock: Clock, db: Database, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database)
    dibao_edge_to_publicity(api, clock)
    result = CliRunner().invoke(main, ["documents", "render"])
    assert result.exit_code == 0, result.output
    assert "已排版 2 份文书" in result.output
    assert waiting(db) == 0
