"""Notices as PDF: Jinja2 templates from ``templates/documents/`` laid out by WeasyPrint.

The same template and context give the same bytes (with the same WeasyPrint and fonts), so a notice can
be regenerated from the case record and compared with the one handed to the applicant.
"""

from __future__ import annotations

import gc
import re
import subprocess
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
from markupsafe import Markup

from assistance.config import shipped
from assistance.documents.masking import mask_id, mask_name, mask_phone

TEMPLATE_DIR = shipped("templates") / "documents"
DEFAULT_STYLESHEETS: tuple[str, ...] = ("official.css",)

_CENT = Decimal("0.01")


class DocumentError(RuntimeError):
    """A notice cannot be produced as it should look."""


class CJKFontMissing(DocumentError):
    """No font with Chinese glyphs is known to fontconfig: every Chinese character would print as a box."""


class MissingGlyphs(DocumentError):
    """Characters of the notice that no installed font has: they would print as boxes (tofu)."""

    def __init__(self, characters: Sequence[str]) -> None:
        self.characters = tuple(characters)
        listed = "、".join(f"{c}（U+{ord(c):04X}）" for c in self.characters)
        super().__init__(f"没有字体包含这些字符，打印出来会是方框：{listed}")


def cjk_font_families() -> list[str]:
    """Font families that fontconfig says cover Chinese, as Pango will see them."""
    try:
        listing = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise CJKFontMissing(
            f"cannot ask fontconfig for Chinese fonts ({error}); run scripts/install-system-deps.sh"
        ) from error
    return sorted({line.strip() for line in listing.stdout.splitlines() if line.strip()})


def check_cjk_fonts() -> None:
    """Raise CJKFontMissing unless some installed font covers Chinese."""
    if not cjk_font_families():
        raise CJKFontMissing(
            "no Chinese font is installed (fc-list :lang=zh is empty): install the Debian package "
            "fonts-noto-cjk, e.g. with scripts/install-system-deps.sh"
        )


def chinese_date(value: date) -> str:
    """2026年11月25日: GB/T 9704 writes dates in full with Arabic numerals and no leading zeros."""
    if not isinstance(value, date):
        raise TypeError(f"expected a date, got {type(value).__name__}")
    return f"{value.year}年{value.month}月{value.day}日"


def _cents(value: Decimal) -> Decimal:
    # A float has already lost the cents a household's entitlement is computed in; refuse it outright.
    if not isinstance(value, Decimal):
        raise TypeError(f"amounts must be Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"not an amount: {value}")
    # 四舍五入, as on the county's payment lists, not Python's default banker's rounding.
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    """¥1,234.50 (tables and figures)."""
    cents = _cents(value)
    sign = "-" if cents < 0 else ""
    return f"{sign}¥{abs(cents):,.2f}"


def money_yuan(value: Decimal) -> str:
    """1234.50元 (running text)."""
    cents = _cents(value)
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents):.2f}元"


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG data URI: vector, so it prints sharp at any size, and the same
    bytes every time."""
    import segno

    return str(segno.make(url, error="m").svg_data_uri(scale=2, border=0))


FILTERS: Mapping[str, Any] = {
    "qr_data_uri": qr_data_uri,
    "cn_date": chinese_date,
    "money": money,
    "money_yuan": money_yuan,
    "mask_name": mask_name,
    "mask_id": mask_id,
    "mask_phone": mask_phone,
}


# "64号 第七条" as the service writes an article elsewhere: in a justified line of Chinese the
# space between the two stretches into a gap, so a notice prints it as "64号第七条".
_CITATION_SPACE = re.compile(r"(\d号)\s+(第)")


def _printed(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, Markup):
        return _CITATION_SPACE.sub(r"\1\2", value)
    return value


def make_environment(template_dir: Path = TEMPLATE_DIR) -> jinja2.Environment:
    """Autoescaped, so that applicant-supplied text is never markup; strict, so a missing field fails."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_printed,
    )
    environment.filters.update(FILTERS)
    return environment


@contextmanager
def _collector_paused() -> Iterator[None]:
    # Layout allocates hundreds of thousands of boxes that all live until the PDF is written; the cyclic
    # collector would walk them over and over for nothing: a third of a 1,000-row list's time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class _Engine:
    """WeasyPrint state kept across renders: loading Noto CJK and parsing CSS are the slow parts."""

    weasyprint: Any
    font_config: Any
    url_fetcher: Any
    fatal_fetch_error: type[BaseException]
    stylesheets: dict[Path, tuple[int, Any]]


