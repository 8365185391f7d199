"""What each schedule does for one county, within the run's transaction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from assistance.access.permissions import holders
from assistance.cases import deadlines
from assistance.config import SCREENING_RETENTION_VARIABLE, screening_retention_days
from assistance.documents.agency_lists import issue_periodic_in
from assistance.models import Area, Case, CaseDeadline, Member, PeriodicRecheck, TownshipDigest, User
from assistance.models.rechecks import DUE
from assistance.schedules.declared import Ran
from assistance.screening import retention

# Steps due within this many working days are "due soon" in a digest.
DUE_SOON_WORKING_DAYS = 3
# 64号 第二十六条's rechecks, announced this many working days ahead (issue 20).
RECHECK_NOTICE_WORKING_DAYS = 10


def _county_clerk(session: Session, county: str) -> int | None:
    """The account a scheduled list is issued under: the county's longest-serving active staff
    member who may send lists (the audit trail names a person, as for a list made by hand)."""
    found = session.exec(
        select(User.id)
        .join(Area, col(Area.id) == col(User.area_id))
        .where(
            Area.county_code == county,
            col(User.active).is_(True),
            col(User.role).in_(holders("send_agency_lists")),
        )
        .order_by(col(User.id))
    ).first()
    return found


def _list(session: Session, kind: str, county: str, period: str, day: date) -> Ran:
    clerk = _county_clerk(session, county)
    if clerk is None:
        return Ran("failed", "本县没有在用的县级工作人员账号，无法以其名义生成名单")
    document, created = issue_periodic_in(session, clerk, kind, period, day)
    state = "已生成" if created else "本期名单已生成过，没有变化"
    return Ran("done", f"{state}《{document['title']}》{document['number']}", document["id"])


def medical_monthly_list(session: Session, county: str, period: str, day: date) -> Ran:
    return _list(session, "edge_medical_monthly", county, period, day)


def disability_quarterly_list(session: Session, county: str, period: str, day: date) -> Ran:
    return _list(session, "edge_disability_quarterly", county, period, day)


def _townships(session: Session, county: str) -> dict[int, str]:
    rows = session.exec(select(Area).where(Area.county_code == county, Area.level == "township")).all()
    return {a.id: a.name for a in rows if a.id is not None}


def _store(session: Session, township_id: int, county: str, day: date, key: str, value: Any) -> None:
    """Put one part of a township's digest for the day, leaving the other parts as they are."""
    digest = session.exec(
        select(TownshipDigest).where(TownshipDigest.township_id == township_id, TownshipDigest.day == day)
    ).first()
    if digest is None:
        digest = TownshipDigest(township_id=township_id, county_code=county, day=day, data={})
        session.add(digest)
    digest.data = {**digest.data, key: value}


def _applicants(session: Session, cases: list[Case]) -> dict[int | None, str]:
    ids = [c.applicant_member_id for c in cases]
    if not ids:
        return {}
    return {m.id: m.name for m in session.exec(select(Member).where(col(Member.id).in_(ids))).all()}


