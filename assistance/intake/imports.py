"""Importing the lists other agencies send each month (64号 第二十五条):

- 乡村振兴衔接: “每月初将新识别录入……的监测户……名单报县区民政局，确保全部纳入低保边缘家庭范围” —
  each household waits for its township to be filed for direct recognition (第十五条);
- 医保衔接: “县（市、区）医保部门每月10日前将新增医保动态监测预警对象报县（市、区）民政局，确保符合条件的
  对象全部纳入救助范围” — each person waits for the township to check them, and to file an application
  (either procedure) or record why none is due.

A CSV (UTF-8 or GBK, as Excel saves it) or XLSX file with a header row. Every row is checked;
when any row is wrong nothing is imported and the answer lists every problem with its row
number, so the county corrects the file and sends it again. A household already on an earlier
list (same ID number, still pending or filed) is skipped and reported as such. Each imported row
waits for its township as a referral, which the township files for direct recognition
(64号 第十五条) with ``referral_id`` on the filing.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any, Final

from sqlalchemy import or_
from sqlmodel import Session, col, select

from assistance.access import REFERRALS, Actor, actor_for, may, may_file_in, require
from assistance.db import Database
from assistance.errors import Conflict, FieldProblem, InvalidInput, NotFound
from assistance.models import Area, Case, ImportBatch, Member, MonitoringReferral
from assistance.models.imports import (
    CERTIFICATE_CHANGES,
    DISABLED_PERSONS_FEDERATION,
    DISMISSED,
    FILED,
    MEDICAL_ALERT,
    MEDICAL_INSURANCE,
    PENDING,
    RURAL_REVITALISATION,
)
from assistance.reference.places import Place
from assistance.uploaded_tables import MAX_BYTES, Row, read_table
from assistance.validation import record_id
from rules.idnumber import InvalidIdNumber, birth_date_of
from rules.vocabulary import MONITORING_CATEGORIES

KIND: Final = "monitoring_households"
MEDICAL_KIND: Final = "medical_alerts"
DISABILITY_KIND: Final = "disability_changes"
SOURCE_NAMES: Final = {
    RURAL_REVITALISATION: "乡村振兴部门防返贫监测对象",
    MEDICAL_INSURANCE: "医保动态监测预警对象",
    DISABLED_PERSONS_FEDERATION: "残联报送的残疾人证变化",
}
SOURCES: Final = {
    KIND: RURAL_REVITALISATION,
    MEDICAL_KIND: MEDICAL_INSURANCE,
    DISABILITY_KIND: DISABLED_PERSONS_FEDERATION,
}
# Header → field; several spellings the bureau's exports use.
HEADERS: Final = {
    "户主姓名": "name",
    "姓名": "name",
    "身份证号码": "id_number",
    "身份证号": "id_number",
    "监测类别": "category",
    "监测对象类别": "category",
    "识别日期": "identified_on",
    "认定日期": "identified_on",
    "识别部门": "identified_by",
    "村（社区）代码": "village",
    "村代码": "village",
    "联系电话": "phone",
    "预警日期": "identified_on",
    "预警原因": "reason",
    "个人自付医疗费用": "reason",
    "变更类型": "category",
    "变更日期": "identified_on",
    "残疾类别及等级": "reason",
}
REQUIRED: Final = {
    KIND: ("name", "id_number", "category", "identified_on", "village"),
    MEDICAL_KIND: ("name", "id_number", "identified_on", "village"),
    DISABILITY_KIND: ("name", "id_number", "category", "identified_on", "village"),
}
LABELS: Final = {"name": "户主姓名", "id_number": "身份证号码", "category": "监测类别",
                 "identified_on": "识别日期", "village": "村（社区）代码"}  # fmt: skip
CATEGORY_BY_LABEL: Final = {label: code for code, label in MONITORING_CATEGORIES.items()}
CHANGE_BY_LABEL: Final = {label: code for code, label in CERTIFICATE_CHANGES.items()} | {
    label.removeprefix("残疾人证"): code for code, label in CERTIFICATE_CHANGES.items()
}


def read_rows(filename: str, content: bytes, kind: str = KIND) -> list[Row]:
    """The file's rows as text by field, or InvalidInput naming what is wrong with the file."""
    return read_table(filename, content, HEADERS, REQUIRED[kind], LABELS)


