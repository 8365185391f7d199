"""Steps for the documents the acts issue: which act issues which document, and what it says.

Pure: the scenarios read the declared table ``assistance.cases.acts.ACTS`` and render the
real templates (as HTML, the text WeasyPrint lays out) from contexts made with the same helpers
the service uses (``publicity_entry``, ``reasons_from_opinion``, ``appeal``), so that what they
check is what an applicant receives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Final

import pytest
from pytest_bdd import given, parsers, then, when

from assistance.cases.acts import ACTS
from assistance.documents import make_environment
from assistance.documents.issuers import issuers_for
from assistance.documents.notice_kinds import (
    KINDS,
    PROCEDURES,
    appeal,
    publicity_entry,
    reasons_from_check,
    reasons_from_opinion,
)
from assistance.workflow import WORKFLOWS
from assistance.workflow.vocabulary import MATERIAL_KINDS

PROCEDURE_NAMES: Final = {"低保边缘家庭": "dibao_edge", "因病致贫重病患者": "illness_poverty"}
COUNTY: Final = "140802"
ISSUED: Final = date(2025, 10, 20)


@dataclass
class DocumentScene:
    procedure: str = "dibao_edge"
    applicant: dict[str, str] = field(
        default_factory=lambda: {"name": "王建国", "id_number": "140802198003151239"}
    )
    household_size: int = 3
    monthly_income: Decimal | None = None
    criteria: list[dict[str, Any]] = field(default_factory=list)
    opinion: str = ""
    departure: str = ""
    check_findings: str = ""
    missing: list[str] = field(default_factory=list)
    objection_due: date | None = None
    issued: list[str] = field(default_factory=list)
    text: str = ""


@pytest.fixture
def document_scene() -> DocumentScene:
    return DocumentScene()


def _action(procedure: str, name: str) -> str:
    found = {t.action for t in WORKFLOWS[procedure].transitions if t.name == name}
    assert len(found) == 1, f"{WORKFLOWS[procedure].name}中没有唯一的操作“{name}”：{found}"
    return found.pop()


def _render(template: str, context: dict[str, Any]) -> str:
    html = make_environment().get_template(template).render(context)
    text = re.sub(r"<[^>]+>", "", html)
    return re.sub(r"\s+", "", text)


def _common(scene: DocumentScene, code: str) -> dict[str, Any]:
    county = issuers_for(COUNTY)
    return {
        "title": KINDS[code].title,
        "number": f"盐民{KINDS[code].series}〔2025〕1号",
        "version": 1,
        "issued": ISSUED,
        "procedure": PROCEDURES[scene.procedure],
        "county": {"name": county.name, "civil_affairs": county.civil_affairs,
                   "medical_insurance": county.medical_insurance},
        "township": county.township_organ("北城街道"),
        "village": "槐东社区",
        "case": {"number": "140802-BY-2025-00001", "application_date": date(2025, 9, 22)},
        "applicant": scene.applicant,
        "proxy": "",
        "correction": None,
        "issuer": county.township_organ("北城街道"),
    }  # fmt: skip


@given(parsers.parse("一件{procedure}认定申请"))
def a_case(document_scene: DocumentScene, procedure: str) -> None:
    document_scene.procedure = PROCEDURE_NAMES[procedure]


@given(parsers.re(r"申请人(?P<name>[\u4e00-\u9fff]{2,4})，身份证号码为 (?P<number>\d{17}[\dX])"))
def applicant(document_scene: DocumentScene, name: str, number: str) -> None:
    document_scene.applicant = {"name": name, "id_number": number}


@given(parsers.re(r"家庭人均月收入为 (?P<amount>\d+\.\d{2}) 元"))
def income(document_scene: DocumentScene, amount: str) -> None:
    document_scene.monthly_income = Decimal(amount)


@given(
    parsers.re(
        r"认定条件“(?P<title>[^”]+)”不符合：(?P<explanation>.+)"
        r"（(?P<article>6[45]号 [^（）]+(?:（[^）]+）)?)）"
    )
)
def failed_criterion(document_scene: DocumentScene, title: str, explanation: str, article: str) -> None:
    document_scene.criteria.append(
        {"id": f"c{len(document_scene.criteria)}", "title": title, "explanation": explanation,
         "article": article, "result": "fail", "decisive": True}
    )  # fmt: skip


@given(parsers.re(r"审核意见为“(?P<text>[^”]+)”"))
def opinion(document_scene: DocumentScene, text: str) -> None:
    document_scene.opinion = text


@given(parsers.re(r"与规则引擎结论不一致的理由为“(?P<text>[^”]+)”"))
def departure(document_scene: DocumentScene, text: str) -> None:
    document_scene.departure = text


@given(parsers.re(r"县级信息核对发现“(?P<text>[^”]+)”"))
def check_findings(document_scene: DocumentScene, text: str) -> None:
    document_scene.check_findings = text


@given(parsers.re(r"缺少材料：(?P<items>.+)"))
def missing(document_scene: DocumentScene, items: str) -> None:
    labels = {label: code for code, label in MATERIAL_KINDS.items()}
    document_scene.missing = [labels[item] for item in items.split("、")]


@given(parsers.re(r"异议期限截至 (?P<day>\d{4}-\d{2}-\d{2})"))
def objection_due(document_scene: DocumentScene, day: str) -> None:
    document_scene.objection_due = date.fromisoformat(day)


@when(parsers.re(r"办理“(?P<name>[^”]+)”"))
def act(document_scene: DocumentScene, name: str) -> None:
    action = _action(document_scene.procedure, name)
    document_scene.issued = [KINDS[c].title for c in ACTS[action].documents_for(document_scene.procedure)]


@when("生成村（社区）公示")
def make_publicity(document_scene: DocumentScene) -> None:
    code = "edge_township_publicity" if document_scene.procedure == "dibao_edge" else "illness_publicity"
    person = document_scene.applicant
    entry = publicity_entry(
        person["name"], person["id_number"], document_scene.household_size, "槐东社区", "拟认定为低保边缘家庭"
    )
    common = _common(document_scene, code)
    context = {
        key: common[key]
        for key in ("title", "number", "version", "issued", "procedure", "correction", "issuer")
    }
    context.update(
        stage="township", round=1, basis="第二十二条", entries=[entry], starts_on=date(2025, 9, 29),
        ends_on=date(2025, 10, 9), place="槐东社区公示栏", objection_to=[common["issuer"]],
    )  # fmt: skip
    document_scene.text = _render(KINDS[code].template, context)


@when("生成不予认定通知书")
def make_refusal(document_scene: DocumentScene) -> None:
    code = "edge_refusal" if document_scene.procedure == "dibao_edge" else "illness_refusal"
    decision = {"outcome": "not_eligible", "criteria": document_scene.criteria}
    context = _common(document_scene, code)
    context.update(
        issuer=issuers_for(COUNTY).civil_affairs, authority="第二十三条", stage="refuse",
        reasons=reasons_from_opinion(document_scene.opinion, document_scene.departure, decision),
        close=None, decided_on=ISSUED, appeal=appeal(issuers_for(COUNTY)),
    )  # fmt: skip
    document_scene.text = _render(KINDS[code].template, context)


@when("生成审核不符合告知书")
def make_not_qualified(document_scene: DocumentScene) -> None:
    code = "edge_not_qualified" if document_scene.procedure == "dibao_edge" else "illness_not_qualified"
    assert document_scene.objection_due is not None, "场景应先说明异议期"
    context = _common(document_scene, code)
    context.update(
        authority="第二十条" if document_scene.procedure == "dibao_edge" else "第十五条", source="check",
        reasons=reasons_from_check(document_scene.check_findings),
        objection={"starts_on": date(2025, 9, 23), "due_on": document_scene.objection_due, "days": 15,
                   "article": "65号 第十五条", "recheck_days": 10, "to": context["issuer"]},
    )  # fmt: skip
    document_scene.text = _render(KINDS[code].template, context)


@when("生成补齐材料一次性告知书")
def make_materials(document_scene: DocumentScene) -> None:
    code = "edge_materials" if document_scene.procedure == "dibao_edge" else "illness_materials"
    context = _common(document_scene, code)
    context.update(
        basis="《因病致贫重病患者认定办法（试行）实施细则》（运民发〔2023〕65号）第十四条",
        missing=[MATERIAL_KINDS[m] for m in document_scene.missing], note="",
    )  # fmt: skip
    document_scene.text = _render(KINDS[code].template, context)


@then(parsers.re(r"印发《(?P<title>[^》]+)》"))
def issued(document_scene: DocumentScene, title: str) -> None:
    assert title in document_scene.issued, f"印发的是：{document_scene.issued or '无'}"


@then("不印发文书")
def nothing_issued(document_scene: DocumentScene) -> None:
    assert document_scene.issued == [], f"印发了：{document_scene.issued}"


@then(parsers.re(r"文书中有“(?P<text>[^”]+)”"))
def contains(document_scene: DocumentScene, text: str) -> None:
    assert re.sub(r"\s+", "", text) in document_scene.text, document_scene.text


@then(parsers.re(r"文书中没有“(?P<text>[^”]+)”"))
def lacks(document_scene: DocumentScene, text: str) -> None:
    assert re.sub(r"\s+", "", text) not in document_scene.text, document_scene.text


@then(parsers.re(r"文书逐项列明(?P<count>\d+)项缺少的材料"))
def lists_each(document_scene: DocumentScene, count: str) -> None:
    for index, code in enumerate(document_scene.missing, start=1):
        assert f"{index}.{MATERIAL_KINDS[code]}" in document_scene.text
    assert f"共{count}项" in document_scene.text
