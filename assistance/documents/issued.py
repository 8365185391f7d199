"""Reading issued documents, and correcting one by issuing a new version.

Who may read what: staff of the case's area read every document of the case; the applicant or
proxy who filed it reads the notices addressed to them and what was publicised (the audience
``APPLICANT`` and ``PUBLIC``), never the internal forms. A village committee, which posts the
publicity and helps applicants, reads the same as the applicant. Lists sent to another agency
(no case) are read by the county's staff and the administrator.

Issued documents are never changed (64号 第二十八条, 65号 第二十条); a correction is a new version
under the same number that names the version it supersedes and says why (its 附注), and only the
text a person wrote may be corrected there (``DocumentKind.editable``): facts taken from the
case are corrected by correcting the case.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from assistance import audit
from assistance.access import AGENCY_LISTS, CASES, Actor, actor_for, reads_audience, require, visible_case
from assistance.access.permissions import PERMISSIONS
from assistance.db import Database
from assistance.documents import default_renderer
from assistance.documents.context import load_context
from assistance.documents.issuing import INTERNAL, DocumentKind, PdfRenderer, issue, latest_version
from assistance.documents.rendering import KINDS, rendered_file
from assistance.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from assistance.models import Case, IssuedDocument
from assistance.models.documents import XLSX

# Listing documents reads their registration, not their files (a list's PDF runs to megabytes).
SUMMARY_ONLY = (defer(IssuedDocument.content), defer(IssuedDocument.spreadsheet))  # type: ignore[arg-type]
MAX_REASON = 500
MAX_EDIT = 2000


@dataclass(frozen=True, slots=True)
class DocumentFile:
    filename: str
    media_type: str
    content: bytes
    sha256: str


def kind_of(code: str) -> DocumentKind:
    kind = KINDS.get(code)
    if kind is None:
        raise NotFound(f"未知的文书类别 {code}")
    return kind


def _audience(code: str) -> str:
    kind = KINDS.get(code)
    return kind.audience if kind is not None else INTERNAL


def _may_read(actor: Actor, session: Session, document: IssuedDocument) -> bool:
    """A list sent to another agency: its county's staff; a document of a case: who sees the case,
    as far as its audience reaches them."""
    if document.case_id is None:
        return AGENCY_LISTS.allows(actor, document.county_code)
    case = session.get(Case, document.case_id)
    if case is None or not CASES.allows(actor, case):
        return False
    return reads_audience(actor, _audience(document.kind))


def summary(document: IssuedDocument, latest: dict[str, int]) -> dict[str, Any]:
    return {
        "id": document.id,
        "case_id": document.case_id,
        "kind": document.kind,
        "title": document.title,
        "number": document.number,
        "version": document.version,
        "current": latest.get(document.number) == document.version,
        "supersedes_id": document.supersedes_id,
        "reason": document.reason,
        "audience": _audience(document.kind),
        "issued_on": document.issued_on.isoformat(),
        "issued_at": document.issued_at.isoformat(),
        "issued_by": document.issued_by,
        "action": document.action,
        "case_state": document.case_state,
        "period": document.period,
        # Empty until the PDF is laid out, a moment after the act (``documents.rendering``).
        "sha256": document.sha256,
        "rendered": document.rendered_at is not None,
        "has_spreadsheet": document.kind in KINDS and KINDS[document.kind].sheet is not None,
        "editable": list(KINDS[document.kind].editable) if document.kind in KINDS else [],
    }


def latest_versions(documents: list[IssuedDocument]) -> dict[str, int]:
    latest: dict[str, int] = {}
    for d in documents:
        latest[d.number] = max(latest.get(d.number, 0), d.version)
    return latest


def case_documents(db: Database, user_id: int, case_id: int) -> list[dict[str, Any]]:
    """The case's documents the user may read, oldest first, every version."""
    with db.reading() as session:
        actor = actor_for(session, user_id)
        visible_case(session, actor, case_id)
        rows = list(
            session.exec(
                select(IssuedDocument)
                .where(IssuedDocument.case_id == case_id)
                .options(*SUMMARY_ONLY)
                .order_by(col(IssuedDocument.id))
            ).all()
        )
        readable = [d for d in rows if reads_audience(actor, _audience(d.kind))]
        latest = latest_versions(rows)
        return [summary(d, latest) for d in readable]


def _readable(session: Session, actor: Actor, document_id: int) -> IssuedDocument:
    document = session.get(IssuedDocument, document_id)
    # Another area's document is "not found", like its case (its existence does not leak).
    if document is None or not _may_read(actor, session, document):
        raise NotFound(f"文书 {document_id} 不存在或您无权查看")
    return document


def document_detail(db: Database, user_id: int, document_id: int) -> dict[str, Any]:
    with db.reading() as session:
        actor = actor_for(session, user_id)
        document = _readable(session, actor, document_id)
        newest = latest_version(session, document.number)
        return summary(document, {document.number: newest.version if newest else document.version})


