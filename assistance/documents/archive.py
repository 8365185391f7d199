"""一户一档: one archive per case, as a county keeps its files (64号 第二十八条 “归类建档”,
65号 第二十条 “一户一档”). A ZIP holding:

- ``文书/``: every issued document, every version, as issued (a list's spreadsheet too);
- ``证明材料/``: the evidence uploaded to the case;
- ``审计记录.csv``: the case's audit trail printed, one act a line, in Beijing time, with each
  event's hash, so that the printout can be held against ``assistance audit verify``;
- ``清单.json``: the case, when the archive was made and by whom, and every file above with its
  size and SHA-256.

Township and county staff of the case's area download it. Each download goes to the security log:
the archive holds the household's personal data in full.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import datetime
from typing import Any, Final

from sqlmodel import col, select

from assistance import security_log
from assistance.access import actor_for, require, visible_case
from assistance.clock import beijing
from assistance.db import Database
from assistance.documents.issued import DocumentFile
from assistance.documents.rendering import rendered_file
from assistance.models import AuditEvent, Case, Evidence, IssuedDocument, User
from assistance.workflow import WORKFLOWS
from assistance.workflow.events import OTHER_EVENTS

ZIP: Final = "application/zip"
# Zip entries carry a date; the archive's own date is in its manifest.
_ENTRY_TIME: Final = (1980, 1, 1, 0, 0, 0)
_UNSAFE = str.maketrans({c: "_" for c in '/\\:*?"<>|\0'})


def _name(text: str) -> str:
    return text.translate(_UNSAFE).strip() or "未命名"


def case_archive(db: Database, user_id: int, case_id: int, now: datetime) -> DocumentFile:
    with db.reading() as session:
        actor = actor_for(session, user_id)
        require(actor, "export_case_archives")
        visible_case(session, actor, case_id)
    number, files = case_files(db, case_id, actor.display_name, now)
    content = zipped([(f"{_name(number)}/{path}", data) for path, data in files])
    with db.transaction() as session:
        security_log.record(
            session,
            "case_archive_exported",
            actor=actor_for(session, user_id),
            subject="case",
            subject_id=case_id,
            detail={"number": number, "files": len(files)},
        )
    return DocumentFile(f"{_name(number)}-一户一档.zip", ZIP, content, hashlib.sha256(content).hexdigest())


def case_files(
    db: Database, case_id: int, made_by: str, now: datetime
) -> tuple[str, list[tuple[str, bytes]]]:
    """The case's number (as a folder name) and the files of its archive, manifest last."""
    with db.reading() as session:
        case = session.get(Case, case_id)
        assert case is not None
        documents = session.exec(
            select(IssuedDocument).where(IssuedDocument.case_id == case_id).order_by(col(IssuedDocument.id))
        ).all()
        evidence = session.exec(
            select(Evidence).where(Evidence.case_id == case_id).order_by(col(Evidence.id))
        ).all()
        events = session.exec(
            select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(col(AuditEvent.seq))
        ).all()
        acted = {e.actor_id for e in events}
        names = {
            u.id: u.display_name for u in session.exec(select(User).where(col(User.id).in_(acted))).all()
        }
        number, procedure = case.number or f"案件{case.id}", case.procedure
    files: list[tuple[str, bytes]] = []
    for document in documents:
        laid_out = rendered_file(db, document)
        base = f"文书/{_name(document.number)}-第{document.version}版-{_name(document.title)}"
        files.append((f"{base}.pdf", laid_out.content))
        if laid_out.spreadsheet is not None:
            files.append((f"{base}.xlsx", laid_out.spreadsheet))
    for item in evidence:
        files.append((f"证明材料/{item.id}-{_name(item.filename or item.title)}", item.content or b""))
    files.append(("审计记录.csv", _trail(procedure, events, names)))
    manifest = {
        "case": {"number": number, "procedure": WORKFLOWS[procedure].name},
        "made_at": beijing(now).isoformat(timespec="seconds"),
        "made_by": made_by,
        "files": [
            {"path": path, "bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
            for path, content in files
        ],
        "audit_head": events[-1].hash if events else None,
    }
    files.append(("清单.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")))
    return _name(number), files


def zipped(files: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files:
            entry = zipfile.ZipInfo(path, date_time=_ENTRY_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, content)
    return out.getvalue()


def _trail(procedure: str, events: Any, names: dict[int | None, str]) -> bytes:
    workflow = WORKFLOWS[procedure]
    state = {s.id: s.name for s in workflow.states}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["序号", "办理日期", "录入时间（北京时间）", "经办人", "事项", "原状态", "新状态", "哈希"]
    )
    for event in events:
        transition = workflow.transition(event.action, event.from_state) if event.from_state else None
        writer.writerow(
            [
                event.seq,
                event.on.isoformat(),
                beijing(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                names.get(event.actor_id, ""),
                transition.name if transition is not None else OTHER_EVENTS.get(event.action, event.action),
                state.get(event.from_state, event.from_state),
                state.get(event.to_state, event.to_state),
                event.hash,
            ]
        )
    # With a byte-order mark: Excel then reads the Chinese as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


__all__ = ["ZIP", "case_archive"]
