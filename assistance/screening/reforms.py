"""A reform's parameter changes and a sweep's values: read from a request, checked, and turned into
the parameter table the screening path builds its arrays from.

A change is keyed as the existing what-if keys its overrides (``dibao_standard``, or
``dibao_standard.urban`` for one area; assistance/batch/whatif.py). It applies in the reform's
counties from its effective date, as a dated entry more specific than any configured value
(rules/parameters.py: county and area exact), so every household decided on that date reads it.
Amounts are Decimal yuan (money to the fen) or exact ratios, never floats.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Final

from assistance.errors import FieldProblem, InvalidInput
from rules import vocabulary as v
from rules.parameters import ANY, ParameterError, ParameterTable, ParameterValue
from rules.screening.parameters import KINDS, MEMBERSHIP_KINDS, MONEY_KINDS, WHOLE_KINDS

_KEY: Final = re.compile(r"^([a-z_]+)(?:\.(urban|rural))?$")
_CENT: Final = Decimal("0.01")
# A ratio finer than this would give the screening arrays a denominator beyond their exact range.
_RATIO_PLACES: Final = 4
LARGEST_SWEEP: Final = 401
AREA_TITLES: Final = {v.URBAN: "城市", v.RURAL: "农村"}


def amount_of(kind: str, raw: Any, field: str) -> Decimal:
    """One parameter's amount, exactly: money to the fen, whole numbers, ratios to 4 places."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
        raise InvalidInput.field(field, '应为数值字符串，如 "800.00"（不接受浮点数）')
    try:
        amount = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise InvalidInput.field(field, f"“{raw}”不是数值") from exc
    if not amount.is_finite() or amount < 0:
        raise InvalidInput.field(field, "应为非负数")
    if kind in MONEY_KINDS and amount != amount.quantize(_CENT):
        raise InvalidInput.field(field, "金额最多精确到分（两位小数）")
    if kind in WHOLE_KINDS and amount != amount.to_integral_value():
        raise InvalidInput.field(field, "应为整数")
    if kind not in MONEY_KINDS and amount != amount.quantize(Decimal(1).scaleb(-_RATIO_PLACES)):
        raise InvalidInput.field(field, f"比例最多{_RATIO_PLACES}位小数")
    if amount > Decimal(10**9):
        raise InvalidInput.field(field, "数值过大")
    return amount


def parse_key(key: Any, field: str) -> tuple[str, str | None]:
    """(kind, area or None) of a change's key."""
    found = _KEY.match(key) if isinstance(key, str) else None
    if found is None:
        raise InvalidInput.field(field, "参数名应为参数种类（如 dibao_standard），可加 .urban 或 .rural")
    if found.group(1) not in KINDS:
        raise InvalidInput.field(field, "没有这种参数，无法测算")
    return found.group(1), found.group(2)


def parse_changes(raw: Any, field: str = "changes") -> dict[str, Decimal]:
    if not isinstance(raw, Mapping) or not raw:
        raise InvalidInput.field(field, '请给出测算参数，如 {"dibao_standard.urban": "800.00"}')
    problems: list[FieldProblem] = []
    changes: dict[str, Decimal] = {}
    for key, amount in raw.items():
        where = f"{field}.{key}"
        try:
            kind, _ = parse_key(key, where)
            changes[str(key)] = amount_of(kind, amount, where)
        except InvalidInput as exc:
            problems.extend(exc.errors)
    if problems:
        raise InvalidInput("测算参数有误", problems)
    return changes


def reform_table(
    base: ParameterTable, changes: Mapping[str, Decimal], counties: Sequence[str], on: date, name: str
) -> ParameterTable:
    """``base`` with the changes in force in ``counties`` from ``on``. A key without an area sets
    both areas, unless the same kind is also given for one area (as the what-if's overrides)."""
    added: list[ParameterValue] = []
    for key, amount in changes.items():
        kind, _, area = key.partition(".")
        areas = [area] if area else [a for a in (v.URBAN, v.RURAL) if f"{kind}.{a}" not in changes]
        for county in counties:
            for each in areas:
                added.append(
                    ParameterValue(
                        kind=kind,
                        title=base.title(kind),
                        unit="",
                        county=county,
                        area=each or ANY,
                        effective_from=on,
                        amount=amount,
                        source=f"测算方案“{name}”（{on.isoformat()} 起，不作为认定依据）",
                        overridden=True,
                    )
                )
    titles = {kind: base.title(kind) for kind in base.kinds}
    return ParameterTable([*base.values(), *added], titles)


