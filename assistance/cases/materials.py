"""The materials a missing-materials notice asked for (65号 第十四条, applied to both procedures):
before an application goes back to the material review, each item is handed in."""

from __future__ import annotations

from typing import Final

from sqlmodel import Session, select

from assistance.errors import InvalidInput
from assistance.models import Case, Evidence, MaterialNotice
from assistance.models.records import MATERIAL_KINDS

# Materials the case's own fields stand for; every other kind is an upload of that kind.
_HELD_BY_CASE: Final = {
    "economic_check_authorisation": "economic_check_authorised",
    "commitment": "commitment_signed",
    "proxy_authorisation": "proxy_authorisation",
}


def everything_asked_for_is_here(session: Session, case: Case, notice: MaterialNotice) -> None:
    """Each item the notice asked for is uploaded since the notice (or, for the authorisation,
    commitment and power of attorney, recorded on the case); refused naming those still missing."""
    uploaded = set(
        session.exec(
            select(Evidence.kind).where(
                Evidence.case_id == case.id, Evidence.uploaded_at >= notice.recorded_at
            )
        ).all()
    )
    missing = [
        kind
        for kind in notice.missing
        if not (getattr(case, _HELD_BY_CASE[kind]) if kind in _HELD_BY_CASE else kind in uploaded)
    ]
    if missing:
        named = "、".join(MATERIAL_KINDS.get(kind, kind) for kind in missing)
        raise InvalidInput.field(
            "missing", f"补齐材料通知要求的以下材料尚未上传：{named}。请先在“证明材料”中上传，再重新提交"
        )
