"""The documents a case issues, as kinds, and the wording the notices share: what each procedure
is called, whose authority a decision rests on, on what basis a publicity is posted, how reasons
and appeal rights are given. Pure declarations and phrasing; the builders are in ``notices``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from assistance.documents.issuers import CountyIssuers
from assistance.documents.issuing import APPLICANT, INTERNAL, PUBLIC, DocumentKind
from assistance.documents.masking import mask_id, mask_name

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


def reasons_from_opinion(
    stated: str, departure: str, decision: Mapping[str, Any] | None, chosen: Sequence[str] | None = None
) -> dict[str, Any]:
    """The reasons a notice gives for a decision taken by people on an opinion.

    ``decision`` is the rules engine's decision (RulesEvaluation.decision) on the facts the
    opinion was given on. Its failed criteria are the reasons only where the opinion follows it;
    a departure is explained by the people's stated reasons alone. Why they departed from the
    calculation (``departure``) is staff's internal record: it stays on the case, and no notice
    mentions the calculation.
    """
    listed = {c["id"]: c for c in (decision or {}).get("criteria", [])}
    if chosen:
        # The conditions people found not met, each with its article; the calculation's account
        # only where it found the same (a notice never blames the rules for people's finding).
        picked = [
            {
                "title": listed[c]["title"],
                "article": listed[c]["article"],
                "explanation": listed[c]["explanation"] if listed[c].get("result") == "fail" else "",
            }
            for c in chosen
            if c in listed
        ]
        return {"basis": "criteria", "stated": stated.strip(), "further": "", "criteria": picked}
    if departure.strip():
        return {"basis": "human", "stated": stated.strip(), "further": "", "criteria": []}
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
