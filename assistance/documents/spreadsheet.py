"""Lists as XLSX (名单推送表, monthly lists for 医保 and 残联): a title row, Chinese headers, the rows.

Deterministic like the PDFs: the same rows give the same bytes, whatever the clock says.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]

from assistance.clock import beijing

Cell = str | int | Decimal | date | datetime | None

# The earliest date a zip entry can carry; used wherever a file format insists on a timestamp.
FIXED_TIMESTAMP = datetime(1980, 1, 1)

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

_MIN_WIDTH = 6
_MAX_WIDTH = 60
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")


def _display_width(text: str) -> int:
    # Excel column widths count in “0” digits; a Chinese character takes about two of them.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _shown(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def write_xlsx(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    sheet_name: str = "Sheet1",
    created: datetime | None = None,
) -> bytes:
    """One worksheet: ``title`` merged over the first row, ``headers`` bold and frozen in the second,
    then ``rows``. Decimals are shown with two decimals and thousands separators, dates as 2026年11月25日.

    ``created`` is recorded as the workbook's creation and modification time (default: 1980-01-01,
    i.e. none). Floats are refused, like everywhere amounts are handled: they cannot hold cents exactly.
    """
    if not headers:
        raise ValueError("a list needs at least one column")
    stamp = created if created is not None else FIXED_TIMESTAMP
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name
    columns = len(headers)
    widths = [_display_width(h) for h in headers]

    sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    sheet.row_dimensions[1].height = 28

    for column, header in enumerate(headers, 1):
        cell = sheet.cell(row=2, column=column, value=header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    for row_number, row in enumerate(rows, 3):
        if len(row) != columns:
            raise ValueError(f"row {row_number - 2} has {len(row)} cells for {columns} headers")
        for column, value in enumerate(row, 1):
            if isinstance(value, float | bool) or not isinstance(value, Cell):
                raise TypeError(f"row {row_number - 2}, column {column}: unsupported {type(value).__name__}")
            if isinstance(value, datetime):
                # Stored in UTC; a reader of the list reads Beijing time (Excel keeps no zone).
                value = beijing(value).replace(tzinfo=None)
            cell = sheet.cell(row=row_number, column=column, value=value)
            cell.border = _BORDER
            if isinstance(value, str):
                # openpyxl stores any text starting with “=” as a formula; an applicant's address must
                # never become one in a list sent to another department.
                cell.data_type = "s"
            elif isinstance(value, Decimal):
                cell.number_format = MONEY_FORMAT
            elif isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            widths[column - 1] = max(widths[column - 1], _display_width(_shown(value)))

    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "1:2"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    properties = workbook.properties
    properties.title = title
    properties.creator = "assistance"
    properties.created = stamp
    properties.modified = stamp
    properties.lastModifiedBy = None
    return _pinned_zip(workbook)


def _pinned_zip(workbook: Workbook) -> bytes:
    # openpyxl's save_workbook stamps the current time into docProps/core.xml, and zip entries carry
    # the current time and the writer's OS. Write without the former, then repack without the latter.
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    pinned = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(pinned, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry))
    return pinned.getvalue()
