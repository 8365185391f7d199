"""Real-name reports and complaints (64号 第三十条, 65号 第二十三条): recorded by the township or
the county that received them, assigned to someone to check, checked one by one, and answered to
a real-name reporter (“逐一核查，并及时向举报人反馈核查处理结果”). An anonymous report is checked
and closed without an answer.

Each step is one transaction; a report linked to a case also writes an audit event on the case,
so the case's history shows that it was reported and what the check found.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from sqlalchemy import update
from sqlmodel import Session, col, select

from assistance import audit
from assistance.access import CASES, REPORTS, Actor, actor_for, may, require
from assistance.db import Database
from assistance.errors import Conflict, FieldProblem, InvalidInput, NotFound
from assistance.models import Area, Case, Report, User
from assistance.models.reports import ANSWERED, ASSIGNED, CLOSED, RECEIVED, VERIFIED
from assistance.models.users import COUNTY, TOWNSHIP
from assistance.validation import record_id

CHANNELS: Final = {"hotline": "服务热线", "letter": "来信", "visit": "来访", "online": "网上"}
ANSWER_METHODS: Final = {"phone": "电话", "letter": "书面", "in_person": "当面", "sms": "短信"}
STATUS_NAMES: Final = {
    RECEIVED: "已登记，待分派",
    ASSIGNED: "已分派，核查中",
    VERIFIED: "已核查，待反馈举报人",
    ANSWERED: "已反馈举报人",
    CLOSED: "已核查办结（匿名）",
}
STAFF = (TOWNSHIP, COUNTY)


def _text(
    data: dict[str, Any], name: str, problems: list[FieldProblem], *, limit: int, required: bool
) -> str:
    raw = data.get(name, "")
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        problems.append(FieldProblem(name, "应为文字"))
        return ""
    text: str = raw.strip()
    if required and not text:
        problems.append(FieldProblem(name, "必填"))
    elif len(text) > limit:
        problems.append(FieldProblem(name, f"不超过{limit}字"))
    return text


def _date(data: dict[str, Any], name: str, today: date, problems: list[FieldProblem]) -> date:
    raw = data.get(name)
    if raw in (None, ""):
        return today
    try:
        found = date.fromisoformat(str(raw))
    except ValueError:
        problems.append(FieldProblem(name, "应为日期，格式 YYYY-MM-DD"))
        return today
    if found > today:
        problems.append(FieldProblem(name, "不能晚于今天"))
    return found


def _body(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidInput.field("(根)", "应为 JSON 对象")
    return data


def _staff(session: Session, user_id: int) -> Actor:
    actor = actor_for(session, user_id)
    require(actor, "handle_reports")
    return actor


def _get(session: Session, actor: Actor, report_id: int) -> Report:
    report = session.get(Report, report_id)
    if report is None or not REPORTS.allows(actor, report.county_code, report.township_id):
        raise NotFound(f"举报 {report_id} 不存在或不在您的管辖范围内")
    return report


def describe(session: Session, report: Report) -> dict[str, Any]:
    names = {
        u.id: u.display_name
        for u in session.exec(
            select(User).where(
                col(User.id).in_(
                    [
                        i
                        for i in (
                            report.received_by,
                            report.assigned_to,
                            report.verified_by,
                            report.answered_by,
                        )
                        if i
                    ]
                )
            )
        ).all()
    }
    township = session.get(Area, report.township_id) if report.township_id else None
    return {
        "id": report.id,
        "status": report.status,
        "status_name": STATUS_NAMES[report.status],
        "county_code": report.county_code,
        "township": township.name if township else "",
        "case_id": report.case_id,
        "procedure": report.procedure,
        "channel": report.channel,
        "real_name": report.real_name,
        "reporter_name": report.reporter_name,
        "reporter_contact": report.reporter_contact,
        "subject": report.subject,
        "content": report.content,
        "received_on": report.received_on.isoformat(),
        "received_by": names.get(report.received_by, ""),
        "assigned_to": names.get(report.assigned_to or 0, ""),
        "assigned_on": report.assigned_on.isoformat() if report.assigned_on else None,
        "findings": report.findings,
        "substantiated": report.substantiated,
        "verified_on": report.verified_on.isoformat() if report.verified_on else None,
        "answer": report.answer,
        "answer_method": report.answer_method,
        "answered_on": report.answered_on.isoformat() if report.answered_on else None,
        "version": report.version,
    }


def record_report(db: Database, user_id: int, data: Any, today: date) -> dict[str, Any]:
    """Register a report as received (64号 第三十条: by the county or the township)."""
    data = _body(data)
    problems: list[FieldProblem] = []
    channel = str(data.get("channel", ""))
    if channel not in CHANNELS:
        problems.append(FieldProblem("channel", f"应为以下之一：{'、'.join(CHANNELS)}"))
    real_name = data.get("real_name")
    if not isinstance(real_name, bool):
        problems.append(FieldProblem("real_name", "应为 true（实名）或 false（匿名）"))
    name = _text(data, "reporter_name", problems, limit=60, required=real_name is True)
    contact = _text(data, "reporter_contact", problems, limit=100, required=real_name is True)
    subject = _text(data, "subject", problems, limit=200, required=True)
    content = _text(data, "content", problems, limit=4000, required=True)
    received_on = _date(data, "received_on", today, problems)
    with db.transaction() as session:
        actor = _staff(session, user_id)
        case: Case | None = None
        if data.get("case_id") not in (None, ""):
            case_id = data.get("case_id")
            case = session.get(Case, wanted) if (wanted := record_id(case_id)) is not None else None
            if case is None or not CASES.allows(actor, case):
                problems.append(FieldProblem("case_id", "案件不存在或不在您的管辖范围内"))
        township_id = case.township_id if case is not None else None
        if case is None and data.get("township") not in (None, ""):
            township = session.exec(select(Area).where(Area.code == str(data.get("township")))).first()
            if (
                township is None
                or township.level != "township"
                or township.county_code != (actor.county_code or township.county_code)
            ):
                problems.append(FieldProblem("township", "应为本县（市、区）的乡镇（街道）代码"))
            else:
                township_id = township.id
        own = REPORTS.township_of(actor)
        if own is not None:
            township_id = township_id or own
            if township_id != own:
                problems.append(FieldProblem("case_id", "乡镇只能登记本乡镇（街道）的举报"))
        if problems:
            raise InvalidInput("举报登记有误", problems)
        county_code = case.county_code if case is not None else actor.county_code
        if county_code is None:
            raise InvalidInput.field("case_id", "系统管理员登记举报时须关联案件")
        report = Report(
            county_code=county_code,
            township_id=township_id,
            case_id=case.id if case is not None else None,
            procedure=case.procedure if case is not None else None,
            channel=channel,
            real_name=bool(real_name),
            reporter_name=name if real_name else "",
            reporter_contact=contact if real_name else "",
            subject=subject,
            content=content,
            received_on=received_on,
            received_by=actor.user_id,
        )
        session.add(report)
        session.flush()
        if case is not None:
            article = "64号 第三十条" if case.procedure == "dibao_edge" else "65号 第二十三条"
            audit.record(session, case, actor, "report_received", received_on, case.state, case.state,
                         {"report_id": report.id, "subject": subject, "real_name": bool(real_name),
                          "article": article})  # fmt: skip
        return describe(session, report)


def _advance(
    session: Session,
    report: Report,
    expected: tuple[str, ...],
    target: str,
    actor: Actor,
    on: date,
    detail: dict[str, Any],
) -> None:
    if report.status not in expected:
        raise Conflict(
            f"举报当前为“{STATUS_NAMES[report.status]}”，不能进行此操作",
            [FieldProblem("status", f"当前状态：{STATUS_NAMES[report.status]}")],
        )
    # Two staff at once: exactly one moves the report on.
    moved = session.execute(
        update(Report)
        .where(col(Report.id) == report.id, col(Report.version) == report.version)
        .values(version=report.version + 1)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("举报已被他人办理，请刷新后重试")
    session.refresh(report)
    report.status = target
    if report.case_id is not None:
        case = session.get(Case, report.case_id)
        assert case is not None
        audit.record(session, case, actor, f"report_{target}", on, case.state, case.state,
                     {"report_id": report.id, **detail})  # fmt: skip


def assign(db: Database, user_id: int, report_id: int, data: Any, today: date) -> dict[str, Any]:
    """Give the report to a staff member of its county (or of its township) to check."""
    data = _body(data)
    problems: list[FieldProblem] = []
    on = _date(data, "on", today, problems)
    with db.transaction() as session:
        actor = _staff(session, user_id)
        report = _get(session, actor, report_id)
        assignee = session.exec(select(User).where(User.username == str(data.get("assignee", "")))).first()
        area = session.get(Area, assignee.area_id) if assignee is not None and assignee.area_id else None
        if (
            assignee is None
            or not may(assignee, "check_reports")
            or area is None
            or area.county_code != report.county_code
        ):
            problems.append(
                FieldProblem("assignee", "应为本县（市、区）乡镇（街道）或县级民政部门工作人员的用户名")
            )
        if problems:
            raise InvalidInput("分派有误", problems)
        assert assignee is not None
        _advance(session, report, (RECEIVED, ASSIGNED), ASSIGNED, actor, on, {"assignee": assignee.username})
        report.assigned_to, report.assigned_on = assignee.id, on
        if (township := REPORTS.township_of(assignee)) is not None:
            report.township_id = township
        return describe(session, report)


def verify(db: Database, user_id: int, report_id: int, data: Any, today: date) -> dict[str, Any]:
    """Record what the check found (逐一核查). An anonymous report is closed with it."""
    data = _body(data)
    problems: list[FieldProblem] = []
    findings = _text(data, "findings", problems, limit=4000, required=True)
    substantiated = data.get("substantiated")
    if not isinstance(substantiated, bool):
        problems.append(FieldProblem("substantiated", "应为 true（属实）或 false（不属实）"))
    on = _date(data, "on", today, problems)
    if problems:
        raise InvalidInput("核查结果有误", problems)
    with db.transaction() as session:
        actor = _staff(session, user_id)
        report = _get(session, actor, report_id)
        if report.assigned_to not in (None, actor.user_id):
            require(actor, "verify_reports_of_others")
        target = VERIFIED if report.real_name else CLOSED
        _advance(session, report, (RECEIVED, ASSIGNED), target, actor, on, {"substantiated": substantiated})
        report.findings, report.substantiated = findings, bool(substantiated)
        report.verified_on, report.verified_by = on, actor.user_id
        return describe(session, report)


def answer(db: Database, user_id: int, report_id: int, data: Any, today: date) -> dict[str, Any]:
    """Tell the real-name reporter what the check found and what was done (及时反馈)."""
    data = _body(data)
    problems: list[FieldProblem] = []
    text = _text(data, "answer", problems, limit=4000, required=True)
    method = str(data.get("method", ""))
    if method not in ANSWER_METHODS:
        problems.append(FieldProblem("method", f"应为以下之一：{'、'.join(ANSWER_METHODS)}"))
    on = _date(data, "on", today, problems)
    if problems:
        raise InvalidInput("反馈有误", problems)
    with db.transaction() as session:
        actor = _staff(session, user_id)
        report = _get(session, actor, report_id)
        _advance(session, report, (VERIFIED,), ANSWERED, actor, on, {"method": method})
        report.answer, report.answer_method = text, method
        report.answered_on, report.answered_by = on, actor.user_id
        return describe(session, report)


def list_reports(db: Database, user_id: int, status: str | None = None) -> list[dict[str, Any]]:
    with db.reading() as session:
        actor = _staff(session, user_id)
        query = select(Report).where(REPORTS.where(actor, col(Report.county_code), col(Report.township_id)))
        if status:
            if status not in STATUS_NAMES:
                raise InvalidInput.field("status", f"应为以下之一：{'、'.join(STATUS_NAMES)}")
            query = query.where(Report.status == status)
        return [describe(session, r) for r in session.exec(query.order_by(col(Report.id).desc())).all()]


def report_detail(db: Database, user_id: int, report_id: int) -> dict[str, Any]:
    with db.reading() as session:
        actor = _staff(session, user_id)
        return describe(session, _get(session, actor, report_id))


def register_objection(session: Session, case: Case, user_id: int, on: date, data: Mapping[str, Any]) -> int:
    """64号 第三十条, 65号 第二十三条: a real-name objection in a publicity is checked one by one and
    its result told to whoever raised it. It is registered as a real-name report on the case, in
    the objection's transaction, so that the reports' desk assigns, checks and answers it."""
    report = Report(
        county_code=case.county_code,
        township_id=case.township_id,
        case_id=case.id,
        procedure=case.procedure,
        channel="visit",
        real_name=True,
        reporter_name=str(data.get("raised_by", ""))[:60],
        reporter_contact=str(data.get("contact", ""))[:100],
        subject=f"公示期间实名异议（案件{case.number}）"[:200],
        content=str(data["content"]),
        received_on=on,
        received_by=user_id,
    )
    session.add(report)
    session.flush()
    assert report.id is not None
    return report.id


__all__ = [
    "ANSWER_METHODS",
    "CHANNELS",
    "STATUS_NAMES",
    "answer",
    "assign",
    "list_reports",
    "record_report",
    "register_objection",
    "report_detail",
    "verify",
]
