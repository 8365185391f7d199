"""Evidence files attached to a case: scans of ID cards, bills, authorisations, objections."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

import sqlalchemy as sa
from sqlmodel import Session

from assistance import audit
from assistance.access.actors import actor_for, visible_case
from assistance.db import Database
from assistance.errors import InvalidInput, NotFound, TooManyAttempts
from assistance.models import Evidence
from assistance.models.base import utcnow
from assistance.models.records import MATERIAL_KINDS

MAX_BYTES = 10 * 1024 * 1024
_MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Quota:
    """How much a case holds, and how much one account may upload within a while."""

    case_bytes: int = 60 * _MB
    case_files: int = 100
    user_bytes: int = 100 * _MB  # per ``window``
    user_files: int = 30  # per ``window``
    window: timedelta = timedelta(hours=1)


QUOTA: Final = Quota()
# Scans and photos staff can open anywhere; nothing executable.
CONTENT_TYPES = {
    "application/pdf": b"%PDF",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
}


_E: sa.Table = Evidence.__table__  # type: ignore[attr-defined]
_BY_USER_SINCE = sa.and_(
    _E.c.uploaded_by == sa.bindparam("user_id"), _E.c.uploaded_at >= sa.bindparam("since")
)
_USED = sa.select(
    sa.func.coalesce(sa.func.sum(sa.case((_E.c.case_id == sa.bindparam("case_id"), _E.c.size))), 0),
    sa.func.count(sa.case((_E.c.case_id == sa.bindparam("case_id"), 1))),
    sa.func.coalesce(sa.func.sum(sa.case((_BY_USER_SINCE, _E.c.size))), 0),
    sa.func.count(sa.case((_BY_USER_SINCE, 1))),
).where(sa.or_(_E.c.case_id == sa.bindparam("case_id"), _BY_USER_SINCE))


def _within_quota(session: Session, case_id: int, user_id: int, size: int) -> None:
    """The case's files and the account's recent uploads, in one statement, against ``QUOTA``."""
    since = utcnow() - QUOTA.window
    case_bytes, case_files, user_bytes, user_files = session.execute(
        _USED, {"case_id": case_id, "user_id": user_id, "since": since}
    ).one()
    if case_bytes + size > QUOTA.case_bytes or case_files + 1 > QUOTA.case_files:
        raise InvalidInput.field(
            "file",
            f"本案材料已达上限（共不超过{QUOTA.case_bytes // _MB}MB、{QUOTA.case_files}个文件），"
            "请合并或删减后再上传，或联系乡镇（街道）工作人员",
        )
    if user_bytes + size > QUOTA.user_bytes or user_files + 1 > QUOTA.user_files:
        minutes = int(QUOTA.window.total_seconds() // 60)
        limit = f"{minutes}分钟内最多上传{QUOTA.user_files}个文件、共{QUOTA.user_bytes // _MB}MB"
        raise TooManyAttempts(f"上传过于频繁：{limit}，请稍后再试", [])


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
        _within_quota(session, case_id, actor.user_id, len(content))
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
