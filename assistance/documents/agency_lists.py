"""Lists the county civil-affairs bureau sends to other agencies, as PDF and XLSX.

- 64号 第二十五条 医保衔接: “每月10日前各县（市、区）民政局将上月新增和退出的低保边缘家庭名单报同级
  医保部门” — one list per county and month, one row per member recognised with the family;
- 64号 第二十五条 残联衔接: “县（市、区）民政局每季度末将新增低保边缘家庭名单报县区残联” — one list per
  county and quarter;
- 65号 第十七条 (附件5 因病致贫重病患者认定名单推送表): confirmed patients “推送同级医保部门”; each push
  takes every confirmed patient not yet pushed and marks them pushed, with an audit event per case.

Rows come from the recognition notices as issued (their members are the ones the county recognised),
so the list and the notice cannot disagree. A monthly or quarterly list made again for the same
period is a new version of the same document when its rows changed (a late recognition), and the
same document when they did not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from sqlmodel import Session, col, select

from assistance import audit
from assistance.access import Actor, actor_for, require
from assistance.db import Database
from assistance.documents import default_renderer
from assistance.documents.context import dump_context, load_context
from assistance.documents.issued import SUMMARY_ONLY, latest_versions, summary
from assistance.documents.issuers import CountyIssuers, IssuerMissing, issuers_for
from assistance.documents.issuing import PdfRenderer, issue
from assistance.documents.list_kinds import EDGE_DISABILITY, EDGE_MEDICAL, ILLNESS_PUSH, LIST_KINDS
from assistance.documents.notices import current_document
from assistance.errors import Conflict, InvalidInput, Unavailable
from assistance.models import Area, AuditEvent, Case, IssuedDocument, Member
from rules.vocabulary import INSURANCE_SCHEMES

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")

# Widths in % of the line; an ID number needs 23 of them (official.css td.code).
MEMBER_COLUMNS: Final = (
    {"title": "序号", "type": "count", "width": 6},
    {"title": "类别", "type": "text", "width": 7},
    {"title": "姓名", "type": "text", "width": 10},
    {"title": "身份证号码", "type": "code", "width": 23},
    {"title": "与申请人关系", "type": "text", "width": 10},
    {"title": "乡镇（街道）", "type": "text", "width": 13},
    {"title": "村（社区）", "type": "text", "width": 13},
    {"title": "认定（退出）日期", "type": "date", "width": 18},
)
PUSH_COLUMNS: Final = (
    {"title": "序号", "type": "count", "width": 5},
    {"title": "姓名", "type": "text", "width": 11},
    {"title": "身份证号码", "type": "code", "width": 23},
    {"title": "参保类别", "type": "text", "width": 9},
    {"title": "乡镇（街道）村（社区）", "type": "text", "width": 12},
    {"title": "确认日期", "type": "date", "width": 12},
    {"title": "认定通知书文号", "type": "text", "width": 13},
    {"title": "申请前12个月个人自负医疗费用（元）", "type": "money", "width": 15},
)


@dataclass(frozen=True, slots=True)
class Period:
    code: str  # 2025-10, 2025-Q4
    label: str  # 2025年10月, 2025年第四季度
    first: date
    last: date


def month_period(code: str) -> Period:
    match = _MONTH.match(code)
    if match is None:
        raise InvalidInput.field("period", "月份应写作 YYYY-MM，如 2025-10")
    year, month = int(match.group(1)), int(match.group(2))
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return Period(code, f"{year}年{month}月", first, nxt - timedelta(days=1))


_QUARTER_NAMES = "一二三四"


def quarter_period(code: str) -> Period:
    match = _QUARTER.match(code)
    if match is None:
        raise InvalidInput.field("period", "季度应写作 YYYY-Qn，如 2025-Q4")
    year, quarter = int(match.group(1)), int(match.group(2))
    first = date(year, 3 * quarter - 2, 1)
    last = month_period(f"{year}-{3 * quarter:02d}").last
    return Period(code, f"{year}年第{_QUARTER_NAMES[quarter - 1]}季度", first, last)


def last_complete_month(on: date) -> str:
    """64号 第二十五条: by the 10th, the list of the month before."""
    previous = on.replace(day=1) - timedelta(days=1)
    return f"{previous.year}-{previous.month:02d}"


def last_complete_quarter(on: date) -> str:
    """The last quarter that has ended by ``on``."""
    quarter = (on.month - 1) // 3  # the current one's index, 0-3; the one before it ended
    return f"{on.year}-Q{quarter}" if quarter else f"{on.year - 1}-Q4"


def _county_actor(session: Session, user_id: int) -> tuple[Actor, str]:
    actor = actor_for(session, user_id)
    require(actor, "send_agency_lists")
    assert actor.county_code is not None  # county staff work in a county
    return actor, actor.county_code


def _issuers(county_code: str) -> CountyIssuers:
    try:
        return issuers_for(county_code)
    except IssuerMissing as exc:
        raise Unavailable("未配置该县（市、区）的发文机关和报送单位") from exc


@dataclass(frozen=True, slots=True)
class _Place:
    township: str
    village: str


def _places(session: Session, cases: Sequence[Case]) -> dict[int, _Place]:
    ids = {c.township_id for c in cases} | {c.village_id for c in cases}
    names = (
        {a.id: a.name for a in session.exec(select(Area).where(col(Area.id).in_(ids))).all()} if ids else {}
    )
    return {c.id or 0: _Place(names.get(c.township_id, ""), names.get(c.village_id, "")) for c in cases}


def _recognised_members(session: Session, case: Case) -> list[dict[str, Any]]:
    """The members the recognition notice names; the household's members as filed otherwise."""
    notice = current_document(session, case.id or 0, "edge_recognition")
    if notice is not None:
        members = load_context(notice.context).get("members") or []
        return [{"name": m["name"], "id_number": m["id_number"], "relation": m["relation"]} for m in members]
    rows = session.exec(
        select(Member).where(Member.household_id == case.household_id).order_by(col(Member.position))
    ).all()
    return [
        {"name": m.name, "id_number": m.id_number, "relation": m.relation}
        for m in rows
        if not m.exclusion_reason
    ]


