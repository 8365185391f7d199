"""Chinese working-day arithmetic for the deadlines in 64号 and 65号.

Counting convention, from 《中华人民共和国民法典》:

* 第二百零一条: "按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算。" The day of the event
  (受理, 收到佐证材料, 公示开始 …) is day 0; a period of n working days ends on the n-th working day
  strictly after it.
* 第二百零三条: "期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日。" Applied to
  calendar-day periods only (a working-day period cannot end on a rest day). A rest day is any day that
  is not a working day, so ordinary weekends count as rest days and 调休上班 weekends do not.

Which days are working days, in order of precedence:

1. a :class:`YearSchedule` loaded by an administrator for that year (the official 国务院办公厅 notice);
2. the ``chinesecalendar`` package, which ships the notices up to the year it was released;
3. Monday to Friday, with a warning on the result, because a deadline computed this way ignores
   the statutory holidays and is likely to be too early.

Nothing here touches the database or Flask: callers load the schedules and build a calendar.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import chinese_calendar  # type: ignore[import-untyped]

__all__ = [
    "DueDate",
    "ScheduleError",
    "WorkingDayCalendar",
    "YearSchedule",
    "parse_schedule",
    "schedule_to_data",
]

# Loose bounds that catch typos (202, 20277) without pretending to know which years are legitimate.
MIN_YEAR = 2000
MAX_YEAR = 2100

_WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
_SCHEDULE_KEYS = ("year", "source", "holidays", "workdays")
# Since 3.11 date.fromisoformat also accepts "20270101" and "2027-W01-5"; the file format allows only the
# spelling shown in the documentation, so that schedules stay readable and diffable.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ONE_DAY = timedelta(days=1)


def _describe(day: date) -> str:
    return f"{day.isoformat()}（{_WEEKDAY_NAMES[day.weekday()]}）"


def _is_weekend(day: date) -> bool:
    return day.weekday() >= 5


class ScheduleError(ValueError):
    """A holiday schedule that cannot be used; ``errors`` lists every problem found, not just the first."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("；".join(f"{field}：{message}" if field else message for field, message in errors))


@dataclass(frozen=True, slots=True)
class YearSchedule:
    """A year's official holiday arrangement loaded by an administrator.

    It transcribes 国务院办公厅关于YYYY年部分节假日安排的通知, which chinesecalendar may not have yet.
    """

    year: int
    holidays: frozenset[date]  # weekdays that are days off (法定节假日及调休放假)
    workdays: frozenset[date]  # weekend days that are working days (调休上班)
    source: str  # the notice it comes from, e.g. "国办发明电〔2026〕N号"

    def __post_init__(self) -> None:
        # A schedule built in code must obey the same rules as one parsed from a file, otherwise a stray
        # date from another year or a weekend "holiday" would silently change nothing or the wrong thing.
        errors = _year_errors(self.year, "year")
        errors += _source_errors(self.source)
        if not errors:
            errors += _date_errors(
                self.year,
                [("holidays", day) for day in sorted(self.holidays)],
                [("workdays", day) for day in sorted(self.workdays)],
            )
        if errors:
            raise ScheduleError(errors)


def _year_errors(year: object, field: str) -> list[tuple[str, str]]:
    # bool is an int subclass; `"year": true` in a file is a mistake, not the year 1.
    if not isinstance(year, int) or isinstance(year, bool):
        return [(field, "年份应为整数，如 2027")]
    if not MIN_YEAR <= year <= MAX_YEAR:
        return [(field, f"年份 {year} 超出范围（{MIN_YEAR}—{MAX_YEAR}）")]
    return []


def _source_errors(source: object) -> list[tuple[str, str]]:
    if not isinstance(source, str) or not source.strip():
        return [("source", "请填写节假日安排的来源（通知的发文字号），如“国办发明电〔2026〕N号”")]
    return []


def _date_errors(
    year: int,
    holidays: list[tuple[str, date]],
    workdays: list[tuple[str, date]],
) -> list[tuple[str, str]]:
    """Checks that need the dates already parsed; each entry carries the field name to report it under."""
    errors: list[tuple[str, str]] = []
    in_both = {day for _, day in holidays} & {day for _, day in workdays}
    for kind, entries in (("holidays", holidays), ("workdays", workdays)):
        seen: set[date] = set()
        for field, day in entries:
            if day.year != year:
                errors.append((field, f"{_describe(day)}不在 {year} 年内"))
                continue
            if day in seen:
                errors.append((field, f"{_describe(day)}重复列出"))
                continue
            seen.add(day)
            if day in in_both:
                # Reported once, on the workdays side; the weekday/weekend checks below would only
                # restate the same contradiction.
                if kind == "workdays":
                    errors.append((field, f"{_describe(day)}同时列在放假日期和调休上班日期中"))
                continue
            if kind == "holidays" and _is_weekend(day):
                errors.append(
                    (
                        field,
                        f"{_describe(day)}本来就是休息日，无需列入；放假日期只需列出放假的周一至周五",
                    )
                )
            elif kind == "workdays" and not _is_weekend(day):
                errors.append(
                    (
                        field,
                        f"{_describe(day)}本来就是工作日；调休上班日期只列调休上班的星期六、星期日",
                    )
                )
    return errors


