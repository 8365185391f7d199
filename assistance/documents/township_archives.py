"""一户一档 in bulk: every case of a township in one ZIP, each in its own folder as
``archive.case_archive`` makes it (64号 第二十八条 “归类建档”, 65号 第二十条 “一户一档”).

Staff ask for it (``request_export``); a task of the job queue makes it (``make_export``), which
for a township of a few hundred cases takes minutes of layout; staff download it when done
(``export_file``). Asking and downloading go to the security log: the file holds every
household's personal data."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlmodel import col, select

from assistance import security_log
from assistance.access import ARCHIVE_EXPORTS, actor_for, require
from assistance.clock import beijing, utcnow
from assistance.db import Database
from assistance.documents.archive import ZIP, case_files, zipped
from assistance.documents.issued import DocumentFile
from assistance.errors import Conflict, Forbidden, InvalidInput, NotFound
from assistance.models import ArchiveExport, Area, Case, User

SHOWN = 20
STATUSES = {"queued": "排队中", "running": "生成中", "done": "已生成", "failed": "失败"}


def _describe(export: ArchiveExport, township: str) -> dict[str, Any]:
    return {
        "id": export.id,
        "township": township,
        "county": export.county_code,
        "status": export.status,
        "status_name": STATUSES[export.status],
        "cases": export.cases,
        "size": export.size,
        "sha256": export.sha256,
        "error": export.error,
        "requested_at": export.requested_at.isoformat(),
        "finished_at": export.finished_at.isoformat() if export.finished_at else None,
    }


def request_export(db: Database, user_id: int, data: Any) -> dict[str, Any]:
    """Ask for a township's archives; township staff for their own, county staff for any of
    their county's. Returns the export, queued."""
    code = str(data.get("township") or "") if isinstance(data, dict) else ""
    with db.transaction() as session:
        actor = actor_for(session, user_id)
        require(actor, "export_case_archives")
        if not code and ARCHIVE_EXPORTS.township_of(actor) is not None:
            own = session.get(Area, actor.area_id)
            code = own.code if own is not None else ""
        township = session.exec(select(Area).where(Area.code == code, Area.level == "township")).first()
        if township is None or township.id is None:
            raise InvalidInput.field("township", "应为乡镇（街道）代码")
        if not ARCHIVE_EXPORTS.allows(actor, township.county_code, township.id):
            raise Forbidden("只能导出本辖区乡镇（街道）的一户一档")
        export = ArchiveExport(
            township_id=township.id, county_code=township.county_code, requested_by=actor.user_id
        )
        session.add(export)
        session.flush()
        security_log.record(
            session,
            "township_archives_requested",
            actor=actor,
            subject="area",
            subject_id=township.id,
            detail={"township": township.name},
        )
        return _describe(export, township.name)


def _in_scope(actor: Any) -> Any:
    return ARCHIVE_EXPORTS.where(actor, col(ArchiveExport.county_code), col(ArchiveExport.township_id))


def list_exports(db: Database, user_id: int) -> list[dict[str, Any]]:
    with db.reading() as session:
        actor = actor_for(session, user_id)
        require(actor, "export_case_archives")
        rows = session.exec(
            select(ArchiveExport, Area)
            .join(Area, col(Area.id) == col(ArchiveExport.township_id))
            .where(
                ARCHIVE_EXPORTS.where(actor, col(ArchiveExport.county_code), col(ArchiveExport.township_id))
            )
            .order_by(col(ArchiveExport.id).desc())
            .limit(SHOWN)
        ).all()
        return [_describe(e, a.name) for e, a in rows]


def township_choices(db: Database, user_id: int) -> list[dict[str, str]]:
    """The townships whose archives the user may export, by code."""
    with db.reading() as session:
        actor = actor_for(session, user_id)
        require(actor, "export_case_archives")
        rows = session.exec(
            select(Area)
            .where(
                Area.level == "township", ARCHIVE_EXPORTS.where(actor, col(Area.county_code), col(Area.id))
            )
            .order_by(col(Area.code))
        ).all()
        return [{"code": a.code, "name": a.name} for a in rows]


def make_export(db: Database, export_id: int, now: datetime | None = None) -> None:
    """Make the ZIP (the job queue's task). Made again from the start if a worker died making it:
    nothing is stored until the file is whole."""
    with db.transaction() as session:
        export = session.get(ArchiveExport, export_id)
        if export is None:
            raise NotFound(f"一户一档导出 {export_id} 不存在")
        if export.status == "done":
            return
        export.status = "running"
        township = session.get(Area, export.township_id)
        maker = session.get(User, export.requested_by)
        assert township is not None and maker is not None
        cases = session.exec(
            select(Case.id).where(Case.township_id == export.township_id).order_by(col(Case.id))
        ).all()
    made_at = now or utcnow()
    try:
        entries: list[tuple[str, bytes]] = []
        index = []
        for case_id in cases:
            assert case_id is not None
            folder, files = case_files(db, case_id, maker.display_name, made_at)
            entries += [(f"{folder}/{path}", content) for path, content in files]
            index.append({"case": folder, "files": len(files)})
        summary = {
            "township": township.name,
            "made_at": beijing(made_at).isoformat(timespec="seconds"),
            "asked_by": maker.display_name,
            "cases": index,
        }
        entries.append(("目录.json", json.dumps(summary, ensure_ascii=False, indent=2).encode("utf-8")))
        content = zipped(entries)
    except Exception as exc:
        with db.transaction() as session:
            failed = session.get(ArchiveExport, export_id)
            assert failed is not None
            failed.status, failed.error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        raise
    with db.transaction() as session:
        done = session.get(ArchiveExport, export_id)
        assert done is not None
        done.content, done.size, done.sha256 = content, len(content), hashlib.sha256(content).hexdigest()
        done.status, done.cases, done.error, done.finished_at = "done", len(cases), "", utcnow()


def export_file(db: Database, user_id: int, export_id: int) -> DocumentFile:
    with db.transaction() as session:
        actor = actor_for(session, user_id)
        require(actor, "export_case_archives")
        export = session.get(ArchiveExport, export_id)
        if export is None or not ARCHIVE_EXPORTS.allows(actor, export.county_code, export.township_id):
            raise NotFound("该导出不存在")
        if export.status != "done" or export.content is None:
            raise Conflict(f"一户一档{STATUSES[export.status]}，尚不能下载")
        township = session.get(Area, export.township_id)
        assert township is not None
        security_log.record(
            session,
            "township_archives_exported",
            actor=actor,
            subject="area",
            subject_id=export.township_id,
            detail={"township": township.name, "cases": export.cases},
        )
        day = beijing(export.finished_at or export.requested_at).date().isoformat()
        return DocumentFile(f"{township.name}-一户一档-{day}.zip", ZIP, export.content, export.sha256)


__all__ = ["STATUSES", "export_file", "list_exports", "make_export", "request_export", "township_choices"]
