"""Yuan amounts: exact Decimal arithmetic, shown to the fen."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Final

FEN: Final = Decimal("0.01")
ZERO: Final = Decimal(0)
MONTHS_PER_YEAR: Final = Decimal(12)
HALF_FEN: Final = Decimal("0.005")


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


def exact_beside(
    value: Decimal, bound: Decimal, shown: str | None = None, bound_shown: str | None = None
) -> str:
    """The value to the fen, with more places where rounding would make it look equal to the
    bound it is compared with (1072.4999 shown as 1072.50 beside a limit of 1072.50).
    ``shown`` is ``yuan(value)`` where the caller has it already; ``bound_shown`` the text of a
    value equal to the bound (a remembered limit's), which is ``yuan(bound)`` unless the bound is
    zero (0.00 and -0.00 are equal)."""
    if shown is None:
        shown = yuan(value)
    if bound_shown is not None and shown != bound_shown and bound:
        return shown  # the commonest answer, from the cheapest test
    if value != bound and abs(value - bound) <= HALF_FEN and shown == yuan(bound):
        return f"{shown}（精确值{value.quantize(Decimal('0.0001'), ROUND_HALF_UP)}）"
    return shown
