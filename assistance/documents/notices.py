"""The documents each act issues on a case, declared in one table, and what each one says.

Every step the regulations say is told in writing (告知、通知), publicised (公示) or recorded on a
form produces a document. Which act issues which documents is declared with the act
(``cases.acts``); the transition service calls ``issue_for`` inside the act's own transaction,
after the act's records are written and its deadlines started, so a notice can state the
objection period's due date and an act never happens without its notice (nor a notice without
its act).

The builders take everything from the case's records. Two rules hold throughout:

- a refusal gives its reasons criterion by criterion with the article of each, as the rules
  engine found them, only when the people who decided agreed with the engine; where they
  departed from it (``Opinion.departure_reason``), the notice gives their reasons alone and never
  attributes the decision to the rules;
- a publicity carries what 65号 第十六条 allows and nothing else (“不得公示无关信息”): the masked
  name and ID number, household size, village, proposed result, period and where to object; the
  unmasked data never enter its context, so they cannot be in its PDF.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any, Final

from sqlmodel import Session, col, select

from assistance.casefile.evaluation import Evaluation, evaluate_case
from assistance.casefile.household import Preloaded, household_rows
from assistance.documents.issuers import CountyIssuers, issuers_for
from assistance.documents.issuing import APPLICANT, INTERNAL, PUBLIC, DocumentKind, PdfRenderer, issue
from assistance.documents.masking import mask_id, mask_name
from assistance.models import (
    AuditEvent,
    Case,
    CaseDeadline,
    InformationCheck,
    Investigation,
    IssuedDocument,
    MaterialNotice,
    MedicalExpenseRecord,
    Opinion,
    Publicity,
    RulesEvaluation,
)
from assistance.reference import places
from assistance.workflow.common import OBJECTION_WINDOW_KIND, RECHECK_KIND
from assistance.workflow.vocabulary import FILING_CHANNELS, INVESTIGATION_METHODS, MATERIAL_KINDS
from rules import vocabulary as rv

# ---------------------------------------------------------------------------------------------
# The documents.

_NAME_EDITS = ("applicant.name", "applicant.id_number")

KINDS: Final[dict[str, DocumentKind]] = {
    kind.code: kind
    for kind in (
        # 低保边缘家庭认定 (64号).
        DocumentKind("edge_application", "低保边缘家庭认定申请书", "edge_application.html", "边申",
                     "64号 第十七条", APPLICANT, editable=(*_NAME_EDITS, "address")),
        DocumentKind("edge_materials", "补齐申请材料一次性告知书", "materials_notice.html", "边补",
                     "64号 第十七条、65号 第十四条", APPLICANT, editable=(*_NAME_EDITS, "note")),
        DocumentKind("edge_not_qualified", "低保边缘家庭审核不符合告知书", "not_qualified_notice.html",
                     "边核",
                     "64号 第二十条", APPLICANT,
                     editable=(*_NAME_EDITS, "findings", "reasons.stated", "reasons.further")),
        DocumentKind("edge_township_publicity", "低保边缘家庭认定公示", "publicity.html", "边公",
                     "64号 第二十二条", PUBLIC, editable=("place",)),
        DocumentKind("edge_county_publicity", "低保边缘家庭认定确认公示", "publicity.html", "边确",
                     "64号 第二十三条", PUBLIC, editable=("place",)),
        DocumentKind("edge_recognition", "低保边缘家庭认定通知书", "edge_recognition.html", "边认",
                     "64号 第二十三条", APPLICANT, editable=_NAME_EDITS),
        DocumentKind("edge_refusal", "不予认定低保边缘家庭通知书", "refusal_notice.html", "边否",
                     "64号 第二十条、第二十三条", APPLICANT,
                     editable=(*_NAME_EDITS, "reasons.stated", "reasons.further")),
        DocumentKind("edge_exit", "低保边缘家庭退出通知书", "refusal_notice.html", "边退",
                     "64号 第二十六条", APPLICANT,
                     editable=(*_NAME_EDITS, "reasons.stated", "reasons.further")),
        # 因病致贫重病患者认定 (65号); 附件 numbers as in the regulation.
        DocumentKind("illness_form", "因病致贫重病患者申请审核确认表", "illness_form.html", "病表",
                     "65号 第十二条、附件1", INTERNAL, versioned=True, editable=(*_NAME_EDITS, "address")),
        DocumentKind("illness_materials", "补齐申请材料一次性告知书", "materials_notice.html", "病补",
                     "65号 第十四条", APPLICANT, editable=(*_NAME_EDITS, "note")),
        DocumentKind("illness_not_qualified", "因病致贫重病患者核对结果告知书", "not_qualified_notice.html",
                     "病核", "65号 第十五条", APPLICANT,
                     editable=(*_NAME_EDITS, "findings", "reasons.stated", "reasons.further")),
        DocumentKind("illness_publicity", "因病致贫重病患者审核公示", "publicity.html", "病公",
                     "65号 第十六条、附件2", PUBLIC, editable=("place",)),
        DocumentKind("illness_recognition", "因病致贫重病患者认定通知书", "illness_recognition.html", "病认",
                     "65号 第十七条、附件3", APPLICANT, editable=_NAME_EDITS),
        DocumentKind("illness_refusal", "不予确认因病致贫重病患者通知书", "refusal_notice.html", "病否",
                     "65号 第十七条、第二十四条、附件4", APPLICANT,
                     editable=(*_NAME_EDITS, "reasons.stated", "reasons.further")),
    )
}  # fmt: skip

# What a notice says of its procedure.
PROCEDURES: Final[dict[str, dict[str, str]]] = {
    "dibao_edge": {
        "code": "dibao_edge",
        "name": "低保边缘家庭认定",
        "subject": "低保边缘家庭",
        "short": "64号",
        "document": "《低保边缘家庭认定实施办法》（运民发〔2023〕64号）",
        # 64号 第十七条: a household applies, through one member.
        "you": "你户",
        "decline": "不予认定",
        "evidence": "证明材料",
    },
    "illness_poverty": {
        "code": "illness_poverty",
        "name": "因病致贫重病患者认定",
        "subject": "因病致贫重病患者",
        "short": "65号",
        "document": "《因病致贫重病患者认定办法（试行）实施细则》（运民发〔2023〕65号）",
        "you": "你",
        "decline": "不予确认",
        "evidence": "佐证材料",
    },
}

DECISION_LABELS: Final = {"approve": "同意", "reject": "不同意"}

# The article that empowers each negative act, cited in its notice.
AUTHORITY: Final[dict[tuple[str, str], str]] = {
    ("dibao_edge", "record_check_not_qualified"): "第二十条",
    ("dibao_edge", "find_not_eligible"): "第二十条",
    ("dibao_edge", "recheck_rejected"): "第二十条",
    ("dibao_edge", "close_not_qualified"): "第二十条",
    ("dibao_edge", "refuse"): "第二十三条",
    ("dibao_edge", "confirm_exit"): "第二十六条",
    ("illness_poverty", "record_check_not_qualified"): "第十五条",
    ("illness_poverty", "find_not_eligible"): "第十五条",
    ("illness_poverty", "recheck_rejected"): "第十五条",
    ("illness_poverty", "close_not_qualified"): "第十五条",
    ("illness_poverty", "refuse"): "第十七条",
}

# The article a publicity is held under.
PUBLICITY_BASIS: Final[dict[tuple[str, str], str]] = {
    ("dibao_edge", "start_publicity"): "第二十二条",
    ("dibao_edge", "start_simplified_publicity"): "第十五条",
    ("dibao_edge", "confirm"): "第二十三条",
    ("illness_poverty", "start_publicity"): "第十六条",
}


# ---------------------------------------------------------------------------------------------
# Reasons: pure, so that the feature steps build them exactly as the service does.


def reasons_from_opinion(stated: str, departure: str, decision: Mapping[str, Any] | None) -> dict[str, Any]:
    """The reasons a notice gives for a decision taken by people on an opinion.

    ``decision`` is the rules engine's decision (RulesEvaluation.decision) on the facts the
    opinion was given on. Its failed criteria are the reasons only where the opinion follows it;
    a departure is explained by the people's own words, and the notice must not cite the engine.
    """
    if departure.strip():
        return {"basis": "human", "stated": stated.strip(), "further": departure.strip(), "criteria": []}
    criteria = []
    if decision is not None and decision.get("outcome") == "not_eligible":
        criteria = [
            {"title": c["title"], "explanation": c["explanation"], "article": c["article"]}
            for c in decision.get("criteria", [])
            if c.get("result") == "fail" and c.get("decisive", True)
        ]
    return {
        "basis": "criteria" if criteria else "human",
        "stated": stated.strip(),
        "further": "",
        "criteria": criteria,
    }


def reasons_from_check(findings: str) -> dict[str, Any]:
    """The county's information check (64号 第十九条, 65号 第十五条) found the household outside the
    conditions: its findings are the reasons."""
    return {"basis": "check", "stated": findings.strip(), "further": "", "criteria": []}


def publicity_entry(name: str, id_number: str, size: int, village: str, proposal: str) -> dict[str, Any]:
    """One line of a publicity, masked here so that the unmasked data never reach the context."""
    return {
        "name": mask_name(name),
        "id_number": mask_id(id_number),
        "size": size,
        "village": village,
        "proposal": proposal,
    }


def appeal(county: CountyIssuers) -> dict[str, str]:
    """Where an applicant may appeal (65号 第二十四条): the county's people's government hears a
    reconsideration of its civil-affairs bureau's or a township's act, its court a lawsuit."""
    return {"government": county.government, "court": county.court}


# ---------------------------------------------------------------------------------------------
# What the builders read.


@dataclass
class Source:
    """The case as the act left it, read once per act for all the documents it issues."""

    session: Session
    case: Case
    action: str
    action_name: str
    from_state: str
    on: date
    data: Mapping[str, Any]

    @cached_property
    def county(self) -> CountyIssuers:
        return issuers_for(self.case.county_code)

    @cached_property
    def township(self) -> places.Place:
        return places.named(self.session, self.case.township_id)

    @cached_property
    def village(self) -> places.Place:
        return places.named(self.session, self.case.village_id)

    @property
    def township_organ(self) -> str:
        return self.county.township_organ(self.township.name)

    @property
    def decider(self) -> str:
        """Who confirmed or refused: the county, or a township holding its power (64号 第三十二条,
        65号 第二十六条)."""
        return self.township_organ if self.case.decided_by_level == "township" else self.county.civil_affairs

    @cached_property
    def rows(self) -> Preloaded:
        """The household's rows, as the act's other readers of the case file have them."""
        return household_rows(self.session, self.case)

    @property
    def household(self) -> Any:
        return self.rows.households[self.case.household_id]

    @property
    def members(self) -> list[Any]:
        return self.rows.members.get(self.case.household_id, [])

    def member(self, member_id: int | None) -> Any:
        found = next((m for m in self.members if m.id == member_id), None)
        assert found is not None, f"case {self.case.id} has no member {member_id}"
        return found

    @property
    def applicant(self) -> Any:
        return self.member(self.case.applicant_member_id)

    @property
    def patient(self) -> Any:
        return self.member(self.case.patient_member_id or self.case.applicant_member_id)

    @cached_property
    def evaluation(self) -> Evaluation:
        return evaluate_case(self.session, self.case)

    @property
    def household_size(self) -> int:
        size = self.evaluation.decision.get("household", {}).get("size")
        return int(size) if size else sum(1 for m in self.members if not m.exclusion_reason)

    def latest_opinion(self, *stages: str) -> Opinion | None:
        query = select(Opinion).where(Opinion.case_id == self.case.id)
        if stages:
            query = query.where(col(Opinion.stage).in_(stages))
        return self.session.exec(query.order_by(col(Opinion.id).desc())).first()

    def evaluation_of(self, opinion: Opinion) -> dict[str, Any] | None:
        if opinion.evaluation_id is None:
            return None
        row = self.session.get(RulesEvaluation, opinion.evaluation_id)
        return row.decision if row is not None else None

    def latest_publicity(self, stage: str) -> Publicity | None:
        return self.session.exec(
            select(Publicity)
            .where(Publicity.case_id == self.case.id, Publicity.stage == stage)
            .order_by(col(Publicity.id).desc())
        ).first()

    def deadline(self, kind: str) -> CaseDeadline | None:
        return self.session.exec(
            select(CaseDeadline)
            .where(CaseDeadline.case_id == self.case.id, CaseDeadline.kind == kind)
            .order_by(col(CaseDeadline.id).desc())
        ).first()


def _common(src: Source) -> dict[str, Any]:
    """What every notice addressed to the applicant names."""
    case = src.case
    return {
        "procedure": PROCEDURES[case.procedure],
        "county": {
            "name": src.county.name,
            "civil_affairs": src.county.civil_affairs,
            "medical_insurance": src.county.medical_insurance,
        },
        "township": src.township_organ,
        "village": src.village.name,
        "case": {"number": case.number or "", "application_date": case.application_date},
        "applicant": {"name": src.applicant.name, "id_number": src.applicant.id_number},
        # 64号 第十七条, 65号 第十一条: notices go to the applicant or the proxy.
        "proxy": case.proxy_name if case.filing_channel != "self" else "",
        "correction": None,
    }


def _members(src: Source) -> list[dict[str, Any]]:
    counted = {
        m["id"]: bool(m.get("counted"))
        for m in src.evaluation.decision.get("household", {}).get("members", [])
    }
    return [
        {
            "name": m.name,
            "relation": rv.RELATIONS.get(m.relation, m.relation),
            "id_number": m.id_number,
            "counted": counted.get(m.key, not m.exclusion_reason),
        }
        for m in src.members
    ]


def _area_label(src: Source) -> str:
    area = src.evaluation.decision.get("area") or src.household.residence_area or src.household.hukou_type
    return rv.AREAS.get(area, "")


# ---------------------------------------------------------------------------------------------
# The builders, one per kind.


def _edge_application(src: Source) -> dict[str, Any]:
    """64号 第十七条: the written application, signed for the household by one member, with the
    authorisation to check its economic situation and the written commitment."""
    case, names = src.case, {m.id: m.name for m in src.members}
    incomes = src.rows.incomes.get(case.id or 0, [])
    assets = src.rows.assets.get(case.id or 0, [])
    return {
        **_common(src),
        "addressee": src.township_organ,
        "hukou": rv.HUKOU_TYPES.get(src.household.hukou_type, src.household.hukou_type),
        "area": _area_label(src),
        "address": src.household.address,
        "members": _members(src),
        "incomes": [
            {
                "member": names.get(i.member_id, ""),
                "kind": rv.INCOME_KINDS[i.kind].label if i.kind in rv.INCOME_KINDS else i.kind,
                "amount": i.amount,
                "note": i.note,
            }
            for i in incomes
        ],
        "assets": [
            {
                "member": names.get(a.member_id, ""),
                "kind": rv.ASSET_KINDS[a.kind].label if a.kind in rv.ASSET_KINDS else a.kind,
                "tenure": rv.TENURES.get(a.tenure, a.tenure),
                "value": a.value,
                "description": a.description,
            }
            for a in assets
        ],
        "current_assistance": rv.CURRENT_ASSISTANCE.get(case.current_assistance, case.current_assistance),
        "monitoring": rv.MONITORING_CATEGORIES.get(case.monitoring_category or "", ""),
        "channel": FILING_CHANNELS.get(case.filing_channel, case.filing_channel),
        "proxy_authorisation": case.proxy_authorisation if case.filing_channel != "self" else "",
        "economic_check_authorised": case.economic_check_authorised,
        "commitment_signed": case.commitment_signed,
        "accepted_on": src.on,
    }


def _materials(src: Source) -> dict[str, Any]:
    """65号 第十四条: one notice listing every missing material."""
    notice = src.session.exec(
        select(MaterialNotice)
        .where(MaterialNotice.case_id == src.case.id)
        .order_by(col(MaterialNotice.id).desc())
    ).first()
    assert notice is not None, "request_materials records the notice first"
    basis = (
        "《低保边缘家庭认定实施办法》（运民发〔2023〕64号）第十七条，参照《因病致贫重病患者认定办法（试行）实施细则》"
        "（运民发〔2023〕65号）第十四条"
        if src.case.procedure == "dibao_edge"
        else "《因病致贫重病患者认定办法（试行）实施细则》（运民发〔2023〕65号）第十二条、第十四条"
    )
    return {
        **_common(src),
        "issuer": src.township_organ,
        "basis": basis,
        "missing": [MATERIAL_KINDS.get(kind, kind) for kind in notice.missing],
        "note": notice.note,
    }


def _check_reasons(src: Source) -> tuple[str, dict[str, Any]]:
    """Why the case stands not qualified: the county's information check or the township's review."""
    entered = src.session.exec(
        select(AuditEvent)
        .where(AuditEvent.case_id == src.case.id, AuditEvent.to_state == "not_qualified")
        .order_by(col(AuditEvent.id).desc())
    ).first()
    # In the act that enters the state its own audit event is not written yet.
    action = src.action if src.action in ("record_check_not_qualified", "find_not_eligible") else None
    action = action or (entered.action if entered is not None else "find_not_eligible")
    if action == "record_check_not_qualified":
        check = src.session.exec(
            select(InformationCheck)
            .where(InformationCheck.case_id == src.case.id, InformationCheck.result == "not_qualified")
            .order_by(col(InformationCheck.id).desc())
        ).first()
        return "check", reasons_from_check(check.findings if check is not None else "")
    opinion = src.latest_opinion("township_check")
    assert opinion is not None, "find_not_eligible records the township's opinion"
    return "review", reasons_from_opinion(
        opinion.reasons, opinion.departure_reason, src.evaluation_of(opinion)
    )


def _not_qualified(src: Source) -> dict[str, Any]:
    """64号 第二十条, 65号 第十五条: the applicant is told, and may object within the period."""
    source, reasons = _check_reasons(src)
    window, recheck = src.deadline(OBJECTION_WINDOW_KIND), src.deadline(RECHECK_KIND)
    assert window is not None, "the act starts the objection window"
    return {
        **_common(src),
        "issuer": src.township_organ,
        "authority": AUTHORITY[(src.case.procedure, src.action)],
        "source": source,
        "reasons": reasons,
        "objection": {
            "starts_on": window.starts_on,
            "due_on": window.due_on,
            "days": window.days,
            "article": window.article,
            # 65号 第十五条: the township rechecks within 10 working days of receiving the evidence.
            "recheck_days": recheck.days if recheck is not None else 10,
            "to": src.township_organ,
        },
    }


_PROPOSALS: Final = {
    ("dibao_edge", "start_publicity"): "拟认定为低保边缘家庭",
    ("dibao_edge", "start_simplified_publicity"): "拟按简化程序认定为低保边缘家庭",
    ("dibao_edge", "confirm"): "经县级审查，拟确认为低保边缘家庭",
    ("illness_poverty", "start_publicity"): "拟确认为因病致贫重病患者",
}


def _publicity(src: Source) -> dict[str, Any]:
    """64号 第二十二条、第二十三条, 65号 第十六条 (附件2): names and ID numbers masked; no income,
    property, illness or expense, no reasons: “不得公示无关信息”."""
    stage = "county" if src.action == "confirm" else "township"
    publicity = src.latest_publicity(stage)
    assert publicity is not None, "the act records the publicity first"
    person = src.patient if src.case.procedure == "illness_poverty" else src.applicant
    kind = KINDS[_publicity_kind(src.case.procedure, stage)]
    title = kind.title if publicity.round == 1 else f"{kind.title}（第{publicity.round}次）"
    issuer = src.decider if stage == "county" else src.township_organ
    # Objections go to whoever runs the publicity, and always also to the county (65号 第二十三条).
    objection_to = [issuer] if issuer == src.county.civil_affairs else [issuer, src.county.civil_affairs]
    return {
        "title": title,
        "procedure": PROCEDURES[src.case.procedure],
        "issuer": issuer,
        "stage": stage,
        "round": publicity.round,
        "basis": PUBLICITY_BASIS[(src.case.procedure, src.action)],
        "entries": [
            publicity_entry(
                person.name,
                person.id_number,
                src.household_size,
                src.village.name,
                _PROPOSALS[(src.case.procedure, src.action)],
            )
        ],
        "starts_on": publicity.starts_on,
        "ends_on": publicity.ends_on,
        "place": publicity.place,
        "objection_to": objection_to,
        "correction": None,
    }


def _publicity_kind(procedure: str, stage: str) -> str:
    if procedure == "illness_poverty":
        return "illness_publicity"
    return "edge_county_publicity" if stage == "county" else "edge_township_publicity"


def _refusal(src: Source) -> dict[str, Any]:
    """64号 第二十条、第二十三条 “书面说明理由”, 65号 第十七条 (附件4), with the applicant's rights
    (65号 第二十四条)."""
    close = None
    if src.action == "close_not_qualified":
        _, reasons = _check_reasons(src)
        window = src.deadline(OBJECTION_WINDOW_KIND)
        close = {
            "due_on": window.due_on if window is not None else None,
            "waived": bool(src.data.get("waived")),
        }
        issuer = src.township_organ
    else:
        stage = {"refuse": "county", "confirm_exit": "exit"}.get(src.action, "recheck")
        opinion = src.latest_opinion(stage)
        assert opinion is not None and opinion.decision == "reject", "the act records the rejecting opinion"
        reasons = reasons_from_opinion(opinion.reasons, opinion.departure_reason, src.evaluation_of(opinion))
        issuer = src.decider if src.action in ("refuse", "confirm_exit") else src.township_organ
    return {
        **_common(src),
        "issuer": issuer,
        "authority": AUTHORITY[(src.case.procedure, src.action)],
        "stage": src.action,
        "reasons": reasons,
        "close": close,
        "decided_on": src.on,
        "appeal": appeal(src.county),
    }


def _edge_recognition(src: Source) -> dict[str, Any]:
    """64号 第二十三条 (and 第十五条 for the direct and simplified paths)."""
    path = src.evaluation.path if src.action == "confirm_without_publicity" else "standard"
    publicity = src.latest_publicity("county")
    return {
        **_common(src),
        "issuer": src.decider,
        "path": path or "standard",
        "area": _area_label(src),
        "members": [m for m in _members(src) if m["counted"]],
        "publicity": {"starts_on": publicity.starts_on, "ends_on": publicity.ends_on}
        if publicity is not None and src.action == "close_county_publicity"
        else None,
        "recognised_on": src.on,
    }


def _illness_recognition(src: Source) -> dict[str, Any]:
    """65号 第十七条 (附件3): confirmed, told through the township, pushed to the medical-insurance
    bureau, assisted once (第七条)."""
    medical = src.evaluation.decision.get("medical") or {}
    out_of_pocket = medical.get("out_of_pocket_total")
    return {
        **_common(src),
        "issuer": src.decider,
        "patient": {"name": src.patient.name, "id_number": src.patient.id_number},
        "confirmed_on": src.on,
        "out_of_pocket": Decimal(out_of_pocket) if out_of_pocket is not None else None,
    }


def _illness_form(src: Source) -> dict[str, Any]:
    """65号 附件1: the application and every stage's opinion on one form, a new version per stage."""
    case = src.case
    expenses = src.session.exec(
        select(MedicalExpenseRecord)
        .where(MedicalExpenseRecord.case_id == case.id)
        .order_by(col(MedicalExpenseRecord.spent_on), col(MedicalExpenseRecord.id))
    ).all()
    investigations = src.session.exec(
        select(Investigation).where(Investigation.case_id == case.id).order_by(col(Investigation.id))
    ).all()
    income = src.evaluation.decision.get("income") or {}
    initial = src.latest_opinion("initial")
    county = src.latest_opinion("county")
    publicity = src.latest_publicity("township")
    patient = src.patient
    outcome = {"confirm": "予以确认", "refuse": "不予确认"}.get(src.action, "")
    if src.action in ("recheck_rejected", "close_not_qualified"):
        outcome = f"不予确认（{src.action_name}）"
    return {
        **_common(src),
        "patient": {
            "name": patient.name,
            "id_number": patient.id_number,
            "relation": rv.RELATIONS.get(patient.relation, patient.relation),
            "insurance": rv.INSURANCE_SCHEMES.get(patient.insurance_scheme or "", "未登记"),
            "insurance_region": patient.insurance_region or "",
        },
        "hukou": rv.HUKOU_TYPES.get(src.household.hukou_type, src.household.hukou_type),
        "address": src.household.address,
        "members": _members(src),
        "channel": FILING_CHANNELS.get(case.filing_channel, case.filing_channel),
        "economic_check_authorised": case.economic_check_authorised,
        "commitment_signed": case.commitment_signed,
        "accepted_on": case.accepted_on,
        "expenses": [
            {
                "spent_on": e.spent_on,
                "type": rv.MEDICAL_EXPENSE_TYPES.get(e.type, e.type),
                "institution": e.institution,
                "policy_burden": e.policy_scope_personal_burden,
                "out_of_pocket": e.out_of_pocket,
            }
            for e in expenses
        ],
        "expense_totals": {
            "policy_burden": sum((e.policy_scope_personal_burden for e in expenses), Decimal("0.00")),
            "out_of_pocket": sum((e.out_of_pocket for e in expenses), Decimal("0.00")),
        },
        "income": {
            "annual": Decimal(income["annual_total"]) if income.get("annual_total") else None,
            "size": income.get("household_size"),
            "per_capita": Decimal(income["per_capita_monthly"]) if income.get("per_capita_monthly") else None,
        },
        "investigations": [
            {
                "conducted_on": i.conducted_on,
                "method": INVESTIGATION_METHODS.get(i.method, i.method),
                "investigators": i.investigators,
                "findings": i.findings,
            }
            for i in investigations
        ],
        "initial_opinion": _opinion_line(src, initial),
        "publicity": {
            "round": publicity.round,
            "starts_on": publicity.starts_on,
            "ends_on": publicity.ends_on,
            "place": publicity.place,
            "objections": publicity.objections_raised,
        }
        if publicity is not None
        else None,
        "county_opinion": _opinion_line(src, county),
        "decider": src.decider if county is not None else "",
        "outcome": outcome,
        "stage": src.action_name,
    }


