"""What the document builders read: the case as the act left it, read once per act for all the
documents it issues, and the parts every notice shares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from sqlmodel import Session, col, select

from assistance.casefile.evaluation import Evaluation, evaluate_case
from assistance.casefile.household import Preloaded, household_rows
from assistance.documents.issuers import CountyIssuers, issuers_for
from assistance.documents.notice_kinds import PROCEDURES
from assistance.models import (
    Case,
    CaseDeadline,
    Opinion,
    Publicity,
    RulesEvaluation,
)
from assistance.reference import places
from rules import vocabulary as rv

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


def common_context(src: Source) -> dict[str, Any]:
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


# Where a county has delegated its power to confirm to the townships.
DELEGATION_ARTICLES = {"dibao_edge": "第三十二条", "illness_poverty": "第二十六条"}


def power(src: Source) -> dict[str, Any]:
    """Who decided, and how the applicant is told: the county, through the township for 65号
    (第十七条 “通过乡镇人民政府（街道办事处）告知”); or a township under delegation (64号 第三十二条,
    65号 第二十六条), which the notice then says."""
    delegated = src.case.decided_by_level == "township"
    through = src.township_organ if not delegated and src.case.procedure == "illness_poverty" else ""
    return {"delegated": delegated, "article": DELEGATION_ARTICLES[src.case.procedure], "through": through}


def member_rows(src: Source) -> list[dict[str, Any]]:
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


def area_label(src: Source) -> str:
    area = src.evaluation.decision.get("area") or src.household.residence_area or src.household.hukou_type
    return rv.AREAS.get(area, "")
