"""因病致贫重病患者认定 (运民发〔2023〕65号 第十一条至第二十一条): every branch off the standard
path, through the HTTP API, on both databases."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from integration_support import (
    XIGUAN,
    ApiClient,
    Clock,
    deadline,
    errors,
    high_income,
    illness_poverty_household,
    illness_poverty_to_investigation,
)

ILLNESS = "illness_poverty"


def _publicise(api: ApiClient, cid: int, on: date) -> dict[str, Any]:
    """Investigated and checked: the township publicises its initial opinion (第十六条)."""
    api.investigate("xiguan", cid, on, investigators="西关村 王主任")
    api.act("yanhu", cid, "record_check_qualified", findings="信息核对符合条件")
    case = api.act("jiezhou", cid, "start_publicity", place="西关村公示栏")
    assert case["state"] == "publicity"
    return case


def test_objection_to_the_information_check_upheld_on_recheck(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 26)
    cid = illness_poverty_to_investigation(api, clock)
    clock.today = date(2025, 9, 30)
    case = api.act("yanhu", cid, "record_check_not_qualified", findings="核对发现配偶名下有一辆小型轿车")
    assert case["state"] == "not_qualified"
    # 第十五条 “应当在15个工作日内提供相关佐证材料”: from Tue 09-30, 10-09..10-11 (Sat worked),
    # 10-13..17, 10-20..24, 10-27, 10-28.
    assert deadline(case, "objection_window")["due_on"] == "2025-10-28"

    clock.today = date(2025, 10, 9)
    scan = {"kind": "other", "title": "车辆转让合同", "file": (io.BytesIO(b"%PDF-1.4 demo"), "contract.pdf")}
    uploaded = api.as_("chenzhiqiang").post(f"/api/v1/cases/{cid}/evidence", data=scan)
    assert uploaded.status_code == 201, uploaded.json
    evidence_id = (uploaded.json or {})["id"]
    case = api.act(
        "chenzhiqiang", cid, "raise_objection", content="车辆已于2025年3月转让", evidence_ids=[evidence_id]
    )
    assert case["state"] == "recheck"
    assert case["objections"][-1]["evidence_id"] == evidence_id
    # “自收到佐证材料起10个工作日内进行复查”: 10-10, 10-11, 10-13..17, 10-20..22.
    assert deadline(case, "recheck")["due_on"] == "2025-10-22"

    clock.today = date(2025, 10, 13)
    case = api.act("jiezhou", cid, "recheck_upheld", reasons="转让合同及过户记录属实，异议成立")
    assert case["state"] == "investigation"
    recheck = deadline(case, "recheck")
    assert (recheck["status"], recheck["met_on"]) == ("met", "2025-10-13")
    # The county's not-qualified result no longer stands: the check is run again on the new
    # evidence, and the initial opinion waits for it (第十五条、第十六条).
    assert case["information_checks"][-1]["result"] is None
    blocked = api.act("jiezhou", cid, "start_publicity", expect=409, place="西关村公示栏")
    assert "县级民政部门尚未反馈家庭经济状况信息核对结果" in errors(blocked, "guard")
    case = _publicise(api, cid, clock.today)
    assert [c["result"] for c in case["information_checks"]] == ["not_qualified", "qualified"]


def test_objection_after_the_window_is_refused(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 26)
    cid = illness_poverty_to_investigation(api, clock)
    clock.today = date(2025, 9, 30)
    api.act("yanhu", cid, "record_check_not_qualified", findings="家庭人均收入超过标准")
    clock.today = date(2025, 10, 29)
    late = api.act("chenzhiqiang", cid, "raise_objection", expect=409, content="收入计算有误")
    assert late["message"] == "尚不能进行“申请人提出异议并提供佐证材料”"
    assert errors(late, "guard") == ["异议期已于2025-10-28届满"]
    case = api.act("jiezhou", cid, "close_not_qualified")
    assert case["state"] == "refused" and case["closed_on"] == "2025-10-29"


def test_township_finds_not_eligible_and_the_recheck_confirms_it(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 26)
    cid = illness_poverty_to_investigation(api, clock, high_income(illness_poverty_household(clock.today)))
    api.investigate("xiguan", cid, clock.today)
    case = api.act("jiezhou", cid, "find_not_eligible", reasons="扣除自负医疗费用后人均收入仍超过标准")
    assert case["state"] == "not_qualified"
    assert (case["opinions"][-1]["stage"], case["opinions"][-1]["engine_outcome"]) == (
        "township_check",
        "not_eligible",
    )
    # The village committee hands in the objection for the family (第十五条 “村（居）委会应当协助”).
    case = api.act(
        "xiguan", cid, "raise_objection", content="配偶已失业，附解除劳动合同证明", raised_by="刘美华"
    )
    assert case["objections"][-1]["raised_by"] == "刘美华"
    case = api.act("jiezhou", cid, "recheck_rejected", reasons="解除劳动合同在申请日之后，维持原意见")
    assert case["state"] == "refused"
    assert deadline(case, "recheck")["status"] == "met"


def test_disputed_publicity_needs_a_new_investigation_and_a_second_round(
    api: ApiClient, clock: Clock
) -> None:
    clock.today = date(2025, 9, 26)
    cid = illness_poverty_to_investigation(api, clock)
    case = _publicise(api, cid, clock.today)
    # 09-26 + 7 = 10-03, a holiday: the publicity ends on 10-09.
    assert case["publicities"][-1]["ends_on"] == "2025-10-09"
    clock.today = date(2025, 9, 29)
    api.act("xiguan", cid, "record_objection", content="反映患者已痊愈并外出务工", raised_by="村民（匿名）")

    clock.today = date(2025, 10, 10)
    refused = api.act("jiezhou", cid, "close_publicity", expect=409)
    assert errors(refused, "guard") == ["公示期间收到1件异议，应按有异议处理"]
    # 第十六条 “公示期间有异议的，……应当按程序重新组织调查核实，提出复核意见并重新进行公示”.
    case = api.act("jiezhou", cid, "close_publicity_disputed")
    assert case["state"] == "investigation"
    # The county's check still stands; what is missing is a new investigation.
    twice = api.act("yanhu", cid, "record_check_qualified", expect=409)
    assert errors(twice, "guard") == ["信息核对结果已经记录"]
    again = api.act("jiezhou", cid, "start_publicity", expect=409, place="西关村公示栏")
    assert errors(again, "guard") == ["尚未记录调查核实情况（入户调查、邻里访问、信函索证等）"]
    api.investigate("jiezhou", cid, clock.today, method="neighbour_visit", findings="患者仍在住院治疗")
    case = api.act(
        "jiezhou", cid, "start_publicity", place="西关村公示栏", reasons="复核：举报不实，维持初审意见"
    )
    assert [(p["round"], p["closed_on"]) for p in case["publicities"]] == [(1, "2025-10-10"), (2, None)]
    assert case["publicities"][-1]["ends_on"] == "2025-10-17"
    assert [o["reasons"] for o in case["opinions"] if o["stage"] == "initial"][
        -1
    ] == "复核：举报不实，维持初审意见"

    clock.today = date(2025, 10, 20)
    case = api.act("jiezhou", cid, "close_publicity")
    assert case["state"] == "county_review"
    # 第十七条: the county's opinion within 5 working days (10-21..24, 10-27).
    assert deadline(case, "county_review")["due_on"] == "2025-10-27"
    case = api.act("yanhu", cid, "confirm", reasons="复核公示无异议，予以确认")
    assert case["state"] == "recognised" and case["filing"]["push_status"] == "queued"


def test_county_refusal_starts_the_three_day_notice(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 19)
    cid = illness_poverty_to_investigation(api, clock)
    case = _publicise(api, cid, clock.today)
    assert case["publicities"][-1]["ends_on"] == "2025-09-26"
    clock.today = date(2025, 9, 29)
    case = api.act("jiezhou", cid, "close_publicity")
    # 5 working days from 09-29: 09-30, 10-09, 10-10, Sat 10-11 (worked), 10-13.
    assert deadline(case, "county_review")["due_on"] == "2025-10-13"

    clock.today = date(2025, 9, 30)
    bad = api.act("yanhu", cid, "refuse", expect=422, reasons="不符合条件")
    assert errors(bad, "departure_reason")
    case = api.act(
        "yanhu",
        cid,
        "refuse",
        reasons="不符合因病致贫重病患者认定条件",
        departure_reason="医保部门反馈部分住院费用已由商业保险赔付，案卷尚未更正",
    )
    assert case["state"] == "refused"
    assert deadline(case, "county_review")["status"] == "met"
    # 第十七条 “对不符合条件的，在3个工作日内……告知申请人”: 10-09, 10-10, Sat 10-11.
    notice = deadline(case, "notice")
    assert (notice["days"], notice["due_on"], notice["status"]) == (3, "2025-10-11", "open")
    assert case["next_due"]["kind"] == "notice"

    clock.today = date(2025, 10, 10)
    case = api.act("jiezhou", cid, "deliver_notice", method="village", recipient="刘美华")
    notice = deadline(case, "notice")
    assert (notice["status"], notice["met_on"]) == ("met", "2025-10-10")
    assert case["next_due"] is None


def test_termination_grounds_and_no_suspension(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 26)
    cid = illness_poverty_to_investigation(api, clock)
    # 65号 第二十一条 only terminates; there is no suspension in this procedure.
    for action in ("suspend", "resume"):
        missing = api.act("jiezhou", cid, action, expect=404, ground="refuse_cooperation")
        assert missing["message"] == f"因病致贫重病患者认定没有“{action}”这一操作"
    wrong = api.act("jiezhou", cid, "terminate", expect=422, ground="high_fee_school")  # a 64号 ground
    assert errors(wrong, "ground") == [
        "本程序的事由应为以下之一：refuse_cooperation、concealment、county_rule"
    ]

    articles = {}
    for ground in ("refuse_cooperation", "concealment", "county_rule"):
        case_id = cid if ground == "refuse_cooperation" else illness_poverty_to_investigation(api, clock)
        case = api.act("yanhu", case_id, "terminate", ground=ground)
        assert case["state"] == "terminated" and case["state_name"] == "审核确认已终止"
        assert all(d["status"] in ("met", "cancelled") for d in case["deadlines"])
        assert deadline(case, "overall")["status"] == "cancelled"
        articles[ground] = case["terminations"][-1]["article"]
    assert articles == {
        "refuse_cooperation": "65号 第二十一条（一）",
        "concealment": "65号 第二十一条（二）",
        "county_rule": "65号 第二十一条（三）",
    }


def test_material_check_before_acceptance(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 26)
    household = illness_poverty_household(clock.today)
    cid = api.file(
        "xiguan", ILLNESS, XIGUAN, household, proxy_name="西关村村委会", proxy_authorisation="委托书"
    )["id"]
    # 第十四条: one notice listing every missing material.
    case = api.act(
        "jiezhou", cid, "request_materials", missing=["hospital_settlement", "outpatient_receipts"]
    )
    assert case["state"] == "awaiting_materials"
    api.act("jiezhou", cid, "extend", expect=409, reason="未受理，无期限可延长")
    # What the notice asked for is uploaded before the application goes back (issue 19).
    early = api.act("xiguan", cid, "resubmit_materials", expect=422, note="已补交")
    assert "住院费用结算单、门诊慢特病和门诊特药收费票据" in errors(early, "missing")[0]
    for kind in ("hospital_settlement", "outpatient_receipts"):
        body = {"kind": kind, "title": kind, "file": (io.BytesIO(b"%PDF-1.4 scan"), f"{kind}.pdf")}
        assert api.as_("xiguan").post(f"/api/v1/cases/{cid}/evidence", data=body).status_code == 201
    case = api.act("xiguan", cid, "resubmit_materials", note="已补交住院结算单和门诊票据")
    assert case["state"] == "filed"
    case = api.act("jiezhou", cid, "accept")
    assert deadline(case, "investigation_start")["due_on"] == "2025-09-30"


def test_extension_and_withdrawal(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 26)
    cid = api.file("chenzhiqiang", ILLNESS, XIGUAN, illness_poverty_household(clock.today))["id"]
    api.act("jiezhou", cid, "accept")
    # 65号 第十九条 “特殊情况下，可以延长至45个工作日”: from Fri 09-26 to Thu 12-04.
    case = api.act("yanhu", cid, "extend", reason="需医保部门补充提供异地就医结算信息")
    assert (deadline(case, "overall")["days"], deadline(case, "overall")["due_on"]) == (45, "2025-12-04")
    assert deadline(case, "overall")["article"] == "65号 第十九条"
    case = api.act("chenzhiqiang", cid, "withdraw", reason="已由单位补充医疗保险报销")
    assert case["state"] == "withdrawn"
    assert {d["kind"]: d["status"] for d in case["deadlines"]} == {
        "overall": "cancelled",
        "step_filed": "met",
        "investigation_start": "cancelled",
    }