def _edge_events(
    session: Session, county_code: str, period: Period, exits: bool
) -> list[tuple[AuditEvent, Case]]:
    """Recognitions (and, for the medical list, exits after a recheck, 64号 第二十六条) during the
    period, in order. A recognition kept after an exit review is not new."""
    entered = (col(AuditEvent.to_state) == "recognised") & (col(AuditEvent.from_state) != "exit_review")
    left = col(AuditEvent.to_state) == "exited"
    rows = session.exec(
        select(AuditEvent, Case)
        .join(Case, col(Case.id) == col(AuditEvent.case_id))
        .where(
            Case.county_code == county_code,
            Case.procedure == "dibao_edge",
            col(AuditEvent.on) >= period.first,
            col(AuditEvent.on) <= period.last,
            (entered | left) if exits else entered,
        )
        .order_by(col(AuditEvent.on), col(AuditEvent.id))
    ).all()
    return [(e, c) for e, c in rows if e.from_state != e.to_state]


def _member_rows(session: Session, events: list[tuple[AuditEvent, Case]]) -> tuple[list[list[Any]], int, int]:
    places = _places(session, [c for _, c in events])
    rows: list[list[Any]] = []
    new = exited = 0
    for event, case in events:
        label = "退出" if event.to_state == "exited" else "新增"
        new, exited = (new + 1, exited) if label == "新增" else (new, exited + 1)
        place = places[case.id or 0]
        for member in _recognised_members(session, case):
            rows.append(
                [len(rows) + 1, label, member["name"], member["id_number"], member["relation"],
                 place.township, place.village, event.on]
            )  # fmt: skip
    return rows, new, exited


def _edge_medical_context(session: Session, county: CountyIssuers, period: Period) -> dict[str, Any]:
    rows, new, exited = _member_rows(session, _edge_events(session, county.code, period, exits=True))
    due = period.last + timedelta(days=10)
    return {
        "title": f"{period.label}低保边缘家庭新增和退出名单",
        "issuer": county.civil_affairs,
        "recipient": county.medical_insurance,
        "copy_to": "运城市民政局",
        "intro": [
            f"根据《低保边缘家庭认定实施办法》（运民发〔2023〕64号）第二十五条（医保衔接），现将{period.label}"
            f"新增低保边缘家庭{new}户、退出{exited}户的名单（共{len(rows)}人）报送你局。相关人员自民政部门确认"
            "当月起按规定享受医疗救助待遇。",
            f"本名单应于{due.year}年{due.month}月{due.day}日前报送。",
        ],
        "columns": list(MEMBER_COLUMNS),
        "rows": rows,
        "empty": "新增和退出的低保边缘家庭",
        "contact": "",
        "correction": None,
    }


