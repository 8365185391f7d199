"""An applicant's account is bound to the ID number it registered with (64号 第十七条, 65号
第十一条): it files as the applicant only for the household whose applicant that is; for any other
household it files as a proxy, with the 委托手续. Staff enter households of their own area."""

from __future__ import annotations

import copy
from typing import Any

from integration_support import (
    CHENGXI,
    HUAIDONG,
    XIGUAN,
    ApiClient,
    Clock,
    dibao_edge_household,
    errors,
    illness_poverty_household,
)
from sqlmodel import func, select

from assistance.db import Database
from assistance.models import Case

NEIGHBOUR = "140802199001011237"  # another person of 盐湖区


def _someone_elses() -> dict[str, Any]:
    household = copy.deepcopy(dibao_edge_household("李四"))
    household["members"][0]["id_number"] = NEIGHBOUR
    return household


def _filing(household: dict[str, Any], village: str = HUAIDONG, **extra: Any) -> dict[str, Any]:
    return {
        "procedure": "dibao_edge",
        "village": village,
        "economic_check_authorised": True,
        "commitment_signed": True,
        "household": household,
        **extra,
    }


def _cases(db: Database) -> int:
    with db.reading() as session:
        return int(session.exec(select(func.count()).select_from(Case)).one())


def test_an_applicant_files_as_themselves_only_for_their_own_household(api: ApiClient, db: Database) -> None:
    before = _cases(db)
    for village in (HUAIDONG, CHENGXI):  # another township, and another county
        refused = api.post("wangjianguo", "/cases", _filing(_someone_elses(), village, channel="self"))
        assert refused.status_code == 422, refused.json
        assert "账号登记的一致" in errors(refused.json or {}, "channel")[0]
    assert _cases(db) == before
    own = api.post("wangjianguo", "/cases", _filing(dibao_edge_household(), channel="self"))
    assert own.status_code == 201, own.json
    # The check character may be given in either case.
    lower = dibao_edge_household()
    lower["members"][0]["id_number"] = lower["members"][0]["id_number"].lower()
    assert api.post("wangjianguo", "/cases", _filing(lower)).status_code == 201


def test_for_anyone_else_an_applicant_files_as_a_proxy_with_the_authorisation(
    api: ApiClient, db: Database
) -> None:
    before = _cases(db)
    proxy = {"channel": "authorised_person", "proxy_name": "王建国"}
    missing = api.post("wangjianguo", "/cases", _filing(_someone_elses(), **proxy))
    assert missing.status_code == 422
    assert "委托手续" in errors(missing.json or {}, "proxy_authorisation")[0]
    committee = api.post("wangjianguo", "/cases", _filing(_someone_elses(), channel="village_committee",
                                                          proxy_name="槐东社区居委会"))  # fmt: skip
    assert committee.status_code == 422 and errors(committee.json or {}, "channel")
    assert _cases(db) == before
    filed = api.post(
        "wangjianguo",
        "/cases",
        _filing(_someone_elses(), proxy_authorisation="李四签署委托书（2026-盐北-委-021）", **proxy),
    )
    assert filed.status_code == 201, filed.json
    case = api.case("wangjianguo", filed.json["id"])
    assert case["filing"]["channel"] == "authorised_person"
    assert case["filing"]["proxy_authorisation"].startswith("李四签署委托书")


def test_staff_enter_any_household_of_their_area(api: ApiClient) -> None:
    filed = api.post(
        "huaidong",
        "/cases",
        _filing(_someone_elses(), channel="village_committee", proxy_name="槐东社区居委会"),
    )
    assert filed.status_code == 201, filed.json
    by_township = api.post("beicheng", "/cases", _filing(_someone_elses(), channel="self"))
    assert by_township.status_code == 201, by_township.json


def test_a_patient_applies_where_registered_living_or_insured(api: ApiClient, clock: Clock) -> None:
    """65号 第十一条: at the household registration or the usual residence, or at the place of
    insurance where that differs; 64号 第十七条: at the registration only (issue 19)."""
    household = illness_poverty_household(clock.today)
    filed = api.file("chenzhiqiang", "illness_poverty", XIGUAN, household, filing_place="residence")
    assert api.case("jiezhou", filed["id"])["filing"]["filing_place"] == "residence"
    elsewhere = copy.deepcopy(household)
    patient = next(m for m in elsewhere["members"] if m["relation"] == "self")
    patient["medical_insurance"] = {"scheme": "resident", "region": "140881"}  # insured in 永济市
    refused = api.as_("chenzhiqiang").post(
        "/api/v1/cases",
        json={"procedure": "illness_poverty", "village": XIGUAN, "economic_check_authorised": True,
              "commitment_signed": True, "household": elsewhere, "filing_place": "insurance"},
    )  # fmt: skip
    assert refused.status_code == 422 and errors(refused.json, "filing_place")
    edge = api.as_("wangjianguo").post(
        "/api/v1/cases",
        json={"procedure": "dibao_edge", "village": HUAIDONG, "economic_check_authorised": True,
              "commitment_signed": True, "household": dibao_edge_household(), "filing_place": "residence"},
    )  # fmt: skip
    assert edge.status_code == 422 and errors(edge.json, "filing_place")
