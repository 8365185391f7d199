"""assistance.documents: notices as PDF, lists as XLSX, masking for publicity (65号 第十六条).

The PDFs are read back with poppler-utils (pdftotext, pdfinfo, pdffonts; scripts/install-system-deps.sh).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook  # type: ignore[import-untyped]

from assistance.documents import (
    TEMPLATE_DIR,
    CJKFontMissing,
    DocumentError,
    DocumentRenderer,
    MissingGlyphs,
    check_cjk_fonts,
    chinese_date,
    mask_id,
    mask_name,
    mask_phone,
    money,
    money_yuan,
    write_xlsx,
)
from assistance.documents.masking import COMPOUND_SURNAMES

ISSUED = date(2026, 11, 25)
SAMPLE = "sample_notice.html"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

HOUSEHOLDS = [
    ("王建国", "140802198003151239", "13812345678", Decimal("1234.5")),
    ("欧阳娜娜", "14080219850704002X", "0359-2345678", Decimal("987.654")),
    ("李芳", "142701194501011230", "+86 139 0359 1234", Decimal("1000")),
    ("司马相如", "140802200002290026", "15935991234", Decimal("0.005")),
]


def sample_context(rows: int = 4) -> dict[str, Any]:
    households = [
        {
            "name": name,
            "id_number": id_number,
            "phone": phone,
            "size": 3,
            "income": income,
            "village": "东城村",
        }
        for name, id_number, phone, income in (HOUSEHOLDS[i % len(HOUSEHOLDS)] for i in range(rows))
    ]
    return {
        "issuer": "运城市盐湖区民政局",
        "number": "盐民发〔2026〕12号",
        "title": "低保边缘家庭认定结果公示",
        "addressee": "各有关村（社区）",
        "period_start": date(2026, 11, 25),
        "period_end": date(2026, 12, 1),
        "threshold": Decimal("1260"),
        "households": households,
        "hotline": "0359-2081234",
        "issued": ISSUED,
        "copy_to": "运城市民政局",
    }


def poppler(tool: str, pdf: bytes, *args: str) -> str:
    result = subprocess.run(
        [tool, *args, "-", "-"] if tool == "pdftotext" else [tool, "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def embedded_fonts(pdf: bytes) -> list[str]:
    """Font names in the PDF, without the subset prefix (ABCDEF+)."""
    lines = poppler("pdffonts", pdf).splitlines()[2:]
    return [line.split()[0].split("+", 1)[-1] for line in lines if line.strip()]


def assert_chinese_text(pdf: bytes, *expected: str) -> str:
    """Every expected string is in the PDF's text and is drawn with a CJK font; returns the text.

    The text alone cannot show tofu: WeasyPrint maps a glyph missing from a font to a spare glyph id
    whose ToUnicode entry is the original character, so pdftotext prints perfect Chinese over a page of
    boxes (test_text_extraction_alone_cannot_see_tofu). A missing CJK font shows instead as Pango's
    fallback, DejaVu or the like, among the embedded fonts; a character missing from the CJK font itself
    is refused by the renderer (MissingGlyphs).
    """
    text = poppler("pdftotext", pdf, "-layout")
    # Layout mode breaks lines and pads columns with spaces; compare without them.
    flat = re.sub(r"\s+", "", text)
    for string in expected:
        assert re.sub(r"\s+", "", string) in flat, f"{string!r} not in the PDF text"
    fonts = embedded_fonts(pdf)
    assert fonts, "no font embedded"
    assert all("CJK" in font for font in fonts), f"text drawn with non-CJK fonts (tofu): {fonts}"
    return text


def page_count(pdf: bytes) -> int:
    match = re.search(r"^Pages:\s+(\d+)$", poppler("pdfinfo", pdf), re.MULTILINE)
    assert match
    return int(match.group(1))


@pytest.fixture(scope="module")
def renderer() -> DocumentRenderer:
    return DocumentRenderer()


@pytest.fixture(scope="module")
def long_sample(renderer: DocumentRenderer) -> bytes:
    return renderer.render_pdf(SAMPLE, sample_context(40), issued=ISSUED)


@pytest.fixture
def fonts_without_cjk(tmp_path: Path) -> Iterator[Path]:
    """A fontconfig configuration that knows DejaVu only: what a machine without fonts-noto-cjk sees."""
    if not DEJAVU.is_dir():
        pytest.skip("needs DejaVu (fonts-dejavu-core) as the only font of a CJK-less configuration")
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{DEJAVU}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n"
    )
    yield config


# ---- PDF: text, pages, fonts ----


def test_sample_text_comes_back_exactly(long_sample: bytes) -> None:
    assert_chinese_text(
        long_sample,
        "运城市盐湖区民政局",
        "盐民发〔2026〕12号",
        "低保边缘家庭认定结果公示",
        "各有关村（社区）：",
        "根据《低保边缘家庭认定实施办法》（运民发〔2023〕64号）第二十三条，下列40户家庭拟认定为低保边缘家庭"
        "（家庭人均月收入低于1260.00元），现予公示。",
        "公示期：2026年11月25日至2026年12月1日。",
        "如有异议，请于公示期内向县民政局反映，监督电话：0359-2081234。",
        "（印章）",
        "2026年11月25日",
        "（此件公开发布）",
        "抄送：运城市民政局。",
        "2026年11月25日印发",
    )


def test_list_is_masked_for_publicity(long_sample: bytes) -> None:
    text = assert_chinese_text(
        long_sample,
        "王**",
        "欧阳**",
        "李*",
        "司马**",
        "140802********1239",
        "140802********002X",
        "138****5678",
        "0359-***5678",
        "+86139****1234",
        "¥1,234.50",
        "¥987.65",
        "¥1,000.00",
        "¥0.01",
    )
    for name, id_number, phone, _ in HOUSEHOLDS:
        assert name not in text
        assert id_number not in text
        assert phone not in text
    for birth_date in ("19800315", "19850704", "19450101"):
        assert birth_date not in text


def test_long_list_runs_over_pages_with_header_and_numbers(long_sample: bytes) -> None:
    pages = page_count(long_sample)
    assert pages >= 2
    text = poppler("pdftotext", long_sample, "-layout")
    page_texts = text.split("\f")[:pages]
    for number, page in enumerate(page_texts, 1):
        assert re.search(rf"—\s*{number}\s*—", page), f"page {number} has no “— {number} —”"
        # thead repeats on every page.
        assert "身份证号码" in page
    assert "40" in page_texts[-1]


def test_short_notice_is_one_page(renderer: DocumentRenderer) -> None:
    pdf = renderer.render_pdf(SAMPLE, sample_context(1), issued=ISSUED)
    assert page_count(pdf) == 1
    assert re.search(r"—\s*1\s*—", poppler("pdftotext", pdf, "-layout"))


def test_pdf_is_a4_with_title_and_issue_date(long_sample: bytes) -> None:
    info = poppler("pdfinfo", long_sample)
    assert re.search(r"^Page size:\s+595\.\d* x 841\.\d* pts \(A4\)", info, re.MULTILINE)
    assert re.search(r"^Title:\s+低保边缘家庭认定结果公示$", info, re.MULTILINE)
    assert re.search(r"^CreationDate:.*2026", info, re.MULTILINE)


def test_text_extraction_alone_cannot_see_tofu(fonts_without_cjk: Path, renderer: DocumentRenderer) -> None:
    # WeasyPrint straight, without the renderer's font check, on a machine with no CJK font.
    html = renderer.render_html(SAMPLE, sample_context(2))
    script = textwrap.dedent(
        """
        import sys, weasyprint
        css = weasyprint.CSS(filename=sys.argv[1])
        html = sys.stdin.buffer.read().decode()
        sys.stdout.buffer.write(weasyprint.HTML(string=html).write_pdf(stylesheets=[css]))
        """
    )
    tofu = subprocess.run(
        [sys.executable, "-c", script, str(TEMPLATE_DIR / "official.css")],
        input=html.encode(),
        capture_output=True,
        check=True,
        env={**os.environ, "FONTCONFIG_FILE": str(fonts_without_cjk)},
    ).stdout
    flat = re.sub(r"\s+", "", poppler("pdftotext", tofu, "-layout"))
    assert "运城市盐湖区民政局" in flat
    with pytest.raises(AssertionError, match="non-CJK fonts"):
        assert_chinese_text(tofu, "运城市盐湖区民政局")


# ---- refusing to print boxes ----


def test_no_cjk_font_is_refused(fonts_without_cjk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FONTCONFIG_FILE", str(fonts_without_cjk))
    with pytest.raises(CJKFontMissing, match="fonts-noto-cjk"):
        check_cjk_fonts()
    with pytest.raises(CJKFontMissing):
        DocumentRenderer().render_pdf(SAMPLE, sample_context(1))


def test_cjk_fonts_are_installed() -> None:
    check_cjk_fonts()


def test_character_in_no_font_is_refused(renderer: DocumentRenderer) -> None:
    rare = "\U00030000"  # CJK Extension G: a 生僻字 that Noto CJK (2022) does not draw.
    covering = subprocess.run(
        ["fc-list", f":charset={ord(rare):x}", "family"], capture_output=True, text=True, check=True
    )
    if covering.stdout.strip():
        pytest.skip(f"an installed font draws U+{ord(rare):04X}")
    context = sample_context(1) | {"addressee": f"王{rare}"}
    with pytest.raises(MissingGlyphs) as refused:
        renderer.render_pdf(SAMPLE, context)
    assert refused.value.characters == (rare,)


# ---- determinism ----


def test_same_input_same_bytes(renderer: DocumentRenderer, long_sample: bytes) -> None:
    assert renderer.render_pdf(SAMPLE, sample_context(40), issued=ISSUED) == long_sample


def test_same_bytes_in_another_process(renderer: DocumentRenderer) -> None:
    # Another process has another hash seed, another font cache state and another clock.
    script = textwrap.dedent(
        """
        import sys
        from datetime import date
        from test_unit_documents import SAMPLE, sample_context
        from assistance.documents import DocumentRenderer
        pdf = DocumentRenderer().render_pdf(SAMPLE, sample_context(6), issued=date(2026, 11, 25))
        sys.stdout.buffer.write(pdf)
        """
    )
    there = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        check=True,
        cwd=Path(__file__).parent,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    ).stdout
    assert there == renderer.render_pdf(SAMPLE, sample_context(6), issued=ISSUED)


def test_without_issue_date_the_pdf_has_no_date(renderer: DocumentRenderer) -> None:
    info = poppler("pdfinfo", renderer.render_pdf(SAMPLE, sample_context(1)))
    assert "CreationDate" not in info
    assert "ModDate" not in info


# ---- templates ----


def test_context_values_are_escaped(renderer: DocumentRenderer) -> None:
    html = renderer.render_html(SAMPLE, sample_context(1) | {"addressee": "<b>王建国</b>"})
    assert "&lt;b&gt;王建国&lt;/b&gt;" in html
    assert "<b>" not in html


def test_missing_context_value_fails(renderer: DocumentRenderer) -> None:
    context = sample_context(1)
    del context["hotline"]
    with pytest.raises(jinja2.UndefinedError, match="hotline"):
        renderer.render_html(SAMPLE, context)


def test_notice_cannot_read_files_outside_its_templates(tmp_path: Path) -> None:
    (tmp_path / "official.css").write_text("")
    (tmp_path / "peek.html").write_text('<img src="{{ path }}">')
    outside = DocumentRenderer(template_dir=tmp_path)
    for path in ("/etc/hostname", "file:///etc/passwd", "http://127.0.0.1:9/x.png"):
        with pytest.raises(DocumentError, match="only use files under"):
            outside.render_pdf("peek.html", {"path": path})


def test_masthead_is_left_out_without_issuer(tmp_path: Path) -> None:
    (tmp_path / "base.html").write_text((TEMPLATE_DIR / "base.html").read_text())
    (tmp_path / "form.html").write_text(
        '{% extends "base.html" %}'
        "{% block title %}申请审核确认表{% endblock %}"
        "{% block body %}<p>表</p>{% endblock %}"
    )
    html = DocumentRenderer(template_dir=tmp_path).render_html("form.html", {})
    assert "masthead" not in html
    assert "addressee" not in html
    assert "<title>申请审核确认表</title>" in html


# ---- filters ----


def test_chinese_date() -> None:
    assert chinese_date(date(2026, 11, 25)) == "2026年11月25日"
    assert chinese_date(date(2026, 1, 5)) == "2026年1月5日"
    assert chinese_date(datetime(2026, 3, 9, 23, 59)) == "2026年3月9日"
    with pytest.raises(TypeError):
        chinese_date("2026-11-25")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "symbol", "yuan"),
    [
        (Decimal("1234.5"), "¥1,234.50", "1234.50元"),
        (Decimal("1234567.891"), "¥1,234,567.89", "1234567.89元"),
        (Decimal("0.005"), "¥0.01", "0.01元"),
        (Decimal("2.675"), "¥2.68", "2.68元"),
        (Decimal("0"), "¥0.00", "0.00元"),
        (Decimal("-0.001"), "¥0.00", "0.00元"),
        (Decimal("-1234.5"), "-¥1,234.50", "-1234.50元"),
    ],
)
def test_money(amount: Decimal, symbol: str, yuan: str) -> None:
    assert money(amount) == symbol
    assert money_yuan(amount) == yuan


@pytest.mark.parametrize("amount", [1234.5, 1234, "1234.50", None])
def test_money_takes_decimal_only(amount: Any) -> None:
    with pytest.raises(TypeError, match="Decimal"):
        money(amount)
    with pytest.raises(TypeError, match="Decimal"):
        money_yuan(amount)


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("Infinity")])
def test_money_refuses_non_amounts(amount: Decimal) -> None:
    with pytest.raises(ValueError):
        money(amount)


# ---- masking ----


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("王建国", "王**"),
        ("王芳", "王**"),
        ("王", "**"),
        ("", ""),
        ("  王建国 ", "王**"),
        ("欧阳娜娜", "欧阳**"),
        ("欧阳娜", "欧阳**"),
        ("欧阳", "欧**"),
        ("司马相如", "司马**"),
        ("上官婉儿", "上官**"),
        ("诸葛亮", "诸葛**"),
        ("欧建国", "欧**"),
        ("司建", "司**"),
        ("阿依古丽·买买提", "阿**"),
        ("张三丰丰丰", "张**"),
        ("周" + "一" * 25, "周**"),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    "surname",
    ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯"],
)
def test_compound_surnames_keep_both_characters(surname: str) -> None:
    assert surname in COMPOUND_SURNAMES
    assert mask_name(surname + "明") == surname + "**"
    assert mask_name(surname + "明远") == surname + "**"


@given(st.text(alphabet=st.characters(categories=["Lo"]), min_size=2, max_size=8))
def test_mask_name_keeps_at_most_the_surname(name: str) -> None:
    masked = mask_name(name)
    # The same width of mask for every name: its length does not show.
    assert masked.endswith("**") and not masked.endswith("***")
    kept = len(masked.rstrip("*"))
    assert kept in (1, 2)
    assert masked[:kept] == name[:kept]
    assert kept < len(name)


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("140802198003151239", "140802********1239"),
        ("11010519491231002x", "110105********002X"),
        (" 140802198003151239 ", "140802********1239"),
        ("140802800315123", "140802******123"),
        ("E12345678", "E1*****78"),
        ("12345", "1***5"),
        ("1234", "****"),
        ("", ""),
    ],
)
def test_mask_id(number: str, masked: str) -> None:
    assert mask_id(number) == masked


@given(st.from_regex(r"\A\d{17}[\dX]\Z"))
def test_mask_id_hides_birth_date_and_sequence(number: str) -> None:
    masked = mask_id(number)
    assert masked[:6] == number[:6]
    assert masked[6:14] == "*" * 8
    assert masked[14:] == number[14:]


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("+86 138 1234 5678", "+86138****5678"),
        ("0359-2345678", "0359-***5678"),
        ("03592345678", "0359-***5678"),
        ("(0359) 2345678", "0359-***5678"),
        ("010-12345678", "010-****5678"),
        ("2345678", "***5678"),
        ("12345", "*2345"),
        ("110", "***"),
        ("", ""),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


# ---- XLSX ----

HEADERS = ["序号", "户主姓名", "身份证号码", "人均月收入（元）", "认定日期", "备注"]
ROWS: list[list[Any]] = [
    [1, "王建国", "140802198003151239", Decimal("1234.50"), date(2026, 11, 25), None],
    [2, "欧阳娜娜", "14080219850704002X", Decimal("-0.5"), date(2026, 1, 5), '=HYPERLINK("http://x")'],
]


def test_xlsx_round_trip() -> None:
    data = write_xlsx("2026年11月低保边缘家庭新增名单", HEADERS, ROWS, sheet_name="新增")
    sheet = load_workbook(io.BytesIO(data))["新增"]
    assert sheet["A1"].value == "2026年11月低保边缘家庭新增名单"
    assert sheet["A1"].font.bold
    assert "A1:F1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[2]] == HEADERS
    assert all(c.font.bold for c in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert [c.value for c in sheet[3]] == [
        1,
        "王建国",
        "140802198003151239",
        1234.5,
        datetime(2026, 11, 25),
        None,
    ]
    assert sheet["D3"].number_format == "#,##0.00"
    assert sheet.max_row == 4
    # Text that looks like a formula stays text.
    assert sheet["F4"].value == '=HYPERLINK("http://x")'
    assert sheet["F4"].data_type == "s"
    # Wide enough for the 18-digit ID; a Chinese header counts double.
    assert sheet.column_dimensions["C"].width >= 20
    assert sheet.column_dimensions["D"].width >= 16


def test_xlsx_is_deterministic() -> None:
    first = write_xlsx("名单", HEADERS, ROWS)
    assert write_xlsx("名单", HEADERS, ROWS) == first
    stamped = write_xlsx("名单", HEADERS, ROWS, created=datetime(2026, 11, 25, 9, 30))
    assert stamped != first
    properties = load_workbook(io.BytesIO(stamped)).properties
    assert properties.created == properties.modified == datetime(2026, 11, 25, 9, 30)


def test_xlsx_shows_stored_instants_in_beijing_time() -> None:
    # 04:29 UTC, as the database gives it back, is 12:29 in Beijing (issue 20 item 7).
    stored = datetime(2026, 12, 4, 4, 29, tzinfo=UTC)
    data = write_xlsx("名单", ["办理时间"], [[stored]])
    cell = load_workbook(io.BytesIO(data)).active.cell(row=3, column=1).value
    assert cell == datetime(2026, 12, 4, 12, 29)


def test_xlsx_refuses_floats_and_ragged_rows() -> None:
    with pytest.raises(TypeError, match="float"):
        write_xlsx("名单", ["金额"], [[1234.5]])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="row 2 has 1 cells for 2 headers"):
        write_xlsx("名单", ["序号", "姓名"], [[1, "王"], [2]])
    with pytest.raises(ValueError):
        write_xlsx("名单", [], [])


def test_an_article_is_cited_without_a_space_that_justification_would_stretch() -> None:
    """ "64号　　第七条" showed a gap in a justified line of the recognition notice (issue 19)."""
    from assistance.documents.render import make_environment

    printed = (
        make_environment()
        .from_string("{{ a }}（依据：{{ b }}）")
        .render(a="64号 第七条", b="65号  第六条（四）")
    )
    assert printed == "64号第七条（依据：65号第六条（四））"
    written = [
        p.name for p in TEMPLATE_DIR.glob("*.html") if re.search(r"\d号 第", p.read_text(encoding="utf-8"))
    ]
    assert not written


@pytest.mark.parametrize(
    ("on", "month", "quarter"),
    [
        (date(2026, 12, 6), "2026-11", "2026-Q3"),
        (date(2026, 1, 2), "2025-12", "2025-Q4"),
        (date(2026, 4, 1), "2026-03", "2026-Q1"),
        (date(2026, 3, 31), "2026-02", "2025-Q4"),
    ],
)
def test_the_list_forms_offer_the_last_period_that_has_ended(on: date, month: str, quarter: str) -> None:
    from assistance.documents.agency_lists import last_complete_month, last_complete_quarter

    assert (last_complete_month(on), last_complete_quarter(on)) == (month, quarter)
