"""Dated parameters (dibao standards, minimum wage, deductibles, the regulations' ratios).

Values live in TOML files under ``rules/parameters/`` (format: ``FORMAT.md`` there), each with
its source document and effective date. A value is resolved for a county, an area and a date;
a value that is not configured is an error, never a guess.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from rules.counties import COUNTIES

PARAMETER_DIR = Path(__file__).parent / "parameters"
ANY = "*"


class ParameterError(Exception):
    """A parameter file is malformed, or a value is not configured for a date."""


@dataclass(frozen=True, slots=True)
class ParameterValue:
    kind: str
    title: str
    unit: str
    county: str
    area: str
    effective_from: date
    amount: Decimal
    source: str
    effective_to: date | None = None
    note: str = ""
    overridden: bool = False

    # How a decision names the value: the kind, with the area where the value has one.
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", self.kind if self.area == ANY else f"{self.kind}.{self.area}")

    def covers(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


class ParameterTable:
    """All configured values, resolved by (kind, county, area, date)."""

    def __init__(self, values: Iterable[ParameterValue], titles: Mapping[str, str] | None = None) -> None:
        self._by_kind: dict[str, list[ParameterValue]] = {kind: [] for kind in titles or {}}
        self._titles: dict[str, str] = dict(titles or {})
        for value in values:
            self._titles.setdefault(value.kind, value.title)
            self._by_kind.setdefault(value.kind, []).append(value)
        for entries in self._by_kind.values():
            # Most specific first (exact county, then exact area), latest first within that.
            entries.sort(key=lambda v: (v.county == ANY, v.area == ANY, -v.effective_from.toordinal()))
        # The days on which some value starts or stops applying, in order. Between two of them
        # every value applies on each day or on none, so whatever is resolved for one day of such
        # a period holds for all of it, and is remembered by period: cases filed over two years
        # fall into a handful of periods, but into hundreds of days that each missed the memory.
        self._bounds = sorted(
            {v.effective_from for entries in self._by_kind.values() for v in entries}
            | {
                v.effective_to + timedelta(days=1)
                for entries in self._by_kind.values()
                for v in entries
                if v.effective_to is not None and v.effective_to < date.max
            }
        )
        self._cache: dict[tuple[str, str, str, int], ParameterValue] = {}
        self._at: dict[tuple[str, str, int], dict[str, ParameterValue]] = {}
        # Whether a decision from this table alone can use a value marked overridden (a table is
        # never built of what-if values, but nothing forbids it).
        self.holds_overridden = any(v.overridden for entries in self._by_kind.values() for v in entries)

    @property
    def kinds(self) -> list[str]:
        return sorted(self._by_kind)

    def title(self, kind: str) -> str:
        return self._titles.get(kind, kind)

    def values(self, kind: str | None = None) -> list[ParameterValue]:
        if kind is not None:
            return list(self._by_kind.get(kind, ()))
        return [v for entries in self._by_kind.values() for v in entries]

    def resolve(self, kind: str, county: str, area: str, on: date) -> ParameterValue:
        key = (kind, county, area, bisect_right(self._bounds, on))
        found = self._cache.get(key)
        if found is None:
            found = self._lookup(kind, county, area, on)
            self._cache[key] = found
        return found

    def resolved_at(self, county: str, area: str, on: date) -> dict[str, ParameterValue]:
        """The values resolved so far for one county, area and date (shared by every day of its
        period), by kind, for the caller to fill with ``resolve``: a decision looks up a dozen
        kinds for one place and day, and one dictionary lookup by kind is cheaper than building
        and hashing the full key each time. The table never changes once built, so neither does
        anything resolved from it."""
        key = (county, area, bisect_right(self._bounds, on))
        found = self._at.get(key)
        if found is None:
            found = self._at[key] = {}
        return found

    def _lookup(self, kind: str, county: str, area: str, on: date) -> ParameterValue:
        if kind not in self._by_kind:
            raise ParameterError(f"没有参数“{kind}”")
        for value in self._by_kind[kind]:
            if value.county in (county, ANY) and value.area in (area, ANY) and value.covers(on):
                return value
        title = self.title(kind)
        place = COUNTIES.get(county, county)
        area_label = {"urban": "城市", "rural": "农村"}.get(area, area)
        raise ParameterError(
            f"{place}{area_label}在{on.isoformat()}没有已配置的“{title}”，"
            "请由管理员按文件补录该日期起施行的数值"
        )


def override(value: ParameterValue, amount: Decimal) -> ParameterValue:
    """A what-if value replacing a configured one, marked so that no decision passes it off as law."""
    return replace(
        value,
        amount=amount,
        source=f"案卷指定的测算值（原值 {value.amount}，{value.source}）",
        overridden=True,
    )


def what_if(kind: str, title: str, county: str, area: str, on: date, amount: Decimal) -> ParameterValue:
    """A what-if value for a parameter that has no configured value on that date."""
    return ParameterValue(
        kind=kind,
        title=title,
        unit="",
        county=county,
        area=area,
        effective_from=on,
        amount=amount,
        source="案卷指定的测算值（该日期无已配置数值）",
        overridden=True,
    )


def _decimal(raw: Any, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
        raise ParameterError(f'{where}: amount 必须是字符串形式的数值，例如 "760.00"')
    try:
        amount = Decimal(str(raw))
    except InvalidOperation as exc:
        raise ParameterError(f"{where}: amount “{raw}” 不是数值") from exc
    if not amount.is_finite() or amount < 0:
        raise ParameterError(f"{where}: amount 必须是非负数")
    return amount


def _date(raw: Any, where: str, name: str) -> date:
    # A TOML datetime is a datetime, which is also a date: refuse it, it cannot be compared.
    if not isinstance(raw, date) or isinstance(raw, datetime):
        raise ParameterError(f"{where}: {name} 必须是 TOML 日期，例如 2024-01-01")
    return raw


_DOCUMENT_KEYS = frozenset({"kind", "title", "unit", "entries"})
_ENTRY_KEYS = frozenset(
    {"kind", "title", "unit", "county", "area", "effective_from", "effective_to", "amount", "source", "note"}
)


def _refuse_unknown(keys: Any, allowed: frozenset[str], where: str) -> None:
    # A misspelt `county` or `effective_to` would silently widen a value to every county or
    # for ever: refuse it.
    unknown = sorted(str(key) for key in keys if key not in allowed)
    if unknown:
        raise ParameterError(f"{where}: 未知字段 {'、'.join(unknown)}")


def parse_parameter_document(document: Mapping[str, Any], origin: str) -> list[ParameterValue]:
    values: list[ParameterValue] = []
    _refuse_unknown(document, _DOCUMENT_KEYS, origin)
    entries = document.get("entries")
    if not isinstance(entries, list):
        raise ParameterError(f"{origin}: 缺少 [[entries]]")
    for number, entry in enumerate(entries, start=1):
        where = f"{origin} 第{number}条"
        if not isinstance(entry, dict):
            raise ParameterError(f"{where}: 应为 [[entries]] 表")
        _refuse_unknown(entry, _ENTRY_KEYS, where)
        kind = entry.get("kind", document.get("kind"))
        title = entry.get("title", document.get("title", kind))
        unit = entry.get("unit", document.get("unit", ""))
        if not kind:
            raise ParameterError(f"{where}: 缺少 kind")
        county = str(entry.get("county", ANY))
        if county != ANY and county not in COUNTIES:
            raise ParameterError(f"{where}: 未知的县（市、区）代码 {county}")
        area = str(entry.get("area", ANY))
        if area not in (ANY, "urban", "rural"):
            raise ParameterError(f"{where}: area 只能是 urban、rural 或 *")
        source = entry.get("source")
        if not source:
            raise ParameterError(f"{where}: 每个数值都必须注明来源文件 source")
        effective_from = _date(entry.get("effective_from"), where, "effective_from")
        effective_to = entry.get("effective_to")
        if effective_to is not None:
            effective_to = _date(effective_to, where, "effective_to")
            if effective_to < effective_from:
                raise ParameterError(f"{where}: effective_to 早于 effective_from")
        values.append(
            ParameterValue(
                kind=str(kind),
                title=str(title),
                unit=str(unit),
                county=county,
                area=area,
                effective_from=effective_from,
                effective_to=effective_to,
                amount=_decimal(entry.get("amount"), where),
                source=str(source),
                note=str(entry.get("note", "")),
            )
        )
    return values


def read_parameter_files(directory: Path) -> tuple[list[ParameterValue], dict[str, str]]:
    """The values in every ``*.toml`` of a directory, and the title of each kind declared there."""
    if not directory.is_dir():
        raise ParameterError(f"参数目录 {directory} 不存在")
    values: list[ParameterValue] = []
    titles: dict[str, str] = {}
    for path in sorted(directory.glob("*.toml")):
        try:
            with path.open("rb") as handle:
                document = tomllib.load(handle, parse_float=Decimal)
        except tomllib.TOMLDecodeError as exc:
            raise ParameterError(f"{path.name}: {exc}") from exc
        if document.get("kind"):
            titles[str(document["kind"])] = str(document.get("title", document["kind"]))
        values.extend(parse_parameter_document(document, path.name))
    return values, titles


@lru_cache(maxsize=8)
def load_parameters(*extra_directories: Path) -> ParameterTable:
    """The shipped parameters, plus a county's local files (later directories add entries)."""
    values: list[ParameterValue] = []
    titles: dict[str, str] = {}
    for directory in (PARAMETER_DIR, *extra_directories):
        more, named = read_parameter_files(directory)
        values.extend(more)
        titles.update(named)
    return ParameterTable(values, titles)
