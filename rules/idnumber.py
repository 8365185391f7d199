"""18-digit resident ID numbers (GB 11643-1999).

Only the province part of the region code is checked: a real ID keeps the county code it was
issued under, and counties are renamed and renumbered over the decades, so the full code of an
elderly person is often one that no longer exists (``stdnum.cn.ric`` wrongly rejects those).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

# ASCII only: str.isdigit() would also accept full-width and superscript digits.
_SHAPE: Final = re.compile(r"[0-9]{17}[0-9X]")

_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS: Final = "10X98765432"
# GB/T 2260 province-level codes, with 71/81/82 for Taiwan, Hong Kong and Macao.
_PROVINCES: Final = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)


_ISO_DATE: Final = date.fromisoformat


class InvalidIdNumber(ValueError):
    pass


def check_character(first17: str) -> str:
    if len(first17) == 17 and first17.isascii() and first17.isdigit():
        return _check_of_digits(first17)
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def _check_of_digits(first17: str) -> str:
    """The check character of 17 ASCII digits, without a Python loop (the sum above took longer
    than the rest of reading a member). The weights are 2**(17 - i) mod 11, and 13 ≡ 2 (mod 11),
    so the weighted sum is ≡ 2 × (the digits read in base 13) (mod 11)."""
    return _CHECK_CHARS[2 * int(first17, 13) % 11]


def birth_date_of(id_number: str) -> date:
    """The birth date encoded in a valid 18-digit ID number; raises InvalidIdNumber otherwise."""
    number = id_number.strip().upper()
    if len(number) != 18:
        raise InvalidIdNumber("身份证号码应为18位")
    if not _SHAPE.fullmatch(number):
        raise InvalidIdNumber("身份证号码前17位应为数字，末位为数字或X")
    if number[:2] not in _PROVINCES:
        raise InvalidIdNumber("身份证号码的行政区划代码无效")
    year, month_day = divmod(int(number[6:14]), 10000)  # ASCII digits, by the shape above
    try:
        born = date(year, *divmod(month_day, 100))
    except ValueError as exc:
        raise InvalidIdNumber("身份证号码中的出生日期不存在") from exc
    if born.year < 1880:
        raise InvalidIdNumber("身份证号码中的出生日期不合理")
    if _check_of_digits(number[:17]) != number[17]:  # the shape is checked: 17 ASCII digits
        raise InvalidIdNumber("身份证号码校验位错误")
    return born


def valid_birth_date(number: str) -> date | None:
    """``birth_date_of`` for a number already trimmed and in upper case, without saying what is
    wrong: the birth date, or None where ``birth_date_of`` raises. The strict reading of a case
    file (:mod:`rules.strict`) needs no more, and reads every member's number: string methods
    here, as a regular expression took as long as all the rest."""
    # isascii before isdigit: isdigit alone would also take full-width and superscript digits.
    # A last character that is not the check character (a digit or X) is wrong whatever it is.
    if len(number) != 18 or not number.isascii():
        return None
    first17 = number[:17]
    if not first17.isdigit() or number[:2] not in _PROVINCES or _check_of_digits(first17) != number[17]:
        return None
    try:
        born = _ISO_DATE(number[6:14])  # 8 ASCII digits: the basic ISO form, YYYYMMDD
    except ValueError:
        return None
    return born if born.year >= 1880 else None
