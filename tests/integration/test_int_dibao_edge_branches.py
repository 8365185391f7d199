"""低保边缘家庭认定 (运民发〔2023〕64号 第十五条至第二十七条): every branch off the standard path,
through the HTTP API, on both databases."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from integration_support import (
    HUAIDONG,
    ApiClient,
    Clock,
    after_publicity,
    deadline,
    dibao_edge_household,
    dibao_edge_to_county_review,
    dibao_edge_to_investigation,
    dibao_edge_to_publicity,
    errors,
    high_income,
    leaving_dibao_household,
    monitoring_household,
)

EDGE = "dibao_edge"


def _actions(case: dict[str, Any]) -> list[str]:
    return [event["action"] for event in case["history"]]


# --- 第十七条: application, materials, proxies -------------------------------------------------


def test_material_check_one_notice_then_acceptance(api: ApiClient, clock: Clock) -> None:
    case = api.file(
        "wangjianguo",
        EDGE,
        HUAIDONG,
        dibao_edge_household(),
        economic_check_authorised=False,
        commitment_signed=False,
    )
    cid = case["id"]
    refused = api.act("beicheng", cid, "accept", expect=409)
    assert errors(refused, "guard") == ["申请材料缺少：家庭经济状况核对授权书、书面承诺"]

    empty = api.act("beicheng", cid, "request_materials", expect=422, missing=[])
    assert errors(empty, "missing") == ["至少1项"]
    case = api.act(
        "beicheng",
        cid,
        "request_materials",
        missing=["economic_check_authorisation", "commitment"],
        note="请申请人到街道便民服务中心签署",
    )
    assert case["state"] == "awaiting_materials"
    notice = case["material_notices"][-1]
    assert notice["missing"] == ["economic_check_authorisation", "commitment"]
    assert notice["answered_at"] is None
    waiting = api.act("beicheng", cid, "accept", expect=409)
    assert waiting["message"] == "案件当前状态为“待申请人补齐材料”，不能进行此操作"

    case = api.act(
        "wangjianguo", cid, "resubmit_materials", economic_check_authorised=True, commitment_signed=True
    )
    assert case["state"] == "filed"
    assert case["filing"]["economic_check_authorised"] and case["filing"]["commitment_signed"]
    assert case["material_notices"][-1]["answered_at"] is not None

    case = api.act("beicheng", cid, "accept")
    assert case["state"] == "accepted" and case["accepted_on"] == "2025-09-22"
    assert deadline(case, "overall")["due_on"] == "2025-11-07"
    assert _actions(case) == ["file", "request_materials", "resubmit_materials", "accept"]


def test_proxy_filing_by_the_village_committee(api: ApiClient, clock: Clock) -> None:
    body = {
        "procedure": EDGE,
        "village": HUAIDONG,
        "economic_check_authorised": True,
        "commitment_signed": True,
        "household": dibao_edge_household("赵桂兰"),
    }
    response = api.post("huaidong", "/cases", body)
    assert response.status_code == 422
    assert errors(response.json or {}, "proxy_name") == [
        "委托申请的，须填写代理人姓名（64号 第十七条，65号 第十一条）"
    ]

    # Filed with the proxy's name but without the power of attorney: not complete (第十七条
    # “委托申请的，应当履行相应委托手续”).
    case = api.file("huaidong", EDGE, HUAIDONG, dibao_edge_household("赵桂兰"), proxy_name="槐东社区居委会")
    cid = case["id"]
    assert case["filing"]["channel"] == "village_committee"
    assert case["filing"]["proxy_name"] == "槐东社区居委会"
    refused = api.act("beicheng", cid, "accept", expect=409)
    assert errors(refused, "guard") == ["申请材料缺少：委托手续（委托授权书）"]
    api.act("beicheng", cid, "request_materials", missing=["proxy_authorisation"])
    case = api.act(
        "huaidong", cid, "resubmit_materials", proxy_authorisation="赵桂兰签署委托书（2025-盐北-委-015）"
    )
    assert case["filing"]["proxy_authorisation"] == "赵桂兰签署委托书（2025-盐北-委-015）"
    assert api.act("beicheng", cid, "accept")["state"] == "accepted"


# --- 第十九条、第二十条: information check not qualified, objection and recheck -----------------


def test_objection_to_a_failed_check_upheld_on_recheck(api: ApiClient, clock: Clock) -> None:
    cid = api.file("wangjianguo", EDGE, HUAIDONG, dibao_edge_household())["id"]
    api.act("beicheng", cid, "accept")
    api.act("beicheng", cid, "request_information_check")
    case = api.act(
        "yanhu", cid, "record_check_not_qualified", findings="核对发现申请人名下有未申报的经营收入"
    )
    assert case["state"] == "not_qualified"
    assert case["information_checks"][-1]["result"] == "not_qualified"
    # 15 working days from Mon 09-22: 09-23..26, Sun 09-28 (worked), 09-29, 09-30, then after
    # National Day 10-09, 10-10, Sat 10-11 (worked), 10-13..17.
    window = deadline(case, "objection_window")
    assert (window["days"], window["due_on"], window["status"]) == (15, "2025-10-17", "open")

    clock.today = date(2025, 9, 29)
    case = api.act("wangjianguo", cid, "raise_objection", content="经营已于2025年6月停止，附停业证明")
    assert case["state"] == "recheck"
    objection = case["objections"][-1]
    assert (objection["kind"], objection["raised_by"], objection["raised_on"]) == (
        "applicant",
        "王建国",
        "2025-09-29",
    )
    assert deadline(case, "objection_window")["status"] == "met"
    # 10 working days from 09-29: 09-30, 10-09, 10-10, 10-11, 10-13..17, 10-20.
    assert deadline(case, "recheck")["due_on"] == "2025-10-20"

    case = api.act("beicheng", cid, "recheck_upheld", reasons="停业证明属实，异议成立")
    assert case["state"] == "investigation"
    assert deadline(case, "recheck")["status"] == "met"
    assert (case["opinions"][-1]["stage"], case["opinions"][-1]["decision"]) == ("recheck", "approve")
    # Back in investigation: the family is visited before it is publicised (第二十一条).
    blocked = api.act("beicheng", cid, "start_publicity", expect=409, place="槐东社区公示栏")
    assert errors(blocked, "guard") == ["尚未记录调查核实情况（入户调查、邻里访问、信函索证等）"]
    api.investigate("huaidong", cid, clock.today)
    assert api.act("beicheng", cid, "start_publicity", place="槐东社区公示栏")["state"] == "publicity"


def test_objection_rejected_on_recheck_refuses(api: ApiClient, clock: Clock) -> None:
    cid = api.file("wangjianguo", EDGE, HUAIDONG, high_income(dibao_edge_household()))["id"]
    api.act("beicheng", cid, "accept")
    api.act("beicheng", cid, "request_information_check")
    api.act("yanhu", cid, "record_check_not_qualified", findings="工资收入超过低保边缘家庭收入标准")
    api.act("wangjianguo", cid, "raise_objection", content="工资中含一次性补发，不应计入")
    case = api.act("beicheng", cid, "recheck_rejected", reasons="补发工资属于2025年收入，维持不符合")
    assert case["state"] == "refused"
    assert case["closed_on"] == "2025-09-22" and case["final"]
    opinion = case["opinions"][-1]
    assert (opinion["stage"], opinion["decision"], opinion["engine_outcome"]) == (
        "recheck",
        "reject",
        "not_eligible",
    )
    assert opinion["departure_reason"] == ""
    assert deadline(case, "recheck")["status"] == "met"
    assert deadline(case, "overall")["status"] == "met"
    assert case["available_actions"][0]["action"] == "deliver_notice"


def test_closing_a_not_qualified_case_waits_for_the_objection_window(api: ApiClient, clock: Clock) -> None:
    def not_qualified() -> int:
        cid = int(api.file("wangjianguo", EDGE, HUAIDONG, high_income(dibao_edge_household()))["id"])
        api.act("beicheng", cid, "accept")
        api.act("beicheng", cid, "request_information_check")
        api.act("yanhu", cid, "record_check_not_qualified", findings="工资收入超过标准")
        return cid

    cid = not_qualified()
    early = api.act("beicheng", cid, "close_not_qualified", expect=409)
    assert errors(early, "guard") == ["异议期至2025-10-17届满；申请人放弃异议的，请注明"]
    clock.today = date(2025, 10, 17)  # the last day of the window still belongs to the applicant
    api.act("beicheng", cid, "close_not_qualified", expect=409)

    clock.today = date(2025, 10, 20)
    late = api.act("wangjianguo", cid, "raise_objection", expect=409, content="迟到的异议")
    assert errors(late, "guard") == ["异议期已于2025-10-17届满"]
    case = api.act("beicheng", cid, "close_not_qualified")
    assert case["state"] == "refused" and case["closed_on"] == "2025-10-20"
    assert case["history"][-1]["detail"]["waived"] is False

    # The township's own investigation finds the family not eligible (第二十条 “经审核不符合”); the
    # applicant says in writing they will not object, and the case may close at once.
    clock.today = date(2025, 9, 22)
    waived = dibao_edge_to_investigation(api, clock, high_income(dibao_edge_household()))
    api.investigate("huaidong", waived, clock.today, findings="申请人在企业务工，月工资7500元")
    case = api.act("beicheng", waived, "find_not_eligible", reasons="家庭人均收入超过低保边缘家庭收入标准")
    assert case["state"] == "not_qualified"
    assert (case["opinions"][-1]["stage"], case["opinions"][-1]["engine_outcome"]) == (
        "township_check",
        "not_eligible",
    )
    assert deadline(case, "objection_window")["due_on"] == "2025-10-17"
    case = api.act("beicheng", waived, "close_not_qualified", waived=True, note="申请人书面表示不提出异议")
    assert case["state"] == "refused" and case["closed_on"] == "2025-09-22"
    assert case["history"][-1]["detail"]["waived"] is True


# --- 第二十二条、第二十三条: disputed publicity, appraisal, county verification ------------------


def test_disputed_publicity_appraisal_and_county_home_verification(api: ApiClient, clock: Clock) -> None:
    case = dibao_edge_to_publicity(api, clock)
    cid = case["id"]
    assert (case["publicities"][-1]["starts_on"], case["publicities"][-1]["ends_on"]) == (
        "2025-09-22",
        "2025-09-29",
    )
    clock.today = date(2025, 9, 24)
    case = api.act(
        "huaidong", cid, "record_objection", content="反映申请人家中有一辆小轿车", raised_by="邻居（匿名）"
    )
    assert case["state"] == "publicity"
    objection = case["objections"][-1]
    assert (objection["kind"], objection["real_name"]) == ("publicity", False)

    clock.today = date(2025, 9, 30)
    late = api.act("huaidong", cid, "record_objection", expect=422, content="公示期满后的反映")
    assert errors(late, "on") == ["公示期已于2025-09-29届满"]
    refused = api.act("beicheng", cid, "close_publicity", expect=409)
    assert errors(refused, "guard") == ["公示期间收到1件异议，应按有异议处理"]
    case = api.act("beicheng", cid, "close_publicity_disputed")
    assert case["state"] == "appraisal"
    assert case["publicities"][-1]["closed_on"] == "2025-09-30"
    assert case["publicities"][-1]["objections_raised"] is True

    case = api.act(
        "beicheng",
        cid,
        "record_appraisal",
        held_on=date(2025, 9, 30),
        participants="村（居）民代表11人、街道干部2人",
        result="upheld",
        minutes="经核，车辆登记在已分户的儿子名下，调查结果真实完整",
    )
    assert case["state"] == "initial_opinion"
    assert case["appraisals"][-1]["result"] == "upheld"
    case = api.act(
        "beicheng", cid, "give_initial_opinion", decision="approve", reasons="民主评议维持调查结果"
    )
    assert case["state"] == "county_review"

    # 第二十三条: “对公示有异议或投诉举报的，要及时进行入户核查” — by the county itself.
    verify = "公示有异议或投诉举报的，县级民政部门应先入户核查并记录（64号 第二十三条）"
    blocked = api.act("yanhu", cid, "confirm", expect=409, reasons="符合条件", place="槐东社区公示栏")
    assert errors(blocked, "guard") == [verify]
    assert errors(api.act("yanhu", cid, "refuse", expect=409, reasons="不符合"), "guard") == [verify]
    api.investigate("huaidong", cid, clock.today, expect=403)
    case = api.investigate("yanhu", cid, clock.today, investigators="盐湖区民政局 赵强")
    assert case["state"] == "county_review"
    assert case["investigations"][-1]["level"] == "county"

    case = api.act("yanhu", cid, "confirm", reasons="经入户核查，符合认定条件", place="槐东社区公示栏")
    assert case["state"] == "county_publicity"
    publicity = case["publicities"][-1]
    # 09-30 + 7 = 10-07, inside National Day: the period ends on 10-09.
    assert (publicity["stage"], publicity["starts_on"], publicity["ends_on"]) == (
        "county",
        "2025-09-30",
        "2025-10-09",
    )
    clock.today = date(2025, 10, 10)
    case = api.act("yanhu", cid, "close_county_publicity")
    assert case["state"] == "recognised" and case["closed_on"] == "2025-10-10"
    assert case["filing"]["decided_by_level"] == "county"


def test_objection_in_county_publicity_reopens_the_review(api: ApiClient, clock: Clock) -> None:
    case = dibao_edge_to_county_review(api, clock)
    cid = case["id"]
    # No objections in the village publicity: no home verification needed before confirming.
    case = api.act("yanhu", cid, "confirm", reasons="符合认定条件", place="槐东社区公示栏")
    assert case["state"] == "county_publicity"
    api.act(
        "yanhu",
        cid,
        "record_objection",
        content="实名举报：申请人在外地有经营门面",
        raised_by="李某",
        real_name=True,
    )
    clock.today = after_publicity(case)
    refused = api.act("yanhu", cid, "close_county_publicity", expect=409)
    assert errors(refused, "guard") == ["公示期间收到1件异议，应按有异议处理"]
    case = api.act("yanhu", cid, "reopen_review")
    assert case["state"] == "county_review"
    api.act("yanhu", cid, "confirm", expect=409, reasons="符合", place="槐东社区公示栏")
    api.investigate("yanhu", cid, clock.today, findings="门面已于2024年转让，有转让合同")
    case = api.act("yanhu", cid, "confirm", reasons="经入户核查，举报不实", place="槐东社区公示栏")
    assert case["state"] == "county_publicity"
    assert [(p["stage"], p["round"]) for p in case["publicities"]] == [
        ("township", 1),
        ("county", 1),
        ("county", 2),
    ]


# --- 第二十三条: refusal; human decisions departing from the rules engine ------------------------


def test_county_refusal_that_departs_from_the_engine_needs_a_reason(api: ApiClient, clock: Clock) -> None:
    case = dibao_edge_to_county_review(api, clock)
    cid = case["id"]
    before = api.case("yanhu", cid)
    bad = api.act("yanhu", cid, "refuse", expect=422, reasons="家庭存在隐性收入")
    assert errors(bad, "departure_reason") == [
        "规则引擎对现有案卷的结论为“符合认定条件”，与本意见不一致，须说明理由"
    ]
    after = api.case("yanhu", cid)
    assert after["version"] == before["version"] and after["history"] == before["history"]
    assert after["latest_evaluation"] == before["latest_evaluation"]

    case = api.act(
        "yanhu",
        cid,
        "refuse",
        reasons="家庭存在隐性收入",
        departure_reason="县级入户核查发现配偶另有未申报的长期务工收入，案卷尚未更正",
    )
    assert case["state"] == "refused"
    opinion = case["opinions"][-1]
    assert (opinion["stage"], opinion["decision"], opinion["engine_outcome"]) == (
        "county",
        "reject",
        "eligible",
    )
    assert opinion["departure_reason"] == "县级入户核查发现配偶另有未申报的长期务工收入，案卷尚未更正"
    assert case["latest_evaluation"]["id"] == opinion["evaluation_id"]
    assert case["filing"]["decided_by_level"] == "county"
    assert deadline(case, "overall")["status"] == "met"
    case = api.act("beicheng", cid, "deliver_notice", method="in_person", recipient="王建国")
    assert case["history"][-1]["detail"] == {"method": "in_person", "recipient": "王建国"}


def test_refusal_agreeing_with_the_engine_and_an_approval_departing_from_it(
    api: ApiClient, clock: Clock
) -> None:
    case = dibao_edge_to_publicity(api, clock, high_income(dibao_edge_household()))
    cid = case["id"]
    clock.today = after_publicity(case)
    api.act("beicheng", cid, "close_publicity")
    bad = api.act("beicheng", cid, "give_initial_opinion", expect=422, decision="approve", reasons="同意")
    assert errors(bad, "departure_reason") == [
        "规则引擎对现有案卷的结论为“不符合认定条件”，与本意见不一致，须说明理由"
    ]
    case = api.act(
        "beicheng",
        cid,
        "give_initial_opinion",
        decision="approve",
        reasons="同意",
        departure_reason="工资含一次性补发，街道认为不应计入",
    )
    assert case["opinions"][-1]["departure_reason"] == "工资含一次性补发，街道认为不应计入"
    case = api.act("yanhu", cid, "refuse", reasons="补发工资应计入家庭收入，人均收入超过标准")
    assert case["state"] == "refused"
    assert (case["opinions"][-1]["engine_outcome"], case["opinions"][-1]["departure_reason"]) == (
        "not_eligible",
        "",
    )


# --- 第十五条: direct recognition and the simplified path ---------------------------------------


def test_monitoring_household_recognised_directly(api: ApiClient, clock: Clock) -> None:
    cid = api.file("wangjianguo", EDGE, HUAIDONG, monitoring_household())["id"]
    api.act("beicheng", cid, "accept")
    case = api.act("beicheng", cid, "refer_direct")
    assert case["state"] == "county_review"
    opinion = case["opinions"][-1]
    assert (opinion["stage"], opinion["decision"], opinion["engine_outcome"]) == (
        "initial",
        "approve",
        "eligible",
    )
    assert case["latest_evaluation"]["decision"]["path"] == "direct"

    standard = api.act("yanhu", cid, "confirm", expect=409, reasons="符合", place="槐东社区公示栏")
    assert errors(standard, "guard") == [
        "本案适用直接认定或简化程序，确认后不再进行县级公示（64号 第十五条）"
    ]
    case = api.act("yanhu", cid, "confirm_without_publicity", reasons="县级乡村振兴部门认定的脱贫不稳定户")
    assert case["state"] == "recognised" and case["publicities"] == []
    assert case["filing"]["decided_by_level"] == "county"
    assert _actions(case) == ["file", "accept", "refer_direct", "confirm_without_publicity"]

    ordinary = api.file("wangjianguo", EDGE, HUAIDONG, dibao_edge_household())["id"]
    api.act("beicheng", ordinary, "accept")
    refused = api.act("beicheng", ordinary, "refer_direct", expect=409)
    assert errors(refused, "guard") == ["按现有案卷，规则引擎结论为“一般程序”，不适用直接认定"]
    simplified = api.act(
        "beicheng", ordinary, "start_simplified_publicity", expect=409, place="槐东社区公示栏"
    )
    assert errors(simplified, "guard") == ["按现有案卷，规则引擎结论为“一般程序”，不适用简化程序"]


def test_family_leaving_dibao_takes_the_simplified_path(api: ApiClient, clock: Clock) -> None:
    cid = api.file("wangjianguo", EDGE, HUAIDONG, leaving_dibao_household())["id"]
    api.act("beicheng", cid, "accept")
    api.act("beicheng", cid, "refer_direct", expect=409)
    case = api.act("beicheng", cid, "start_simplified_publicity", place="槐东社区公示栏")
    assert case["state"] == "publicity"
    assert case["information_checks"] == [] and case["investigations"] == []
    clock.today = after_publicity(case)
    assert api.act("beicheng", cid, "close_publicity")["state"] == "initial_opinion"
    case = api.act(
        "beicheng", cid, "give_initial_opinion", decision="approve", reasons="退出低保，收入在边缘区间"
    )
    assert case["state"] == "county_review"
    standard = api.act("yanhu", cid, "confirm", expect=409, reasons="符合", place="槐东社区公示栏")
    assert errors(standard, "guard") == [
        "本案适用直接认定或简化程序，确认后不再进行县级公示（64号 第十五条）"
    ]
    case = api.act("yanhu", cid, "confirm_without_publicity", reasons="简化程序公示无异议，予以认定")
    assert case["state"] == "recognised"
    assert [p["stage"] for p in case["publicities"]] == ["township"]


# --- 第二十七条: suspension and termination; withdrawal --------------------------------------------


def test_suspension_pauses_the_case_and_resumption_returns_to_it(api: ApiClient, clock: Clock) -> None:
    cid = dibao_edge_to_investigation(api, clock)
    api.investigate("huaidong", cid, clock.today)
    wrong = api.act("beicheng", cid, "suspend", expect=422, ground="concealment")
    assert errors(wrong, "ground")[0].startswith(
        "本程序的事由应为以下之一：refuse_cooperation、false_materials"
    )
    case = api.act("beicheng", cid, "suspend", ground="refuse_cooperation", note="申请人之子拒不提供工资流水")
    assert case["state"] == "suspended"
    suspension = case["terminations"][-1]
    assert (suspension["action"], suspension["ground"], suspension["article"]) == (
        "suspend",
        "refuse_cooperation",
        "64号 第二十七条（一）",
    )
    blocked = api.act("beicheng", cid, "start_publicity", expect=409, place="槐东社区公示栏")
    assert blocked["message"] == "案件当前状态为“审核确认暂缓”，不能进行此操作"
    api.investigate("huaidong", cid, clock.today, expect=409)
    api.act("beicheng", cid, "suspend", expect=409, ground="refuse_cooperation")
    resume = [a for a in case["available_actions"] if a["action"] == "resume"]
    assert resume and resume[0]["target"] == "investigation"

    clock.today = date(2025, 9, 25)
    case = api.act("yanhu", cid, "resume", note="已补交工资流水")
    assert case["state"] == "investigation"
    assert case["terminations"][-1]["action"] == "resume"
    # The visit made before the suspension still counts: the stage was paused, not restarted.
    case = api.act("beicheng", cid, "start_publicity", place="槐东社区公示栏")
    assert case["state"] == "publicity"


def test_termination_ends_the_case_and_cancels_its_deadlines(api: ApiClient, clock: Clock) -> None:
    cid = dibao_edge_to_investigation(api, clock)
    missing = api.act("beicheng", cid, "terminate", expect=422)
    assert errors(missing, "ground") == ["必填"]
    api.act("beicheng", cid, "terminate", expect=422, ground="concealment")  # a 65号 ground
    api.act("beicheng", cid, "suspend", ground="false_materials")
    case = api.act("yanhu", cid, "terminate", ground="false_materials", note="提供虚假的收入证明")
    assert case["state"] == "terminated" and case["final"] and case["closed_on"] == "2025-09-22"
    termination = case["terminations"][-1]
    assert (termination["action"], termination["article"]) == ("terminate", "64号 第二十七条（二）")
    # The steps done are met; the step it stopped in and the overall limit lapse.
    assert {d["kind"]: d["status"] for d in case["deadlines"]} == {
        "overall": "cancelled",
        "step_filed": "met",
        "step_accepted": "met",
        "step_information_check": "met",
        "step_investigation": "cancelled",
    }
    assert case["next_due"] is None and case["available_actions"] == []
    api.act("beicheng", cid, "deliver_notice", expect=409, method="in_person", recipient="王建国")


def test_applicant_withdraws(api: ApiClient, clock: Clock) -> None:
    cid = dibao_edge_to_investigation(api, clock)
    api.act("beicheng", cid, "withdraw", expect=403, reason="代为撤回")
    case = api.act("wangjianguo", cid, "withdraw", reason="家庭收入已增加，不再申请")
    assert case["state"] == "withdrawn" and case["state_name"] == "申请已撤回"
    assert deadline(case, "overall")["status"] == "cancelled"
    assert case["history"][-1]["detail"] == {"reason": "家庭收入已增加，不再申请"}
    api.act("wangjianguo", cid, "withdraw", expect=409)


# --- atomicity -----------------------------------------------------------------------------------


def test_a_refused_act_leaves_no_trace(api: ApiClient, clock: Clock) -> None:
    cid = dibao_edge_to_investigation(api, clock)
    before = api.case("beicheng", cid)

    remote = api.investigate("huaidong", cid, clock.today, expect=422, method="remote_visit")
    assert errors(remote, "emergency_reason") == [
        "电话、视频等非接触方式仅限重大突发事件，须注明事件（64号 第二十一条）"
    ]
    # Refused inside the transaction, after the version was claimed: rolled back all the same.
    later = api.investigate("huaidong", cid, clock.today + timedelta(days=1), expect=422)
    assert errors(later, "conducted_on") == ["调查日期不能晚于记录日期"]
    api.act("beicheng", cid, "start_publicity", expect=409, place="槐东社区公示栏")
    after = api.case("beicheng", cid)
    assert after["version"] == before["version"]
    assert after["history"] == before["history"] and after["investigations"] == []

    case = api.investigate(
        "huaidong", cid, clock.today, method="remote_visit", emergency_reason="新冠疫情封控期间"
    )
    assert case["version"] == before["version"] + 1
    assert len(case["history"]) == len(before["history"]) + 1
    assert case["investigations"][-1]["emergency_reason"] == "新冠疫情封控期间"