def _edge_disability_context(session: Session, county: CountyIssuers, period: Period) -> dict[str, Any]:
    rows, new, _ = _member_rows(session, _edge_events(session, county.code, period, exits=False))
    return {
        "title": f"{period.label}新增低保边缘家庭名单",
        "issuer": county.civil_affairs,
        "recipient": county.disability,
        "copy_to": "运城市民政局",
        "intro": [
            f"根据《低保边缘家庭认定实施办法》（运民发〔2023〕64号）第二十五条（残联衔接），现将{period.label}"
            f"新增低保边缘家庭{new}户的名单（共{len(rows)}人）报送你会，请做好残疾人相关救助项目的衔接。",
        ],
        "columns": list(MEMBER_COLUMNS),
        "rows": rows,
        "empty": "新增的低保边缘家庭",
        "contact": "",
        "correction": None,
    }


def _same_rows(document: IssuedDocument, context: Mapping[str, Any]) -> bool:
    return bool(document.context.get("rows") == dump_context(context)["rows"])


def issue_periodic(
    db: Database,
    user_id: int,
    kind_code: str,
    period_code: str,
    today: date,
    renderer: PdfRenderer | None = None,
) -> tuple[dict[str, Any], bool]:
    """The county's monthly (医保) or quarterly (残联) list for the period; returns the document and
    whether a new document or version was issued."""
    if kind_code not in (EDGE_MEDICAL.code, EDGE_DISABILITY.code):
        raise InvalidInput.field("kind", f"应为 {EDGE_MEDICAL.code} 或 {EDGE_DISABILITY.code}")
    kind = LIST_KINDS[kind_code]
    period = month_period(period_code) if kind is EDGE_MEDICAL else quarter_period(period_code)
    if period.last >= today:
        # A list for a period still running would be missing its last days, and the real one
        # would then be a second permanent document for the same period (issue 19).
        latest = last_complete_month(today) if kind is EDGE_MEDICAL else last_complete_quarter(today)
        raise InvalidInput.field(
            "period",
            f"{period.label}至{period.last.month}月{period.last.day}日才结束，"
            f"尚不能生成名单；最近一期为 {latest}",
        )
    with db.transaction() as session:
        return issue_periodic_in(session, user_id, kind_code, period_code, today, renderer)


def issue_periodic_in(
    session: Session,
    user_id: int,
    kind_code: str,
    period_code: str,
    today: date,
    renderer: PdfRenderer | None = None,
) -> tuple[dict[str, Any], bool]:
    """``issue_periodic`` within the caller's transaction (a scheduled run records itself with the
    list it issued); the kind and period already checked."""
    kind = LIST_KINDS[kind_code]
    period = month_period(period_code) if kind is EDGE_MEDICAL else quarter_period(period_code)
    actor, county_code = _county_actor(session, user_id)
    county = _issuers(county_code)
    build = _edge_medical_context if kind is EDGE_MEDICAL else _edge_disability_context
    context = build(session, county, period)
    previous = session.exec(
        select(IssuedDocument)
        .where(
            IssuedDocument.kind == kind.code,
            IssuedDocument.county_code == county_code,
            IssuedDocument.period == period.code,
        )
        .order_by(col(IssuedDocument.id).desc())
    ).first()
    if previous is not None and _same_rows(previous, context):
        return summary(previous, {previous.number: previous.version}), False
    if previous is not None:
        context["correction"] = {
            "reason": "本期名单有变动，重新报送",
            "of_issued": previous.issued_on,
            "of_version": previous.version,
        }
    document = issue(
        session,
        kind,
        context,
        county_code=county_code,
        case_id=None,
        issued_on=today,
        issued_by=actor.user_id,
        action="issue_list",
        renderer=renderer or default_renderer(),
        supersedes=previous,
        reason="本期名单有变动，重新报送" if previous is not None else "",
        period=period.code,
    )
    return summary(document, {document.number: document.version}), True


