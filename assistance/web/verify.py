"""扫码验真: the public page a printed document's QR code leads to, and a form to type its code.
No sign-in: anyone holding the paper may check it (documents/verification.py)."""

from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for
from flask.typing import ResponseReturnValue

from assistance.documents import verification
from assistance.errors import InvalidInput, NotFound
from assistance.http import database, limit_verifying
from assistance.web.base import bp, page

# A PDF to compare with the one issued: a notice or list, never larger than this.
LARGEST_PDF = 20 * 1024 * 1024


@bp.route("/verify", methods=["GET", "POST"])
@limit_verifying
def verify_form() -> ResponseReturnValue:
    if request.method == "POST":
        return redirect(url_for("web.verify_document", code=request.form.get("code", "").strip() or "-"))
    return page("verify.html", found=None, error=None, code="")


@bp.route("/verify/<code>", methods=["GET", "POST"])
@limit_verifying
def verify_document(code: str) -> ResponseReturnValue:
    upload = request.files.get("file") if request.method == "POST" else None
    content = upload.read(LARGEST_PDF + 1) if upload is not None and upload.filename else None
    found: dict[str, Any] | None = None
    try:
        found = verification.verify(database(), code, content)
    except (InvalidInput, NotFound) as exc:
        message = exc.errors[0].message if exc.errors else exc.message
        return page("verify.html", exc.status, found=None, error=message, code=code)
    return page("verify.html", found=found, error=None, code=code)
