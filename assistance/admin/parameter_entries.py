"""Entering a dated parameter value through the service: a new dibao standard, minimum wage or
medical-assistance deductible, with its effective date and source document.

Values stay data files (rules/parameters/FORMAT.md): an entered value is appended as an
``[[entries]]`` block to ``entered.toml`` in the entry directory (``ASSISTANCE_PARAMETER_ENTRIES``,
default ``instance/parameters``), which the service loads after the shipped and local files. Old
values are never changed, so past applications keep being decided with the value in force on
their application date. The file is checked as a whole before it replaces the old one, and
written atomically under a lock, so a bad value or two administrators at once cannot leave a
broken or half-written file.
"""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
import tomllib
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final

from assistance.access import PARAMETER_ENTRIES, Actor, actor_for, require
from assistance.db import Database
from assistance.errors import Conflict, FieldProblem, InvalidInput
from assistance.parameters import entry_dir, parameter_table
from rules.counties import COUNTIES
from rules.parameters import ANY, ParameterError, parse_parameter_document

ENTRY_FILE: Final = "entered.toml"
# The values a county sets; the regulations' own ratios (1.5倍, 36个月 …) are not entered here.
ENTERABLE: Final = {
    "dibao_standard": ("城乡最低生活保障标准", "元/人·月"),
    "minimum_wage": ("最低工资标准（月）", "元/月"),
    "medical_assistance_deductible": ("因病致贫重病患者医疗救助年度起付标准", "元/年"),
}
AREAS: Final = {"urban": "城市", "rural": "农村", ANY: "城乡同一"}
_AMOUNT = re.compile(r"^\d{1,9}(\.\d{1,2})?$")
HEADER: Final = (
    "# 通过系统录入的参数（assistance/admin/parameter_entries.py）。格式见 rules/parameters/FORMAT.md。\n"
    "# 只增不改：新标准以新的 [[entries]] 录入，旧数值保留，以便历史申请按当时的标准认定。\n"
)


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _date(raw: Any, name: str, problems: list[FieldProblem]) -> date | None:
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        problems.append(FieldProblem(name, "应为日期，格式 YYYY-MM-DD"))
        return None


def _validate(actor: Actor, data: Mapping[str, Any]) -> dict[str, Any]:
    problems: list[FieldProblem] = []
    kind = str(data.get("kind", ""))
    if kind not in ENTERABLE:
        problems.append(FieldProblem("kind", f"应为以下之一：{'、'.join(t for t, _ in ENTERABLE.values())}"))
    county = str(data.get("county", ""))
    if not PARAMETER_ENTRIES.allows(actor, county):
        problems.append(FieldProblem("county", "县级工作人员只能录入本县（市、区）的参数"))
    elif county != ANY and county not in COUNTIES:
        problems.append(FieldProblem("county", "应为运城市的县（市、区）代码，或 * 表示全市"))
    area = str(data.get("area", ""))
    if area not in AREAS:
        problems.append(FieldProblem("area", "应为 urban（城市）、rural（农村）或 *（城乡同一）"))
    effective_from = _date(data.get("effective_from"), "effective_from", problems)
    if effective_from is None and not any(p.field == "effective_from" for p in problems):
        problems.append(FieldProblem("effective_from", "请填写施行日期"))
    effective_to = _date(data.get("effective_to"), "effective_to", problems)
    if effective_from and effective_to and effective_to < effective_from:
        problems.append(FieldProblem("effective_to", "截止日期不能早于施行日期"))
    raw_amount = str(data.get("amount", "")).strip()
    amount: Decimal | None = None
    if not _AMOUNT.match(raw_amount):
        problems.append(FieldProblem("amount", "应为金额，以元为单位，最多两位小数，如 760.00"))
    else:
        try:
            amount = Decimal(raw_amount).quantize(Decimal("0.01"))
        except InvalidOperation:
            problems.append(FieldProblem("amount", "应为金额"))
        if amount is not None and amount <= 0:
            problems.append(FieldProblem("amount", "应大于零"))
    source = str(data.get("source", "")).strip()
    if not source:
        problems.append(FieldProblem("source", "每个数值都必须注明来源文件（发文机关、文件名称和文号）"))
    elif len(source) > 300 or "\n" in source:
        problems.append(FieldProblem("source", "来源文件应为一行，不超过300字"))
    note = str(data.get("note", "") or "").strip()
    if len(note) > 300 or "\n" in note:
        problems.append(FieldProblem("note", "说明应为一行，不超过300字"))
    if problems:
        raise InvalidInput("参数有误", problems)
    return {
        "kind": kind,
        "county": county,
        "area": area,
        "effective_from": effective_from,
        "effective_to": effective_to,
        "amount": amount,
        "source": source,
        "note": note,
    }


def _block(entry: Mapping[str, Any], entered_by: str, today: date) -> str:
    title, unit = ENTERABLE[entry["kind"]]
    note = f"{entry['note']}（{entered_by} 于 {today.isoformat()} 录入）" if entry["note"] else (
        f"{entered_by} 于 {today.isoformat()} 录入"
    )  # fmt: skip
    lines = [
        "",
        "[[entries]]",
        f"kind = {_quote(entry['kind'])}",
        f"title = {_quote(title)}",
        f"unit = {_quote(unit)}",
        f"county = {_quote(entry['county'])}",
        f"area = {_quote(entry['area'])}",
        f"effective_from = {entry['effective_from'].isoformat()}",
    ]
    if entry["effective_to"] is not None:
        lines.append(f"effective_to = {entry['effective_to'].isoformat()}")
    lines += [
        f"amount = {_quote(str(entry['amount']))}",
        f"source = {_quote(entry['source'])}",
        f"note = {_quote(note)}",
    ]
    return "\n".join(lines) + "\n"


def enter_value(db: Database, user_id: int, data: Any, today: date) -> dict[str, Any]:
    """Append one dated value; returns it as entered. 422 for a bad value, 409 for a value of the
    same kind, county and area already in force from the same date."""
    if not isinstance(data, Mapping):
        raise InvalidInput.field("(根)", "应为 JSON 对象")
    with db.reading() as session:
        actor = actor_for(session, user_id)
    require(actor, "enter_parameters")
    entry = _validate(actor, data)
    for existing in parameter_table().values(entry["kind"]):
        if (existing.county, existing.area, existing.effective_from) == (
            entry["county"],
            entry["area"],
            entry["effective_from"],
        ):
            raise Conflict(
                f"已有自{entry['effective_from'].isoformat()}起施行的同一参数（{existing.amount}，{existing.source}）",
                [FieldProblem("effective_from", "同一日期已有数值；标准调整请以新的施行日期录入")],
            )
    directory = entry_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / ENTRY_FILE
    with (directory / ".entered.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        old = path.read_text(encoding="utf-8") if path.exists() else HEADER
        new = old + _block(entry, actor.username, today)
        try:
            parse_parameter_document(tomllib.loads(new, parse_float=Decimal), ENTRY_FILE)
        except (ParameterError, tomllib.TOMLDecodeError) as exc:
            raise InvalidInput("参数有误", [FieldProblem("(根)", str(exc))]) from exc
        _replace(path, new)
    return {
        **entry,
        "title": ENTERABLE[entry["kind"]][0],
        "effective_from": entry["effective_from"].isoformat(),
        "effective_to": entry["effective_to"].isoformat() if entry["effective_to"] else None,
        "amount": str(entry["amount"]),
        "file": str(path),
    }


def _replace(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".entered-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


__all__ = ["AREAS", "ENTERABLE", "ENTRY_FILE", "enter_value"]