def _check(
    row: Row, villages: dict[str, Area], today: date, problems: list[FieldProblem], kind: str = KIND
) -> dict[str, Any] | None:
    v = row.values
    where = f"第{row.number}行"
    bad = len(problems)
    for field in REQUIRED[kind]:
        if not v.get(field):
            label = "变更类型" if (kind, field) == (DISABILITY_KIND, "category") else LABELS[field]
            problems.append(FieldProblem(f"rows[{row.number}].{field}", f"{where}：{label}必填"))
    if len(problems) > bad:
        return None
    id_number = v["id_number"].upper()
    try:
        birth_date_of(id_number)
    except InvalidIdNumber as exc:
        problems.append(FieldProblem(f"rows[{row.number}].id_number", f"{where}：{exc}"))
    raw_category = v.get("category", "")
    if kind == MEDICAL_KIND:
        category = MEDICAL_ALERT
    elif kind == DISABILITY_KIND:
        category = CHANGE_BY_LABEL.get(
            raw_category, raw_category if raw_category in CERTIFICATE_CHANGES else ""
        )
    else:
        category = CATEGORY_BY_LABEL.get(
            raw_category, raw_category if raw_category in MONITORING_CATEGORIES else ""
        )
    if not category:
        labels = CERTIFICATE_CHANGES if kind == DISABILITY_KIND else MONITORING_CATEGORIES
        allowed = "、".join(labels.values())
        what = "变更类型" if kind == DISABILITY_KIND else "监测类别"
        problems.append(FieldProblem(f"rows[{row.number}].category", f"{where}：{what}应为{allowed}"))
    try:
        identified = date.fromisoformat(v["identified_on"].replace("/", "-").replace(".", "-"))
        if identified > today:
            problems.append(
                FieldProblem(f"rows[{row.number}].identified_on", f"{where}：识别日期不能晚于今天")
            )
    except ValueError:
        identified = None
        problems.append(
            FieldProblem(f"rows[{row.number}].identified_on", f"{where}：识别日期应为 YYYY-MM-DD")
        )
    village = villages.get(v["village"])
    if village is None:
        problems.append(
            FieldProblem(
                f"rows[{row.number}].village", f"{where}：本县（市、区）没有村（社区）{v['village']}"
            )
        )
    if len(name := v["name"]) > 60:
        problems.append(FieldProblem(f"rows[{row.number}].name", f"{where}：姓名过长"))
    if len(problems) > bad:
        return None
    assert village is not None and identified is not None
    return {
        "name": name,
        "id_number": id_number,
        "category": category,
        "identified_on": identified,
        "identified_by": (v.get("identified_by") or "")[:100],
        "phone": (v.get("phone") or "")[:30],
        "reason": (v.get("reason") or "")[:500],
        "village": village,
    }


def county_desk(session: Session, user_id: int, permission: str) -> tuple[Actor, str, dict[str, Area]]:
    """The county staff member importing, with the permission asked, their county, and its
    villages by code (every row names one)."""
    actor = actor_for(session, user_id)
    require(actor, permission)
    county = actor.county_code
    assert county is not None  # county staff work in a county
    villages = {
        a.code: a
        for a in session.exec(select(Area).where(Area.county_code == county, Area.level == "village")).all()
    }
    return actor, county, villages


