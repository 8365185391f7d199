"""Which characters the installed fonts can print, asked of fontconfig before a document is laid out.

An act issues its documents in its own transaction but the PDF is laid out after the commit
(``documents.rendering``), so the act cannot learn from WeasyPrint that a rare character in a name
would print as a box. Pango falls back through every font fontconfig knows, so a character is
printable when some installed font's charset has it; fontconfig lists all charsets in one call.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
import unicodedata
from collections.abc import Iterable

from assistance.documents.render import CJKFontMissing, MissingGlyphs

# A character every Chinese font has: without it no Chinese text can be printed at all.
_PROBE = ord("民")
_TAG = re.compile(r"<[^>]*>")

_lock = threading.Lock()
_coverage: dict[str, list[tuple[int, int]]] = {}
_printable: dict[int, set[str]] = {}  # by the id of a coverage kept in _coverage


def _ranges(listing: str) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for token in listing.split():
        first, _, last = token.partition("-")
        ranges.append((int(first, 16), int(last or first, 16)))
    return _merged(ranges)


def _merged(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def coverage() -> list[tuple[int, int]]:
    """The code points some installed font has, as sorted, merged ranges (per fontconfig setup)."""
    key = os.environ.get("FONTCONFIG_FILE", "")
    with _lock:
        cached = _coverage.get(key)
        if cached is not None:
            return cached
        try:
            command = ["fc-list", "--format", "%{charset}\n"]
            listing = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout
        except (OSError, subprocess.SubprocessError) as error:
            raise CJKFontMissing(f"cannot ask fontconfig for fonts ({error})") from error
        ranges = _ranges(listing)
        _coverage[key] = ranges
        return ranges


def _covered(ranges: list[tuple[int, int]], code: int) -> bool:
    low, high = 0, len(ranges)
    while low < high:
        middle = (low + high) // 2
        first, last = ranges[middle]
        if code < first:
            high = middle
        elif code > last:
            low = middle + 1
        else:
            return True
    return False


def unprintable(text: str) -> list[str]:
    """The characters of ``text`` that no installed font has, in code point order."""
    ranges = coverage()
    # Per font setup, the characters already found printable: a document's few hundred characters
    # are nearly all ones an earlier document had.
    known = _printable.setdefault(id(ranges), set())
    missing = []
    for c in set(text) - known:
        if c.isspace() or unicodedata.category(c) == "Cc" or _covered(ranges, ord(c)):
            known.add(c)
        else:
            missing.append(c)
    return sorted(missing)


def check_printable(html: str) -> None:
    """Raise CJKFontMissing without a Chinese font, MissingGlyphs for characters no font has."""
    if not _covered(coverage(), _PROBE):
        raise CJKFontMissing(
            "no Chinese font is installed: install the Debian package fonts-noto-cjk, "
            "e.g. with scripts/install-system-deps.sh"
        )
    missing = unprintable(_TAG.sub(" ", html))
    if missing:
        raise MissingGlyphs(missing)


__all__ = ["check_printable", "coverage", "unprintable"]
