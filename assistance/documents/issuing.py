"""Issuing a document: give it a number, fix the context it is printed from, check it can be printed.

Callers own the transaction: a notice is issued inside the act that requires it (see
``notices``), a list inside the act that sends it (see ``agency_lists``). Laying the PDF out takes
a tenth of a second for a notice and seconds for a list, so it happens after the commit
(``documents.rendering``): the act already knows the document's number, date and every word of
it, and that every character has a font. Nothing here updates or deletes an issued document;
a correction or a later stage is a new version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Final, Protocol

import jinja2
from sqlmodel import Session, col, select

from assistance.db import next_in_series
from assistance.documents import CJKFontMissing, DocumentError, MissingGlyphs, verification, write_xlsx
from assistance.documents.context import dump_context, load_context
from assistance.documents.glyphs import check_printable
from assistance.documents.issuers import IssuerMissing, issuers_for
from assistance.documents.spreadsheet import Cell
from assistance.errors import FieldProblem, InvalidInput, Unavailable
from assistance.models import DocumentNumberCounter, IssuedDocument
from assistance.models.documents import FOR_APPLICANT, INTERNAL, PDF, PUBLIC

APPLICANT: Final = FOR_APPLICANT
AUDIENCES: Final = (APPLICANT, PUBLIC, INTERNAL)

# Set on a session that issued documents: its commit wakes the renderers (``documents.rendering``).
ISSUED: Final = "documents_issued"

# Headers and rows of a list's spreadsheet, from the list's context.
SheetBuilder = Callable[[Mapping[str, Any]], tuple[Sequence[str], Sequence[Sequence[Cell]]]]


class PdfRenderer(Protocol):
    """What issuing needs of ``assistance.documents.DocumentRenderer``."""

    def render_html(self, template_name: str, context: Mapping[str, Any]) -> str: ...

    def render_pdf(
        self, template_name: str, context: Mapping[str, Any], *, issued: date | None = None
    ) -> bytes: ...


@dataclass(frozen=True, slots=True)
class DocumentKind:
    code: str
    title: str
    template: str
    # 代字 of the number: 边认 in 盐民边认〔2026〕3号. One counter per county, series and year.
    series: str
    article: str
    audience: str
    # A later issue on the same case is a new version of the same document (a form brought up to
    # date as stages add their opinions), not a new document.
    versioned: bool = False
    # Context paths (dotted) whose text a correction may change; everything else is fact
    # taken from the case and is corrected by correcting the case.
    editable: tuple[str, ...] = ()
    # Lists are also issued as a spreadsheet.
    sheet: SheetBuilder | None = None
    sheet_name: str = "名单"

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise ValueError(f"{self.code}: unknown audience {self.audience}")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _next_in_counter(session: Session, county_code: str, series: str, year: int) -> int:
    """The county's next number in the series and year. The counter row is locked (PostgreSQL)
    until the commit so that two acts at once never share a number; on SQLite the writer lock
    serialises them."""
    key = {"county_code": county_code, "series": series, "year": year}
    return next_in_series(session, DocumentNumberCounter.__table__, key)  # type: ignore[attr-defined]


def _number(short: str, series: str, year: int, last: int) -> str:
    """盐民边认〔2026〕3号: the county's 代字, 民 for 民政, the series, the year, the number."""
    return f"{short}民{series}〔{year}〕{last}号"


@contextmanager
def _refusals(kind: DocumentKind) -> Iterator[None]:
    """A document that cannot be printed as it should look, said in the service's terms."""
    try:
        yield
    except MissingGlyphs as exc:
        raise InvalidInput(
            f"无法生成《{kind.title}》：有字符没有字体可以打印，请核对姓名等信息中的生僻字",
            [FieldProblem("document", str(exc))],
        ) from exc
    except CJKFontMissing as exc:
        raise Unavailable(
            f"无法生成《{kind.title}》：服务器未安装中文字体", [FieldProblem("document", str(exc))]
        ) from exc
    except (DocumentError, jinja2.TemplateError) as exc:
        raise Unavailable(f"无法生成《{kind.title}》", [FieldProblem("document", str(exc))]) from exc