def document_file(
    db: Database, user_id: int, document_id: int, fmt: str = "pdf", renderer: PdfRenderer | None = None
) -> DocumentFile:
    """The bytes as issued: the PDF, or for a list its spreadsheet; laid out now if the renderers
    have not got to it yet."""
    with db.reading() as session:
        actor = actor_for(session, user_id)
        document = _readable(session, actor, document_id)
    base = f"{document.number}-v{document.version}"
    if fmt not in ("pdf", "xlsx") or (fmt == "xlsx" and KINDS[document.kind].sheet is None):
        raise NotFound(f"文书 {document.number} 没有 {fmt} 格式")
    found = rendered_file(db, document, renderer)
    if fmt == "xlsx" and found.spreadsheet is not None:
        return DocumentFile(f"{base}.xlsx", XLSX, found.spreadsheet, found.spreadsheet_sha256)
    return DocumentFile(f"{base}.pdf", document.media_type, found.content, found.sha256)


def _set_path(context: dict[str, Any], path: str, value: str) -> None:
    parts = path.split(".")
    target = context
    for part in parts[:-1]:
        child = target.get(part)
        if not isinstance(child, dict):
            child = {}
            target[part] = child
        target = child
    target[parts[-1]] = value


def _get_path(context: dict[str, Any], path: str) -> Any:
    target: Any = context
    for part in path.split("."):
        if not isinstance(target, dict):
            return None
        target = target.get(part)
    return target


def correct(
    db: Database,
    user_id: int,
    document_id: int,
    *,
    edits: dict[str, Any],
    reason: str,
    today: date,
    renderer: PdfRenderer | None = None,
) -> dict[str, Any]:
    """Issue a corrected version of the document (the latest version only), with the reason
    printed on it; the version it replaces stays, marked as replaced."""
    problems: list[FieldProblem] = []
    if not isinstance(reason, str) or not reason.strip():
        problems.append(FieldProblem("reason", "请填写更正原因"))
    elif len(reason) > MAX_REASON:
        problems.append(FieldProblem("reason", f"更正原因不超过{MAX_REASON}字"))
    if not isinstance(edits, dict) or not edits:
        problems.append(FieldProblem("edits", "请给出要更正的内容"))
        edits = {}
    with db.transaction() as session:
        actor = actor_for(session, user_id)
        document = _readable(session, actor, document_id)
        if document.case_id is None:
            raise Forbidden(PERMISSIONS["correct_documents"].refusal)
        require(actor, "correct_documents")
        kind = kind_of(document.kind)
        for path, value in edits.items():
            if path not in kind.editable:
                allowed = "、".join(kind.editable) or "无"
                message = (
                    f"《{kind.title}》中这一项不能直接更正（可更正：{allowed}）；如事实有误，请更正案件信息"
                )
                problems.append(FieldProblem(f"edits.{path}", message))
            elif not isinstance(value, str) or len(value) > MAX_EDIT:
                problems.append(FieldProblem(f"edits.{path}", f"应为不超过{MAX_EDIT}字的文字"))
        if problems:
            raise InvalidInput("更正内容有误", problems)
        newest = latest_version(session, document.number)
        if newest is not None and newest.id != document.id:
            raise Conflict(f"文书 {document.number} 已有第{newest.version}版，请在最新版本上更正")
        case = session.get(Case, document.case_id)
        assert case is not None
        context = copy.deepcopy(document.context)
        changed = [p for p, v in edits.items() if _get_path(load_context(context), p) != v]
        if not changed:
            raise InvalidInput.field("edits", "更正内容与原文相同")
        for path in changed:
            _set_path(context, path, str(edits[path]).strip())
        context["correction"] = {
            "reason": reason.strip(),
            "of_issued": {"$date": document.issued_on.isoformat()},
            "of_version": document.version,
        }
        corrected = issue(
            session,
            kind,
            load_context(context),
            county_code=document.county_code,
            case_id=document.case_id,
            issued_on=today,
            issued_by=actor.user_id,
            action="correct_document",
            renderer=renderer or default_renderer(),
            case_state=case.state,
            supersedes=document,
            reason=reason.strip(),
        )
        audit.record(
            session,
            case,
            actor,
            "correct_document",
            today,
            case.state,
            case.state,
            {
                "document": {"id": corrected.id, "number": corrected.number, "version": corrected.version},
                "supersedes": document.id,
                "changed": changed,
                "reason": reason.strip(),
            },
        )
        session.flush()
        return summary(corrected, {corrected.number: corrected.version})


__all__ = [
    "SUMMARY_ONLY",
    "DocumentFile",
    "case_documents",
    "correct",
    "document_detail",
    "document_file",
    "latest_versions",
]
