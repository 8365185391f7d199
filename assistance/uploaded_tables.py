"""Reading a table a person sends: a CSV (UTF-8 or GBK, as Excel saves it) or an XLSX file with a
header row somewhere near the top. What it unpacks to and how many rows it has are bounded before
it is parsed, so a crafted file is refused at once with flat memory. Each import names its own
headers and required fields; the rows come back as text by field, numbered as the user sees them.
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from assistance.errors import InvalidInput

MAX_BYTES: Final = 5 * 1024 * 1024
MAX_ROWS: Final = 20000
# A workbook is a zip of XML: what it unpacks to is bounded before any of it is parsed, so that a
# crafted file (a "zip bomb", or billions of empty cells) is refused at once with flat memory.
MAX_UNPACKED: Final = 40 * 1024 * 1024
MAX_RATIO: Final = 200  # unpacked to packed, per member; real sheets compress about 10:1
MAX_MEMBERS: Final = 200
MAX_COLUMNS: Final = 60


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # as the user sees it in the file: the header is row 1
    values: dict[str, str]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_packing(content: bytes) -> None:
    try:
        members = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise InvalidInput.field("file", "不是有效的 Excel（.xlsx）文件") from exc
    if len(members) > MAX_MEMBERS:
        raise InvalidInput.field("file", "不是有效的 Excel（.xlsx）文件：内部文件过多")
    unpacked = sum(m.file_size for m in members)
    too_dense = any(
        m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members if m.file_size > 1024 * 1024
    )
    if unpacked > MAX_UNPACKED or too_dense:
        raise InvalidInput.field(
            "file", f"表格解压后过大（不超过{MAX_UNPACKED // (1024 * 1024)}MB），请删去多余内容后再导入"
        )


def _workbook_rows(content: bytes) -> list[list[str]]:
    """The first sheet's rows, read no further than the row limit allows. openpyxl parses with
    defusedxml (installed with the service), so entity tricks are refused too."""
    _check_packing(content)
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        # The header may sit a few rows down: the limit plus some, then no further.
        table = [[_cell(v) for v in row] for row in itertools.islice(rows, MAX_ROWS + 21)]
    # openpyxl raises many kinds of error for a file that is not a workbook.
    except Exception as exc:
        raise InvalidInput.field("file", "不是有效的 Excel（.xlsx）文件") from exc
    if len(table) > MAX_ROWS + 20:
        raise InvalidInput.field("file", f"一次不超过{MAX_ROWS}行")
    return table


def read_table(
    filename: str,
    content: bytes,
    headers: Mapping[str, str],
    required: Sequence[str],
    labels: Mapping[str, str],
) -> list[Row]:
    """The file's rows as text by field (``headers``: a header's text → its field), or
    InvalidInput naming what is wrong with the file. The header row is the first with at least
    three known headers (or all of them, for a table of fewer columns), wherever it sits."""
    if not content:
        raise InvalidInput.field("file", "文件为空")
    if len(content) > MAX_BYTES:
        raise InvalidInput.field("file", "文件不超过5MB")
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        table = _workbook_rows(content)
    elif lower.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InvalidInput.field("file", "CSV 文件应为 UTF-8 或 GBK 编码")
        table = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise InvalidInput.field("file", "请上传 .csv 或 .xlsx 文件")
    enough = min(3, len(required))
    header_at = next(
        (i for i, row in enumerate(table) if sum(1 for c in row if c in headers) >= enough), None
    )
    if header_at is None:
        raise InvalidInput.field("file", f"找不到表头：应包含 {'、'.join(labels[f] for f in required)}")
    fields = [headers.get(c, "") for c in table[header_at]]
    missing = [labels[f] for f in required if f not in fields]
    if missing:
        raise InvalidInput.field("file", f"表头缺少：{'、'.join(missing)}")
    rows = []
    for offset, raw in enumerate(table[header_at + 1 :], start=header_at + 2):
        if not any(raw):
            continue
        values = {f: (raw[i] if i < len(raw) else "") for i, f in enumerate(fields) if f}
        rows.append(Row(offset, values))
    if not rows:
        raise InvalidInput.field("file", "表中没有数据行")
    if len(rows) > MAX_ROWS:
        raise InvalidInput.field("file", f"一次不超过{MAX_ROWS}行")
    return rows
