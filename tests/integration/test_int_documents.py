"""Documents issued by the acts of both procedures, read back through the API, on both databases.

The PDFs are read back with pdftotext (poppler-utils): what a notice says is checked in the bytes
the applicant downloads, not in the template's context.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import zipfile
from datetime import date
from typing import Any

import pytest
from flask import Flask
from integration_support import (
    ApiClient,
    Clock,
    after_publicity,
    dibao_edge_household,
    dibao_edge_to_county_review,
    dibao_edge_to_investigation,
    dibao_edge_to_publicity,
    errors,
    high_income,
    illness_poverty_to_investigation,
    sign_in,
)
from sqlmodel import select

from assistance.db import Database
from assistance.documents import default_renderer
from assistance.documents.issuing import regenerate
from assistance.documents.notice_kinds import KINDS
from assistance.documents.rendering import render_waiting
from assistance.models import IssuedDocument, SecurityEvent


def pdf_text(pdf: bytes) -> str:
    """The PDF's text without the layout's line breaks and padding."""
    assert pdf.startswith(b"%PDF"), pdf[:20]
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return re.sub(r"\s+", "", out.stdout.decode())


def pages_with_only_the_seal(pdf: bytes) -> list[int]:
    """Pages whose text is nothing but the 落款 (signer, date, the seal's label) and a page number:
    a seal split from the text it seals (issue 19)."""
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    alone = []
    for page in range(1, count + 1):
        out = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout.decode()
        lines = [line.strip() for line in out.splitlines() if line.strip()]
        rest = [
            line
            for line in lines
            if not re.fullmatch(
                r"—\s*\d+\s*—|（印章）|\d{4}年\d{1,2}月\d{1,2}日|.*(人民政府|民政局|办事处)", line
            )
        ]
        if page > 1 and not rest:
            alone.append(page)
    return alone


def documents(api: ApiClient, username: str, case_id: int) -> list[dict[str, Any]]:
    response = api.get(username, f"/cases/{case_id}/documents")
    assert response.status_code == 200, response.json
    return list((response.json or {})["documents"])


def download(api: ApiClient, username: str, document_id: int, expect: int = 200) -> bytes:
    response = api.get(username, f"/documents/{document_id}/pdf")
    assert response.status_code == expect, (response.status_code, response.json)
    return response.data


def by_kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d["kind"] == kind]


def test_dibao_edge_recognition_issues_application_publicities_and_notice(
    api: ApiClient, clock: Clock
) -> None:
    case = dibao_edge_to_county_review(api, clock)
    cid = case["id"]
    case = api.act("yanhu", cid, "confirm", reasons="经审查符合认定条件", place="槐东社区公示栏")
    clock.today = after_publicity(case)
    case = api.act("yanhu", cid, "close_county_publicity")
    assert case["state"] == "recognised"

    docs = documents(api, "yanhu", cid)
    assert [d["kind"] for d in docs] == [
        "edge_application",  # accept: 64号 第十七条
        "edge_township_publicity",  # start_publicity: 第二十二条
        "edge_county_publicity",  # confirm: 第二十三条
        "edge_recognition",  # close_county_publicity: 第二十三条
    ]
    # 盐湖区's 代字 and the year of issue; one counter per series.
    assert all(re.fullmatch(r"盐民边[申公确认]〔2025〕1号", d["number"]) for d in docs), docs
    # The audit event of each act lists what it issued.
    issued = {e["action"]: e["detail"].get("documents") for e in case["history"]}
    assert issued["accept"][0]["kind"] == "edge_application"

    # No issued document leaves its seal alone on a page (issue 19).
    for doc in docs:
        assert not pages_with_only_the_seal(download(api, "yanhu", doc["id"])), doc["kind"]
    recognition = pdf_text(download(api, "wangjianguo", by_kind(docs, "edge_recognition")[0]["id"]))
    assert "低保边缘家庭认定通知书" in recognition and "王建国" in recognition
    assert "盐民边认〔2025〕1号" in recognition

    # Publicity: masked name and ID number, no incomes (65号 第十六条 “不得公示无关信息”).
    publicity = pdf_text(download(api, "wangjianguo", by_kind(docs, "edge_township_publicity")[0]["id"]))
    assert "王建国" not in publicity and "140802198003151239" not in publicity
    assert "王*" in publicity or "王＊" in publicity
    assert "1408" in publicity  # the masked ID keeps its region
    assert "工资" not in publicity and not re.search(r"\d元", publicity)

    # 64号 第二十三条: after the county confirms, the publicity says it is confirmed, once, and not
    # as a proposal (issue 19).
    confirmed = pdf_text(download(api, "wangjianguo", by_kind(docs, "edge_county_publicity")[0]["id"]))
    assert "经县级民政部门审查，下列申请家庭确认为低保边缘家庭，现予公示" in confirmed
    assert "拟" not in confirmed and confirmed.count("审查") == 1

    # The application form names the authorisation and the commitment (64号 第十七条).
    application = pdf_text(download(api, "yanhu", by_kind(docs, "edge_application")[0]["id"]))
    assert "授权" in application and "承诺" in application and "王建国" in application


def test_refusal_agreeing_with_the_engine_gives_each_failed_criterion_and_appeal_rights(
    api: ApiClient, clock: Clock
) -> None:
    cid = dibao_edge_to_investigation(api, clock, high_income(dibao_edge_household()))
    api.investigate("huaidong", cid, clock.today, findings="申请人在企业务工，月工资7500元")
    case = api.act("beicheng", cid, "find_not_eligible", reasons="家庭人均收入超过低保边缘家庭收入标准")
    told = by_kind(documents(api, "wangjianguo", cid), "edge_not_qualified")
    assert len(told) == 1
    case = api.act("beicheng", cid, "close_not_qualified", waived=True, note="申请人书面表示不提出异议")
    assert case["state"] == "refused", case
    refusal = by_kind(documents(api, "wangjianguo", cid), "edge_refusal")
    assert len(refusal) == 1
    text = pdf_text(download(api, "wangjianguo", refusal[0]["id"]))
    assert "不予认定低保边缘家庭通知书" in text
    # Each failed criterion with its article: the income band of 64号 第二条.
    assert "第二条" in text and "家庭人均收入超过低保边缘家庭收入标准" in text
    assert "60日内" in text and "6个月内" in text and "行政复议" in text and "行政诉讼" in text
    assert "人民政府" in text and "人民法院" in text


def test_a_human_departure_is_explained_in_human_words_only(api: ApiClient, clock: Clock) -> None:
    case = dibao_edge_to_county_review(api, clock)
    cid = case["id"]
    # The reasons go to the applicant in the regulations' terms, never the engine's (issue 19).
    leaning = api.post(
        "yanhu",
        f"/cases/{cid}/actions/refuse",
        {"reasons": "规则引擎按申报案卷计算人均收入超标", "departure_reason": "x"},
    )
    assert leaning.status_code == 422 and errors(leaning.json, "reasons"), leaning.json
    api.act(
        "yanhu",
        cid,
        "refuse",
        reasons="家庭存在隐性收入",
        departure_reason="县级入户核查发现配偶另有未申报的长期务工收入",
    )
    refusal = by_kind(documents(api, "wangjianguo", cid), "edge_refusal")[0]
    text = pdf_text(download(api, "wangjianguo", refusal["id"]))
    assert "家庭存在隐性收入" in text
    # Why staff departed from the calculation is their internal record: it stays on the case page.
    assert "县级入户核查发现配偶另有未申报的长期务工收入" not in text
    assert "县级入户核查发现配偶另有未申报的长期务工收入" in str(api.case("yanhu", cid))
    # The notice must not blame the rules for a human decision: no criterion, no article of one.
    assert "规则" not in text and "系统" not in text and "第二条" not in text


def test_not_qualified_check_gives_the_objection_period_and_materials_notice_lists_every_item(
    api: ApiClient, clock: Clock
) -> None:
    from integration_support import HUAIDONG

    cid = int(api.file("wangjianguo", "dibao_edge", HUAIDONG, dibao_edge_household())["id"])
    api.act("beicheng", cid, "request_materials", missing=["id_card", "income_proof"], note="请一并交来")
    notice = by_kind(documents(api, "wangjianguo", cid), "edge_materials")
    assert len(notice) == 1
    text = pdf_text(download(api, "wangjianguo", notice[0]["id"]))
    assert "补齐申请材料一次性告知书" in text and "请一并交来" in text
    # Every missing item, in one notice (65号 第十四条).
    assert "1.居民身份证" in text and "2.收入证明" in text

    # A second case: the county's information check finds it not qualified (64号 第二十条).
    cid2 = int(api.file("wangjianguo", "dibao_edge", HUAIDONG, dibao_edge_household())["id"])
    api.act("beicheng", cid2, "accept")
    api.act("beicheng", cid2, "request_information_check")
    case = api.act("yanhu", cid2, "record_check_not_qualified", findings="核对发现家庭成员名下有两套住房")
    assert case["state"] == "not_qualified"
    window = [d for d in case["deadlines"] if d["kind"] == "objection_window"][-1]
    notice = by_kind(documents(api, "wangjianguo", cid2), "edge_not_qualified")[0]
    text = pdf_text(download(api, "wangjianguo", notice["id"]))
    assert "核对发现家庭成员名下有两套住房" in text
    due = date.fromisoformat(window["due_on"])
    assert f"{due.year}年{due.month}月{due.day}日" in text


def test_illness_form_is_versioned_and_internal(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 26)
    cid = illness_poverty_to_investigation(api, clock)
    api.investigate("xiguan", cid, clock.today)
    api.act("yanhu", cid, "record_check_qualified")
    case = api.act("jiezhou", cid, "start_publicity", place="西关村公示栏")
    clock.today = after_publicity(case)
    api.act("jiezhou", cid, "close_publicity")
    api.act("yanhu", cid, "confirm", reasons="符合因病致贫重病患者认定条件")

    staff = documents(api, "yanhu", cid)
    forms = by_kind(staff, "illness_form")
    # 附件1: accepted, initial opinion with the publicity, county opinion: one number, three versions.
    assert [f["version"] for f in forms] == [1, 2, 3]
    assert len({f["number"] for f in forms}) == 1
    assert [f["current"] for f in forms] == [False, False, True]
    assert forms[1]["supersedes_id"] == forms[0]["id"]
    assert by_kind(staff, "illness_recognition") and by_kind(staff, "illness_publicity")
    text = pdf_text(download(api, "yanhu", forms[-1]["id"]))
    assert "因病致贫重病患者申请审核确认表" in text and "符合因病致贫重病患者认定条件" in text
    # The per-capita income the decision uses: after the self-paid medical costs (65号 第六条（四）),
    # not before them (issue 19).
    assert "扣除申请前12个月个人自负医疗费用" in text and "扣除自负医疗费用后家庭人均月收入" in text
    assert "65号第六条（四）" in text

    # The applicant sees the notices and the publicity, not the internal form.
    mine = documents(api, "chenzhiqiang", cid)
    assert not by_kind(mine, "illness_form") and by_kind(mine, "illness_recognition")
    download(api, "chenzhiqiang", forms[0]["id"], expect=404)


def test_documents_stay_inside_the_area_scope(api: ApiClient, clock: Clock) -> None:
    case = dibao_edge_to_publicity(api, clock)
    docs = documents(api, "beicheng", case["id"])
    assert docs
    for outsider in ("jiezhou", "chenzhiqiang", "yongji"):
        response = api.get(outsider, f"/cases/{case['id']}/documents")
        assert response.status_code == 404, (outsider, response.status_code)
        for d in docs:
            assert api.get(outsider, f"/documents/{d['id']}/pdf").status_code == 404
    assert api.app.test_client().get(f"/api/v1/documents/{docs[0]['id']}/pdf").status_code == 401


def test_download_is_the_issued_bytes(api: ApiClient, clock: Clock) -> None:
    case = dibao_edge_to_publicity(api, clock)
    waiting = by_kind(documents(api, "beicheng", case["id"]), "edge_township_publicity")[0]
    # Laid out after the act (no renderer runs in tests): the first reader lays it out.
    assert (waiting["rendered"], waiting["sha256"]) == (False, "")
    response = api.get("beicheng", f"/documents/{waiting['id']}/pdf")
    doc = by_kind(documents(api, "beicheng", case["id"]), "edge_township_publicity")[0]
    assert doc["rendered"] is True
    assert hashlib.sha256(response.data).hexdigest() == doc["sha256"]
    assert response.headers["ETag"] == f'"{doc["sha256"]}"'
    assert "attachment" in response.headers["Content-Disposition"]
    assert api.get("beicheng", f"/documents/{doc['id']}/pdf").data == response.data
    assert api.get("beicheng", f"/documents/{doc['id']}/xlsx").status_code == 404


def test_correction_is_a_new_version_and_the_old_one_stays(api: ApiClient, clock: Clock) -> None:
    case = dibao_edge_to_publicity(api, clock)
    cid = case["id"]
    doc = by_kind(documents(api, "beicheng", cid), "edge_township_publicity")[0]
    original = download(api, "beicheng", doc["id"])

    refused = api.post(
        "beicheng", f"/documents/{doc['id']}/corrections", {"reason": "", "edits": {"entries": "x"}}
    )
    assert refused.status_code == 422
    assert errors(refused.json or {}, "reason") == ["请填写更正原因"]
    assert errors(refused.json or {}, "edits.entries")
    forbidden = api.post(
        "wangjianguo", f"/documents/{doc['id']}/corrections", {"reason": "地点写错", "edits": {"place": "x"}}
    )
    assert forbidden.status_code == 403

    response = api.post(
        "beicheng",
        f"/documents/{doc['id']}/corrections",
        {"reason": "张贴地点写错", "edits": {"place": "槐东社区居委会门前公示栏"}},
    )
    assert response.status_code == 201, response.json
    corrected = response.json or {}
    assert (corrected["number"], corrected["version"], corrected["supersedes_id"]) == (
        doc["number"],
        2,
        doc["id"],
    )
    text = pdf_text(download(api, "beicheng", corrected["id"]))
    assert "槐东社区居委会门前公示栏" in text and "更正原因：张贴地点写错" in text
    assert download(api, "beicheng", doc["id"]) == original

    again = api.post(
        "beicheng", f"/documents/{doc['id']}/corrections", {"reason": "再改", "edits": {"place": "别处"}}
    )
    assert again.status_code == 409
    listed = by_kind(documents(api, "beicheng", cid), "edge_township_publicity")
    assert [(d["version"], d["current"]) for d in listed] == [(1, False), (2, True)]
    history = api.case("beicheng", cid)["history"]
    assert history[-1]["action"] == "correct_document"


def test_regenerating_a_document_from_its_stored_context_gives_the_same_bytes(
    api: ApiClient, clock: Clock, db: Database
) -> None:
    case = dibao_edge_to_county_review(api, clock)
    api.act(
        "yanhu", case["id"], "refuse", reasons="家庭存在隐性收入", departure_reason="入户核查发现未申报收入"
    )
    assert render_waiting(db) == (3, {})
    with db.reading() as session:
        issued = session.exec(select(IssuedDocument).where(IssuedDocument.case_id == case["id"])).all()
        assert {d.kind for d in issued} == {"edge_application", "edge_township_publicity", "edge_refusal"}
        for document in issued:
            pdf, sheet = regenerate(KINDS[document.kind], document, default_renderer())
            assert pdf == document.content, document.kind
            assert hashlib.sha256(pdf).hexdigest() == document.sha256
            assert sheet is None


def test_the_application_form_shows_a_declared_flexible_income(api: ApiClient, clock: Clock) -> None:
    """The 申请书 printed "—" for a flexible worker's declared 12,000 (issue 19)."""
    household = dibao_edge_household()
    household["incomes"].append(
        {"member": "m2", "kind": "flexible", "months": 6, "declared_amount": "12000.00"}
    )
    cid = api.file("wangjianguo", "dibao_edge", "140802001001", household)["id"]
    api.act("beicheng", cid, "accept")
    application = by_kind(documents(api, "beicheng", cid), "edge_application")[0]
    text = pdf_text(download(api, "beicheng", application["id"]))
    assert "¥12,000.00" in text and "本人申报，6个月" in text


@pytest.mark.parametrize("delegated", [False, True])
def test_a_65_refusal_is_issued_by_whoever_holds_the_power(
    api: ApiClient, clock: Clock, delegated: bool
) -> None:
    """65号 第四条、第十七条: the county confirms or refuses, through the township; under delegation
    (第二十六条) the township does, and the notice says so (issue 19)."""
    if delegated:
        done = api.as_("admin").put("/api/v1/areas/140802/delegation", json={"confirmation_delegated": True})
        assert done.status_code == 200, done.json
    cid = illness_poverty_to_investigation(api, clock)
    api.investigate("xiguan", cid, clock.today)
    api.act("yanhu", cid, "record_check_qualified")
    case = api.act("jiezhou", cid, "start_publicity", place="西关村公示栏")
    clock.today = after_publicity(case)
    api.act("jiezhou", cid, "close_publicity")
    decider = "jiezhou" if delegated else "yanhu"
    api.act(
        decider,
        cid,
        "refuse",
        reasons="家庭人均收入超过当地低保标准的2倍",
        departure_reason="入户核查发现另有收入",
    )
    refusal = by_kind(documents(api, "chenzhiqiang", cid), "illness_refusal")
    assert len(refusal) == 1, documents(api, "chenzhiqiang", cid)
    pdf = download(api, "chenzhiqiang", refusal[0]["id"])
    assert not pages_with_only_the_seal(pdf)
    text = pdf_text(pdf)
    if delegated:
        assert text.startswith("解州镇人民政府") or "解州镇人民政府" in text[:40], text[:80]
        assert "第二十六条的规定，行使县级民政部门下放的审核确认权限作出" in text
    else:
        assert "盐湖区民政局" in text[:40], text[:80]
        assert "解州镇人民政府" not in text[:40]
        assert "本通知由运城市盐湖区解州镇人民政府转交你" in text


def test_a_case_downloads_as_one_archive_with_a_manifest(api: ApiClient, clock: Clock, db: Database) -> None:
    """一户一档 (64号 第二十八条, 65号 第二十条; issue 19): every document version, the evidence,
    the audit trail printed and a manifest with each file's SHA-256; for township and county staff
    of the area, logged."""
    case = dibao_edge_to_publicity(api, clock)
    cid = case["id"]
    scan = b"%PDF-1.4 scan of the hukou book"
    uploaded = api.as_("beicheng").post(
        f"/api/v1/cases/{cid}/evidence",
        data={"kind": "other", "title": "户口簿", "file": (io.BytesIO(scan), "户口簿.pdf")},
    )
    assert uploaded.status_code == 201, uploaded.json
    answer = api.as_("yanhu").get(f"/api/v1/cases/{cid}/archive")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.data))
    names = archive.namelist()
    manifest = json.loads(archive.read(next(n for n in names if n.endswith("清单.json"))))
    assert manifest["case"]["number"] == case["number"]
    listed = {f["path"]: f for f in manifest["files"]}
    for name in names:
        path = name.split("/", 1)[1]
        if path != "清单.json":
            assert listed[path]["sha256"] == hashlib.sha256(archive.read(name)).hexdigest(), path
    assert sum(p.startswith("文书/") for p in listed) == len(documents(api, "yanhu", cid))
    assert [p for p in listed if p.startswith("证明材料/")] == [f"证明材料/{uploaded.json['id']}-户口簿.pdf"]
    trail = archive.read(next(n for n in names if n.endswith("审计记录.csv"))).decode("utf-8-sig")
    assert "提出申请" in trail and "受理申请" in trail and "拟纳入，在村（社区）公示" in trail
    # An event that is no transition is named as the case page names it, not by its code.
    assert "上传证明材料" in trail and "add_evidence" not in trail
    assert manifest["audit_head"] in trail
    # The applicant, a village committee and another county cannot.
    for who, status in (("wangjianguo", 403), ("huaidong", 403), ("yongji", 404)):
        assert api.as_(who).get(f"/api/v1/cases/{cid}/archive").status_code == status, who
    with db.reading() as session:
        logged = session.exec(
            select(SecurityEvent).where(SecurityEvent.action == "case_archive_exported")
        ).all()
    assert [e.subject_id for e in logged] == [cid]


