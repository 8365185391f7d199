"""The key that seals the audit trail. It lives outside the database, so that whoever can write
the database (its owner, a superuser, a copy of the SQLite file) still cannot re-seal an event
they changed: an unkeyed hash anyone can recompute (issue 18 item 15; docs/security.md)."""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from assistance.config import UnsafeSetting, in_production, instance_dir

KEY_VARIABLE = "ASSISTANCE_AUDIT_KEY"
KEY_FILE_VARIABLE = "ASSISTANCE_AUDIT_KEY_FILE"

# 32 bytes, as 64 hexadecimal digits: the strength of the SHA-256 the key is used with.
_KEY_DIGITS = 64


def audit_key() -> bytes:
    """ASSISTANCE_AUDIT_KEY (hexadecimal), or the key file (ASSISTANCE_AUDIT_KEY_FILE, by default
    instance/audit.key), made on a first run. Production never makes one: a key made afresh
    there would silently stop every existing trail from verifying."""
    configured = os.environ.get(KEY_VARIABLE, "").strip()
    if configured:
        return _parsed(configured, KEY_VARIABLE)
    return _from_file(os.environ.get(KEY_FILE_VARIABLE, "").strip() or str(instance_dir() / "audit.key"))


def key_id(key: bytes) -> str:
    """A name for the key that reveals nothing of it: anchors and `audit verify` state which key
    they were made with, so that a wrong key is told apart from a rewritten trail."""
    return hmac.new(key, b"assistance audit key id", hashlib.sha256).hexdigest()[:16]


def derived_key(key: bytes, purpose: str) -> bytes:
    """A key of its own for each use of the audit key (the chain, the anchors)."""
    return hmac.new(key, purpose.encode(), hashlib.sha256).digest()


@functools.cache
def _from_file(path: str) -> bytes:
    file = Path(path)
    if not file.exists():
        if in_production():
            raise UnsafeSetting(
                f"生产环境缺少审计密钥：请设置 {KEY_VARIABLE}，或将密钥文件放在 {file}"
                f"（{KEY_FILE_VARIABLE}）。密钥须与数据库分开备份（见 docs/operations.md）"
            )
        file.parent.mkdir(parents=True, exist_ok=True)
        # Created readable by its owner only, before anything is written into it.
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(_KEY_DIGITS // 2) + "\n")
    return _parsed(file.read_text(encoding="ascii").strip(), str(file))


def _parsed(text: str, where: str) -> bytes:
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) * 2 < _KEY_DIGITS:
        raise UnsafeSetting(f"审计密钥（{where}）须为至少 {_KEY_DIGITS} 位十六进制字符")
    return key


__all__ = ["KEY_FILE_VARIABLE", "KEY_VARIABLE", "audit_key", "derived_key", "key_id"]
