"""A document's context as JSON, and back, without losing what the templates need.

Templates take dates (``cn_date``) and Decimal amounts (``money``), which JSON has no type for.
They are stored tagged, ``{"$date": "2025-09-22"}`` and ``{"$decimal": "1234.50"}``, so that the
stored context decodes to exactly what was rendered and rendering it again gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

DATE_TAG = "$date"
DECIMAL_TAG = "$decimal"


def dump_context(value: Any) -> Any:
    """JSON-ready: dicts with string keys, lists, strings, ints, booleans, None, tagged dates and amounts.

    Floats are refused like everywhere money is handled; a datetime has no place in a notice (its
    time of day would make the bytes depend on the clock).
    """
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str) or key.startswith("$"):
                raise TypeError(f"context keys must be strings not starting with $: {key!r}")
            out[key] = dump_context(item)
        return out
    if isinstance(value, list | tuple):
        return [dump_context(item) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, datetime):
        raise TypeError("a document context takes dates, not datetimes")
    if isinstance(value, date):
        return {DATE_TAG: value.isoformat()}
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not an amount: {value}")
        return {DECIMAL_TAG: str(value)}
    raise TypeError(f"a document context cannot hold {type(value).__name__}")


def load_context(value: Any) -> Any:
    """The inverse of ``dump_context``."""
    if isinstance(value, Mapping):
        if len(value) == 1 and DATE_TAG in value:
            return date.fromisoformat(value[DATE_TAG])
        if len(value) == 1 and DECIMAL_TAG in value:
            return Decimal(value[DECIMAL_TAG])
        return {key: load_context(item) for key, item in value.items()}
    if isinstance(value, list):
        return [load_context(item) for item in value]
    return value


__all__ = ["DATE_TAG", "DECIMAL_TAG", "dump_context", "load_context"]