def _parse_dates(data: Mapping[str, Any], key: str, errors: list[tuple[str, str]]) -> list[tuple[str, date]]:
    if key not in data:
        hint = "没有调休上班日请填空列表 []" if key == "workdays" else "请列出放假的周一至周五"
        errors.append((key, f"缺少 {key}（{hint}）"))
        return []
    raw = data[key]
    if not isinstance(raw, list):
        errors.append((key, '应为日期列表，如 ["2027-01-01"]'))
        return []
    if key == "holidays" and not raw:
        # Every year has at least the Spring Festival on weekdays, so an empty list is a forgotten one.
        errors.append((key, "未列出任何放假日期"))
    parsed: list[tuple[str, date]] = []
    for index, item in enumerate(raw):
        field = f"{key}[{index}]"
        if not isinstance(item, str) or not _ISO_DATE.fullmatch(item):
            errors.append((field, f"日期格式应为 YYYY-MM-DD，如 2027-01-01（收到 {item!r}）"))
            continue
        try:
            parsed.append((field, date.fromisoformat(item)))
        except ValueError:
            errors.append((field, f"{item} 不是有效日期"))
    return parsed


def _field_order(error: tuple[str, str]) -> tuple[int, int]:
    # Report in file order (year, source, holidays[0], holidays[1] …) rather than in the order the checks
    # ran, which would list format errors before the date errors of earlier entries.
    field = error[0]
    for rank, key in enumerate(_SCHEDULE_KEYS):
        if field == key:
            return rank, -1
        item = re.fullmatch(rf"{key}\[([0-9]+)\]", field)
        if item:
            return rank, int(item.group(1))
    return len(_SCHEDULE_KEYS), -1  # unknown keys, whatever they are called


def parse_schedule(data: Mapping[str, Any]) -> YearSchedule:
    """From JSON-shaped data, as in docs/working-days.md::

        {"year": 2027, "source": "...", "holidays": ["2027-01-01", ...], "workdays": ["2027-02-06", ...]}

    Every problem is collected before raising, so that an administrator fixes a file in one pass.
    """
    if not isinstance(data, Mapping):
        raise ScheduleError([("", "节假日安排应为 JSON 对象，含 year、source、holidays、workdays")])
    errors: list[tuple[str, str]] = []
    for key in data:
        if key not in _SCHEDULE_KEYS:
            errors.append((str(key), f"未知字段 {key!r}；只允许 year、source、holidays、workdays"))

    year = data.get("year")
    if "year" not in data:
        errors.append(("year", "缺少年份"))
        year_ok = False
    else:
        year_errors = _year_errors(year, "year")
        errors += year_errors
        year_ok = not year_errors
    errors += _source_errors(data.get("source"))
    holidays = _parse_dates(data, "holidays", errors)
    workdays = _parse_dates(data, "workdays", errors)
    if year_ok:
        assert isinstance(year, int)
        errors += _date_errors(year, holidays, workdays)
    if errors:
        raise ScheduleError(sorted(errors, key=_field_order))
    assert isinstance(year, int)
    return YearSchedule(
        year=year,
        holidays=frozenset(day for _, day in holidays),
        workdays=frozenset(day for _, day in workdays),
        source=str(data["source"]).strip(),
    )


def schedule_to_data(schedule: YearSchedule) -> dict[str, Any]:
    """The JSON-shaped form read by :func:`parse_schedule`, dates sorted so that files diff cleanly."""
    return {
        "year": schedule.year,
        "source": schedule.source,
        "holidays": [day.isoformat() for day in sorted(schedule.holidays)],
        "workdays": [day.isoformat() for day in sorted(schedule.workdays)],
    }


@dataclass(frozen=True, slots=True)
class DueDate:
    due_on: date
    # Non-empty when any day counted lies in a year with neither a loaded schedule nor chinesecalendar
    # data, so that Monday–Friday was assumed; the deadline may then fall on a holiday or too early.
    warning: str = ""
    estimated_years: tuple[int, ...] = ()


