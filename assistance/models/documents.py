"""Documents issued on a case or to another agency: notices, publicity, forms and lists.

An issued document is a record (64号 第二十八条, 65号 第二十条: 档案 “不得随意涂改、变更和销毁”):
once written it is never changed or deleted. A correction is a new version that names the one
it supersedes; both stay.

The act that issues a document fixes its number, date and context; the PDF laid out from them is
written once, just after (``documents.rendering``): until then ``content`` is empty, and it is the
one thing that may be written afterwards, once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper
from sqlmodel import Field, SQLModel

from assistance.models.base import UTCDateTime, utcnow

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Who a document of a case is for, besides the staff of the case's area (``access.permissions``
# says which roles read which).
FOR_APPLICANT = "applicant"  # addressed to the applicant: notices and their own application
PUBLIC = "public"  # posted in the village: the applicant may read it as anyone may
INTERNAL = "internal"  # forms kept in the file and lists for other agencies


class IssuedDocument(SQLModel, table=True):
    __tablename__ = "issued_document"
    # One version per document number; a version is superseded at most once, so two staff
    # correcting the same version at once cannot both succeed.
    __table_args__ = (
        sa.UniqueConstraint("number", "version", name="uq_issued_document_number_version"),
        sa.UniqueConstraint("supersedes_id", name="uq_issued_document_supersedes_id"),
        # The renderer's work list: only documents still waiting for their PDF.
        sa.Index(
            "ix_issued_document_pending",
            "id",
            postgresql_where=sa.text("content IS NULL"),
            sqlite_where=sa.text("content IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    # None for a list sent to another agency (医保, 残联), which covers many cases.
    case_id: int | None = Field(default=None, foreign_key="assistance_case.id", index=True)
    county_code: str = Field(max_length=6, index=True)
    kind: str = Field(max_length=40, index=True)
    title: str = Field(max_length=200)
    # 发文字号, e.g. 盐民边认〔2026〕3号; shared by every version of one document.
    number: str = Field(max_length=40)
    version: int = Field(default=1)
    supersedes_id: int | None = Field(default=None, foreign_key="issued_document.id")
    # Why this version exists: a correction's reason, or the stage a form was brought up to.
    reason: str = Field(default="", max_length=1000)
    # The period a list covers ("2025-10", "2025-Q4"); empty for case documents.
    period: str = Field(default="", max_length=10, index=True)
    media_type: str = Field(default=PDF, max_length=100)
    # Empty until laid out; then the bytes as handed out, never changed.
    content: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    sha256: str = Field(default="", max_length=64)
    # Lists are also sent as a spreadsheet, made from the same context.
    spreadsheet: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    spreadsheet_sha256: str = Field(default="", max_length=64)
    # What the template was rendered from (dates and amounts tagged, see documents.context):
    # rendering it again gives the same bytes.
    context: dict[str, Any] = Field(sa_type=sa.JSON)
    template: str = Field(max_length=100)
    issued_on: date
    issued_by: int = Field(foreign_key="app_user.id")
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The case's state when the document was issued, and the act that issued it.
    case_state: str = Field(default="", max_length=30)
    action: str = Field(max_length=40)
    rendered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # 扫码验真: printed on the document with a QR code; the public page /verify/{code} names the
    # document and its stored hash, nothing personal (documents/verification.py).
    verification_code: str | None = Field(default=None, max_length=16, unique=True, index=True)


class DocumentNumberCounter(SQLModel, table=True):
    """The last number given per county, series (文号代字, one per kind) and year."""

    county_code: str = Field(max_length=6, primary_key=True)
    series: str = Field(max_length=10, primary_key=True)
    year: int = Field(primary_key=True)
    last: int = 0


class ImmutableRecord(RuntimeError):
    """Something tried to change or delete an issued document."""


@event.listens_for(IssuedDocument, "before_update")
def _refuse_update(_mapper: Mapper[Any], _connection: Connection, target: IssuedDocument) -> None:
    raise ImmutableRecord(f"文书 {target.number} 第{target.version}版已印发，不能修改；请出具更正版本")


@event.listens_for(IssuedDocument, "before_delete")
def _refuse_delete(_mapper: Mapper[Any], _connection: Connection, target: IssuedDocument) -> None:
    raise ImmutableRecord(f"文书 {target.number} 第{target.version}版已印发，不能删除")


class ArchiveExport(SQLModel, table=True):
    """一户一档 of every case of a township, in one ZIP made by the job queue (64号 第二十八条,
    65号 第二十条): asked for by township or county staff, downloaded when done. The file is kept
    in the database, so that any worker can make it and any web process hand it out."""

    __tablename__ = "archive_export"

    id: int | None = Field(default=None, primary_key=True)
    township_id: int = Field(foreign_key="area.id", index=True)
    county_code: str = Field(max_length=6, index=True)
    requested_by: int = Field(foreign_key="app_user.id")
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # queued | running | done | failed
    status: str = Field(default="queued", max_length=10)
    cases: int = 0
    content: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    sha256: str = Field(default="", max_length=64)
    size: int = 0
    error: str = Field(default="", max_length=2000)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