def _template_only_fetcher(weasyprint: Any, template_dir: Path) -> Any:
    """A URL fetcher that reads files under the template directory and nothing else.

    Context values are escaped, but a template might still put one in a ``src``; a notice must never
    pull a local file or a network resource into a document handed to the public.
    """
    root = template_dir.resolve()

    class TemplateOnlyFetcher(weasyprint.URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(root):
                    return super().fetch(url, headers)
            raise ValueError(f"documents may only use files under {root}: {url}")

    return TemplateOnlyFetcher(allowed_protocols=("file", "data"), fail_on_errors=True)


class DocumentRenderer:
    """Renders the document templates to HTML and PDF.

    One instance per process is enough (see ``default_renderer``); renders are serialised because
    Pango's font map, shared between renders for speed, is not thread-safe.
    """

    def __init__(
        self, template_dir: Path = TEMPLATE_DIR, stylesheets: Sequence[str] = DEFAULT_STYLESHEETS
    ) -> None:
        self.template_dir = Path(template_dir)
        self.stylesheet_names = tuple(stylesheets)
        self.environment = make_environment(self.template_dir)
        self._engine: _Engine | None = None
        self._lock = threading.Lock()

    def render_html(self, template_name: str, context: Mapping[str, Any]) -> str:
        return self.environment.get_template(template_name).render(context)

    def render_pdf(
        self, template_name: str, context: Mapping[str, Any], *, issued: date | None = None
    ) -> bytes:
        """The PDF of a template. ``issued`` (the 成文日期) becomes its creation and modification date;
        without it the PDF carries no date, so that the bytes depend on the template and context only.

        Raises CJKFontMissing when no Chinese font is installed, MissingGlyphs when some character of
        the document (a rare character in a name, say) is in no installed font.
        """
        html = self.render_html(template_name, context)
        with self._lock, _collector_paused():
            engine = self._ready_engine()
            try:
                document = engine.weasyprint.HTML(
                    string=html,
                    base_url=self.template_dir.resolve().as_uri() + "/",
                    url_fetcher=engine.url_fetcher,
                ).render(font_config=engine.font_config, stylesheets=self._stylesheets(engine))
            except engine.fatal_fetch_error as error:
                # A BaseException in WeasyPrint, so that its own handlers let it through; ours is ordinary.
                raise DocumentError(f"{template_name}: {error.__cause__ or error}") from error
            # WeasyPrint takes dates from <meta name=dcterms.*>; pin both here so that no template can
            # bring in a wall-clock date.
            stamp = issued.isoformat() if issued is not None else None
            document.metadata.created = stamp
            document.metadata.modified = stamp
            # /ID is then a digest of the file's own objects (pydyf), not a random or time-based one.
            pdf: bytes = document.write_pdf(pdf_identifier=True)
            missing = sorted(
                {chr(c) for font in document.fonts.values() for c in getattr(font, "missing", ())}
            )
        if missing:
            raise MissingGlyphs(missing)
        return pdf

    def _ready_engine(self) -> _Engine:
        if self._engine is None:
            check_cjk_fonts()
            # Imported here: WeasyPrint loads Pango when imported, and masking or XLSX must not need it.
            import weasyprint  # type: ignore[import-untyped]
            from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]
            from weasyprint.urls import FatalURLFetchingError  # type: ignore[import-untyped]

            self._engine = _Engine(
                weasyprint=weasyprint,
                font_config=FontConfiguration(),
                url_fetcher=_template_only_fetcher(weasyprint, self.template_dir),
                fatal_fetch_error=FatalURLFetchingError,
                stylesheets={},
            )
        return self._engine

    def _stylesheets(self, engine: _Engine) -> list[Any]:
        parsed = []
        for name in self.stylesheet_names:
            path = (self.template_dir / name).resolve()
            # Re-parsed only when the file changes, so editing official.css needs no restart.
            mtime = path.stat().st_mtime_ns
            cached = engine.stylesheets.get(path)
            if cached is None or cached[0] != mtime:
                css = engine.weasyprint.CSS(
                    filename=str(path), font_config=engine.font_config, url_fetcher=engine.url_fetcher
                )
                cached = engine.stylesheets[path] = (mtime, css)
            parsed.append(cached[1])
        return parsed


@cache
def default_renderer() -> DocumentRenderer:
    """The process-wide renderer over ``templates/documents/``."""
    return DocumentRenderer()


def render_pdf(template_name: str, context: Mapping[str, Any], *, issued: date | None = None) -> bytes:
    """``default_renderer().render_pdf``."""
    return default_renderer().render_pdf(template_name, context, issued=issued)
