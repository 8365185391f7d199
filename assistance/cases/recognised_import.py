"""Importing the 低保边缘家庭 a county recognised before the service, so that their periodic
rechecks (64号 第二十六条) are scheduled and run here.

A CSV or XLSX table, one row per household member, the households told apart by the applicant's
ID number (户主身份证号码). Each household becomes a case that is already recognised: its members,
its village, its recognition date and the number of the recognition notice the old system issued.
Nothing is recorded as an act that never happened here: the case's one audit event is the import,
naming the batch, the date and the notice number; its documents stay the old system's.

Every row is checked and nothing is written while any is wrong, as with the agency lists
(``intake.imports``, ``uploaded_tables``); a household already recognised or in progress here is
skipped and reported.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, Final

from sqlmodel import Session, col, select

from assistance import audit
from assistance.access import Actor, actor_for, require
from assistance.cases import rechecks
from assistance.cases.filing import next_number
from assistance.db import Database
from assistance.errors import FieldProblem, InvalidInput
from assistance.intake.imports import county_desk, record_batch
from assistance.models import Area, Case, Household, ImportBatch, Member
from assistance.uploaded_tables import MAX_BYTES, Row, read_table
from rules.idnumber import InvalidIdNumber, birth_date_of
from rules.vocabulary import HUKOU_TYPES, RELATIONS

KIND: Final = "recognised_families"
PROCEDURE: Final = "dibao_edge"
IMPORTED: Final = "import_recognised"
HEADERS: Final = {
    "户主身份证号码": "applicant",
    "申请人身份证号码": "applicant",
    "姓名": "name",
    "身份证号码": "id_number",
    "与户主关系": "relation",
    "与申请人关系": "relation",
    "村（社区）代码": "village",
    "户籍类型": "hukou",
    "认定日期": "recognised_on",
    "认定通知书文号": "document_number",
    "家庭住址": "address",
}
REQUIRED: Final = (
    "applicant",
    "name",
    "id_number",
    "relation",
    "village",
    "hukou",
    "recognised_on",
    "document_number",
)
LABELS: Final = {
    "applicant": "户主身份证号码",
    "name": "姓名",
    "id_number": "身份证号码",
    "relation": "与户主关系",
    "village": "村（社区）代码",
    "hukou": "户籍类型",
    "recognised_on": "认定日期",
    "document_number": "认定通知书文号",
    "address": "家庭住址",
}
_RELATION_BY_LABEL: Final = {label: code for code, label in RELATIONS.items()} | {"户主": "self"}
_HUKOU_BY_LABEL: Final = {label: code for code, label in HUKOU_TYPES.items()} | {
    "城镇": "urban", "城市": "urban", "农村": "rural", "居民": "resident",
}  # fmt: skip


def _member_row(
    row: Row, villages: dict[str, Area], today: date, problems: list[FieldProblem]
) -> dict[str, Any]:
    v, where = row.values, f"第{row.number}行"

    def fail(field: str, message: str) -> None:
        problems.append(FieldProblem(f"rows[{row.number}].{field}", f"{where}：{message}"))

    for field in REQUIRED:
        if not v.get(field):
            fail(field, f"{LABELS[field]}必填")
    found: dict[str, Any] = {"row": row.number, "name": v.get("name", "")[:50]}
    for field in ("applicant", "id_number"):
        number = v.get(field, "").upper()
        if number:
            try:
                birth_date_of(number)
            except InvalidIdNumber as exc:
                fail(field, str(exc))
        found[field] = number
    relation = _RELATION_BY_LABEL.get(v.get("relation", ""), v.get("relation", ""))
    if v.get("relation") and relation not in RELATIONS:
        fail("relation", f"与户主关系应为{'、'.join(RELATIONS.values())}")
    found["relation"] = relation
    hukou = _HUKOU_BY_LABEL.get(v.get("hukou", ""), v.get("hukou", ""))
    if v.get("hukou") and hukou not in HUKOU_TYPES:
        fail("hukou", "户籍类型应为城镇、农村或居民")
    found["hukou"] = hukou
    found["village"] = villages.get(v.get("village", ""))
    if v.get("village") and found["village"] is None:
        fail("village", f"本县（市、区）没有村（社区）{v['village']}")
    try:
        recognised = date.fromisoformat(v.get("recognised_on", "").replace("/", "-").replace(".", "-"))
        if recognised > today:
            fail("recognised_on", "认定日期不能晚于今天")
    except ValueError:
        recognised = None
        if v.get("recognised_on"):
            fail("recognised_on", "认定日期应为 YYYY-MM-DD")
    found["recognised_on"] = recognised
    found["document_number"] = v.get("document_number", "")[:60]
    found["address"] = v.get("address", "")[:200]
    return found


def _households(rows: list[dict[str, Any]], problems: list[FieldProblem]) -> dict[str, list[dict[str, Any]]]:
    """The members by household; each household with one 本人 who is its applicant, and the same
    village, date and notice number on every row."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for member in rows:
        grouped[member["applicant"]].append(member)
    seen: dict[str, int] = {}
    for applicant, members in grouped.items():
        first = members[0]["row"]
        selves = [m for m in members if m["relation"] == "self"]
        if len(selves) != 1 or selves[0]["id_number"] != applicant:
            problems.append(
                FieldProblem(
                    f"rows[{first}].applicant",
                    f"第{first}行：户主{applicant}须且只须有一行与户主关系为“本人”",
                )
            )
        for field in ("village", "recognised_on", "document_number", "hukou"):
            values = {m[field].code if field == "village" and m[field] else m[field] for m in members}
            if len(values) > 1:
                problems.append(
                    FieldProblem(f"rows[{first}].{field}", f"第{first}行：同一户各行的{LABELS[field]}应相同")
                )
        for m in members:
            if m["id_number"] in seen:
                message = f"第{m['row']}行：与第{seen[m['id_number']]}行身份证号码重复"
                problems.append(FieldProblem(f"rows[{m['row']}].id_number", message))
            seen.setdefault(m["id_number"], m["row"])
    return grouped