def _push_context(session: Session, county: CountyIssuers, cases: list[Case], today: date) -> dict[str, Any]:
    places = _places(session, cases)
    rows: list[list[Any]] = []
    for case in cases:
        notice = current_document(session, case.id or 0, "illness_recognition")
        stated = load_context(notice.context) if notice is not None else {}
        patient = session.get(Member, case.patient_member_id or case.applicant_member_id)
        assert patient is not None
        place = places[case.id or 0]
        rows.append(
            [len(rows) + 1, patient.name, patient.id_number,
             INSURANCE_SCHEMES.get(patient.insurance_scheme or "", "未登记"),
             f"{place.township}{place.village}", case.closed_on,
             notice.number if notice is not None else "", stated.get("out_of_pocket")]
        )  # fmt: skip
    return {
        "title": "因病致贫重病患者认定名单推送表",
        "issuer": county.civil_affairs,
        "recipient": county.medical_insurance,
        "copy_to": "运城市民政局",
        "intro": [
            "根据《因病致贫重病患者认定办法（试行）实施细则》（运民发〔2023〕65号）第十七条，现将经审核确认的"
            f"因病致贫重病患者{len(rows)}人的信息推送你局，请按第十八条及时完成医疗救助结算支付。",
        ],
        "columns": list(PUSH_COLUMNS),
        "rows": rows,
        "empty": "待推送的因病致贫重病患者",
        "contact": "",
        "correction": None,
    }


def push_confirmed_patients(
    db: Database, user_id: int, today: date, renderer: PdfRenderer | None = None
) -> dict[str, Any]:
    """65号 第十七条: push every confirmed patient of the county not yet pushed, in one 推送表."""
    with db.transaction() as session:
        actor, county_code = _county_actor(session, user_id)
        county = _issuers(county_code)
        cases = list(
            session.exec(
                select(Case)
                .where(
                    Case.county_code == county_code,
                    Case.procedure == "illness_poverty",
                    Case.push_status == "queued",
                )
                .order_by(col(Case.closed_on), col(Case.id))
                .with_for_update()
            ).all()
        )
        if not cases:
            raise Conflict("没有待推送的因病致贫重病患者")
        document = issue(
            session,
            ILLNESS_PUSH,
            _push_context(session, county, cases, today),
            county_code=county_code,
            case_id=None,
            issued_on=today,
            issued_by=actor.user_id,
            action="push_to_medical_insurance",
            renderer=renderer or default_renderer(),
            period=today.isoformat(),
        )
        for case in cases:
            case.push_status, case.pushed_on = "pushed", today
            case.version += 1
            audit.record(
                session,
                case,
                actor,
                "push_to_medical_insurance",
                today,
                case.state,
                case.state,
                {"document": {"id": document.id, "number": document.number}},
            )
        session.flush()
        return summary(document, {document.number: document.version})


def list_documents(db: Database, user_id: int, kind_code: str | None = None) -> list[dict[str, Any]]:
    """The county's lists, newest first."""
    with db.reading() as session:
        _, county_code = _county_actor(session, user_id)
        query = select(IssuedDocument).where(
            IssuedDocument.county_code == county_code,
            col(IssuedDocument.case_id).is_(None),
            col(IssuedDocument.kind).in_(list(LIST_KINDS)),
        )
        if kind_code:
            query = query.where(IssuedDocument.kind == kind_code)
        rows = list(session.exec(query.options(*SUMMARY_ONLY).order_by(col(IssuedDocument.id).desc())).all())
        latest = latest_versions(rows)
        return [summary(d, latest) for d in rows]


def pending_push(db: Database, user_id: int) -> int:
    with db.reading() as session:
        _, county_code = _county_actor(session, user_id)
        return len(
            session.exec(
                select(Case.id).where(
                    Case.county_code == county_code,
                    Case.procedure == "illness_poverty",
                    Case.push_status == "queued",
                )
            ).all()
        )


__all__ = [
    "EDGE_DISABILITY",
    "EDGE_MEDICAL",
    "ILLNESS_PUSH",
    "LIST_KINDS",
    "MEMBER_COLUMNS",
    "PUSH_COLUMNS",
    "Period",
    "issue_periodic",
    "list_documents",
    "month_period",
    "pending_push",
    "push_confirmed_patients",
    "quarter_period",
]
