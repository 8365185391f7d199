"""Policy what-if (issue: re-evaluate a county's current cases under proposed parameters)."""

from __future__ import annotations

from datetime import date

from integration_support import ApiClient, Clock, dibao_edge_household


def test_a_higher_standard_shows_who_would_leave_and_changes_nothing(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 22)
    case = api.file("wangjianguo", "dibao_edge", "140802001001", dibao_edge_household())
    before = api.case("yanhu", case["id"])
    # The family's per-capita income is 900.00 a month: in the band (715, 1072.50) today. With an
    # urban standard of 900.00 it is no longer "higher than" the standard (64号 第二条).
    response = api.as_("yanhu").post(
        "/api/v1/what-if", json={"county": "140802", "overrides": {"dibao_standard.urban": "900.00"}}
    )
    assert response.status_code == 200, response.json
    report = response.json or {}
    assert report["cases"] == 1 and report["entering"] == []
    assert [(r["number"], r["current"], r["proposed"]) for r in report["leaving"]] == [
        (case["number"], "eligible", "not_eligible")
    ]
    assert report["leaving"][0]["per_capita_monthly"] == "900.00"
    after = api.case("yanhu", case["id"])
    assert (after["version"], after["history"]) == (before["version"], before["history"])

    lower = api.as_("yanhu").post(
        "/api/v1/what-if", json={"county": "140802", "overrides": {"dibao_standard.urban": "650.00"}}
    )
    assert (lower.json or {})["leaving"] == [] and (lower.json or {})["unchanged"] == 1


def test_what_if_is_for_the_county_s_own_staff_and_checks_parameters(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 22)
    api.file("wangjianguo", "dibao_edge", "140802001001", dibao_edge_household())
    body = {"county": "140802", "overrides": {"dibao_standard.urban": "900.00"}}
    assert api.as_("yongji").post("/api/v1/what-if", json=body).status_code == 403
    assert api.as_("beicheng").post("/api/v1/what-if", json=body).status_code == 403
    bad = api.as_("yanhu").post("/api/v1/what-if", json={"county": "140802", "overrides": {"no_such": "1"}})
    assert bad.status_code == 422
    assert (bad.json or {})["errors"][0]["field"] == "overrides.no_such"
    empty = api.as_("yanhu").post("/api/v1/what-if", json={"county": "140802", "overrides": {}})
    assert empty.status_code == 422
