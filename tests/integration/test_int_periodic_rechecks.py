"""Periodic rechecks of recognised 低保边缘家庭 (64号 第二十六条), through the API, on both databases."""

from __future__ import annotations

from datetime import date, timedelta

from integration_support import (
    ApiClient,
    Clock,
    after_publicity,
    dibao_edge_household,
    dibao_edge_to_county_review,
    errors,
    high_income,
)
from test_int_documents import by_kind, documents, download, pdf_text

from rules.recheck import add_months


def recognise(api: ApiClient, clock: Clock) -> dict[str, object]:
    case = dibao_edge_to_county_review(api, clock)
    case = api.act("yanhu", case["id"], "confirm", reasons="经审查符合认定条件", place="槐东社区公示栏")
    clock.today = after_publicity(case)
    case = api.act("yanhu", case["id"], "close_county_publicity")
    assert case["state"] == "recognised"
    return case


def due(api: ApiClient, username: str, within: int = 30) -> list[dict[str, object]]:
    response = api.get(username, f"/rechecks?within={within}")
    assert response.status_code == 200, response.json
    return list((response.json or {})["items"])


def test_recognition_schedules_a_half_yearly_recheck_listed_for_its_township(
    api: ApiClient, clock: Clock
) -> None:
    case = recognise(api, clock)
    recognised_on = clock.today
    recheck = case["periodic_rechecks"][-1]  # type: ignore[index]
    # A stall's takings (business) and two adults of working age: every half year (第二十六条).
    assert recheck["interval_months"] == 6 and recheck["status"] == "due"
    assert date.fromisoformat(recheck["due_on"]) == add_months(recognised_on, 6)
    assert "王建国" in recheck["basis"] and "每半年" in recheck["basis"]
    assert due(api, "beicheng") == []

    clock.today = date.fromisoformat(recheck["due_on"]) - timedelta(days=10)
    listed = due(api, "beicheng")
    assert [item["case_id"] for item in listed] == [case["id"]] and listed[0]["days_left"] == 10
    assert [item["case_id"] for item in due(api, "yanhu")] == [case["id"]]
    assert due(api, "jiezhou") == [] and due(api, "yongji") == []
    assert api.get("wangjianguo", "/rechecks").status_code == 403

    after = api.act(
        "beicheng", case["id"], "recheck_continue", reasons="家庭状况无明显变化", interval="yearly"
    )
    assert after["state"] == "recognised"
    done, following = after["periodic_rechecks"][-2:]
    assert (done["status"], done["result"], following["status"], following["interval_months"]) == (
        "done",
        "continue",
        "due",
        12,
    )
    opinion = after["opinions"][-1]
    assert (opinion["stage"], opinion["engine_outcome"]) == ("periodic_recheck", "eligible")
    # The engine decided the household on the day of the recheck, not on the application date.
    assert after["latest_evaluation"]["decision"]["application_date"] == clock.today.isoformat()
    assert due(api, "beicheng") == []


def test_an_exit_is_proposed_by_the_township_and_confirmed_in_writing_by_the_county(
    api: ApiClient, clock: Clock
) -> None:
    case = recognise(api, clock)
    cid = case["id"]
    clock.today = clock.today + timedelta(days=150)
    # The township brings the household up to date: the wage has risen.
    updated = api.as_("beicheng").put(
        f"/api/v1/cases/{cid}/household", json=high_income(dibao_edge_household())
    )
    assert updated.status_code == 200, updated.json
    refused = api.act("beicheng", cid, "recheck_continue", expect=422, reasons="继续认定")
    assert errors(refused, "departure_reason")
    case = api.act("beicheng", cid, "recheck_exit", reasons="家庭人均收入已超过低保边缘家庭收入标准")
    assert case["state"] == "exit_review" and case["closed_on"] is None
    assert case["periodic_rechecks"][-1]["result"] == "exit"
    assert cid in [item["id"] for item in api.get("yanhu", "/queue").json["items"]]  # type: ignore[index]

    case = api.act("yanhu", cid, "confirm_exit", reasons="经核查家庭人均收入超过标准，不再认定")
    assert case["state"] == "exited" and case["closed_on"] == clock.today.isoformat()
    notice = by_kind(documents(api, "wangjianguo", cid), "edge_exit")
    assert len(notice) == 1 and notice[0]["number"] == "盐民边退〔2026〕1号"
    text = pdf_text(download(api, "wangjianguo", notice[0]["id"]))
    assert "低保边缘家庭退出通知书" in text and "第二十六条" in text and "不再认定为低保边缘家庭" in text
    assert "申请行政复议" in text

    # The month's list to the medical-insurance bureau names the family as 退出.
    period = f"{clock.today.year}-{clock.today.month:02d}"
    clock.today = clock.today + timedelta(days=40)
    listed = api.post("yanhu", "/lists/edge-medical-monthly", {"period": period})
    assert listed.status_code == 201, listed.json
    assert "退出1户" in pdf_text(api.get("yanhu", f"/documents/{(listed.json or {})['id']}/pdf").data)


def test_the_county_may_keep_the_recognition(api: ApiClient, clock: Clock) -> None:
    case = recognise(api, clock)
    cid = case["id"]
    first = clock.today
    clock.today = clock.today + timedelta(days=170)
    api.act(
        "beicheng",
        cid,
        "recheck_exit",
        reasons="邻里反映家庭收入增加",
        departure_reason="邻里反映家庭另有收入，报县级核实",
    )
    case = api.act("yanhu", cid, "keep_recognised", reasons="县级核实，收入未超过标准")
    assert case["state"] == "recognised" and case["periodic_rechecks"][-1]["status"] == "due"
    # Kept, not newly recognised: the month's list does not count it again.
    kept_on = clock.today
    assert kept_on.month != first.month
    clock.today = kept_on + timedelta(days=40)
    listed = api.post(
        "yanhu", "/lists/edge-medical-monthly", {"period": f"{kept_on.year}-{kept_on.month:02d}"}
    )
    assert listed.status_code == 201, listed.json
    text = pdf_text(api.get("yanhu", f"/documents/{(listed.json or {})['id']}/pdf").data)
    assert "新增低保边缘家庭0户、退出0户" in text
