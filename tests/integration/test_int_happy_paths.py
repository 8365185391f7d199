"""Both procedures from filing to the final notice, through the HTTP API, on both databases."""

from __future__ import annotations

from datetime import date, timedelta

from integration_support import ApiClient, Clock, deadline, dibao_edge_household, illness_poverty_household

VILLAGE = "140802001001"  # 盐湖区 北城街道 槐东社区 (demo)
RURAL_VILLAGE = "140802101001"  # 盐湖区 解州镇 西关村 (demo)


def test_dibao_edge_standard_path_to_recognition(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 22)
    case = api.file("wangjianguo", "dibao_edge", VILLAGE, dibao_edge_household())
    assert case["state"] == "filed" and case["number"] == "140802-BY-2025-00001"
    cid = case["id"]

    case = api.act("beicheng", cid, "accept")
    # 30 working days from Mon 2025-09-22, across National Day 2025 (10-01..10-08 off, 09-28 and
    # 10-11 worked): 64号 第二十四条.
    assert deadline(case, "overall")["due_on"] == "2025-11-07"
    assert deadline(case, "overall")["warning"] == ""
    api.act("beicheng", cid, "request_information_check")
    api.act("yanhu", cid, "record_check_qualified", findings="未发现超标收入和财产")
    api.act(
        "huaidong",
        cid,
        "record_investigation",
        method="home_visit",
        conducted_on=date(2025, 9, 22),
        investigators="张明、李华",
        findings="共同生活三人，与申报一致",
    )
    clock.today = date(2025, 9, 29)
    case = api.act("beicheng", cid, "start_publicity", place="槐东社区公示栏")
    publicity = case["publicities"][-1]
    # 7 days after 09-29 is 10-06, a holiday: the period ends on the next working day (民法典 第二百零三条).
    assert (publicity["starts_on"], publicity["ends_on"]) == ("2025-09-29", "2025-10-09")

    clock.today = date(2025, 10, 9)
    refused = api.act("beicheng", cid, "close_publicity", expect=409)
    assert "届满" in refused["errors"][0]["message"]
    clock.today = date(2025, 10, 10)
    case = api.act("beicheng", cid, "close_publicity")
    assert case["state"] == "initial_opinion"
    case = api.act(
        "beicheng", cid, "give_initial_opinion", decision="approve", reasons="人均收入在低保边缘区间"
    )
    assert case["state"] == "county_review"
    assert case["opinions"][-1]["engine_outcome"] == "eligible"

    case = api.act("yanhu", cid, "confirm", reasons="经审查符合认定条件", place="槐东社区公示栏")
    assert case["state"] == "county_publicity"
    clock.today = date(2025, 10, 20)
    case = api.act("yanhu", cid, "close_county_publicity")
    assert case["state"] == "recognised" and case["closed_on"] == "2025-10-20"
    assert deadline(case, "overall")["status"] == "met"
    case = api.act("beicheng", cid, "deliver_notice", method="in_person", recipient="王建国")

    actions = [event["action"] for event in case["history"]]
    assert actions[0] == "file" and actions[-1] == "deliver_notice"
    assert len(actions) == 11  # the refused early close left no trace
    applicant_view = api.case("wangjianguo", cid)
    assert applicant_view["state_name"] == "已认定为低保边缘家庭"


def test_illness_poverty_path_to_push_list(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 26)
    household = illness_poverty_household(clock.today)
    cid = api.file("chenzhiqiang", "illness_poverty", RURAL_VILLAGE, household)["id"]
    case = api.act("jiezhou", cid, "accept")
    # 65号 第十五条: investigation within 3 working days of acceptance (Fri 09-26 → Tue 09-30).
    assert deadline(case, "investigation_start")["due_on"] == "2025-09-30"
    clock.today = date(2025, 9, 30)
    case = api.act("jiezhou", cid, "start_investigation")
    assert deadline(case, "investigation_start")["status"] == "met"
    api.act(
        "xiguan",
        cid,
        "record_investigation",
        method="home_visit",
        conducted_on=date(2025, 9, 30),
        investigators="西关村 王主任",
        findings="患者住院，家庭收入主要来自配偶务工",
    )
    blocked = api.act("jiezhou", cid, "start_publicity", expect=409, place="西关村公示栏")
    assert "信息核对" in blocked["errors"][0]["message"]
    api.act("yanhu", cid, "record_check_qualified")
    case = api.act("jiezhou", cid, "start_publicity", place="西关村公示栏")
    assert case["opinions"][-1]["stage"] == "initial"
    clock.today = date.fromisoformat(case["publicities"][-1]["ends_on"]) + timedelta(days=1)
    case = api.act("jiezhou", cid, "close_publicity")
    assert case["state"] == "county_review"
    assert deadline(case, "county_review")["days"] == 5
    case = api.act("yanhu", cid, "confirm", reasons="符合因病致贫重病患者认定条件")
    assert case["state"] == "recognised"
    assert case["filing"]["push_status"] == "queued"
    assert case["filing"]["decided_by_level"] == "county"
