"""Entering a dated parameter value through the API (issue 18 item 2): an entry is a record with
who, when and its source, logged; a value outside its plausible range needs confirming; one
effective before today needs a second person, the administrator; an entry can be withdrawn with a
reason; decisions already made keep the value they used and name the entry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from integration_support import HUAIDONG, ApiClient, Clock, dibao_edge_household, errors
from sqlmodel import select

from assistance.db import Database
from assistance.models import ParameterEntry, SecurityEvent

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "运城市民政局 运城市财政局《关于提高2025年城乡低保标准的通知》（测试用）"
# The tests' today is 2025-09-22 (conftest).
FROM_OCTOBER = {
    "kind": "dibao_standard",
    "county": "140802",
    "area": "urban",
    "effective_from": "2025-10-01",
    "amount": "760.00",
    "source": SOURCE,
}
FROM_JULY = {**FROM_OCTOBER, "effective_from": "2025-07-01", "amount": "750.00"}


def standard_used(api: ApiClient, application_date: str) -> dict[str, Any]:
    case_file = json.loads((ROOT / "examples" / "dibao-edge-eligible.json").read_text(encoding="utf-8"))
    case_file["application_date"] = application_date
    response = api.post("yanhu", "/evaluate", case_file)
    assert response.status_code == 200, response.json
    return next(t for t in (response.json or {})["thresholds"] if t["key"] == "dibao_standard.urban")


def entries(api: ApiClient, who: str = "yanhu") -> dict[int, dict[str, Any]]:
    response = api.get(who, "/parameters/entries")
    assert response.status_code == 200, response.json
    return {e["id"]: e for e in (response.json or {})["items"]}


def test_an_entry_from_today_on_applies_at_once_and_names_itself(api: ApiClient, db: Database) -> None:
    assert standard_used(api, "2025-10-10")["amount"] == "715.00"
    response = api.post("yanhu", "/parameters", FROM_OCTOBER)
    assert response.status_code == 201, response.json
    entry = response.json or {}
    assert (entry["amount"], entry["status"]) == ("760.00", "in_force")
    # No server path: the entry is a record, not a line in a file.
    assert "file" not in entry and str(ROOT) not in json.dumps(entry, ensure_ascii=False)

    used = standard_used(api, "2025-10-10")
    assert (used["amount"], used["effective_from"]) == ("760.00", "2025-10-01")
    assert used["source"] == f"{SOURCE}（参数录入第{entry['id']}号）"
    # An application before the new standard keeps the old one.
    assert standard_used(api, "2025-09-30")["amount"] == "715.00"

    logged = entries(api)[entry["id"]]["events"]
    assert [(e["action"], e["actor_name"]) for e in logged] == [("parameter_entered", "盐湖区民政局 审核员")]
    assert logged[0]["detail"]["source"] == SOURCE


def test_a_backdated_entry_waits_for_another_administrator(api: ApiClient) -> None:
    pending = api.post("yanhu", "/parameters", FROM_JULY)
    assert pending.status_code == 201, pending.json
    entry = pending.json or {}
    assert entry["status"] == "pending"
    assert standard_used(api, "2025-09-10")["amount"] == "715.00"

    assert api.post("yanhu", f"/parameters/entries/{entry['id']}/approve", {}).status_code == 403
    approved = api.post("admin", f"/parameters/entries/{entry['id']}/approve", {})
    assert approved.status_code == 200, approved.json
    assert (approved.json or {})["status"] == "in_force"
    assert standard_used(api, "2025-09-10")["amount"] == "750.00"
    again = api.post("admin", f"/parameters/entries/{entry['id']}/approve", {})
    assert again.status_code == 409

    # The administrator's own backdated entry needs someone else.
    own = api.post("admin", "/parameters", {**FROM_JULY, "county": "140881"}).json or {}
    assert own["status"] == "pending"
    refused = api.post("admin", f"/parameters/entries/{own['id']}/approve", {})
    assert refused.status_code == 409
    assert "录入人以外" in (refused.json or {})["message"]
    actions = [e["action"] for e in entries(api, "admin")[entry["id"]]["events"]]
    assert actions == ["parameter_entered", "parameter_approved"]


def test_an_implausible_value_needs_confirming(api: ApiClient) -> None:
    one_yuan = {**FROM_OCTOBER, "amount": "1.00"}
    refused = api.post("yanhu", "/parameters", one_yuan)
    assert refused.status_code == 422
    assert errors(refused.json or {}, "amount")[0].startswith("超出合理范围（300至2000元/人·月）")
    assert entries(api) == {}
    confirmed = api.post("yanhu", "/parameters", {**one_yuan, "confirmed": True})
    assert confirmed.status_code == 201, confirmed.json
    assert (confirmed.json or {})["out_of_range_confirmed"] is True


def test_a_withdrawn_entry_stops_applying_but_decisions_keep_what_they_used(
    api: ApiClient, clock: Clock, db: Database
) -> None:
    entry = api.post("yanhu", "/parameters", {**FROM_OCTOBER, "effective_from": "2025-09-22"}).json or {}
    cid = int(api.file("wangjianguo", "dibao_edge", HUAIDONG, dibao_edge_household())["id"])
    recorded = api.post("beicheng", f"/cases/{cid}/evaluations", {})
    assert recorded.status_code == 201, recorded.json

    assert api.post("yanhu", f"/parameters/entries/{entry['id']}/withdraw", {}).status_code == 422
    assert (
        api.post("yongji", f"/parameters/entries/{entry['id']}/withdraw", {"reason": "x"}).status_code == 404
    )
    withdrawn = api.post("yanhu", f"/parameters/entries/{entry['id']}/withdraw", {"reason": "文号录错"})
    assert withdrawn.status_code == 200, withdrawn.json
    assert ((withdrawn.json or {})["status"], (withdrawn.json or {})["withdrawal_reason"]) == (
        "withdrawn",
        "文号录错",
    )
    assert standard_used(api, "2025-09-22")["amount"] == "715.00"

    page = api.case("beicheng", cid)
    thresholds = page["latest_evaluation"]["decision"]["thresholds"]
    kept = next(t for t in thresholds if t["key"] == "dibao_standard.urban")
    assert kept["amount"] == "760.00" and f"参数录入第{entry['id']}号" in kept["source"]

    with db.reading() as session:
        logged = session.exec(select(SecurityEvent).order_by(SecurityEvent.id)).all()
        stored = session.get(ParameterEntry, entry["id"])
    assert [e.action for e in logged] == ["parameter_entered", "parameter_withdrawn"]
    assert stored is not None and stored.withdrawal_reason == "文号录错"


def test_bad_values_are_refused_field_by_field_and_nothing_is_written(api: ApiClient) -> None:
    bad = {**FROM_OCTOBER, "amount": "76.005", "source": "", "effective_from": "2025-02-30", "kind": "x"}
    response = api.post("admin", "/parameters", bad)
    assert response.status_code == 422
    body = response.json or {}
    assert errors(body, "amount") == ["应为金额，以元为单位，最多两位小数，如 760.00"]
    assert errors(body, "source") and errors(body, "effective_from") and errors(body, "kind")
    assert entries(api, "admin") == {}

    other_county = api.post("yanhu", "/parameters", {**FROM_OCTOBER, "county": "140881"})
    assert other_county.status_code == 422
    assert errors(other_county.json or {}, "county") == ["县级工作人员只能录入本县（市、区）的参数"]
    for who in ("beicheng", "wangjianguo", "huaidong"):
        assert api.post(who, "/parameters", FROM_OCTOBER).status_code == 403
        assert api.get(who, "/parameters/entries").status_code == 403

    assert api.post("admin", "/parameters", FROM_OCTOBER).status_code == 201
    twice = api.post("yanhu", "/parameters", FROM_OCTOBER)
    assert twice.status_code == 409
    assert errors(twice.json or {}, "effective_from") == ["同一日期已有数值；标准调整请以新的施行日期录入"]
    # The shipped file's value from the same date counts as well.
    shipped = api.post("yanhu", "/parameters", {**FROM_OCTOBER, "effective_from": "2024-01-01"})
    assert shipped.status_code == 409
    assert "715.00" in (shipped.json or {})["message"]
    assert len(entries(api, "admin")) == 1
    # The county sees its own entries and the city's, not another county's.
    api.post("yongji", "/parameters", {**FROM_OCTOBER, "county": "140881"})
    assert {e["county"] for e in entries(api).values()} <= {"140802", "*"}
