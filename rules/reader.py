"""Reading JSON-shaped data field by field, each error recorded against its path in Chinese, so
that a case file reports every error it has at once (``rules.parsing``). Money arrives as a string
(``"1200.50"``), an integer, or a ``Decimal`` (a JSON number as the CLI and the API read it, in
decimal; the published schema allows it); a binary float is refused because it cannot be trusted
to the fen."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from rules import declaration as d
from rules.declaration import MAX_ITEMS, Fact
from rules.plan import plan_of
from rules.strict import Doubt, StrictCheck, strict_of

SCHEMA_VERSION = 1
MAX_AMOUNT = Decimal("100000000000")  # ten times any plausible household figure, in yuan
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)
REGION_PATTERN = re.compile(r"^[1-8]\d{5}$")
_FEN = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str


class CaseFileError(ValueError):
    """The case file is invalid; ``errors`` names every offending field."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("；".join(f"{e.field}: {e.message}" for e in errors))

    def to_dict(self) -> dict[str, Any]:
        return {
            "message": "案卷数据有误",
            "errors": [{"field": e.field, "message": e.message} for e in self.errors],
        }


class _Missing:
    pass


MISSING: Any = _Missing()


# A check of one record after its fields are read: the reader, the values so far (by attribute,
# which it may change), the record's path and its raw data. Rules tying several fields together
# live there.
Check = Callable[[Any, dict[str, Any], str, Mapping[str, Any]], None]


