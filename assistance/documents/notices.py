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

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, Final

from sqlmodel import Session, col, select

from assistance.documents.issuing import PdfRenderer, issue
from assistance.documents.notice_kinds import (
    AUTHORITY,
    DECISION_LABELS,
    KINDS,
    PROCEDURES,
    PUBLICITY_BASIS,
    appeal,
    publicity_entry,
    reasons_from_check,
    reasons_from_opinion,
)
from assistance.documents.source import Source, area_label, common_context, member_rows, power
from assistance.models import (
    AuditEvent,
    InformationCheck,
    Investigation,
    IssuedDocument,
    MaterialNotice,
    MedicalExpenseRecord,
    Opinion,
)
from assistance.workflow.common import OBJECTION_WINDOW_KIND, RECHECK_KIND
from assistance.workflow.vocabulary import FILING_CHANNELS, INVESTIGATION_METHODS, MATERIAL_KINDS
from rules import vocabulary as rv

# The builders, one per kind.


def _income_basis(income: Any) -> str:
    if income.amount is None and income.declared_amount is not None:
        return f"本人申报，{income.months}个月" if income.months else "本人申报"
    return f"{income.months}个月" if income.months else ""


def _illness_income(income: dict[str, Any], decision: dict[str, Any]) -> dict[str, Any]:
    """The figures the 65号 decision uses: the income after the self-paid medical costs of the 12
    months before the application (65号 第六条（四）), not the income before them."""
    test = next((c for c in decision.get("criteria", []) if c.get("id") == "illness.income"), None)
    figures = test.get("figures", {}) if test else {}

    def amount(value: Any) -> Decimal | None:
        return Decimal(value) if value not in (None, "") else None

    return {
        "annual": amount(income.get("annual_total")),
        "size": income.get("household_size"),
        "out_of_pocket": amount(figures.get("out_of_pocket_12_months")),
        "after_medical": amount(figures.get("income_after_medical")),
        "per_capita": amount(figures.get("per_capita_monthly_income", income.get("per_capita_monthly"))),
        "article": test.get("article", "") if test else "",
    }


def _edge_application(src: Source) -> dict[str, Any]:
    """64号 第十七条: the written application, signed for the household by one member, with the
    authorisation to check its economic situation and the written commitment."""
    case, names = src.case, {m.id: m.name for m in src.members}
    incomes = src.rows.incomes.get(case.id or 0, [])
    assets = src.rows.assets.get(case.id or 0, [])
    return {
        **common_context(src),
        "addressee": src.township_organ,
        "hukou": rv.HUKOU_TYPES.get(src.household.hukou_type, src.household.hukou_type),
        "area": area_label(src),
        "address": src.household.address,
        "members": member_rows(src),
        "incomes": [
            {
                "member": names.get(i.member_id, ""),
                "kind": rv.INCOME_KINDS[i.kind].label if i.kind in rv.INCOME_KINDS else i.kind,
                # A flexible worker's income is what they declared (65号 第八条（一）): shown as such.
                "amount": i.amount if i.amount is not None else i.declared_amount,
                "note": "；".join(part for part in (_income_basis(i), i.note) if part),
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
        **common_context(src),
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
        opinion.reasons, opinion.departure_reason, src.evaluation_of(opinion), opinion.criteria
    )


def _not_qualified(src: Source) -> dict[str, Any]:
    """64号 第二十条, 65号 第十五条: the applicant is told, and may object within the period."""
    source, reasons = _check_reasons(src)
    window, recheck = src.deadline(OBJECTION_WINDOW_KIND), src.deadline(RECHECK_KIND)
    assert window is not None, "the act starts the objection window"
    return {
        **common_context(src),
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
    # 64号 第二十三条: the county has confirmed; the publicity follows the confirmation.
    ("dibao_edge", "confirm"): "确认为低保边缘家庭",
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
        reasons = reasons_from_opinion(
            opinion.reasons, opinion.departure_reason, src.evaluation_of(opinion), opinion.criteria
        )
        issuer = src.decider if src.action in ("refuse", "confirm_exit") else src.township_organ
    return {
        **common_context(src),
        "issuer": issuer,
        "power": power(src) if src.action in ("refuse", "confirm_exit") else None,
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
        **common_context(src),
        "issuer": src.decider,
        "power": power(src),
        "path": path or "standard",
        "area": area_label(src),
        "members": [m for m in member_rows(src) if m["counted"]],
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
        **common_context(src),
        "issuer": src.decider,
        "power": power(src),
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
        **common_context(src),
        "patient": {
            "name": patient.name,
            "id_number": patient.id_number,
            "relation": rv.RELATIONS.get(patient.relation, patient.relation),
            "insurance": rv.INSURANCE_SCHEMES.get(patient.insurance_scheme or "", "未登记"),
            "insurance_region": patient.insurance_region or "",
        },
        "hukou": rv.HUKOU_TYPES.get(src.household.hukou_type, src.household.hukou_type),
        "address": src.household.address,
        "members": member_rows(src),
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
        "income": _illness_income(income, src.evaluation.decision),
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


__all__ = ["BUILDERS", "current_document", "issue_for"]
