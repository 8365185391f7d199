"""Real-name reports (64号 第三十条, 65号 第二十三条): recorded, assigned, checked one by one, and
answered to the reporter, through the API, on both databases."""

from __future__ import annotations

from integration_support import ApiClient, Clock, dibao_edge_to_publicity, errors

REAL_NAME = {
    "channel": "hotline",
    "real_name": True,
    "reporter_name": "张某",
    "reporter_contact": "13800000000",
    "subject": "反映申请家庭有未申报的车辆",
    "content": "该户家中有一辆小轿车，平时停在小区内。",
}


def test_a_real_name_report_is_checked_and_answered(api: ApiClient, clock: Clock) -> None:
    case = dibao_edge_to_publicity(api, clock)
    response = api.post("yanhu", "/reports", {**REAL_NAME, "case_id": case["id"]})
    assert response.status_code == 201, response.json
    report = response.json or {}
    assert (report["status"], report["township"], report["case_id"]) == ("received", "北城街道", case["id"])

    early = api.post("yanhu", f"/reports/{report['id']}/answer", {"answer": "已核实", "method": "phone"})
    assert early.status_code == 409
    assigned = api.post("yanhu", f"/reports/{report['id']}/assign", {"assignee": "beicheng"})
    assert assigned.status_code == 200 and (assigned.json or {})["assigned_to"] == "北城街道 民政专干"
    # The township now sees it; another township does not.
    assert [r["id"] for r in api.get("beicheng", "/reports").json["items"]] == [report["id"]]  # type: ignore[index]
    assert api.get("jiezhou", f"/reports/{report['id']}").status_code == 404
    assert api.get("yongji", "/reports").json["items"] == []  # type: ignore[index]

    verified = api.post(
        "beicheng",
        f"/reports/{report['id']}/verify",
        {"findings": "经入户核实，车辆为亲属借用停放，登记在他人名下", "substantiated": False},
    )
    assert verified.status_code == 200 and (verified.json or {})["status"] == "verified"
    answered = api.post(
        "beicheng",
        f"/reports/{report['id']}/answer",
        {"answer": "经核实，车辆不属于申请家庭。", "method": "phone"},
    )
    assert answered.status_code == 200 and (answered.json or {})["status"] == "answered"

    history = [e["action"] for e in api.case("beicheng", case["id"])["history"]]
    assert history[-4:] == ["report_received", "report_assigned", "report_verified", "report_answered"]


def test_an_anonymous_report_is_closed_when_checked_and_bad_input_is_refused(
    api: ApiClient, clock: Clock
) -> None:
    bad = api.post("beicheng", "/reports", {**REAL_NAME, "reporter_name": "", "channel": "fax"})
    assert bad.status_code == 422
    assert errors(bad.json or {}, "reporter_name") == ["必填"] and errors(bad.json or {}, "channel")
    for outsider in ("wangjianguo", "huaidong"):
        assert api.post(outsider, "/reports", REAL_NAME).status_code == 403
    # An id no record can have (found by the OpenAPI fuzzer: 2**63 broke SQLite's binding).
    for impossible in (2**63, 0, -1, True):
        refused = api.post("beicheng", "/reports", {**REAL_NAME, "case_id": impossible})
        assert refused.status_code == 422 and errors(refused.json or {}, "case_id"), impossible

    anonymous = {**REAL_NAME, "real_name": False, "reporter_name": "", "reporter_contact": ""}
    report = api.post("beicheng", "/reports", anonymous).json or {}
    assert report["status"] == "received" and report["township"] == "北城街道"
    missing = api.post("beicheng", f"/reports/{report['id']}/verify", {"findings": ""})
    assert missing.status_code == 422 and errors(missing.json or {}, "substantiated")
    closed = api.post(
        "beicheng", f"/reports/{report['id']}/verify", {"findings": "查无此事", "substantiated": False}
    )
    assert (closed.json or {})["status"] == "closed"
    assert (
        api.post(
            "beicheng", f"/reports/{report['id']}/answer", {"answer": "x", "method": "phone"}
        ).status_code
        == 409
    )
