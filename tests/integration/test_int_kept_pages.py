"""Case pages a worker keeps (reading.kept_pages): served while nothing they show has changed,
built afresh as soon as anything has, whichever way it changed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from database_support import empty
from flask import Flask
from integration_support import HUAIDONG, ApiClient, Clock, dibao_edge_household, dibao_edge_to_county_review
from sqlmodel import col, select
from test_int_agency_lists import confirm_patient, recognise_edge_family

from assistance.db import Database
from assistance.demo import seed_areas_and_accounts
from assistance.models import Area, Case, ReferenceRevision, User
from assistance.reading import pages, queues

EDGE = "dibao_edge"
PASSWORD = "demo12345"


def _served() -> int:
    return pages.CASE_PAGES.served


def test_a_page_is_served_again_until_its_case_changes(api: ApiClient) -> None:
    cid = api.file("wangjianguo", EDGE, HUAIDONG, dibao_edge_household())["id"]
    first = api.case("beicheng", cid)
    before = _served()
    assert api.case("beicheng", cid) == first
    assert _served() == before + 1

    # Recording the engine's decision is no act (the version stays), yet the page shows it.
    recorded = api.post("beicheng", f"/cases/{cid}/evaluations", {})
    assert recorded.status_code == 201, recorded.json
    page = api.case("beicheng", cid)
    assert page["version"] == first["version"]
    assert first["latest_evaluation"] is None
    assert page["latest_evaluation"]["id"] == (recorded.json or {})["id"]

    # An act moves the version; the applicant's own page is their own.
    accepted = api.act("beicheng", cid, "accept")
    assert api.case("beicheng", cid)["state"] == accepted["state"] == "accepted"
    assert api.case("wangjianguo", cid)["state"] == "accepted"


def test_renaming_a_member_of_staff_turns_every_page(api: ApiClient, db: Database) -> None:
    cid = api.file("wangjianguo", EDGE, HUAIDONG, dibao_edge_household())["id"]
    api.act("beicheng", cid, "accept")
    names = [e["actor_name"] for e in api.case("yanhu", cid)["history"]]
    with db.transaction() as session:
        user = session.exec(select(User).where(col(User.username) == "beicheng")).one()
        old, user.display_name = user.display_name, "北城街道民政办（更名）"
    renamed = [e["actor_name"] for e in api.case("yanhu", cid)["history"]]
    assert old in names and "北城街道民政办（更名）" in renamed and old not in renamed

    # A login touches no case page: the reference revision stays.
    with db.reading() as session:
        reference = session.exec(select(ReferenceRevision.revision)).one()
    api.login("beicheng", PASSWORD)
    with db.reading() as session:
        assert session.exec(select(ReferenceRevision.revision)).one() == reference


def test_delegating_confirmation_turns_the_pages_of_the_county(api: ApiClient, clock: Clock) -> None:
    cid = dibao_edge_to_county_review(api, clock)["id"]
    assert "confirm" not in _offered(api.case("beicheng", cid))
    response = api.as_("admin").put("/api/v1/areas/140802/delegation", json={"confirmation_delegated": True})
    assert response.status_code == 200
    assert "confirm" in _offered(api.case("beicheng", cid))  # 64号 第三十二条


def test_each_reader_gets_a_copy(app: Flask, api: ApiClient) -> None:
    cid = api.file("wangjianguo", EDGE, HUAIDONG, dibao_edge_household())["id"]
    db: Database = app.extensions["assistance_db"]
    user_id = _user_id(db, "beicheng")
    first: dict[str, Any] = pages.case_detail(db, user_id, cid, api_today(app))
    first["state"] = "tampered"
    first["household"]["members"].clear()
    again = pages.case_detail(db, user_id, cid, api_today(app))
    assert again["state"] == "filed" and again["household"]["members"]


def test_an_emptied_database_does_not_bring_back_a_page(app: Flask, api: ApiClient, db: Database) -> None:
    cid = api.file("wangjianguo", EDGE, HUAIDONG, dibao_edge_household("张三"))["id"]
    assert api.case("beicheng", cid)["household"]["members"][0]["name"] == "张三"
    empty(db)
    seed_areas_and_accounts(db, PASSWORD)
    again = api.file("wangjianguo", EDGE, HUAIDONG, dibao_edge_household("李四"))
    assert again["id"] == cid  # the same number, another case
    assert api.case("beicheng", cid)["household"]["members"][0]["name"] == "李四"


def _offered(page: dict[str, Any]) -> set[str]:
    return {a["action"] for a in page["available_actions"]}


def _user_id(db: Database, username: str) -> int:
    with db.reading() as session:
        user_id = session.exec(select(User.id).where(col(User.username) == username)).one()
        assert user_id is not None
        return user_id


def api_today(app: Flask) -> Any:
    return app.config["TODAY"]()


def test_the_page_an_act_answers_with_is_the_page_read_afresh(
    api: ApiClient, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An act answers with the page it built in its own transaction (``pages.PageOfTheAct``)
    and keeps it: the same page a reader builds afresh once the act has committed."""
    answered: list[str] = []

    def compared(answer: dict[str, Any], username: str) -> dict[str, Any]:
        if "id" in answer and "state" in answer:  # not a refusal
            served = _served()
            assert api.case(username, answer["id"]) == answer
            assert _served() == served + 1  # the act kept it for its actor
            pages.CASE_PAGES.clear()
            assert api.case(username, answer["id"]) == answer
            answered.append(answer["state"])
        return answer

    file, act = api.file, api.act
    monkeypatch.setattr(api, "file", lambda username, *a, **k: compared(file(username, *a, **k), username))
    monkeypatch.setattr(api, "act", lambda username, *a, **k: compared(act(username, *a, **k), username))
    recognise_edge_family(api, clock)
    confirm_patient(api, clock)
    assert {"filed", "accepted", "publicity", "county_review", "recognised"} <= set(answered), answered
    assert len(answered) >= 15


def _line(api: ApiClient, username: str, case_id: int) -> dict[str, Any]:
    items = (api.get(username, "/queue").json or {})["items"]
    return next(i for i in items if i["id"] == case_id)


def test_a_queue_line_is_built_again_when_its_case_its_area_or_the_day_changes(
    api: ApiClient, db: Database, clock: Clock
) -> None:
    cid = api.file("wangjianguo", EDGE, HUAIDONG, dibao_edge_household())["id"]
    assert _line(api, "beicheng", cid)["state"] == "filed"
    served = queues.QUEUE_LINES.served
    assert _line(api, "beicheng", cid)["state"] == "filed"
    assert queues.QUEUE_LINES.served > served  # kept between two reads

    api.act("beicheng", cid, "accept")
    line = _line(api, "beicheng", cid)
    assert line["state"] == "accepted" and line["next_due"]["status"] == "open" and not line["overdue"]

    with db.transaction() as session:
        township = session.exec(select(Area).where(col(Area.id) == line_township_id(db, cid))).one()
        township.name = "北城街道（更名）"
    assert _line(api, "beicheng", cid)["township"]["name"] == "北城街道（更名）"

    clock.today = date.fromisoformat(line["next_due"]["due_on"]) + timedelta(days=1)
    late = _line(api, "beicheng", cid)
    assert late["overdue"] and late["next_due"]["status"] == "overdue"


def line_township_id(db: Database, case_id: int) -> int:
    with db.reading() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case.township_id