class Reader:
    """Collects field errors while reading; each accessor returns None after recording an error."""

    # The checks of each record, by record; a subclass lists its own, and the same rules as
    # predicates for the strict reading (:mod:`rules.strict`).
    checks: ClassVar[Mapping[type, Check]] = {}
    strict_checks: ClassVar[Mapping[type, StrictCheck]] = {}

    def __init__(self) -> None:
        self.errors: list[FieldError] = []
        self.member_ids: set[str] = set()  # every listed member's id, valid or not
        self.top: dict[str, Any] = {}  # the outermost record's values read so far

    def record(self, raw: Any, path: str, record: type) -> Any:
        """Read a declared record (:mod:`rules.declaration`) field by field, following its
        compiled plan (:mod:`rules.plan`); the record, or None when a field it cannot be built
        without is missing or wrong."""
        return plan_of(record).read(self, raw, path)

    def strict(self, raw: Any, record: type) -> Any:
        """The record read strictly (:mod:`rules.strict`), or None where the strict reading has a
        doubt: then nothing is reported, and this reader is spent (read again with a new one)."""
        try:
            return strict_of(record, type(self))(raw, self)
        except Doubt:
            return None

    @functools.cached_property
    def kinds(self) -> dict[str, Callable[[Fact, Any, str], Any]]:
        """How to read a field of each kind; None when wrong (the error recorded). The plan
        (:mod:`rules.plan`) takes a value that is already valid on its own fast path and reads any
        other through this table (a day or an amount through its method directly); a subclass
        adds its own kinds in ``_kinds``. Built on first use: most case files never need it."""
        return self._kinds()

    def _kinds(self) -> dict[str, Callable[[Fact, Any, str], Any]]:
        return {
            d.TEXT: lambda fact, raw, path: self.text(raw, path, required=False, max_length=fact.max_length),
            d.CHOICE: self._choice_of,
            d.FLAG: lambda fact, raw, path: self.flag(raw, path),
            d.DAY: lambda fact, raw, path: self.day(raw, path, required=False),
            d.MONEY: lambda fact, raw, path: self.money(raw, path, required=False),
            d.WHOLE: lambda fact, raw, path: self.whole(raw, path, fact.low, fact.high, required=False),
            d.REGION: lambda fact, raw, path: self.region(raw, path),
            d.MEMBER: lambda fact, raw, path: self.member_ref(raw, path),
            d.RECORD: lambda fact, raw, path: self.record(raw, path, fact.record or object),
            d.ITEMS: self._items_of,
        }

    def _choice_of(self, fact: Fact, raw: Any, path: str) -> str | None:
        assert fact.choices is not None
        return self.choice(
            raw, path, fact.choices, required=False, max_length=fact.max_length, invalid=fact.invalid_choice
        )

    def _items_of(self, fact: Fact, raw: Any, path: str) -> tuple[Any, ...]:
        assert fact.record is not None
        built = (
            self.record(item, join(path, index), fact.record)
            for index, item in enumerate(self.items(raw, path, fact.max_items))
        )
        return tuple(item for item in built if item is not None)

    def member_ref(self, raw: Any, path: str) -> str | None:
        ref = self.text(raw, path, required=False, max_length=40)
        if ref is not None and self.member_ids and ref not in self.member_ids:
            self.fail(path, f"“{ref}”不是 members 中的成员 id")
            return None
        return ref

    def fail(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path or "(根)", message))

    def has_error(self, path: str) -> bool:
        errors = self.errors
        return bool(errors) and any(e.field == path for e in errors)

    def mapping(self, raw: Any, path: str, allowed: frozenset[str]) -> Mapping[str, Any] | None:
        if not isinstance(raw, Mapping):
            self.fail(path, "应为对象")
            return None
        for key in raw:
            if key not in allowed:
                self.fail(join(path, str(key)), "未知字段")
        return raw

    def items(self, raw: Any, path: str, limit: int = MAX_ITEMS) -> list[Any]:
        if raw is MISSING or raw is None:
            return []
        if not isinstance(raw, list):
            self.fail(path, "应为数组")
            return []
        if len(raw) > limit:
            self.fail(path, f"最多{limit}项")
            return []
        return raw

    def text(self, raw: Any, path: str, *, required: bool = True, max_length: int = 200) -> str | None:
        if raw is MISSING or raw is None:
            if required:
                self.fail(path, "必填")
            return None
        if not isinstance(raw, str):
            self.fail(path, "应为字符串")
            return None
        value = raw.strip()
        if required and not value:
            self.fail(path, "不能为空")
            return None
        if len(value) > max_length:
            self.fail(path, f"不能超过{max_length}个字符")
            return None
        return value

    def choice(
        self,
        raw: Any,
        path: str,
        choices: Mapping[str, Any],
        *,
        required: bool = True,
        max_length: int = 200,
        invalid: str = "",
    ) -> str | None:
        value = self.text(raw, path, required=required, max_length=max_length)
        if value is None:
            return None
        if value not in choices:
            message = invalid or "取值“{value}”无效，可选：" + "、".join(choices)
            self.fail(path, message.replace("{value}", value))
            return None
        return value

    def flag(self, raw: Any, path: str) -> bool:
        if raw is MISSING or raw is None:
            return False
        if not isinstance(raw, bool):
            self.fail(path, "应为 true 或 false")
            return False
        return raw

    def day(self, raw: Any, path: str, *, required: bool = True) -> date | None:
        value = self.text(raw, path, required=required, max_length=10)
        if value is None:
            return None
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            self.fail(path, f"“{value}”不是有效日期，格式应为 YYYY-MM-DD")
            return None
        if len(value) != 10:
            self.fail(path, "日期格式应为 YYYY-MM-DD")
            return None
        if not EARLIEST_DATE <= parsed <= LATEST_DATE:
            self.fail(path, f"日期应在{EARLIEST_DATE.year}年至{LATEST_DATE.year}年之间")
            return None
        return parsed

    def money(self, raw: Any, path: str, *, required: bool = True) -> Decimal | None:
        if raw is MISSING or raw is None:
            if required:
                self.fail(path, "必填")
            return None
        if isinstance(raw, (bool, float)):
            self.fail(path, '金额应写成字符串（如 "1200.50"）或整数，不接受浮点数')
            return None
        if not isinstance(raw, (str, int, Decimal)):
            self.fail(path, "金额应为数值字符串")
            return None
        try:
            amount = Decimal(raw.strip() if isinstance(raw, str) else raw)
        except InvalidOperation:
            self.fail(path, f"“{raw}”不是有效金额")
            return None
        if not amount.is_finite():
            self.fail(path, "金额必须是有限数值")
            return None
        if amount < 0:
            self.fail(path, "金额不能为负数")
            return None
        if amount > MAX_AMOUNT:
            self.fail(path, "金额超出合理范围")
            return None
        if amount != amount.quantize(_FEN):
            self.fail(path, "金额最多保留到分（两位小数）")
            return None
        return amount

    def whole(self, raw: Any, path: str, low: int, high: int, *, required: bool = True) -> int | None:
        if raw is MISSING or raw is None:
            if required:
                self.fail(path, "必填")
            return None
        if isinstance(raw, bool) or not isinstance(raw, int):
            self.fail(path, "应为整数")
            return None
        if not low <= raw <= high:
            self.fail(path, f"应在{low}至{high}之间")
            return None
        return raw

    def region(self, raw: Any, path: str) -> str | None:
        value = self.text(raw, path, required=False, max_length=6)
        if value is not None and not REGION_PATTERN.match(value):
            self.fail(path, "行政区划代码应为6位数字")
            return None
        return value


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key