def township_digests(session: Session, county: str, period: str, day: date) -> Ran:
    """Each township's open steps past their date or due within a few working days (the step
    deadlines of issue 19), as they stand this morning."""
    calendar = deadlines.calendar_for(session)
    # Three working days never span more than two weeks; the exact count follows.
    horizon = day + timedelta(days=14)
    townships = _townships(session, county)
    rows = session.exec(
        select(CaseDeadline, Case)
        .join(Case, col(Case.id) == col(CaseDeadline.case_id))
        .where(
            Case.county_code == county,
            col(CaseDeadline.met_on).is_(None),
            col(CaseDeadline.cancelled).is_(False),
            col(CaseDeadline.due_on) <= horizon,
        )
        .order_by(col(CaseDeadline.due_on), col(Case.id))
    ).all()
    names = _applicants(session, [c for _, c in rows])
    lines: dict[int, dict[str, list[dict[str, Any]]]] = {
        t: {"overdue": [], "due_soon": []} for t in townships
    }
    for deadline, case in rows:
        shown = deadlines.describe(deadline, day, calendar)
        line = {
            "case_id": case.id,
            "number": case.number,
            "applicant": names.get(case.applicant_member_id, ""),
            "step": deadline.label,
            "article": deadline.article,
            "due_on": deadline.due_on.isoformat(),
            "late_working_days": shown["late_working_days"],
        }
        if case.township_id not in lines:
            continue
        if shown["overdue"]:
            lines[case.township_id]["overdue"].append(line)
        elif calendar.working_days_between(day, deadline.due_on) <= DUE_SOON_WORKING_DAYS:
            lines[case.township_id]["due_soon"].append(line)
    for township, parts in lines.items():
        _store(session, township, county, day, "deadlines", parts)
    overdue = sum(len(p["overdue"]) for p in lines.values())
    soon = sum(len(p["due_soon"]) for p in lines.values())
    return Ran(
        "done",
        f"{len(lines)} 个乡镇（街道）：逾期 {overdue} 项，{DUE_SOON_WORKING_DAYS} 个工作日内到期 {soon} 项",
    )


def recheck_reminders(session: Session, county: str, period: str, day: date) -> Ran:
    """Rechecks due within 10 working days (64号 第二十六条), into each township's digest."""
    calendar = deadlines.calendar_for(session)
    # Ten working days never span more than a month, holidays included; the exact count follows.
    horizon = day + timedelta(days=31)
    townships = _townships(session, county)
    rows = session.exec(
        select(PeriodicRecheck, Case)
        .join(Case, col(Case.id) == col(PeriodicRecheck.case_id))
        .where(
            Case.county_code == county, PeriodicRecheck.status == DUE, col(PeriodicRecheck.due_on) <= horizon
        )
        .order_by(col(PeriodicRecheck.due_on), col(Case.id))
    ).all()
    names = _applicants(session, [c for _, c in rows])
    lines: dict[int, list[dict[str, Any]]] = {t: [] for t in townships}
    for recheck, case in rows:
        left = calendar.working_days_between(day, recheck.due_on)
        if recheck.township_id in lines and left <= RECHECK_NOTICE_WORKING_DAYS:
            lines[recheck.township_id].append(
                {
                    "case_id": case.id,
                    "number": case.number,
                    "applicant": names.get(case.applicant_member_id, ""),
                    "due_on": recheck.due_on.isoformat(),
                    "overdue": recheck.due_on < day,
                    "working_days_left": left,
                }
            )
    for township, items in lines.items():
        _store(session, township, county, day, "rechecks", items)
    total = sum(len(i) for i in lines.values())
    return Ran("done", f"{RECHECK_NOTICE_WORKING_DAYS} 个工作日内到期或已逾期的定期核查 {total} 户")


def screening_retention(session: Session, county: str, period: str, day: date) -> Ran:
    """Mark deleted the lists of the county's what-ifs past the retention period, each with its
    event in the security log; their rows go afterwards (``retention.delete_marked``)."""
    days = screening_retention_days()
    if days is None:
        return Ran("nothing", f"未启用保留期限（{SCREENING_RETENTION_VARIABLE}=off），清单均保留")
    marked = retention.mark_due(session, county, day, days)
    if not marked:
        return Ran("nothing", f"没有完成超过 {days} 天、清单尚在的政策测算")
    households = sum(m.households for m in marked)
    runs = "、".join(f"#{m.run_id}" for m in marked)
    return Ran(
        "done", f"删除政策测算 {runs} 的变化家庭清单（共 {households} 户；完成超过 {days} 天），统计数字保留"
    )


__all__ = [
    "disability_quarterly_list",
    "medical_monthly_list",
    "recheck_reminders",
    "screening_retention",
    "township_digests",
]
