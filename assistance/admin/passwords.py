"""What a new password must be: at least 10 characters, and none of the 30,000 most common
passwords (zxcvbn's list), nor the user name or the ID number. Existing passwords keep working;
the rule applies whenever one is set."""

from __future__ import annotations

import functools
from typing import Final

from assistance.errors import InvalidInput

MIN_LENGTH: Final = 10
MAX_LENGTH: Final = 128
# Runs along a keyboard or the digits, either way (12345678901, qwertyuiop).
_RUNS: Final = ("0123456789" * 4, "qwertyuiopasdfghjklzxcvbnm" * 2, "abcdefghijklmnopqrstuvwxyz" * 2)


@functools.cache
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def check_new_password(
    password: str, *, username: str = "", id_number: str = "", field: str = "password"
) -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput.field(field, f"密码至少{MIN_LENGTH}位")
    if len(password) > MAX_LENGTH:
        raise InvalidInput.field(field, f"密码不能超过{MAX_LENGTH}位")
    lowered = password.lower()
    simple = len(set(password)) < 4 or any(lowered in run or lowered in run[::-1] for run in _RUNS)
    if simple or lowered in _common() or lowered.rstrip("0123456789!@#.") in _common():
        raise InvalidInput.field(field, "密码过于常见或简单，容易被猜中，请换一个")
    if (username and username.lower() in lowered) or (id_number and id_number.lower() in lowered):
        raise InvalidInput.field(field, "密码不能包含用户名或身份证号码")
