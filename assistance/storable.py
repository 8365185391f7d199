"""Text and structures the databases can store. PostgreSQL refuses a NUL character in text and
cannot encode a lone UTF-16 surrogate (a JSON "\\ud800" escape decodes to one); a structure
nested thousands deep exhausts the parser's stack. Each is refused at the door with the name of
the field that carries it, instead of failing inside the database with a 500."""

from __future__ import annotations

import re
from typing import Any

from assistance.errors import InvalidInput
from rules.reader import join

# Deeper than any body the service takes (a household is five levels), far short of the stack.
DEEPEST = 32
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def check_text(text: str, field: str) -> None:
    found = _UNSTORABLE.search(text)
    if found is None:
        return
    if found.group() == "\x00":
        raise InvalidInput.field(field, "不能含有空字符（\\u0000）")
    raise InvalidInput.field(field, "含有无效的字符（孤立的 UTF-16 代理项）")


def check_json(data: Any) -> None:
    """Every key and string of a parsed JSON document storable, and no deeper than ``DEEPEST``."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > DEEPEST:
            raise InvalidInput.field(path or "(根)", f"嵌套不能超过{DEEPEST}层")
        if isinstance(value, str):
            check_text(value, path or "(根)")
        elif isinstance(value, dict):
            for key, item in value.items():
                where = join(path, str(key))
                check_text(str(key), where)
                stack.append((item, where, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, join(path, index), depth + 1) for index, item in enumerate(value))


__all__ = ["DEEPEST", "check_json", "check_text"]