def _opinion_line(src: Source, opinion: Opinion | None) -> dict[str, Any] | None:
    # The people's opinion as they wrote it; the form records decisions, not the engine's output.
    if opinion is None:
        return None
    return {
        "decision": DECISION_LABELS.get(opinion.decision, opinion.decision),
        "reasons": opinion.reasons,
        "on": _act_date(src, opinion),
    }


def _act_date(src: Source, opinion: Opinion) -> date:
    """The date of the act that recorded the opinion (which may precede the day it was entered):
    the first audit event written after it; the act now being done has not written its own yet."""
    event = src.session.exec(
        select(AuditEvent)
        .where(AuditEvent.case_id == src.case.id, col(AuditEvent.at) >= opinion.recorded_at)
        .order_by(col(AuditEvent.id))
    ).first()
    return event.on if event is not None else src.on


BUILDERS: Final[dict[str, Callable[[Source], dict[str, Any]]]] = {
    "edge_application": _edge_application,
    "edge_materials": _materials,
    "edge_not_qualified": _not_qualified,
    "edge_township_publicity": _publicity,
    "edge_county_publicity": _publicity,
    "edge_recognition": _edge_recognition,
    "edge_refusal": _refusal,
    "edge_exit": _refusal,
    "illness_form": _illness_form,
    "illness_materials": _materials,
    "illness_not_qualified": _not_qualified,
    "illness_publicity": _publicity,
    "illness_recognition": _illness_recognition,
    "illness_refusal": _refusal,
}


