"""assistance.workdays: working-day deadlines against the State Council holiday notices.

Every expected date below was checked by hand against the official arrangements (国务院办公厅关于2025年、
2026年部分节假日安排的通知) and against chinesecalendar 1.11 in the project venv.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar  # type: ignore[import-untyped]
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistance.workdays import (
    DueDate,
    ScheduleError,
    WorkingDayCalendar,
    YearSchedule,
    parse_schedule,
    schedule_to_data,
)

# TEST DATA, NOT AN OFFICIAL SCHEDULE: 2027's arrangement has not been published. One plausible holiday
# (元旦, a Friday) and one arbitrary make-up Saturday, enough to show a loaded schedule is honoured.
TEST_2027 = YearSchedule(
    year=2027,
    holidays=frozenset({date(2027, 1, 1)}),
    workdays=frozenset({date(2027, 3, 13)}),
    source="测试数据，非官方安排",
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "working-days.md"

WARNING_2027 = "2027年节假日安排尚未录入，按周一至周五推算，截止日期可能有误；请管理员录入该年节假日安排。"


@pytest.fixture
def calendar() -> WorkingDayCalendar:
    return WorkingDayCalendar()


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def valid_2027_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "year": 2027,
        "source": "测试数据，非官方安排",
        "holidays": ["2027-01-01"],
        "workdays": ["2027-03-13"],
    }
    data.update(changes)
    return data


def schedule_errors(data: Any) -> list[tuple[str, str]]:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(data)
    return caught.value.errors


# --- the package's coverage: the fallback depends on exactly where it ends --------------------------


def test_chinesecalendar_covers_2004_to_2026_only() -> None:
    assert chinese_calendar.is_workday(date(2026, 12, 31)) is True
    assert chinese_calendar.is_workday(date(2004, 1, 1)) is False
    for outside in (date(2003, 12, 31), date(2027, 1, 1)):
        with pytest.raises(NotImplementedError):
            chinese_calendar.is_workday(outside)


def test_is_known(calendar: WorkingDayCalendar) -> None:
    assert calendar.is_known(2004)
    assert calendar.is_known(2026)
    assert not calendar.is_known(2003)
    assert not calendar.is_known(2027)
    assert WorkingDayCalendar([TEST_2027]).is_known(2027)


# --- known official dates -------------------------------------------------------------------------


def test_2025_national_day_and_mid_autumn(calendar: WorkingDayCalendar) -> None:
    # 国庆节、中秋节：10月1日至8日放假调休，共8天；9月28日（周日）、10月11日（周六）上班。
    for day in days(date(2025, 10, 1), date(2025, 10, 8)):
        assert not calendar.is_working_day(day), day
    assert calendar.is_working_day(date(2025, 9, 28))
    assert calendar.is_working_day(date(2025, 10, 11))
    assert calendar.is_working_day(date(2025, 9, 30))
    assert calendar.is_working_day(date(2025, 10, 9))
    assert not calendar.is_working_day(date(2025, 10, 12))  # an ordinary Sunday


def test_2025_spring_festival(calendar: WorkingDayCalendar) -> None:
    # 春节：1月28日至2月4日放假调休，共8天；1月26日（周日）、2月8日（周六）上班。
    for day in days(date(2025, 1, 28), date(2025, 2, 4)):
        assert not calendar.is_working_day(day), day
    assert calendar.is_working_day(date(2025, 1, 26))
    assert calendar.is_working_day(date(2025, 2, 8))


def test_2026_spring_festival(calendar: WorkingDayCalendar) -> None:
    # 春节：2月15日（腊月二十八）至23日放假调休，共9天；2月14日（周六）、2月28日（周六）上班。
    for day in days(date(2026, 2, 15), date(2026, 2, 23)):
        assert not calendar.is_working_day(day), day
    assert calendar.is_working_day(date(2026, 2, 14))
    assert calendar.is_working_day(date(2026, 2, 28))
    assert calendar.is_working_day(date(2026, 2, 13))
    assert calendar.is_working_day(date(2026, 2, 24))


def test_2026_other_holidays(calendar: WorkingDayCalendar) -> None:
    off = [
        *days(date(2026, 1, 1), date(2026, 1, 3)),  # 元旦
        *days(date(2026, 4, 4), date(2026, 4, 6)),  # 清明节
        *days(date(2026, 5, 1), date(2026, 5, 5)),  # 劳动节
        *days(date(2026, 6, 19), date(2026, 6, 21)),  # 端午节
        *days(date(2026, 9, 25), date(2026, 9, 27)),  # 中秋节
        *days(date(2026, 10, 1), date(2026, 10, 7)),  # 国庆节
    ]
    for day in off:
        assert not calendar.is_working_day(day), day
    for make_up in (date(2026, 1, 4), date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10)):
        assert make_up.weekday() >= 5
        assert calendar.is_working_day(make_up), make_up


# --- adding working days --------------------------------------------------------------------------


def test_30_and_45_working_days_from_acceptance_before_national_day_2025(
    calendar: WorkingDayCalendar,
) -> None:
    # Accepted Friday 26 September 2025 (64号第二十四条, 65号第十九条). Counted by hand: 9/28 (Sun, 调休上班)
    # is day 1, 9/29–9/30 days 2–3, 10/1–10/8 off, 10/9–10/11 days 4–6 (10/11 is a make-up Saturday),
    # then five a week: 10/13–17 → 11, 10/20–24 → 16, 10/27–31 → 21, 11/3–7 → 26, 11/10–13 → 30.
    assert calendar.add_working_days(date(2025, 9, 26), 30) == DueDate(date(2025, 11, 13))
    # 11/14 → 31, 11/17–21 → 36, 11/24–28 → 41, 12/1–4 → 45.
    assert calendar.add_working_days(date(2025, 9, 26), 45) == DueDate(date(2025, 12, 4))


def test_plain_monday_to_friday_would_have_been_wrong(calendar: WorkingDayCalendar) -> None:
    # Guards against the test above passing by accident: counting Mon–Fri gives 7 November.
    naive = date(2025, 9, 26)
    counted = 0
    while counted < 30:
        naive += timedelta(days=1)
        counted += naive.weekday() < 5
    assert naive == date(2025, 11, 7)
    assert calendar.add_working_days(date(2025, 9, 26), 30).due_on != naive


@pytest.mark.parametrize(
    ("friday", "due_on"),
    [
        # 65号第十五条 "3 个工作日内": 1/26 (Sun, 调休上班), 1/27, then 1/28–2/4 off, 2/5.
        (date(2025, 1, 24), date(2025, 2, 5)),
        # 9/28 (Sun, 调休上班), 9/29, 9/30, before the 8-day National Day holiday.
        (date(2025, 9, 26), date(2025, 9, 30)),
        # 2/14 (Sat, 调休上班), then 2/15–2/23 off, 2/24, 2/25.
        (date(2026, 2, 13), date(2026, 2, 25)),
        # 清明 4/4–4/6 takes the weekend and Monday: 4/7, 4/8, 4/9.
        (date(2026, 4, 3), date(2026, 4, 9)),
    ],
)
def test_3_working_days_from_a_friday_before_a_holiday(
    calendar: WorkingDayCalendar, friday: date, due_on: date
) -> None:
    assert friday.weekday() == 4
    assert calendar.add_working_days(friday, 3) == DueDate(due_on)


def test_start_day_is_not_counted(calendar: WorkingDayCalendar) -> None:
    # 民法典第二百零一条: accepted on a working Monday, 1 working day is the Tuesday, not the Monday.
    assert calendar.add_working_days(date(2025, 11, 3), 1).due_on == date(2025, 11, 4)
    # Accepted on a holiday, the count still starts on the next working day.
    assert calendar.add_working_days(date(2025, 10, 3), 1).due_on == date(2025, 10, 9)


def test_zero_working_days_is_the_start_day(calendar: WorkingDayCalendar) -> None:
    assert calendar.add_working_days(date(2025, 10, 3), 0) == DueDate(date(2025, 10, 3))
    # Nothing is counted, so nothing is estimated even in an unknown year.
    assert calendar.add_working_days(date(2027, 6, 1), 0) == DueDate(date(2027, 6, 1))


def test_negative_working_days_are_refused(calendar: WorkingDayCalendar) -> None:
    with pytest.raises(ValueError, match="不能为负数"):
        calendar.add_working_days(date(2025, 10, 3), -1)


def test_counting_across_the_new_year_between_known_years(calendar: WorkingDayCalendar) -> None:
    # 2025-12-31 (Wed) → 2026-01-01..03 off (元旦), 1/4 (Sun, 调休上班) is day 1, 1/5 day 2.
    assert calendar.add_working_days(date(2025, 12, 31), 2) == DueDate(date(2026, 1, 5))


# --- working days between -------------------------------------------------------------------------


def test_working_days_between(calendar: WorkingDayCalendar) -> None:
    assert calendar.working_days_between(date(2025, 9, 26), date(2025, 11, 13)) == 30
    assert calendar.working_days_between(date(2025, 9, 26), date(2025, 9, 26)) == 0
    # Holidays add nothing: from the Friday to the last day of the holiday, only 9/28, 9/29, 9/30.
    assert calendar.working_days_between(date(2025, 9, 26), date(2025, 10, 8)) == 3
    # Signed: a deadline one working day in the past is -1 working days away.
    assert calendar.working_days_between(date(2025, 11, 14), date(2025, 11, 13)) == -1
    assert calendar.working_days_between(date(2025, 11, 13), date(2025, 9, 26)) == -30


def test_working_days_between_across_years(calendar: WorkingDayCalendar) -> None:
    # Each year has 261 Mondays–Fridays. 2025: 18 of them are holidays (元旦 1, 春节 6, 清明 1, 劳动节 3,
    # 端午 1, 国庆中秋 6) and 5 weekend days are worked → 248. 2026: 19 holidays (元旦 2, 春节 6, 清明 1,
    # 劳动节 3, 端午 1, 中秋 1, 国庆 5) and 6 make-up days → 248.
    assert calendar.working_days_between(date(2024, 12, 31), date(2025, 12, 31)) == 248
    assert calendar.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 248
    assert calendar.working_days_between(date(2024, 12, 31), date(2026, 12, 31)) == 496


@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 8, 31)),  # 60 working days stay in 2026
    count=st.integers(min_value=0, max_value=60),
)
def test_between_inverts_add(start: date, count: int) -> None:
    calendar = WorkingDayCalendar()
    due = calendar.add_working_days(start, count)
    assert due.warning == ""
    assert calendar.working_days_between(start, due.due_on) == count
    if count:
        assert calendar.is_working_day(due.due_on)
        assert calendar.working_days_between(start, due.due_on - timedelta(days=1)) == count - 1


def test_each_year_is_worked_out_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    real = chinese_calendar.is_workday

    def counting(day: date) -> bool:
        nonlocal calls
        calls += 1
        return bool(real(day))

    monkeypatch.setattr(chinese_calendar, "is_workday", counting)
    calendar = WorkingDayCalendar()
    first = calendar.add_working_days(date(2025, 9, 26), 45)
    after_first = calls
    for _ in range(1000):
        assert calendar.add_working_days(date(2025, 9, 26), 45) == first
        calendar.working_days_between(date(2025, 1, 1), date(2025, 12, 31))
        calendar.is_working_day(date(2025, 10, 1))
    assert calls == after_first


# --- years without data ---------------------------------------------------------------------------


def test_2027_without_a_schedule_assumes_monday_to_friday(calendar: WorkingDayCalendar) -> None:
    assert calendar.is_working_day(date(2027, 1, 1))  # a Friday; surely 元旦, but nobody has said so yet
    assert not calendar.is_working_day(date(2027, 3, 13))
    due = calendar.add_working_days(date(2027, 3, 12), 1)
    assert due == DueDate(date(2027, 3, 15), WARNING_2027, (2027,))


def test_2027_with_a_loaded_schedule() -> None:
    calendar = WorkingDayCalendar([TEST_2027])
    assert not calendar.is_working_day(date(2027, 1, 1))
    assert calendar.is_working_day(date(2027, 3, 13))
    # The holiday is skipped: from Thursday 31 December 2026, 1 working day is Monday 4 January.
    assert calendar.add_working_days(date(2026, 12, 31), 1) == DueDate(date(2027, 1, 4))
    # The make-up Saturday is counted.
    assert calendar.add_working_days(date(2027, 3, 12), 1) == DueDate(date(2027, 3, 13))
    assert calendar.working_days_between(date(2026, 12, 31), date(2027, 1, 8)) == 5


def test_deadline_crossing_into_2027_carries_the_warning(calendar: WorkingDayCalendar) -> None:
    # 12/28–12/31 are days 1–4 (known); day 5 falls on 1 January 2027, which is only assumed to be a
    # working day — exactly the kind of wrong deadline the warning is for.
    due = calendar.add_working_days(date(2026, 12, 25), 5)
    assert due.due_on == date(2027, 1, 1)
    assert due.estimated_years == (2027,)
    assert "2027年" in due.warning
    assert "请管理员录入" in due.warning
    # A deadline that stays in 2026 does not.
    assert calendar.add_working_days(date(2026, 12, 25), 4) == DueDate(date(2026, 12, 31))


def test_warning_names_every_estimated_year(calendar: WorkingDayCalendar) -> None:
    due = calendar.add_working_days(date(2027, 12, 1), 45)
    assert due.estimated_years == (2027, 2028)
    assert due.warning.startswith("2027年、2028年节假日安排尚未录入")


def test_years_before_the_package_are_estimated_too(calendar: WorkingDayCalendar) -> None:
    due = calendar.add_working_days(date(2003, 9, 30), 1)
    assert due.due_on == date(2003, 10, 1)
    assert due.estimated_years == (2003,)


def test_a_loaded_schedule_wins_over_chinesecalendar() -> None:
    # TEST DATA: pretend a correction made 2025-11-14 (Fri) a day off and 2025-11-15 (Sat) a working day,
    # with the real 国庆 holidays and make-up days kept.
    corrected = parse_schedule(
        {
            "year": 2025,
            "source": "测试数据，非官方安排",
            "holidays": [d.isoformat() for d in days(date(2025, 10, 1), date(2025, 10, 8)) if d.weekday() < 5]
            + ["2025-11-14"],
            "workdays": ["2025-09-28", "2025-10-11", "2025-11-15"],
        }
    )
    calendar = WorkingDayCalendar([corrected])
    assert not calendar.is_working_day(date(2025, 11, 14))
    assert calendar.is_working_day(date(2025, 11, 15))
    # The 2025 Spring Festival is not in the corrected schedule, so it is no longer a holiday.
    assert calendar.is_working_day(date(2025, 1, 28))


def test_two_schedules_for_one_year_are_refused() -> None:
    with pytest.raises(ValueError, match="2027年的节假日安排重复录入"):
        WorkingDayCalendar([TEST_2027, TEST_2027])


# --- calendar-day periods (民法典第二百零三条) -------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "due_on"),
    [
        # 公示 from Wednesday 24 September 2025: 7 days end on 10/1, a statutory holiday; the holiday
        # runs to 10/8, so the period ends on 10/9.
        (date(2025, 9, 24), date(2025, 10, 9)),
        # Ends on an ordinary Saturday (11/8): moved to Monday 11/10.
        (date(2025, 11, 1), date(2025, 11, 10)),
        # Ends on Sunday 9/28, a 调休上班 day: not a rest day, so no extension.
        (date(2025, 9, 21), date(2025, 9, 28)),
        # Ends on an ordinary working day.
        (date(2025, 11, 3), date(2025, 11, 10)),
        # Ends on 2026-02-15, the first day of the Spring Festival; the first working day after is 2/24.
        (date(2026, 2, 8), date(2026, 2, 24)),
    ],
)
def test_calendar_days(calendar: WorkingDayCalendar, start: date, due_on: date) -> None:
    assert calendar.add_calendar_days(start, 7) == DueDate(due_on)


def test_calendar_days_zero_and_negative(calendar: WorkingDayCalendar) -> None:
    assert calendar.add_calendar_days(date(2025, 10, 1), 0) == DueDate(date(2025, 10, 1))
    with pytest.raises(ValueError, match="不能为负数"):
        calendar.add_calendar_days(date(2025, 10, 1), -7)


def test_calendar_days_warn_only_when_the_last_day_is_in_an_unknown_year(
    calendar: WorkingDayCalendar,
) -> None:
    # Calendar days are counted the same in any year; only judging whether the last day is a rest day
    # needs the holidays. Starting in 2003 (no data) and ending on Thursday 8 January 2004 needs no warning.
    assert calendar.add_calendar_days(date(2003, 12, 25), 14) == DueDate(date(2004, 1, 8))
    assert calendar.add_calendar_days(date(2026, 12, 20), 7) == DueDate(date(2026, 12, 28))
    due = calendar.add_calendar_days(date(2026, 12, 26), 7)  # nominally Saturday 2 January 2027
    assert due == DueDate(date(2027, 1, 4), WARNING_2027, (2027,))
    loaded = WorkingDayCalendar([TEST_2027])
    assert loaded.add_calendar_days(date(2026, 12, 25), 7) == DueDate(date(2027, 1, 4))


# --- schedule files -------------------------------------------------------------------------------


def test_parse_schedule() -> None:
    assert parse_schedule(valid_2027_data(source="  测试数据，非官方安排 ")) == TEST_2027


def test_schedule_round_trip() -> None:
    data = schedule_to_data(TEST_2027)
    assert data == valid_2027_data()
    assert parse_schedule(data) == TEST_2027


def test_schedule_to_data_sorts_dates() -> None:
    schedule = parse_schedule(valid_2027_data(holidays=["2027-01-04", "2027-01-01"]))
    assert schedule_to_data(schedule)["holidays"] == ["2027-01-01", "2027-01-04"]


def test_workdays_may_be_empty() -> None:
    assert parse_schedule(valid_2027_data(workdays=[])).workdays == frozenset()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"year": "2027"}, "year", "年份应为整数"),
        ({"year": True}, "year", "年份应为整数"),
        ({"year": 20277}, "year", "超出范围"),
        ({"source": ""}, "source", "请填写节假日安排的来源"),
        ({"source": "   "}, "source", "请填写节假日安排的来源"),
        ({"source": None}, "source", "请填写节假日安排的来源"),
        ({"holidays": "2027-01-01"}, "holidays", "应为日期列表"),
        ({"holidays": []}, "holidays", "未列出任何放假日期"),
        ({"holidays": ["2027-1-1"]}, "holidays[0]", "日期格式应为 YYYY-MM-DD"),
        ({"holidays": ["20270101"]}, "holidays[0]", "日期格式应为 YYYY-MM-DD"),
        ({"holidays": [20270101]}, "holidays[0]", "日期格式应为 YYYY-MM-DD"),
        ({"holidays": ["2027-02-29"]}, "holidays[0]", "2027-02-29 不是有效日期"),
        ({"workdays": ["2027-13-01"]}, "workdays[0]", "2027-13-01 不是有效日期"),
        ({"holidays": ["2026-12-31"]}, "holidays[0]", "2026-12-31（星期四）不在 2027 年内"),
        ({"workdays": ["2028-01-01"]}, "workdays[0]", "不在 2027 年内"),
        (
            {"holidays": ["2027-01-02"]},
            "holidays[0]",
            "本来就是休息日，无需列入；放假日期只需列出放假的周一至周五",
        ),
        ({"workdays": ["2027-03-12"]}, "workdays[0]", "2027-03-12（星期五）本来就是工作日"),
        ({"holidays": ["2027-01-01", "2027-01-01"]}, "holidays[1]", "重复列出"),
        ({"workdays": ["2027-03-13", "2027-03-13"]}, "workdays[1]", "重复列出"),
        ({"extra": 1}, "extra", "未知字段"),
    ],
)
def test_schedule_field_errors(changes: dict[str, Any], field: str, message: str) -> None:
    errors = schedule_errors(valid_2027_data(**changes))
    assert len(errors) == 1, errors
    assert errors[0][0] == field
    assert message in errors[0][1]


@pytest.mark.parametrize("missing", ["year", "source", "holidays", "workdays"])
def test_missing_fields(missing: str) -> None:
    data = valid_2027_data()
    del data[missing]
    errors = schedule_errors(data)
    assert [field for field, _ in errors] == [missing]
    assert "缺少" in errors[0][1] or "请填写" in errors[0][1]


def test_missing_workdays_says_an_empty_list_is_fine() -> None:
    data = valid_2027_data()
    del data["workdays"]
    assert "[]" in schedule_errors(data)[0][1]


def test_date_in_both_lists_is_reported_once() -> None:
    # Contradictory on its face, so the weekday/weekend complaints it would also raise are left out.
    errors = schedule_errors(valid_2027_data(holidays=["2027-01-01", "2027-01-04"], workdays=["2027-01-04"]))
    assert errors == [("workdays[0]", "2027-01-04（星期一）同时列在放假日期和调休上班日期中")]


def test_all_errors_are_reported_in_file_order() -> None:
    errors = schedule_errors(
        {
            "year": 2027,
            "source": "",
            "holidays": ["2027-01-01", "2027-01-02", "bad"],
            "workdays": ["2027-03-15"],
            "note": "x",
        }
    )
    assert [field for field, _ in errors] == ["source", "holidays[1]", "holidays[2]", "workdays[0]", "note"]


def test_bad_year_still_reports_other_fields() -> None:
    errors = schedule_errors(valid_2027_data(year=None, holidays=["nope"]))
    assert [field for field, _ in errors] == ["year", "holidays[0]"]


def test_schedule_must_be_an_object() -> None:
    assert schedule_errors(["2027-01-01"])[0][0] == ""


def test_schedule_error_message_lists_every_problem() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(valid_2027_data(source="", extra=1))
    assert isinstance(caught.value, ValueError)
    assert "source：" in str(caught.value)
    assert "extra：" in str(caught.value)


def test_year_schedule_built_in_code_is_checked_too() -> None:
    with pytest.raises(ScheduleError) as caught:
        YearSchedule(
            year=2027,
            holidays=frozenset({date(2026, 12, 31), date(2027, 1, 2)}),
            workdays=frozenset({date(2027, 1, 4)}),
            source="测试数据",
        )
    assert [field for field, _ in caught.value.errors] == ["holidays", "holidays", "workdays"]


def test_documented_2026_example_matches_the_official_arrangement() -> None:
    (block,) = re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    loaded = WorkingDayCalendar([parse_schedule(json.loads(block))])
    packaged = WorkingDayCalendar()
    for day in days(date(2026, 1, 1), date(2026, 12, 31)):
        assert loaded.is_working_day(day) == packaged.is_working_day(day), day