def record_batch(
    session: Session,
    kind: str,
    county: str,
    filename: str,
    content: bytes,
    total: int,
    skipped: list[dict[str, str]],
    user_id: int,
) -> ImportBatch:
    """The import as the county keeps it: the file's name and hash, the counts, and the rows
    skipped with why (the report)."""
    batch = ImportBatch(
        kind=kind,
        county_code=county,
        filename=filename[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        rows_total=total,
        rows_imported=total - len(skipped),
        rows_duplicate=len(skipped),
        report=skipped,
        imported_by=user_id,
    )
    session.add(batch)
    session.flush()
    return batch


def import_list(
    db: Database, user_id: int, kind: str, filename: str, content: bytes, today: date
) -> dict[str, Any]:
    # Who may import is known before a byte of the file is read.
    with db.reading() as session:
        require(actor_for(session, user_id), "import_agency_lists")
    rows = read_rows(filename, content, kind)
    source = SOURCES[kind]
    with db.transaction() as session:
        actor, county, villages = county_desk(session, user_id, "import_agency_lists")
        problems: list[FieldProblem] = []
        checked = [(row, _check(row, villages, today, problems, kind)) for row in rows]
        seen: dict[str, int] = {}
        for row, found in checked:
            if found is not None:
                if found["id_number"] in seen:
                    first = seen[found["id_number"]]
                    message = f"第{row.number}行：与第{first}行身份证号码重复"
                    problems.append(FieldProblem(f"rows[{row.number}].id_number", message))
                seen.setdefault(found["id_number"], row.number)
        if problems:
            raise InvalidInput(f"名单有{len(problems)}处错误，未导入任何一行；请更正后重新上传", problems)
        earlier = {
            r.id_number
            for r in session.exec(
                select(MonitoringReferral).where(
                    MonitoringReferral.county_code == county,
                    MonitoringReferral.source == source,
                    col(MonitoringReferral.id_number).in_(list(seen)),
                    col(MonitoringReferral.status).in_((PENDING, FILED)),
                )
            ).all()
        }
        skipped = [
            {"row": str(row.number), "id_number": found["id_number"], "reason": "已在此前导入的名单中"}
            for row, found in checked
            if found is not None and found["id_number"] in earlier
        ]
        batch = record_batch(session, kind, county, filename, content, len(rows), skipped, actor.user_id)
        for _, found in checked:
            assert found is not None
            if found["id_number"] in earlier:
                continue
            village: Area = found.pop("village")
            session.add(
                MonitoringReferral(
                    batch_id=batch.id or 0,
                    source=source,
                    county_code=county,
                    township_id=village.parent_id or 0,
                    village_id=village.id or 0,
                    **found,
                )
            )
        return {
            "batch_id": batch.id,
            "rows": batch.rows_total,
            "imported": batch.rows_imported,
            "duplicates": batch.rows_duplicate,
            "skipped": skipped,
        }


def _describe(session: Session, referral: MonitoringReferral) -> dict[str, Any]:
    village = session.get(Area, referral.village_id)
    township = session.get(Area, referral.township_id)
    return {
        "id": referral.id,
        "name": referral.name,
        "id_number": referral.id_number,
        "source": referral.source,
        "source_name": SOURCE_NAMES.get(referral.source, referral.source),
        "category": referral.category,
        "category_name": {**MONITORING_CATEGORIES, **CERTIFICATE_CHANGES}.get(
            referral.category, "医保动态监测预警对象"
        ),
        # Open or recognised cases of the county in which the person is a member (for a 残联 change,
        # the cases to look at again).
        "cases": _cases_of(session, referral.county_code, referral.id_number),
        "reason": referral.reason,
        "dismissed_reason": referral.dismissed_reason,
        "identified_on": referral.identified_on.isoformat(),
        "identified_by": referral.identified_by,
        "phone": referral.phone,
        "village": village.code if village else "",
        "village_name": village.name if village else "",
        "township_name": township.name if township else "",
        "status": referral.status,
        "case_id": referral.case_id,
    }


def _cases_of(session: Session, county: str, id_number: str) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Case)
        .join(Member, col(Member.household_id) == col(Case.household_id))
        .where(
            Member.id_number == id_number,
            Case.county_code == county,
            or_(col(Case.closed_on).is_(None), col(Case.state) == "recognised"),
        )
        .order_by(col(Case.id))
    ).all()
    return [{"id": c.id, "number": c.number, "state": c.state} for c in rows]