def _already_here(session: Session, county: str, numbers: list[str]) -> set[str]:
    """Applicants whose household is recognised or being decided here already."""
    query = (
        select(Member.id_number)
        .join(Case, col(Case.applicant_member_id) == col(Member.id))
        .where(
            Case.county_code == county,
            Case.procedure == PROCEDURE,
            col(Member.id_number).in_(numbers),
            col(Case.state).not_in(("refused", "terminated", "withdrawn", "exited")),
        )
    )
    return set(session.exec(query).all())


def import_recognised(
    db: Database, user_id: int, filename: str, content: bytes, today: date
) -> dict[str, Any]:
    with db.reading() as session:
        require(actor_for(session, user_id), "import_recognised_families")
    rows = read_table(filename, content, HEADERS, REQUIRED, LABELS)
    with db.transaction() as session:
        actor, county, villages = county_desk(session, user_id, "import_recognised_families")
        problems: list[FieldProblem] = []
        members = [_member_row(row, villages, today, problems) for row in rows]
        households = _households(members, problems)
        if problems:
            raise InvalidInput(f"名单有{len(problems)}处错误，未导入任何一行；请更正后重新上传", problems)
        here = _already_here(session, county, list(households))
        skipped = [
            {"row": str(m[0]["row"]), "id_number": applicant, "reason": "该户已在本系统认定或办理中"}
            for applicant, m in households.items()
            if applicant in here
        ]
        # Counted by household: a household is what is imported or skipped.
        batch = record_batch(
            session, KIND, county, filename, content, len(households), skipped, actor.user_id
        )
        cases = [
            _recognised_case(session, actor, batch, county, family)
            for applicant, family in households.items()
            if applicant not in here
        ]
        return {
            "batch_id": batch.id,
            "rows": len(rows),
            "households": len(households),
            "imported": len(cases),
            "duplicates": len(skipped),
            "skipped": skipped,
            "cases": cases,
        }


def _recognised_case(
    session: Session, actor: Actor, batch: ImportBatch, county: str, family: list[dict[str, Any]]
) -> dict[str, Any]:
    head = next(m for m in family if m["relation"] == "self")
    village: Area = head["village"]
    recognised_on: date = head["recognised_on"]
    household = Household(
        county_code=county,
        township_id=village.parent_id or 0,
        village_id=village.id or 0,
        hukou_type=head["hukou"],
        address=head["address"],
    )
    session.add(household)
    session.flush()
    ordered = [head, *(m for m in family if m is not head)]
    stored = [
        Member(
            household_id=household.id or 0,
            key=f"m{position + 1}",
            position=position,
            name=m["name"],
            id_number=m["id_number"],
            relation=m["relation"],
            hukou_region=county if m is head else None,
        )
        for position, m in enumerate(ordered)
    ]
    session.add_all(stored)
    session.flush()
    case = Case(
        number=next_number(session, county, PROCEDURE, recognised_on.year),
        procedure=PROCEDURE,
        state="recognised",
        outcome="recognised",
        household_id=household.id or 0,
        applicant_member_id=stored[0].id,
        county_code=county,
        township_id=household.township_id,
        village_id=household.village_id,
        filed_by_user_id=actor.user_id,
        filing_channel="self",
        economic_check_authorised=True,
        commitment_signed=True,
        application_date=recognised_on,
        accepted_on=recognised_on,
        state_entered_on=recognised_on,
        closed_on=recognised_on,
        last_act_on=recognised_on,
        decided_by_level="county",
    )
    session.add(case)
    session.flush()
    detail = {
        "batch_id": batch.id,
        "recognised_on": recognised_on.isoformat(),
        "document_number": head["document_number"],
    }
    audit.record(session, case, actor, IMPORTED, recognised_on, "", "recognised", detail, first=True)
    recheck = rechecks.schedule(session, case, recognised_on, actor.user_id)
    return {"id": case.id, "number": case.number, "recheck_due_on": recheck.due_on.isoformat()}


__all__ = ["KIND", "MAX_BYTES", "import_recognised"]
