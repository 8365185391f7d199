"""Anchors of the audit trail: each case's last event (its seq and hash), taken now and then,
signed with the audit key and written to a file outside the database. A keyed chain already
shows an event changed by someone without the key; an anchor also shows a trail cut back, or
re-sealed by someone who had the key, since it was taken (issue 18 item 15).

The directory should be one the service cannot write (`docs/operations.md`): a different system
user runs `assistance audit anchor`, or the files are copied off the machine."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from assistance.audit import Head
from assistance.audit_key import derived_key, key_id
from assistance.config import instance_dir
from assistance.models import AuditEvent

ANCHOR_DIR_VARIABLE = "ASSISTANCE_ANCHOR_DIR"
KIND = "assistance-audit-anchor"
VERSION = 1

_EVENTS: sa.Table = AuditEvent.__table__  # type: ignore[attr-defined]


class BadAnchor(ValueError):
    """An anchor file that is not one, or whose signature does not hold under the key."""


@dataclass(frozen=True, slots=True)
class Anchor:
    taken_at: datetime
    key_id: str
    heads: dict[int, Head]

    @property
    def events(self) -> int:
        return sum(seq for seq, _ in self.heads.values())


def anchor_directory() -> Path:
    return Path(os.environ.get(ANCHOR_DIR_VARIABLE, "").strip() or instance_dir() / "anchors")


def take(session: Session, key: bytes, now: datetime) -> Anchor:
    """Every case's last event, as the database holds it now."""
    last = (
        sa.select(_EVENTS.c.case_id, sa.func.max(_EVENTS.c.seq).label("seq"))
        .group_by(_EVENTS.c.case_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(_EVENTS.c.case_id, _EVENTS.c.seq, _EVENTS.c.hash)
        .join(last, sa.and_(last.c.case_id == _EVENTS.c.case_id, last.c.seq == _EVENTS.c.seq))
        .order_by(_EVENTS.c.case_id)
    )
    return Anchor(now.astimezone(UTC), key_id(key), {case: (seq, hash_) for case, seq, hash_ in rows})


def _body(anchor: Anchor) -> dict[str, Any]:
    return {
        "kind": KIND,
        "version": VERSION,
        "taken_at": anchor.taken_at.isoformat(timespec="seconds"),
        "key_id": anchor.key_id,
        "cases": len(anchor.heads),
        "events": anchor.events,
        "heads": [[case, seq, hash_] for case, (seq, hash_) in sorted(anchor.heads.items())],
    }


def _signature(body: dict[str, Any], key: bytes) -> str:
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return hmac.new(derived_key(key, "assistance audit anchor"), text, hashlib.sha256).hexdigest()


def write(anchor: Anchor, key: bytes, directory: Path) -> Path:
    """The anchor as a signed JSON file, named by when it was taken; written whole or not at all,
    and never over an earlier one."""
    directory.mkdir(parents=True, exist_ok=True)
    body = _body(anchor)
    body["signature"] = _signature(body, key)
    path = directory / f"anchor-{anchor.taken_at:%Y%m%dT%H%M%SZ}.json"
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    partial.chmod(0o444)
    try:
        os.link(partial, path)
    except FileExistsError as exc:
        raise BadAnchor(f"同一秒已有锚点文件：{path.name}") from exc
    finally:
        partial.unlink()
    return path


def read(path: Path, key: bytes) -> Anchor:
    """An anchor file, its signature checked under ``key``."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        signature = body.pop("signature")
        if body.get("kind") != KIND or body.get("version") != VERSION:
            raise BadAnchor(f"{path.name} 不是审计锚点文件")
        if body["key_id"] != key_id(key):
            raise BadAnchor(f"锚点 {path.name} 是用另一把审计密钥（{body['key_id']}）签的")
        if not hmac.compare_digest(signature, _signature(body, key)):
            raise BadAnchor(f"锚点 {path.name} 的签名不符：文件已被改动")
        heads = {int(case): (int(seq), str(hash_)) for case, seq, hash_ in body["heads"]}
        return Anchor(datetime.fromisoformat(body["taken_at"]), body["key_id"], heads)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, BadAnchor):
            raise
        raise BadAnchor(f"无法读取锚点文件 {path}：{exc}") from exc


def latest(directory: Path) -> Path | None:
    """The newest anchor in ``directory``: the names sort by when they were taken."""
    found = sorted(directory.glob("anchor-*.json")) if directory.is_dir() else []
    return found[-1] if found else None


__all__ = [
    "ANCHOR_DIR_VARIABLE",
    "Anchor",
    "BadAnchor",
    "anchor_directory",
    "latest",
    "read",
    "take",
    "write",
]