def test_anyone_holding_a_printed_notice_verifies_it(api: ApiClient, clock: Clock, app: Flask) -> None:
    """扫码验真 (issue 19): each document prints a code and a QR code of the public page, which
    names the document and its hash, nothing personal, and compares a PDF held with the one issued."""
    case = dibao_edge_to_publicity(api, clock)
    publicity = by_kind(documents(api, "beicheng", case["id"]), "edge_township_publicity")[0]
    pdf = download(api, "beicheng", publicity["id"])
    text = pdf_text(pdf)
    match = re.search(r"验真码([2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2})", text)
    assert match is not None, text[-200:]
    code = match.group(1)

    anyone = app.test_client()
    found = anyone.get(f"/api/v1/verify/{code.lower()}")
    assert found.status_code == 200, found.json
    assert found.json["number"] == publicity["number"] and found.json["superseded"] is False
    assert found.json["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert "王建国" not in found.get_data(as_text=True) and "1408021980" not in found.get_data(as_text=True)
    assert anyone.get("/api/v1/verify/ABCD-EFGH-JK").status_code == 404
    assert anyone.get("/api/v1/verify/not-a-code").status_code == 422

    page = anyone.get(f"/verify/{code}").get_data(as_text=True)
    assert "系统印发过这份文书" in page and publicity["number"] in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    for content, verdict in ((pdf, "完全一致"), (pdf[:-10] + b"tampered!!", "不一致")):
        compared = anyone.post(
            f"/verify/{code}",
            data={"csrf_token": token.group(1), "file": (io.BytesIO(content), "held.pdf")},
            content_type="multipart/form-data",
        )
        assert verdict in compared.get_data(as_text=True)


def test_staff_pick_the_conditions_a_refusal_rests_on(api: ApiClient, clock: Clock) -> None:
    """Issue 19: refusal reasons were free text only. Staff pick the conditions not met, each printed
    with its article; where the calculation found them met, no account of it is printed."""
    case = dibao_edge_to_county_review(api, clock)
    cid = case["id"]
    decision = api.post("yanhu", f"/cases/{cid}/evaluations", {}).json["decision"]
    chosen = next(c for c in decision["criteria"] if c["result"] == "pass")
    bad = api.post(
        "yanhu",
        f"/cases/{cid}/actions/refuse",
        {"reasons": "x", "departure_reason": "y", "criteria": ["no.such"]},
    )
    assert bad.status_code == 422 and errors(bad.json, "criteria")
    api.act(
        "yanhu", cid, "refuse", reasons="入户核查发现家庭另有存款", departure_reason="县级入户核查",
        criteria=[chosen["id"]],
    )  # fmt: skip
    refusal = by_kind(documents(api, "wangjianguo", cid), "edge_refusal")[0]
    text = pdf_text(download(api, "wangjianguo", refusal["id"]))
    assert f"（一）{chosen['title']}（依据：{chosen['article'].replace(' ', '')}）" in text, text
    assert "入户核查发现家庭另有存款" in text and chosen["explanation"].replace(" ", "") not in text


def test_the_refusal_form_offers_the_cases_conditions(app: Flask, api: ApiClient, clock: Clock) -> None:
    case = dibao_edge_to_county_review(api, clock)
    county, _ = sign_in(app, "yanhu")
    page = county.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert 'name="refuse-criteria"' in page or 'name="criteria"' in page