def list_referrals(db: Database, user_id: int, status: str | None = PENDING) -> list[dict[str, Any]]:
    """Monitoring households of the user's area, waiting to be filed (or all)."""
    with db.reading() as session:
        actor = actor_for(session, user_id)
        require(actor, "read_referrals")
        query = select(MonitoringReferral).where(
            REFERRALS.where(actor, col(MonitoringReferral.county_code), col(MonitoringReferral.township_id))
        )
        if status:
            query = query.where(MonitoringReferral.status == status)
        return [_describe(session, r) for r in session.exec(query.order_by(col(MonitoringReferral.id))).all()]


def dismiss(db: Database, user_id: int, referral_id: int, reason: Any, today: date) -> dict[str, Any]:
    """The township checked the person and no application is due: say why (kept with the list)."""
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 1000:
        raise InvalidInput.field("reason", "请写明核查情况和不予登记申请的理由（不超过1000字）")
    with db.transaction() as session:
        actor = actor_for(session, user_id)
        referral = session.get(MonitoringReferral, referral_id)
        if (
            referral is None
            or not may(actor, "dismiss_referrals")
            or not REFERRALS.allows(actor, referral.county_code, referral.township_id)
        ):
            raise NotFound(f"名单对象 {referral_id} 不存在或不在您的辖区")
        if referral.status != PENDING:
            raise Conflict("该对象已办理")
        if referral.source == RURAL_REVITALISATION:
            # 64号 第二十五条: every monitoring household is to be taken in; none is set aside here.
            raise Conflict(
                "防返贫监测对象应全部纳入低保边缘家庭范围，请登记申请（64号 第十五条、第二十五条）"
            )
        referral.status = DISMISSED
        referral.dismissed_reason, referral.dismissed_by, referral.dismissed_on = (
            reason.strip(),
            actor.user_id,
            today,
        )
        return _describe(session, referral)


def referral_for_filing(db: Database, user_id: int, referral_id: int) -> dict[str, Any]:
    """A pending referral of the user's township or village, to start its filing form from."""
    with db.reading() as session:
        actor = actor_for(session, user_id)
        referral = session.get(MonitoringReferral, referral_id)
        mine = (
            referral is not None
            and may(actor, "file_from_referral")
            and may_file_in(actor, actor.area_id, referral.village_id, referral.township_id)
        )
        if referral is None or not mine or referral.status != PENDING:
            raise NotFound(f"监测户 {referral_id} 不存在、已登记或不在您的辖区")
        return _describe(session, referral)


def take_referral(
    session: Session, referral_id: Any, village: Place, id_numbers: list[str], procedure: str
) -> MonitoringReferral:
    """The referral a filing answers: pending, of the filing's village; a monitoring household is
    filed as a 低保边缘 application by its applicant, a 医保 alert by any procedure naming the person."""
    wanted = record_id(referral_id)
    referral = session.get(MonitoringReferral, wanted) if wanted is not None else None
    if referral is None or referral.status != PENDING or referral.village_id != village.id:
        raise InvalidInput.field("referral_id", "没有本村（社区）待办理的这一名单对象")
    if referral.source == RURAL_REVITALISATION:
        if procedure != "dibao_edge":
            raise InvalidInput.field("referral_id", "防返贫监测对象按低保边缘家庭认定办理（64号 第十五条）")
        if referral.id_number != (id_numbers[0] if id_numbers else "").upper():
            raise InvalidInput.field("referral_id", "申请人身份证号码与监测户名单不一致")
    elif referral.id_number not in {n.upper() for n in id_numbers}:
        raise InvalidInput.field("referral_id", "家庭成员中没有名单上的这一人")
    referral.status = FILED
    return referral


__all__ = [
    "DISABILITY_KIND",
    "KIND",
    "MAX_BYTES",
    "MEDICAL_KIND",
    "SOURCES",
    "dismiss",
    "import_list",
    "list_referrals",
    "read_rows",
    "referral_for_filing",
    "take_referral",
]
