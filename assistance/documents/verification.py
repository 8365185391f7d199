"""扫码验真: anyone holding a paper copy of an issued document checks it is genuine.

Each document carries a verification code, printed with a QR code of the public address
``{ASSISTANCE_PUBLIC_URL}/verify/{code}``. That page (and ``GET /api/v1/verify/{code}``) names the
document: its number, kind, date, issuer, version, whether a later version replaced it, and the
SHA-256 of the bytes as issued; a PDF held can be uploaded there to compare. It shows nothing
personal: no name, ID number or reason. Codes are random, ten characters of an alphabet without
look-alikes (about 50 bits), so they cannot be guessed or walked through.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from typing import Any, Final

from sqlmodel import select

from assistance.db import Database
from assistance.errors import InvalidInput, NotFound
from assistance.models import IssuedDocument

ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH: Final = 10
PUBLIC_URL_VARIABLE: Final = "ASSISTANCE_PUBLIC_URL"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(code: str) -> str:
    """``ABCD-EFGH-JK``: grouped for reading aloud and typing."""
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def public_url() -> str:
    return os.environ.get(PUBLIC_URL_VARIABLE, "http://127.0.0.1:5000").rstrip("/")


def printed(code: str) -> dict[str, str]:
    """What a document's context carries to print its code and QR code."""
    return {"code": shown(code), "url": f"{public_url()}/verify/{code}", "site": f"{public_url()}/verify"}


def normalised(typed: str) -> str:
    code = typed.strip().upper().replace("-", "").replace(" ", "")
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        raise InvalidInput.field("code", f"验真码应为{LENGTH}位字母和数字（如 ABCD-EFGH-JK）")
    return code


def verify(db: Database, typed: str, content: bytes | None = None) -> dict[str, Any]:
    """The document the code names, as anyone may see it; with ``content``, whether those bytes
    are the ones issued."""
    code = normalised(typed)
    with db.reading() as session:
        document = session.exec(
            select(IssuedDocument).where(IssuedDocument.verification_code == code)
        ).first()
        if document is None:
            raise NotFound("没有这个验真码的文书：请核对验真码，或向发文机关查询")
        later = session.exec(
            select(IssuedDocument.version).where(IssuedDocument.supersedes_id == document.id)
        ).first()
        found = {
            "code": shown(code),
            "number": document.number,
            "title": document.title,
            "issued_on": document.issued_on.isoformat(),
            "issuer": str((document.context or {}).get("issuer", "")),
            "version": document.version,
            "superseded": later is not None,
            "sha256": document.sha256 or None,
        }
    if content is not None:
        found["matches"] = bool(document.sha256) and hashlib.sha256(content).hexdigest() == document.sha256
    return found


__all__ = ["new_code", "normalised", "printed", "shown", "verify"]
