"""Who sees and does what: applicants their own cases, staff their own area and their own desk's
acts, the county's delegation to townships (64号 第三十二条, 65号 第二十六条), sign-in, optimistic
locking and idempotent filing."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Flask
from integration_support import (
    CHENGXI,
    HUAIDONG,
    XIGUAN,
    ApiClient,
    Clock,
    after_publicity,
    dibao_edge_household,
    dibao_edge_to_county_review,
    dibao_edge_to_publicity,
    errors,
    high_income,
    illness_poverty_household,
    illness_poverty_to_investigation,
)

EDGE = "dibao_edge"
ILLNESS = "illness_poverty"


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def _filing(household: dict[str, Any], village: str = HUAIDONG, **extra: Any) -> dict[str, Any]:
    return {
        "procedure": EDGE,
        "village": village,
        "economic_check_authorised": True,
        "commitment_signed": True,
        "household": household,
        **extra,
    }


def test_applicants_see_only_their_own_cases(api: ApiClient, clock: Clock) -> None:
    mine = api.file("wangjianguo", EDGE, HUAIDONG, dibao_edge_household())["id"]
    theirs = api.file("chenzhiqiang", ILLNESS, XIGUAN, illness_poverty_household(clock.today))["id"]

    response = api.get("chenzhiqiang", f"/cases/{mine}")
    assert response.status_code == 404
    assert (response.json or {})["message"] == f"案件 {mine} 不存在或不在您的管辖范围内"
    assert api.post("chenzhiqiang", f"/cases/{mine}/actions/withdraw", {}).status_code == 404
    assert _ids(api.get("wangjianguo", "/cases")) == [mine]
    assert _ids(api.get("chenzhiqiang", "/cases")) == [theirs]
    assert api.case("wangjianguo", mine)["household"]["members"][0]["name"] == "王建国"


def test_staff_see_only_their_own_area(api: ApiClient, clock: Clock) -> None:
    edge = api.file("wangjianguo", EDGE, HUAIDONG, dibao_edge_household())["id"]
    illness = api.file("chenzhiqiang", ILLNESS, XIGUAN, illness_poverty_household(clock.today))["id"]
    api.act("beicheng", edge, "accept")
    api.act("jiezhou", illness, "accept")

    # 永济市 staff: 盐湖区 cases do not exist for them, not even in their lists.
    for user in ("yongji", "chengxi"):
        for cid in (edge, illness):
            assert api.get(user, f"/cases/{cid}").status_code == 404
            assert (
                api.post(user, f"/cases/{cid}/actions/terminate", {"ground": "county_rule"}).status_code
                == 404
            )
        assert _ids(api.get(user, "/queue")) == []
        assert _ids(api.get(user, "/cases")) == []
    # Nor may they file for a 盐湖区 village; a case in their own county stays out of 盐湖区's sight.
    outside = api.post("chengxi", "/cases", _filing(dibao_edge_household()))
    assert outside.status_code == 403
    assert (outside.json or {})["message"] == "只能为本辖区的家庭登记申请"
    own = api.file(
        "chengxi",
        EDGE,
        CHENGXI,
        dibao_edge_household("孙立平"),
        channel="authorised_person",
        proxy_name="孙小红",
    )
    assert own["number"] == "140881-BY-2025-00001"
    assert api.get("yanhu", f"/cases/{own['id']}").status_code == 404
    assert _ids(api.get("yongji", "/cases")) == [own["id"]]

    # Villages and townships of 盐湖区 see their own villages and townships only.
    assert api.get("xiguan", f"/cases/{edge}").status_code == 404
    assert api.get("huaidong", f"/cases/{illness}").status_code == 404
    assert api.get("jiezhou", f"/cases/{edge}").status_code == 404
    assert api.get("beicheng", f"/cases/{illness}").status_code == 404
    assert _ids(api.get("beicheng", "/queue")) == [edge]
    assert _ids(api.get("jiezhou", "/queue")) == [illness]
    assert sorted(_ids(api.get("yanhu", "/cases"))) == sorted([edge, illness])


def test_each_desk_fires_only_its_own_acts(api: ApiClient, clock: Clock) -> None:
    cid = api.file("wangjianguo", EDGE, HUAIDONG, dibao_edge_household())["id"]
    for user in ("wangjianguo", "huaidong", "yanhu", "admin"):
        refused = api.act(user, cid, "accept", expect=403)
        assert refused["message"] == "您的角色不能进行“受理申请”（64号 第十七条）"
    api.act("beicheng", cid, "accept")
    for user in ("huaidong", "yanhu", "wangjianguo"):
        api.act(user, cid, "request_information_check", expect=403)
    api.act("beicheng", cid, "request_information_check")
    for user in ("beicheng", "huaidong", "wangjianguo"):
        api.act(user, cid, "record_check_qualified", expect=403)
        api.act(user, cid, "record_check_not_qualified", expect=403, findings="不符合")
    api.act("yanhu", cid, "record_check_qualified")
    # In the investigation the village and the township visit; the county verifies only in its review.
    for user in ("yanhu", "wangjianguo"):
        api.investigate(user, cid, clock.today, expect=403)
    api.investigate("huaidong", cid, clock.today)
    for user in ("huaidong", "yanhu"):
        api.act(user, cid, "start_publicity", expect=403, place="槐东社区公示栏")
    for user in ("wangjianguo", "huaidong"):
        api.act(user, cid, "terminate", expect=403, ground="refuse_cooperation")
        api.act(user, cid, "extend", expect=403, reason="重大异议")
    for user in ("beicheng", "yanhu", "huaidong"):
        api.act(user, cid, "withdraw", expect=403)
    case = api.case("beicheng", cid)
    assert case["state"] == "investigation"
    assert [e["action"] for e in case["history"]] == [
        "file",
        "accept",
        "request_information_check",
        "record_check_qualified",
        "record_investigation",
    ]
    assert {a["action"] for a in api.case("huaidong", cid)["available_actions"]} == {"record_investigation"}


def test_unauthenticated_requests_are_refused(api: ApiClient, app: Flask) -> None:
    cid = api.file("wangjianguo", EDGE, HUAIDONG, dibao_edge_household())["id"]
    anonymous = app.test_client()
    for response in (
        anonymous.get(f"/api/v1/cases/{cid}"),
        anonymous.get("/api/v1/cases"),
        anonymous.get("/api/v1/queue"),
        anonymous.post("/api/v1/cases", json=_filing(dibao_edge_household())),
        anonymous.post(f"/api/v1/cases/{cid}/actions/accept", json={}),
        anonymous.put("/api/v1/areas/140802/delegation", json={"confirmation_delegated": True}),
    ):
        assert response.status_code == 401
        assert (response.json or {})["message"] == "请先登录"
    assert api.login("beicheng", "wrong-password1").status_code == 401
    signed_in = api.login("beicheng")
    assert signed_in.status_code == 200 and (signed_in.json or {})["username"] == "beicheng"
    assert api.case("beicheng", cid)["state"] == "filed"


def test_stale_if_match_is_a_conflict(api: ApiClient, clock: Clock) -> None:
    cid = api.file("wangjianguo", EDGE, HUAIDONG, dibao_edge_household())["id"]
    seen = api.get("beicheng", f"/cases/{cid}")
    assert seen.headers["ETag"] == '"1"'

    accepted = api.post("beicheng", f"/cases/{cid}/actions/accept", {}, headers={"If-Match": '"1"'})
    assert accepted.status_code == 200 and accepted.headers["ETag"] == '"2"'
    stale = api.post(
        "beicheng", f"/cases/{cid}/actions/request_information_check", {}, headers={"If-Match": '"1"'}
    )
    assert stale.status_code == 409
    assert stale.json == {
        "message": "案件已被他人更新，请刷新后重试",
        "errors": [{"field": "version", "message": "当前版本为2"}],
    }
    garbled = api.post(
        "beicheng", f"/cases/{cid}/actions/request_information_check", {}, headers={"If-Match": "x"}
    )
    assert garbled.status_code == 422 and errors(garbled.json or {}, "If-Match") == ["应为案件版本号"]
    case = api.case("beicheng", cid)
    assert (case["state"], case["version"], len(case["history"])) == ("accepted", 2, 2)

    fresh = api.post(
        "beicheng", f"/cases/{cid}/actions/request_information_check", {}, headers={"If-Match": 'W/"2"'}
    )
    assert fresh.status_code == 200 and (fresh.json or {})["state"] == "information_check"


def test_filing_is_idempotent(api: ApiClient, clock: Clock) -> None:
    body = _filing(dibao_edge_household(), idempotency_key="wjg-20250922-01")
    first = api.post("wangjianguo", "/cases", body)
    assert first.status_code == 201
    again = api.post("wangjianguo", "/cases", body)
    assert again.status_code == 200
    assert ((again.json or {})["id"], (again.json or {})["number"]) == (
        (first.json or {})["id"],
        "140802-BY-2025-00001",
    )
    assert len(_ids(api.get("wangjianguo", "/cases"))) == 1
    assert len((again.json or {})["history"]) == 1

    taken = api.post("chenzhiqiang", "/cases", body)
    assert taken.status_code == 409 and errors(taken.json or {}, "idempotency_key") == ["请换一个值"]
    other = api.post("wangjianguo", "/cases", {**body, "idempotency_key": "wjg-20250922-02"})
    assert other.status_code == 201 and (other.json or {})["number"] == "140802-BY-2025-00002"


# --- 64号 第三十二条, 65号 第二十六条: confirmation delegated to townships -------------------------


def _delegate(api: ApiClient, on: bool) -> None:
    response = api.as_("admin").put("/api/v1/areas/140802/delegation", json={"confirmation_delegated": on})
    assert response.status_code == 200, response.json
    assert (response.json or {})["confirmation_delegated"] is on


def test_delegated_township_confirms(api: ApiClient, clock: Clock) -> None:
    case = dibao_edge_to_county_review(api, clock)
    cid = case["id"]
    refused = api.act("beicheng", cid, "confirm", expect=403, reasons="符合", place="槐东社区公示栏")
    assert refused["message"] == "您的角色不能进行“予以确认，在村（社区）公示”（64号 第二十三条）"
    not_admin = api.as_("yanhu").put("/api/v1/areas/140802/delegation", json={"confirmation_delegated": True})
    assert not_admin.status_code == 403

    _delegate(api, True)
    offered = {a["action"] for a in api.case("beicheng", cid)["available_actions"]}
    assert {"confirm", "refuse", "record_investigation"} <= offered
    case = api.act("beicheng", cid, "confirm", reasons="经审查符合认定条件", place="槐东社区公示栏")
    assert case["state"] == "county_publicity"
    assert case["filing"]["decided_by_level"] == "township"
    assert case["history"][-1]["detail"]["delegated"] is True
    clock.today = after_publicity(case)
    assert api.act("beicheng", cid, "close_county_publicity")["state"] == "recognised"

    # 65号 第二十六条: the same delegation lets 解州镇 confirm a patient; withdrawn, it does not.
    clock.today = date(2025, 10, 20)
    illness = illness_poverty_to_investigation(api, clock)
    api.investigate("xiguan", illness, clock.today)
    api.act("yanhu", illness, "record_check_qualified")
    case = api.act("jiezhou", illness, "start_publicity", place="西关村公示栏")
    clock.today = after_publicity(case)
    api.act("jiezhou", illness, "close_publicity")
    _delegate(api, False)
    api.act("jiezhou", illness, "confirm", expect=403, reasons="符合")
    _delegate(api, True)
    case = api.act("jiezhou", illness, "confirm", reasons="符合因病致贫重病患者认定条件")
    assert case["state"] == "recognised" and case["filing"]["decided_by_level"] == "township"


def test_delegated_township_verifies_a_disputed_case_itself(api: ApiClient, clock: Clock) -> None:
    case = dibao_edge_to_publicity(api, clock)
    cid = case["id"]
    api.act("huaidong", cid, "record_objection", content="反映申请人有未申报的经营收入")
    clock.today = after_publicity(case)
    api.act("beicheng", cid, "close_publicity_disputed")
    api.act(
        "beicheng",
        cid,
        "record_appraisal",
        held_on=clock.today,
        participants="村（居）民代表9人",
        result="upheld",
        minutes="调查结果真实完整",
    )
    api.act("beicheng", cid, "give_initial_opinion", decision="approve", reasons="民主评议维持调查结果")
    api.investigate("beicheng", cid, clock.today, expect=403)  # the county's verification, not delegated yet

    _delegate(api, True)
    blocked = api.act("beicheng", cid, "confirm", expect=409, reasons="符合", place="槐东社区公示栏")
    assert errors(blocked, "guard") == [
        "公示有异议或投诉举报的，县级民政部门应先入户核查并记录（64号 第二十三条）"
    ]
    # Holding the county's power, the township makes the county's home verification itself.
    case = api.investigate("beicheng", cid, clock.today, investigators="北城街道 审核确认专班")
    assert case["investigations"][-1]["level"] == "township"
    case = api.act("beicheng", cid, "confirm", reasons="经入户核查，举报不实", place="槐东社区公示栏")
    assert case["state"] == "county_publicity" and case["filing"]["decided_by_level"] == "township"


def test_a_refused_correction_names_the_steps_in_words(api: ApiClient, clock: Clock) -> None:
    """Issue 19: the refusal listed state codes ("filed、awaiting_materials"); a person reads
    the steps' names."""
    cid = api.file("wangjianguo", "dibao_edge", HUAIDONG, dibao_edge_household())["id"]
    api.act("beicheng", cid, "accept")
    refused = api.as_("wangjianguo").put(f"/api/v1/cases/{cid}/household", json=dibao_edge_household())
    assert refused.status_code == 409
    message = refused.json["message"]
    assert "可修改的环节" in message and "待材料审查" in message, message
    assert not re.search(r"[a-z_]{4,}", message), message


def test_the_county_corrects_the_facts_it_reviews(api: ApiClient, clock: Clock) -> None:
    """64号 第二十三条: the county's review, with its own home visit, may correct the household; the
    correction is audited and the engine decides again on the corrected facts (issue 19)."""
    case = dibao_edge_to_county_review(api, clock)
    before = api.post("yanhu", f"/cases/{case['id']}/evaluations", {}).json["outcome"]
    corrected = api.as_("yanhu").put(
        f"/api/v1/cases/{case['id']}/household", json=high_income(dibao_edge_household())
    )
    assert corrected.status_code == 200, corrected.json
    after = api.case("yanhu", case["id"])
    assert after["history"][-1]["action"] == "update_household"
    again = api.post("yanhu", f"/cases/{case['id']}/evaluations", {}).json["outcome"]
    assert (before, again) == ("eligible", "not_eligible")
    # The township no longer may, once the case is the county's.
    assert (
        api.as_("beicheng")
        .put(f"/api/v1/cases/{case['id']}/household", json=dibao_edge_household())
        .status_code
        == 409
    )
