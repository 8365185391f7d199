"""Yuan amounts: exact Decimal arithmetic, shown to the fen."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Final

FEN: Final = Decimal("0.01")
ZERO: Final = Decimal(0)
MONTHS_PER_YEAR: Final = Decimal(12)


def to_fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def yuan(amount: Decimal) -> str:
    """'1140.00': the figure as printed in decisions and notices."""
    return str(amount.quantize(FEN, ROUND_HALF_UP))


@lru_cache(maxsize=256)
def ratio(value: Decimal) -> str:
    """'1.5', '30%': a multiplier or rate without trailing zeros."""
    return format(value.normalize(), "f")


@lru_cache(maxsize=256)
def percent(rate: Decimal) -> str:
    return f"{format((rate * 100).normalize(), 'f')}%"
