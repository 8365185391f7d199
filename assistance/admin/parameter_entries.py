"""Entering a dated parameter value through the service: a new dibao standard, minimum wage or
medical-assistance deductible, with its effective date and source document.

An entry is a record in the database (``models.parameter_entries``), written with an event in the
administrators' log in the same transaction:

- a value outside its plausible range (``parameters.ENTERABLE``) is refused unless confirmed;
- an entry effective from today or later is in force at once; one effective before today would
  change cases already being decided, and waits for an administrator other than the person who
  entered it to approve it;
- an entry can be withdrawn, with a reason; decisions already made keep the value they used, and
  their evaluation names the entry (``parameters.as_value``).

Old values are never changed: a new standard is a new entry with its own effective date.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import sqlalchemy as sa
from sqlmodel import Session, col, select

from assistance import security_log
from assistance.access import PARAMETER_ENTRIES, Actor, actor_for, require
from assistance.clock import utcnow
from assistance.db import Database
from assistance.errors import Conflict, FieldProblem, InvalidInput, NotFound
from assistance.models.parameter_entries import ENTRY_STATUSES, IN_FORCE, PENDING, WITHDRAWN, ParameterEntry
from assistance.parameters import ENTERABLE, parameter_table
from rules.counties import COUNTIES
from rules.parameters import ANY, ParameterValue

AREAS: Final = {"urban": "城市", "rural": "农村", ANY: "城乡同一"}
_AMOUNT = re.compile(r"^\d{1,9}(\.\d{1,2})?$")
SUBJECT: Final = "parameter_entry"


def _date(raw: Any, name: str, problems: list[FieldProblem]) -> date | None:
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        problems.append(FieldProblem(name, "应为日期，格式 YYYY-MM-DD"))
        return None


def _line(data: Mapping[str, Any], name: str, problems: list[FieldProblem], label: str) -> str:
    text = str(data.get(name, "") or "").strip()
    if len(text) > 300 or "\n" in text:
        problems.append(FieldProblem(name, f"{label}应为一行，不超过300字"))
    return text


def _confirmed(raw: Any) -> bool:
    return raw is True or str(raw).lower() in ("1", "true", "on", "yes")


def _validate(actor: Actor, data: Mapping[str, Any]) -> dict[str, Any]:
    problems: list[FieldProblem] = []
    kind = str(data.get("kind", ""))
    if kind not in ENTERABLE:
        problems.append(
            FieldProblem("kind", f"应为以下之一：{'、'.join(e.title for e in ENTERABLE.values())}")
        )
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
    amount = _amount(str(data.get("amount", "")).strip(), problems)
    if amount is not None and kind in ENTERABLE and not _confirmed(data.get("confirmed")):
        bounds = ENTERABLE[kind]
        if not bounds.low <= amount <= bounds.high:
            problems.append(
                FieldProblem(
                    "amount",
                    f"超出合理范围（{bounds.low}至{bounds.high}{bounds.unit}）；"
                    "核对来源文件无误的，请确认后再录入（confirmed）",
                )
            )
    source = _line(data, "source", problems, "来源文件")
    if not source:
        problems.append(FieldProblem("source", "每个数值都必须注明来源文件（发文机关、文件名称和文号）"))
    note = _line(data, "note", problems, "说明")
    if problems:
        raise InvalidInput("参数有误", problems)
    assert effective_from is not None and amount is not None
    return {
        "kind": kind,
        "county": county,
        "area": area,
        "effective_from": effective_from,
        "effective_to": effective_to,
        "amount": amount,
        "source": source,
        "note": note,
        "out_of_range_confirmed": not ENTERABLE[kind].low <= amount <= ENTERABLE[kind].high,
    }


def _amount(raw: str, problems: list[FieldProblem]) -> Decimal | None:
    if not _AMOUNT.match(raw):
        problems.append(FieldProblem("amount", "应为金额，以元为单位，最多两位小数，如 760.00"))
        return None
    try:
        amount = Decimal(raw).quantize(Decimal("0.01"))
    except InvalidOperation:
        problems.append(FieldProblem("amount", "应为金额"))
        return None
    if amount <= 0:
        problems.append(FieldProblem("amount", "应大于零"))
        return None
    return amount


_SAME_DAY = select(ParameterEntry).where(
    col(ParameterEntry.kind) == sa.bindparam("kind"),
    col(ParameterEntry.county) == sa.bindparam("county"),
    col(ParameterEntry.area) == sa.bindparam("area"),
    col(ParameterEntry.effective_from) == sa.bindparam("effective_from"),
    col(ParameterEntry.status) != WITHDRAWN,
)


def _refuse_same_day(session: Session, entry: Mapping[str, Any]) -> None:
    """One value per kind, county, area and effective date: a change is a new date."""
    key = {k: entry[k] for k in ("kind", "county", "area", "effective_from")}
    earlier: ParameterEntry | ParameterValue | None = session.exec(_SAME_DAY, params=key).first()
    clash = earlier or next(
        (
            v
            for v in parameter_table().values(entry["kind"])
            if (v.county, v.area, v.effective_from)
            == (entry["county"], entry["area"], entry["effective_from"])
        ),
        None,
    )
    if clash is not None:
        raise Conflict(
            f"已有自{entry['effective_from'].isoformat()}起施行的同一参数（{clash.amount}，{clash.source}）",
            [FieldProblem("effective_from", "同一日期已有数值；标准调整请以新的施行日期录入")],
        )


def enter_value(db: Database, user_id: int, data: Any, today: date) -> dict[str, Any]:
    """Enter one dated value; returns it as recorded. 422 for a bad value, 409 for a value of the
    same kind, county and area already entered from the same date."""
    if not isinstance(data, Mapping):
        raise InvalidInput.field("(根)", "应为 JSON 对象")
    with db.transaction() as session:
        actor = actor_for(session, user_id)
        require(actor, "enter_parameters")
        values = _validate(actor, data)
        _refuse_same_day(session, values)
        # 64号 第八条: a standard changes the cases decided from its date. One effective before
        # today reaches back over cases already in progress; a second person approves it.
        status = PENDING if values["effective_from"] < today else IN_FORCE
        entry = ParameterEntry(**values, status=status, entered_by=actor.user_id)
        session.add(entry)
        session.flush()
        security_log.record(
            session,
            "parameter_entered",
            actor=actor,
            subject=SUBJECT,
            subject_id=entry.id,
            detail=_detail(entry),
        )
        return describe(entry)


def _entry(session: Session, entry_id: int, actor: Actor) -> ParameterEntry:
    entry = session.get(ParameterEntry, entry_id, with_for_update=True)
    if entry is None or not _visible(actor, entry):
        raise NotFound("没有这条参数录入记录")
    return entry


def _visible(actor: Actor, entry: ParameterEntry) -> bool:
    return entry.county == ANY or PARAMETER_ENTRIES.allows(actor, entry.county)


def approve(db: Database, user_id: int, entry_id: int) -> dict[str, Any]:
    """An administrator other than the person who entered it puts a backdated entry in force."""
    with db.transaction() as session:
        actor = actor_for(session, user_id)
        require(actor, "approve_parameter_entries")
        entry = _entry(session, entry_id, actor)
        if entry.status != PENDING:
            raise Conflict(f"该录入当前为“{ENTRY_STATUSES[entry.status]}”，无需批准", [])
        if entry.entered_by == actor.user_id:
            raise Conflict("追溯施行的参数须由录入人以外的管理员批准", [])
        entry.status, entry.approved_by, entry.approved_at = IN_FORCE, actor.user_id, utcnow()
        security_log.record(
            session,
            "parameter_approved",
            actor=actor,
            subject=SUBJECT,
            subject_id=entry_id,
            detail=_detail(entry),
        )
        return describe(entry)


def withdraw(db: Database, user_id: int, entry_id: int, data: Any) -> dict[str, Any]:
    """Withdraw an entry (pending or in force), with a reason. Decisions already made keep it."""
    reason = str((data or {}).get("reason", "") if isinstance(data, Mapping) else "").strip()
    if not reason:
        raise InvalidInput.field("reason", "请说明撤回的理由")
    if len(reason) > 300:
        raise InvalidInput.field("reason", "不超过300字")
    with db.transaction() as session:
        actor = actor_for(session, user_id)
        require(actor, "enter_parameters")
        entry = _entry(session, entry_id, actor)
        if not PARAMETER_ENTRIES.allows(actor, entry.county):
            raise NotFound("没有这条参数录入记录")
        if entry.status == WITHDRAWN:
            raise Conflict("该录入已撤回", [])
        entry.status, entry.withdrawn_by, entry.withdrawn_at = WITHDRAWN, actor.user_id, utcnow()
        entry.withdrawal_reason = reason
        _log(session, actor, "parameter_withdrawn", entry_id, {"reason": reason})
        return describe(entry)


def list_entries(db: Database, user_id: int) -> list[dict[str, Any]]:
    """The entries the actor may see (their county's and the whole city's), newest first, each
    with its log."""
    with db.reading() as session:
        actor = actor_for(session, user_id)
        require(actor, "enter_parameters")
        query = select(ParameterEntry).order_by(col(ParameterEntry.id).desc())
        query = query.where(
            sa.or_(
                col(ParameterEntry.county) == ANY, PARAMETER_ENTRIES.where(actor, col(ParameterEntry.county))
            )
        )
        entries = session.exec(query).all()
        logs = security_log.of(session, SUBJECT, [e.id or 0 for e in entries])
        return [{**describe(e), "events": logs.get(e.id or 0, [])} for e in entries]


def _log(session: Session, actor: Actor, action: str, entry_id: int, detail: dict[str, Any]) -> None:
    security_log.record(session, action, actor=actor, subject=SUBJECT, subject_id=entry_id, detail=detail)


_LOGGED = ("kind", "county", "area", "effective_from", "amount", "source", "status", "out_of_range_confirmed")


def _detail(entry: ParameterEntry) -> dict[str, Any]:
    described = describe(entry)
    return {key: described[key] for key in _LOGGED}


def describe(entry: ParameterEntry) -> dict[str, Any]:
    enterable = ENTERABLE[entry.kind]
    return {
        "id": entry.id,
        "kind": entry.kind,
        "title": enterable.title,
        "unit": enterable.unit,
        "county": entry.county,
        "area": entry.area,
        "effective_from": entry.effective_from.isoformat(),
        "effective_to": entry.effective_to.isoformat() if entry.effective_to else None,
        "amount": str(entry.amount),
        "source": entry.source,
        "note": entry.note,
        "status": entry.status,
        "status_name": ENTRY_STATUSES[entry.status],
        "out_of_range_confirmed": entry.out_of_range_confirmed,
        "entered_by": entry.entered_by,
        "approved_by": entry.approved_by,
        "withdrawn_by": entry.withdrawn_by,
        "withdrawal_reason": entry.withdrawal_reason,
    }


__all__ = ["AREAS", "ENTERABLE", "approve", "describe", "enter_value", "list_entries", "withdraw"]
