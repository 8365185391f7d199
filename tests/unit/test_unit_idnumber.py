"""rules.idnumber.birth_date_of: 18-digit resident ID numbers (GB 11643-1999)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from unit_casedata import make_id

from rules.idnumber import InvalidIdNumber, birth_date_of, check_character


def test_valid_id_gives_birth_date() -> None:
    assert birth_date_of("140802198003151239") == date(1980, 3, 15)


def test_elderly_id_with_obsolete_region_code_is_accepted() -> None:
    # 142701 was 运城地区 before it became a prefecture-level city; the code no longer exists.
    assert birth_date_of("142701194501011230") == date(1945, 1, 1)


def test_x_check_digit_is_accepted_in_either_case() -> None:
    assert birth_date_of("11010519491231002X") == date(1949, 12, 31)
    assert birth_date_of("11010519491231002x") == date(1949, 12, 31)


def test_surrounding_whitespace_is_ignored() -> None:
    assert birth_date_of("  140802198003151239 ") == date(1980, 3, 15)


def test_leap_day_birth_date() -> None:
    assert birth_date_of("140802200002290026") == date(2000, 2, 29)


@pytest.mark.parametrize("number", ["14080219800315123", "1408021980031512390", "", "140802800315123"])
def test_wrong_length(number: str) -> None:
    with pytest.raises(InvalidIdNumber, match="身份证号码应为18位"):
        birth_date_of(number)


@pytest.mark.parametrize("number", ["14080219800315123A", "1408021980031512X9", "1408021980-3151239"])
def test_non_digits(number: str) -> None:
    with pytest.raises(InvalidIdNumber, match="前17位应为数字，末位为数字或X"):
        birth_date_of(number)


@pytest.mark.parametrize(
    "number",
    [
        "140802198003151２39",  # full-width digit: str.isdigit() is true for it
        "1408021980031512²9",  # superscript two: isdigit() is true, int() refuses it
    ],
)
def test_only_ascii_digits_are_digits(number: str) -> None:
    # Bug: birth_date_of relies on str.isdigit(), which accepts any Unicode digit. A full-width
    # digit is accepted (and the number is kept un-normalised, so duplicates go unnoticed); a
    # superscript digit escapes as a bare ValueError from int() instead of InvalidIdNumber.
    with pytest.raises(InvalidIdNumber, match="前17位应为数字，末位为数字或X"):
        birth_date_of(number)


@pytest.mark.parametrize("province", ["00", "10", "24", "99"])
def test_bad_province(province: str) -> None:
    first17 = f"{province}0802198003151239"[:17]
    with pytest.raises(InvalidIdNumber, match="行政区划代码无效"):
        birth_date_of(first17 + check_character(first17))


@pytest.mark.parametrize("birth", ["20230230", "19990229", "19801301", "19800015", "19800431"])
def test_impossible_birth_date(birth: str) -> None:
    first17 = f"140802{birth}123"
    with pytest.raises(InvalidIdNumber, match="出生日期不存在"):
        birth_date_of(first17 + check_character(first17))


def test_implausibly_early_birth_year() -> None:
    first17 = "14080218790101123"
    with pytest.raises(InvalidIdNumber, match="出生日期不合理"):
        birth_date_of(first17 + check_character(first17))


@pytest.mark.parametrize("number", ["140802198003151238", "14080219800315123X", "110105194912310021"])
def test_bad_check_digit(number: str) -> None:
    with pytest.raises(InvalidIdNumber, match="校验位错误"):
        birth_date_of(number)


def test_invalid_id_number_is_a_value_error() -> None:
    assert issubclass(InvalidIdNumber, ValueError)


@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)),
    seq=st.integers(min_value=0, max_value=999),
    region=st.sampled_from(["140802", "142701", "110105", "650102", "810000"]),
)
def test_any_well_formed_number_round_trips(born: date, seq: int, region: str) -> None:
    number = make_id(born, seq, region)
    assert birth_date_of(number) == born
    wrong = "0" if number[17] != "0" else "1"
    with pytest.raises(InvalidIdNumber):
        birth_date_of(number[:17] + wrong)