def current_value(base: ParameterTable, key: str, county: str, on: date) -> Decimal | None:
    """The configured value the key names in ``county`` on ``on`` (the urban one for a key
    without an area), or None where none is configured."""
    kind, _, area = key.partition(".")
    area = area or v.URBAN
    try:
        return base.resolve(kind, county, area, on).amount
    except ParameterError:
        return None


@dataclass(frozen=True, slots=True)
class SweepPoint:
    value: Decimal
    # For a sweep by a share of a consumption figure: the share, in percent.
    percent: Decimal | None = None


def parse_sweep(raw: Mapping[str, Any]) -> tuple[str, list[SweepPoint], dict[str, str]]:
    """The key, the points and what to keep of the request: by value (``start``, ``stop``,
    ``step``, e.g. 600.00–900.00 by 5.00) or by share of an annual per-capita consumption figure
    (``consumption``, its ``source``, ``start_percent``, ``stop_percent``, ``step_percent``; the
    monthly standard = consumption × share ÷ 12, rounded half up to the fen: 晋民发〔2021〕38号)."""
    key = raw.get("parameter")
    kind, _ = parse_key(key, "parameter")
    if kind in MEMBERSHIP_KINDS:
        # Each value would need the households read again, a sweep of 61 values 61 readings.
        raise InvalidInput.field(
            "parameter",
            "脱离家庭的年限决定谁计入家庭成员（64号 第十条（二）），每个取值都要重新读取全部家庭，"
            "不能做标准测算；请逐个取值做人群测算",
        )
    if "consumption" in raw:
        if kind != "dibao_standard":
            raise InvalidInput.field("consumption", "按消费支出比例测算只适用于低保标准（dibao_standard）")
        consumption = amount_of("dibao_standard", raw.get("consumption"), "consumption")
        source = raw.get("source")
        if not isinstance(source, str) or not source.strip():
            raise InvalidInput.field("source", "请注明消费支出数据的来源（如 统计公报名称和年份）")
        start, stop, step = (
            amount_of("ratio", raw.get(f), f) for f in ("start_percent", "stop_percent", "step_percent")
        )
        shares = _steps(start, stop, step, "step_percent")
        points = [
            SweepPoint((consumption * share / 100 / 12).quantize(_CENT, rounding=ROUND_HALF_UP), share)
            for share in shares
        ]
        kept = {"consumption": str(consumption), "source": source.strip()[:200]}
        kept |= {f: str(raw[f]) for f in ("start_percent", "stop_percent", "step_percent")}
        return str(key), points, kept
    start, stop, step = (amount_of(kind, raw.get(f), f) for f in ("start", "stop", "step"))
    values = _steps(start, stop, step, "step")
    return (
        str(key),
        [SweepPoint(x) for x in values],
        {"start": str(start), "stop": str(stop), "step": str(step)},
    )


def _steps(start: Decimal, stop: Decimal, step: Decimal, step_field: str) -> list[Decimal]:
    if step <= 0:
        raise InvalidInput.field(step_field, "步长应大于0")
    if stop < start:
        raise InvalidInput.field("stop" if step_field == "step" else "stop_percent", "终值不能小于起值")
    count = int((stop - start) / step) + 1
    if count > LARGEST_SWEEP:
        raise InvalidInput.field(step_field, f"取值不能超过{LARGEST_SWEEP}个，请加大步长")
    return [start + step * i for i in range(count)]


__all__ = [
    "AREA_TITLES",
    "SweepPoint",
    "amount_of",
    "current_value",
    "parse_changes",
    "parse_key",
    "parse_sweep",
    "reform_table",
]