def _due(due_on: date, estimated_years: Iterable[int]) -> DueDate:
    years = tuple(sorted(set(estimated_years)))
    if not years:
        return DueDate(due_on)
    named = "、".join(f"{year}年" for year in years)
    which = "该年" if len(years) == 1 else "这些年份的"
    warning = (
        f"{named}节假日安排尚未录入，按周一至周五推算，截止日期可能有误；请管理员录入{which}节假日安排。"
    )
    return DueDate(due_on, warning, years)


@dataclass(frozen=True, slots=True)
class _YearDays:
    ordered: tuple[date, ...]  # sorted, for bisect when counting
    lookup: frozenset[date]
    estimated: bool


def _chinesecalendar_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


class WorkingDayCalendar:
    """Working days from loaded schedules, then chinesecalendar, then Monday–Friday.

    Each year's working days are worked out once and kept on the instance, which makes a 45-working-day
    deadline a couple of bisects rather than 60-odd calls into chinesecalendar. The schedules are fixed at
    construction; build a new calendar when an administrator loads or corrects one. Concurrent use is
    safe: the worst a race can do is compute the same year twice.
    """

    def __init__(self, schedules: Iterable[YearSchedule] = ()) -> None:
        self._schedules: dict[int, YearSchedule] = {}
        for schedule in schedules:
            if schedule.year in self._schedules:
                raise ValueError(f"{schedule.year}年的节假日安排重复录入")
            self._schedules[schedule.year] = schedule
        self._years: dict[int, _YearDays] = {}

    def _year(self, year: int) -> _YearDays:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        first = date(year, 1, 1)
        days = [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]
        schedule = self._schedules.get(year)
        estimated = False
        if schedule is not None:
            working = [
                day
                for day in days
                if day in schedule.workdays or (not _is_weekend(day) and day not in schedule.holidays)
            ]
        elif _chinesecalendar_covers(year):
            working = [day for day in days if chinese_calendar.is_workday(day)]
        else:
            working = [day for day in days if not _is_weekend(day)]
            estimated = True
        built = _YearDays(tuple(working), frozenset(working), estimated)
        self._years[year] = built
        return built

    def is_working_day(self, day: date) -> bool:
        return day in self._year(day.year).lookup

    def is_known(self, year: int) -> bool:
        """Whether the year's holidays are known, i.e. deadlines in it need no warning."""
        return not self._year(year).estimated

    def _estimated_between(self, first: date, last: date) -> list[int]:
        return [year for year in range(first.year, last.year + 1) if self._year(year).estimated]

    def add_working_days(self, start: date, days: int) -> DueDate:
        """The ``days``-th working day strictly after ``start``.

        民法典第二百零一条: the start day (受理之日) is not counted, so 0 days gives ``start`` itself.
        """
        if days < 0:
            raise ValueError(f"工作日天数不能为负数：{days}")
        if days == 0:
            return DueDate(start)
        remaining = days
        year = start.year
        position = bisect_right(self._year(year).ordered, start)
        while True:
            ordered = self._year(year).ordered
            available = len(ordered) - position
            if remaining <= available:
                due_on = ordered[position + remaining - 1]
                break
            remaining -= available
            year += 1
            position = 0
        return _due(due_on, self._estimated_between(start + _ONE_DAY, due_on))

    def working_days_before(self, end: date, days: int) -> date:
        """The ``days``-th working day strictly before ``end``: how far back ``days`` working
        days reach (0 gives ``end`` itself)."""
        if days < 0:
            raise ValueError(f"工作日天数不能为负数：{days}")
        if days == 0:
            return end
        day = end
        for _ in range(days):
            day -= _ONE_DAY
            while not self.is_working_day(day):
                day -= _ONE_DAY
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; negative when ``end`` is earlier.

        The inverse of :meth:`add_working_days`, and signed so that ``working_days_between(today, due)``
        reads as working days left, below zero once a case is overdue.
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        for year in range(start.year, end.year + 1):
            ordered = self._year(year).ordered
            low = bisect_right(ordered, start) if year == start.year else 0
            high = bisect_right(ordered, end) if year == end.year else len(ordered)
            count += high - low
        return count

    def add_calendar_days(self, start: date, days: int) -> DueDate:
        """A period of ``days`` calendar days after ``start``, such as "公示期为 7 天".

        Per 民法典第二百零一条 the start day is not counted; per 第二百零三条 a period whose last day
        is a rest day ends on the first working day after the rest days. A warning is returned only when that
        last-day test had to assume Monday–Friday.
        """
        if days < 0:
            raise ValueError(f"天数不能为负数：{days}")
        if days == 0:
            return DueDate(start)
        nominal = start + timedelta(days=days)
        due_on = nominal
        while not self.is_working_day(due_on):
            due_on += _ONE_DAY
        return _due(due_on, self._estimated_between(nominal, due_on))
