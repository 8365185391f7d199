"""Evidence files attached to a case: scans of ID cards, bills, authorisations, objections."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from assistance import audit
from assistance.access.actors import actor_for, visible_case
from assistance.db import Database
from assistance.errors import InvalidInput, NotFound
from assistance.models import Evidence
from assistance.models.records import MATERIAL_KINDS

MAX_BYTES = 10 * 1024 * 1024
# Scans and photos staff can open anywhere; nothing executable.
CONTENT_TYPES = {
    "application/pdf": b"%PDF",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
}


def add_evidence(
    db: Database,
    user_id: int,
    case_id: int,
    *,
    kind: str,
    title: str,
    filename: str,
    content_type: str,
    content: bytes,
    today: date,
) -> dict[str, Any]:
    if kind not in MATERIAL_KINDS:
        raise InvalidInput.field("kind", f"应为以下之一：{'、'.join(MATERIAL_KINDS)}")
    if not title.strip() or len(title) > 200:
        raise InvalidInput.field("title", "应填写不超过200字的材料名称")
    if not content:
        raise InvalidInput.field("file", "文件为空")
    if len(content) > MAX_BYTES:
        raise InvalidInput.field("file", f"文件不能超过{MAX_BYTES // (1024 * 1024)}MB")
    magic = CONTENT_TYPES.get(content_type)
    if magic is None or not content.startswith(magic):
        raise InvalidInput.field("file", "只接受 PDF、JPEG、PNG 文件，且文件内容须与类型一致")
    with db.transaction() as session:
        actor = actor_for(session, user_id)
        case = visible_case(session, actor, case_id)
        row = Evidence(
            case_id=case_id,
            kind=kind,
            title=title.strip(),
            filename=filename[-200:],
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            uploaded_by=actor.user_id,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            case,
            actor,
            "add_evidence",
            today,
            case.state,
            case.state,
            {"evidence_id": row.id, "kind": kind},
        )
        return {"id": row.id, "kind": kind, "title": row.title, "size": row.size, "sha256": row.sha256}


def evidence_file(db: Database, user_id: int, case_id: int, evidence_id: int) -> Evidence:
    with db.reading() as session:
        actor = actor_for(session, user_id)
        visible_case(session, actor, case_id)
        row = session.get(Evidence, evidence_id)
        if row is None or row.case_id != case_id:
            raise NotFound("没有这份材料")
        return row
