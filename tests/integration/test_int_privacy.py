"""What the applicant reads of their own case: that a publicity objection was raised and what came
of it, never who raised it, what they said or sent, nor the real-name reports on the case
(64号 第三十条: a reporter's identity is kept confidential). Staff read all of it."""

from __future__ import annotations

import json

from flask import Flask
from integration_support import ApiClient, Clock, dibao_edge_to_publicity

OBJECTOR = "邻居张三"
PHONE = "13712345678"
SAID = "他家有一辆小轿车停在小区内"
REPORT = {
    "channel": "hotline",
    "real_name": True,
    "reporter_name": "李四",
    "reporter_contact": "13800000000",
    "subject": "反映申请家庭瞒报经营收入",
    "content": "该户在集市摆摊多年",
}


def test_the_applicant_reads_that_an_objection_was_raised_but_not_by_whom(
    app: Flask, api: ApiClient, clock: Clock
) -> None:
    case = dibao_edge_to_publicity(api, clock)
    api.act(
        "huaidong",
        case["id"],
        "record_objection",
        raised_by=f"{OBJECTOR} {PHONE}",
        real_name=True,
        content=SAID,
    )
    assert api.post("beicheng", "/reports", {**REPORT, "case_id": case["id"]}).status_code == 201

    staff = api.case("beicheng", case["id"])
    assert staff["objections"][0]["raised_by"] == f"{OBJECTOR} {PHONE}"
    assert "report_received" in [e["action"] for e in staff["history"]]

    mine = api.case("wangjianguo", case["id"])
    assert [(o["kind"], o["raised_on"]) for o in mine["objections"]] == [
        ("publicity", clock.today.isoformat())
    ]
    assert mine["publicities"][-1]["objections_raised"] is True
    answer = json.dumps(mine, ensure_ascii=False)
    page = api.as_("wangjianguo").get(f"/cases/{case['id']}").get_data(as_text=True)
    for secret in (
        OBJECTOR,
        PHONE,
        SAID,
        REPORT["reporter_name"],
        REPORT["subject"],
        REPORT["content"],
        "report_",
    ):
        assert secret not in answer, secret
        assert secret not in page, secret
    assert not any("real_name" in e["detail"] for e in mine["history"])


def test_a_real_name_objection_is_checked_and_answered_as_a_report(api: ApiClient, clock: Clock) -> None:
    """64号 第三十条: a real-name objection in publicity is checked one by one and its result told
    to whoever raised it: it becomes a real-name report on the case (issue 19)."""
    case = dibao_edge_to_publicity(api, clock)
    done = api.act(
        "huaidong", case["id"], "record_objection", raised_by=OBJECTOR, real_name=True, content=SAID,
        contact=PHONE,
    )  # fmt: skip
    report_id = done["history"][-1]["detail"]["report_id"]
    report = api.get("beicheng", f"/reports/{report_id}").json
    assert (report["case_id"], report["real_name"], report["reporter_name"]) == (case["id"], True, OBJECTOR)
    assert report["reporter_contact"] == PHONE and report["content"] == SAID
    # Anonymous objections are not reports: nobody is there to be answered.
    anonymous = api.act("huaidong", case["id"], "record_objection", content="匿名反映有车辆")
    assert "report_id" not in anonymous["history"][-1]["detail"]
    assert "report_id" not in json.dumps(api.case("wangjianguo", case["id"]), ensure_ascii=False)
