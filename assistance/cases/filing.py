"""Filing an application (64号 第十七条, 65号 第十一条、第十二条) and correcting its household facts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from marshmallow import fields
from sqlmodel import Session, select

from assistance import audit
from assistance.access import (
    Actor,
    actor_for,
    household_editable_states,
    may,
    may_file_in,
    require,
)
from assistance.access.permissions import PERMISSIONS
from assistance.casefile.household import (
    describe_case,
    describe_household,
    household_data,
    parse_household,
    store_household,
    store_members,
    store_records,
)
from assistance.cases import deadlines, steps
from assistance.cases.claims import claim
from assistance.cases.snapshot import AfterAct, CaseSnapshot
from assistance.db import Database, next_in_series
from assistance.errors import Conflict, FieldProblem, Forbidden, InvalidInput
from assistance.intake.imports import take_referral
from assistance.models import Case, CaseNumberCounter, Household
from assistance.models.base import utcnow
from assistance.models.cases import FILING_PLACES
from assistance.models.imports import RURAL_REVITALISATION
from assistance.reference import places
from assistance.reference.places import Place
from assistance.validation import ChineseSchema, choice, day, flag, load, text
from assistance.workflow import WORKFLOWS
from assistance.workflow.vocabulary import FILING_CHANNELS
from rules import CaseFile

PROCEDURES = {w.procedure: w.name for w in WORKFLOWS.values()}
NUMBER_PREFIX = {"dibao_edge": "BY", "illness_poverty": "YB"}
# A paper application may be entered some days after it was handed in, not months.
BACKDATING_DAYS = 60


class FilingSchema(ChineseSchema):
    procedure = choice(PROCEDURES)
    village = text(required=True, max_length=12, metadata={"description": "村（社区）代码"})
    application_date = day(metadata={"description": "书面申请日期，默认今天"})
    channel = choice(FILING_CHANNELS, required=False)
    filing_place = choice(
        FILING_PLACES,
        required=False,
        metadata={
            "description": "在何地申请：户籍所在地（默认）；因病致贫也可在经常居住地，"
            "参保地不同的在参保地（65号 第十一条）"
        },
    )
    proxy_name = text(max_length=60, metadata={"description": "代理人姓名（委托申请的）"})
    proxy_authorisation = text(
        max_length=500, metadata={"description": "委托手续：委托书编号、受托人身份证号、委托事项等"}
    )
    economic_check_authorised = flag(metadata={"description": "已签署家庭经济状况核对授权书"})
    commitment_signed = flag(metadata={"description": "已作出书面承诺（材料真实，承担不实承诺的法律责任）"})
    idempotency_key = text(max_length=80, metadata={"description": "重试同一申请时传相同的值，不会重复立案"})
    referral_id = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        error_messages={"invalid": "应为整数"},
        metadata={"description": "导入的防返贫监测户名单中的编号（64号 第十五条直接认定）"},
    )
    household = fields.Dict(
        required=True,
        error_messages={"required": "必填", "invalid": "应为对象"},
        # The API publishes the component from the case file's declarations (api/schemas.py).
        metadata={
            "description": "家庭信息，案卷格式（docs/case-file.md，schemas/case-file.schema.json）",
            "allOf": [{"$ref": "#/components/schemas/Household"}],
        },
    )


# Built once: every filing reads it.
_BY_KEY = select(Case).where(Case.idempotency_key == sa.bindparam("key"))


def _village(session: Session, code: str, actor: Actor) -> tuple[Place, Place]:
    found = places.village_and_township(session, code, actor.reference_revision)
    if found is None:
        raise InvalidInput.field("village", "没有这个村（社区）")
    return found


def _may_file_in(actor: Actor, village: Place, township: Place) -> None:
    if not may_file_in(actor, actor.area_id, village.id, township.id):
        raise Forbidden("只能为本辖区的家庭登记申请")


def _channel(actor: Actor, data: dict[str, Any]) -> str:
    committee = may(actor, "file_as_village_committee")
    channel: str = data.get("channel") or ("village_committee" if committee else "self")
    if channel != "self" and not data.get("proxy_name"):
        raise InvalidInput.field("proxy_name", "委托申请的，须填写代理人姓名（64号 第十七条，65号 第十一条）")
    if committee and channel != "village_committee":
        raise InvalidInput.field(
            "channel", "村（居）民委员会登记的申请，渠道应为委托村（居）民委员会代为申请"
        )
    if channel == "village_committee" and not committee:
        raise InvalidInput.field("channel", "只有村（居）民委员会可以登记委托村（居）民委员会代为提出的申请")
    return channel


def _bound_to_own_household(actor: Actor, channel: str, data: dict[str, Any], parsed: CaseFile) -> None:
    """An applicant's account files as ``self`` only for the household whose applicant is the
    person it registered as; for anyone else it files as a proxy, with the 委托手续 the
    regulations require (64号 第十七条, 65号 第十一条). Staff enter households of their area."""
    if not may(actor, "bound_to_registered_id_number"):
        return
    if channel == "self" and parsed.applicant.id_number != actor.id_number.upper():
        raise InvalidInput.field(
            "channel",
            "本人申请的，申请人身份证号码须与账号登记的一致；为他人申请的，"
            "请选择“委托他人代为申请”并填写委托手续（64号 第十七条，65号 第十一条）",
        )
    if channel != "self" and not str(data.get("proxy_authorisation") or "").strip():
        raise InvalidInput.field(
            "proxy_authorisation",
            "代为申请的，须填写委托手续（委托书编号、受托人身份证号码、委托事项）（64号 第十七条）",
        )


def next_number(session: Session, county: str, procedure: str, year: int) -> str:
    key = {"county_code": county, "procedure": procedure, "year": year}
    last = next_in_series(session, CaseNumberCounter.__table__, key)  # type: ignore[attr-defined]
    return f"{county}-{NUMBER_PREFIX[procedure]}-{year}-{last:05d}"


def file_case(
    db: Database, user_id: int, payload: Any, today: date, then: AfterAct | None = None
) -> tuple[int, bool]:
    """File an application. Returns (case id, created); a retried filing with the same
    idempotency key returns the case it created the first time. ``then`` runs last in the
    transaction that creates the case (not on a retry)."""
    data = load(FilingSchema(), payload)
    key = data.get("idempotency_key") or None
    with db.transaction() as session:
        actor = actor_for(session, user_id)
        if key:
            earlier = session.execute(_BY_KEY, {"key": key}).scalars().first()
            if earlier is not None:
                if earlier.filed_by_user_id != actor.user_id:
                    raise Conflict("该幂等键已被使用", [FieldProblem("idempotency_key", "请换一个值")])
                assert earlier.id is not None
                return earlier.id, False
        require(actor, "file_application")
        applied: date = data.get("application_date") or today
        if applied > today:
            raise InvalidInput.field("application_date", "申请日期不能晚于今天")
        if applied < today - timedelta(days=BACKDATING_DAYS):
            raise InvalidInput.field("application_date", f"申请日期不能早于{BACKDATING_DAYS}天前")
        village, township = _village(session, data["village"], actor)
        _may_file_in(actor, village, township)
        channel = _channel(actor, data)
        place = data.get("filing_place") or "hukou"
        if place != "hukou" and data["procedure"] != "illness_poverty":
            raise InvalidInput.field(
                "filing_place", "低保边缘家庭向户籍所在地乡镇（街道）申请（64号 第十七条）"
            )
        body = data["household"]
        referral = None
        if data.get("referral_id") is not None:
            if not may(actor, "file_from_referral"):
                raise InvalidInput.field("referral_id", PERMISSIONS["file_from_referral"].refusal)
            members = [m for m in body.get("members", []) if isinstance(m, dict)]
            ordered = sorted(members, key=lambda m: m.get("relation") != "self")
            id_numbers = [str(m.get("id_number", "")) for m in ordered]
            referral = take_referral(session, data["referral_id"], village, id_numbers, data["procedure"])
        if referral is not None and referral.source == RURAL_REVITALISATION:
            # 64号 第十五条: the bureau's identification is what makes the recognition direct.
            body = {
                **body,
                "monitoring_household": body.get("monitoring_household")
                or {
                    "category": referral.category,
                    "identified_on": referral.identified_on.isoformat(),
                    "identified_by": referral.identified_by or "乡村振兴部门",
                },
            }
        parsed = parse_household(data["procedure"], applied, village.county_code, body)
        _bound_to_own_household(actor, channel, data, parsed)
        if place == "insurance":
            patient = next((m for m in parsed.members if m.id == parsed.patient), None)
            insured = patient.insurance.region if patient is not None and patient.insurance else None
            if insured != village.county_code:
                raise InvalidInput.field(
                    "filing_place", "在参保地申请的，患者应在本县（市、区）参保（65号 第十一条）"
                )
        household = Household(
            county_code=village.county_code,
            township_id=township.id,
            village_id=village.id,
            hukou_type=parsed.hukou_type,
        )
        describe_household(household, parsed)
        session.add(household)
        session.flush()
        # The members first: the case names its applicant and patient among them.
        members = store_members(session, household, parsed)
        case = Case(
            number=next_number(session, village.county_code, data["procedure"], applied.year),
            procedure=data["procedure"],
            state=WORKFLOWS[data["procedure"]].initial,
            state_entered_on=applied,
            household_id=household.id or 0,
            county_code=village.county_code,
            township_id=township.id,
            village_id=village.id,
            filed_by_user_id=actor.user_id,
            filing_channel=channel,
            filing_place=place,
            proxy_name=data.get("proxy_name", "") if channel != "self" else "",
            proxy_authorisation=data.get("proxy_authorisation", "") if channel != "self" else "",
            economic_check_authorised=data["economic_check_authorised"],
            commitment_signed=data["commitment_signed"],
            application_date=applied,
            last_act_on=applied,
            idempotency_key=key,
        )
        describe_case(case, parsed, members)
        session.add(case)
        session.flush()
        store_records(session, case, household, parsed, members)
        if referral is not None:
            referral.case_id = case.id
        event = audit.record(
            session,
            case,
            actor,
            "file",
            applied,
            "",
            case.state,
            {
                "channel": channel,
                "members": len(parsed.members),
                "number": case.number,
                **({"referral_id": referral.id} if referral is not None else {}),
            },
            first=True,
        )
        snapshot = CaseSnapshot(session, actor, case)
        deadlines.none_yet(session, case)
        opened = steps.enter(snapshot, case.state, applied)
        snapshot.just_filed(event, [opened] if opened is not None else [])
        if then is not None:
            then(snapshot)
        assert case.id is not None
        return case.id, True


def update_household(
    db: Database, user_id: int, case_id: int, payload: Any, today: date, expected_version: int | None = None
) -> None:
    """Correct the household facts. Of two corrections at once, one lands and the other gets 409,
    as with acts; ``expected_version`` (``If-Match``) refuses one made on a stale page."""
    with db.transaction() as session:
        actor, case = claim(session, user_id, case_id, expected_version)
        states = household_editable_states(actor)
        if case.state not in states:
            workflow = WORKFLOWS[case.procedure]
            named = "、".join(workflow.state(s).name for s in states if workflow.has_state(s)) or "无"
            now = workflow.state(case.state).name
            raise Conflict(f"案件现为“{now}”，您不能修改家庭信息（可修改的环节：{named}）")
        household = session.get(Household, case.household_id)
        assert household is not None
        body = payload.get("household") if isinstance(payload, dict) and "household" in payload else payload
        parsed = parse_household(case.procedure, case.application_date, case.county_code, body)
        before = household_data(session, case)
        store_household(session, case, household, parsed)
        case.updated_at = utcnow()
        after = household_data(session, case)
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        audit.record(
            session, case, actor, "update_household", today, case.state, case.state, {"changed": changed}
        )


__all__ = ["FilingSchema", "file_case", "next_number", "update_household"]
