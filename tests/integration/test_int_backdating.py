"""An act takes effect on the day it is entered, or a few working days before with a reason; never
before the case's latest act. A publicity runs its 7 days from the day its posting is entered.
(The red team went from acceptance to recognition in 0.6 s by dating acts 20 days back.)"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from integration_support import (
    HUAIDONG,
    ApiClient,
    Clock,
    dibao_edge_household,
    dibao_edge_to_investigation,
    errors,
)

MONDAY = date(2025, 9, 22)
REASON = "村委会纸质材料周五送达，周一补录"


def _filed_last_week(api: ApiClient, clock: Clock) -> int:
    clock.today = MONDAY
    filed = api.file(
        "wangjianguo", "dibao_edge", HUAIDONG, dibao_edge_household(), application_date="2025-09-15"
    )
    return int(filed["id"])


def test_a_backdated_act_needs_a_reason_and_says_when_it_was_entered(
    app: Flask, api: ApiClient, clock: Clock
) -> None:
    cid = _filed_last_week(api, clock)
    friday = MONDAY - timedelta(days=3)
    refused = api.act("beicheng", cid, "accept", 422, on=friday)
    assert errors(refused, "backdating_reason") == ["办理日期早于今天的，须说明补录原因"]
    case = api.act("beicheng", cid, "accept", on=friday, backdating_reason=REASON)
    accepted = case["history"][-1]
    assert accepted["on"] == friday.isoformat()
    assert accepted["detail"]["entered_on"] == MONDAY.isoformat()
    assert accepted["detail"]["backdating_reason"] == REASON
    # The case page shows both: the day the act took effect and the day it was entered.
    page = api.as_("beicheng").get(f"/cases/{cid}").get_data(as_text=True)
    assert f"{MONDAY.isoformat()} 录入：{REASON}" in page


def test_no_act_is_dated_before_the_cases_latest_act(app: Flask, api: ApiClient, clock: Clock) -> None:
    cid = _filed_last_week(api, clock)
    api.act("beicheng", cid, "accept", on=MONDAY - timedelta(days=1), backdating_reason=REASON)
    earlier = MONDAY - timedelta(days=3)
    refused = api.act("beicheng", cid, "request_information_check", 422, on=earlier, backdating_reason=REASON)
    assert errors(refused, "on") == ["办理日期不能早于本案上一次办理的日期（2025-09-21）"]


def test_acts_reach_back_only_as_far_as_the_county_allows(app: Flask, api: ApiClient, clock: Clock) -> None:
    cid = _filed_last_week(api, clock)
    # Three working days before Monday 2025-09-22 is Wednesday 2025-09-17.
    too_early = api.act("beicheng", cid, "accept", 422, on=date(2025, 9, 16), backdating_reason=REASON)
    assert errors(too_early, "on") == [
        "办理日期最早只能补录到3个工作日前（2025-09-17），请按实际录入之日办理"
    ]
    none = api.as_("admin").put("/api/v1/areas/140802/backdating", json={"working_days": 0})
    assert none.status_code == 200 and none.json["backdating_working_days"] == 0
    refused = api.act("beicheng", cid, "accept", 422, on=MONDAY - timedelta(days=3), backdating_reason=REASON)
    assert errors(refused, "on") == ["办理日期最早只能补录到0个工作日前（2025-09-22），请按实际录入之日办理"]
    assert (
        api.as_("yanhu").put("/api/v1/areas/140802/backdating", json={"working_days": 5}).status_code == 403
    )
    bad = api.as_("admin").put("/api/v1/areas/140802/backdating", json={"working_days": 30})
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "working_days"
    api.act("beicheng", cid, "accept")


def test_a_publicity_runs_seven_days_from_the_day_its_posting_is_entered(
    app: Flask, api: ApiClient, clock: Clock
) -> None:
    clock.today = MONDAY
    cid = dibao_edge_to_investigation(api, clock)
    clock.today = MONDAY + timedelta(days=2)
    tuesday = MONDAY + timedelta(days=1)
    visit = {
        "method": "home_visit",
        "conducted_on": tuesday,
        "investigators": "张明",
        "findings": "与申报一致",
    }
    api.act("huaidong", cid, "record_investigation", on=tuesday, backdating_reason=REASON, **visit)
    early_start = api.act(
        "beicheng",
        cid,
        "start_publicity",
        422,
        place="槐东社区公示栏",
        on=tuesday,
        starts_on=tuesday,
        backdating_reason=REASON,
    )
    assert errors(early_start, "starts_on") == [
        "公示开始日期应在2025-09-24至2025-10-03之间（自录入之日起算，最多提前10日公告）"
    ]
    posted = api.act(
        "beicheng",
        cid,
        "start_publicity",
        place="槐东社区公示栏",
        on=MONDAY + timedelta(days=1),
        backdating_reason=REASON,
    )
    publicity = posted["publicities"][-1]
    assert publicity["starts_on"] == clock.today.isoformat()
    assert date.fromisoformat(publicity["ends_on"]) >= clock.today + timedelta(days=7)
    # A week later, by the posting's own date, the period is still running.
    clock.today = MONDAY + timedelta(days=8)
    early = api.act("beicheng", cid, "close_publicity", 409)
    assert errors(early, "guard") == [f"公示期至{publicity['ends_on']}届满，届满后方可结束公示"]
