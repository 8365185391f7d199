"""Masking personal data for publicity (公示): 65号 第十六条 “公示应当依法保护个人隐私，不得公示无关信息”.

Pure functions on strings; the document filters of the same names call them. A publicity notice needs
enough to let neighbours recognise a household (surname, the region and tail of an ID number) and no
more. A name's hidden part is always ``**``, whatever its length, so that the mask tells nothing of
how long the name is; the other masks keep each hidden character's place.
"""

from __future__ import annotations

import re

MASK = "*"

# 复姓 keep both characters. Only surnames whose first character is rarely a surname on its own are
# listed: for 张、李… a two-character reading would reveal half the given name.
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    {
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "令狐",
        "端木",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "淳于",
        "申屠",
        "轩辕",
        "呼延",
        "万俟",
        "独孤",
        "赫连",
    }
)

_MOBILE = re.compile(r"(\+?86)?(1\d{10})")
# 010 and 02x are three-digit area codes (北京, 上海, 广州…); the others have four (运城 0359).
_LANDLINE = re.compile(r"(0[12]\d|0[3-9]\d{2})-?(\d{7,8})")
_PHONE_SEPARATORS = re.compile(r"[\s\-()（）]")


# The given name's mask, one width for every name (a name's length would narrow who it is).
NAME_MASK = MASK * 2


def mask_name(name: str) -> str:
    """Keep the surname, mask the given name at a fixed width: 王建国 → 王**, 王芳 → 王**,
    欧阳娜娜 → 欧阳**, 阿依古丽·买买提 → 阿**.

    A two-character name is read as surname + given name even when it spells a compound surname
    (欧阳 → 欧**): nothing would be hidden otherwise. A one-character name is masked entirely.
    """
    name = name.strip()
    if not name:
        return ""
    if len(name) == 1:
        return NAME_MASK
    kept = 2 if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else 1
    return name[:kept] + NAME_MASK


def mask_id(number: str) -> str:
    """Hide the birth date and sequence of a resident ID number: 140802198003151239 → 140802********1239.

    The 15-digit numbers of pre-1999 cards hide their 6-digit birth date. Anything else (passports,
    permits, mistyped numbers) keeps a quarter at each end, at least half hidden; four characters or
    fewer are masked entirely.
    """
    number = number.strip().upper()
    length = len(number)
    if length == 18:
        return number[:6] + MASK * 8 + number[-4:]
    if length == 15:
        return number[:6] + MASK * 6 + number[-3:]
    if length <= 4:
        return MASK * length
    kept = length // 4
    return number[:kept] + MASK * (length - 2 * kept) + number[-kept:]


def mask_phone(phone: str) -> str:
    """Mask a telephone number: 13812345678 → 138****5678, 0359-2345678 → 0359-***5678.

    Spaces, hyphens and brackets are dropped first. Numbers that are neither a mainland mobile nor a
    landline with its area code keep their last four digits only.
    """
    compact = _PHONE_SEPARATORS.sub("", phone)
    if mobile := _MOBILE.fullmatch(compact):
        prefix, number = mobile.group(1) or "", mobile.group(2)
        return f"{prefix}{number[:3]}{MASK * 4}{number[-4:]}"
    if landline := _LANDLINE.fullmatch(compact):
        area, local = landline.groups()
        return f"{area}-{MASK * (len(local) - 4)}{local[-4:]}"
    if len(compact) <= 4:
        return MASK * len(compact)
    return MASK * (len(compact) - 4) + compact[-4:]