def check(kind: DocumentKind, stored: Mapping[str, Any], renderer: PdfRenderer) -> None:
    """What the act must know before it commits: the template takes the context, and every
    character of the text has a font. The layout itself is then only a matter of time."""
    with _refusals(kind):
        check_printable(renderer.render_html(kind.template, load_context(stored)))


def render(
    kind: DocumentKind, stored: Mapping[str, Any], issued_on: date, renderer: PdfRenderer
) -> tuple[bytes, bytes | None]:
    """The PDF (and for a list the XLSX) of a stored context. Decoding what is stored, rather than
    rendering what was built, is what makes a later regeneration byte-for-byte the same."""
    context = load_context(stored)
    with _refusals(kind):
        pdf = renderer.render_pdf(kind.template, context, issued=issued_on)
    if kind.sheet is None:
        return pdf, None
    headers, rows = kind.sheet(context)
    # The workbook's own creation time is the issue date: no clock in the bytes.
    created = datetime.combine(issued_on, time())
    sheet = write_xlsx(str(context["title"]), headers, rows, sheet_name=kind.sheet_name, created=created)
    return pdf, sheet


def issue(
    session: Session,
    kind: DocumentKind,
    context: Mapping[str, Any],
    *,
    county_code: str,
    case_id: int | None,
    issued_on: date,
    issued_by: int,
    action: str,
    renderer: PdfRenderer,
    case_state: str = "",
    supersedes: IssuedDocument | None = None,
    reason: str = "",
    period: str = "",
) -> IssuedDocument:
    """Number, check and keep a document, to be laid out after the commit (``documents.rendering``);
    ``supersedes`` makes it the next version of that one.

    The context gets the number, title, version and issue date, so that the stored context is all
    a template sees.
    """
    version = supersedes.version + 1 if supersedes is not None else 1
    code = verification.new_code()
    full = {
        "title": kind.title,
        **context,
        "version": version,
        "issued": issued_on,
        "verification": verification.printed(code),
    }
    series, year = kind.series, issued_on.year
    if supersedes is not None:
        shown = supersedes.number
    else:
        try:
            short = issuers_for(county_code).short
        except IssuerMissing as exc:
            raise Unavailable(f"无法生成《{kind.title}》：未配置该县（市、区）的发文机关", []) from exc
        shown = _number(short, series, year, 0)
    # Checked before a number is drawn: drawing it locks the county's counter until the commit,
    # and every other act of the county that issues a document waits for it. One number differs
    # from another only in its digits, which every font prints.
    checked = dump_context({**full, "number": shown})
    check(kind, checked, renderer)
    number = (
        shown
        if supersedes is not None
        else _number(short, series, year, _next_in_counter(session, county_code, series, year))
    )
    stored = {**checked, "number": number}  # a string is stored as it is
    document = IssuedDocument(
        case_id=case_id,
        county_code=county_code,
        kind=kind.code,
        title=str(full["title"]),
        number=number,
        version=version,
        supersedes_id=supersedes.id if supersedes is not None else None,
        reason=reason,
        period=period,
        media_type=PDF,
        context=stored,
        template=kind.template,
        issued_on=issued_on,
        issued_by=issued_by,
        case_state=case_state,
        action=action,
        verification_code=code,
    )
    session.add(document)
    session.flush()
    session.info[ISSUED] = True
    return document


def regenerate(
    kind: DocumentKind, document: IssuedDocument, renderer: PdfRenderer
) -> tuple[bytes, bytes | None]:
    """The document rendered again from its stored context: the same bytes, as long as WeasyPrint,
    the fonts and the template are the ones it was issued with."""
    return render(kind, document.context, document.issued_on, renderer)


def latest_version(session: Session, number: str) -> IssuedDocument | None:
    return session.exec(
        select(IssuedDocument)
        .where(IssuedDocument.number == number)
        .order_by(col(IssuedDocument.version).desc())
    ).first()


__all__ = [
    "APPLICANT",
    "AUDIENCES",
    "INTERNAL",
    "ISSUED",
    "PUBLIC",
    "DocumentKind",
    "PdfRenderer",
    "SheetBuilder",
    "check",
    "digest",
    "issue",
    "latest_version",
    "regenerate",
    "render",
]