# ---------------------------------------------------------------------------------------------
# Issuing.


def current_document(session: Session, case_id: int, kind: str) -> IssuedDocument | None:
    """The latest version of the case's latest document of this kind."""
    return session.exec(
        select(IssuedDocument)
        .where(IssuedDocument.case_id == case_id, IssuedDocument.kind == kind)
        .order_by(col(IssuedDocument.id).desc())
    ).first()


def issue_for(
    src: Source, codes: tuple[str, ...], issued_by: int, renderer: PdfRenderer
) -> list[IssuedDocument]:
    """Issue the documents of kinds ``codes`` for the act ``src`` describes, in its transaction."""
    issued = []
    for code in codes:
        kind = KINDS[code]
        case_id = src.case.id or 0
        previous = current_document(src.session, case_id, code) if kind.versioned else None
        document = issue(
            src.session,
            kind,
            BUILDERS[code](src),
            county_code=src.case.county_code,
            case_id=case_id,
            issued_on=src.on,
            issued_by=issued_by,
            action=src.action,
            renderer=renderer,
            case_state=src.from_state,
            supersedes=previous,
            reason=f"办理进展：{src.action_name}" if previous is not None else "",
        )
        issued.append(document)
    return issued


__all__ = [
    "BUILDERS",
    "KINDS",
    "PROCEDURES",
    "Source",
    "appeal",
    "current_document",
    "issue_for",
    "publicity_entry",
    "reasons_from_check",
    "reasons_from_opinion",
]
