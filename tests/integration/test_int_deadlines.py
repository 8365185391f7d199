"""Deadlines in working days against known dates (64号 第二十四条, 65号 第十五条、第十九条).

The 2025 dates below were counted by hand on the official schedule (国办发明电〔2024〕12号):
国庆节、中秋节 10-01..10-08 off, Sun 09-28 and Sat 10-11 worked. The day of the act is not
counted (民法典 第二百零一条).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask
from integration_support import (
    HUAIDONG,
    XIGUAN,
    ApiClient,
    Clock,
    deadline,
    dibao_edge_household,
    errors,
    illness_poverty_household,
)

from assistance.cases import deadlines
from assistance.db import Database
from assistance.models import Case, CaseDeadline

EDGE = "dibao_edge"
ILLNESS = "illness_poverty"
SCHEDULE_2027 = {"year": 2027, "source": "测试数据", "holidays": ["2027-01-01"], "workdays": []}


def _accepted(api: ApiClient, clock: Clock, applicant: str = "wangjianguo") -> dict[str, Any]:
    cid = api.file(applicant, EDGE, HUAIDONG, dibao_edge_household())["id"]
    return api.act("beicheng", cid, "accept")


def test_overall_deadline_across_national_day_and_its_one_extension(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 26)
    filed = api.file("wangjianguo", EDGE, HUAIDONG, dibao_edge_household())["id"]
    early = api.act("beicheng", filed, "extend", expect=409, reason="重大异议")
    assert early["message"] == "案件当前状态为“已申请，待材料审查”，不能进行此操作"

    case = _accepted(api, clock)
    cid = case["id"]
    overall = deadline(case, "overall")
    # Fri 09-26 + 30 working days: 09-28, 09-29, 09-30, 10-09, 10-10, 10-11, 10-13..17, 10-20..24,
    # 10-27..31, 11-03..07, 11-10..13.
    assert (overall["starts_on"], overall["days"], overall["unit"], overall["due_on"]) == (
        "2025-09-26",
        30,
        "工作日",
        "2025-11-13",
    )
    assert overall["article"] == "64号 第二十四条" and overall["warning"] == ""

    assert errors(api.act("beicheng", cid, "extend", expect=422), "reason") == ["必填"]
    api.act("huaidong", cid, "extend", expect=403, reason="重大异议")
    clock.today = date(2025, 10, 20)
    case = api.act("beicheng", cid, "extend", reason="公示期间出现重大异议，需县级入户核查")
    assert case["state"] == "accepted"
    overall = deadline(case, "overall")
    # Still counted from acceptance: 45 working days from 09-26 (… 11-13, 11-14, 11-17..21,
    # 11-24..28, 12-01..04).
    assert (overall["starts_on"], overall["days"], overall["due_on"]) == ("2025-09-26", 45, "2025-12-04")
    assert case["filing"]["extended"] is True
    assert case["filing"]["extension_reason"] == "公示期间出现重大异议，需县级入户核查"
    event = case["history"][-1]
    assert (event["action"], event["from_state"], event["to_state"]) == ("extend", "accepted", "accepted")

    again = api.act("yanhu", cid, "extend", expect=409, reason="再次延长")
    assert errors(again, "guard") == ["办理期限已经延长过"]
    assert deadline(api.case("beicheng", cid), "overall")["due_on"] == "2025-12-04"


def test_investigation_start_deadline_and_the_overdue_flag(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 26)
    cid = api.file("chenzhiqiang", ILLNESS, XIGUAN, illness_poverty_household(clock.today))["id"]
    case = api.act("jiezhou", cid, "accept")
    # 65号 第十五条 “自受理申请之日起3个工作日内”: Fri 09-26 → Sun 09-28 (worked), 09-29, 09-30.
    start = deadline(case, "investigation_start")
    assert (start["days"], start["due_on"], start["status"]) == (3, "2025-09-30", "open")
    assert deadline(case, "overall")["due_on"] == "2025-11-13"
    assert case["next_due"]["kind"] == "investigation_start" and case["overdue"] is False

    clock.today = date(2025, 10, 9)
    case = api.case("jiezhou", cid)
    assert case["overdue"] is True
    assert (case["next_due"]["kind"], case["next_due"]["status"]) == ("investigation_start", "overdue")
    listed = api.get("jiezhou", "/cases").json or {}
    assert [(i["id"], i["overdue"]) for i in listed["items"]] == [(cid, True)]

    case = api.act("jiezhou", cid, "start_investigation")
    start = deadline(case, "investigation_start")
    assert (start["status"], start["met_on"]) == ("met_late", "2025-10-09")
    # The next step is timed too: the investigation (65号 第十五条, 10 working days by default).
    assert case["overdue"] is False and case["next_due"]["kind"] == "step_investigation"


def test_a_deadline_into_an_unknown_year_warns_until_its_schedule_is_loaded(
    api: ApiClient, clock: Clock
) -> None:
    clock.today = date(2026, 12, 15)
    first = _accepted(api, clock)
    overall = deadline(first, "overall")
    # 12 working days left in December 2026, then 18 counted Monday to Friday in 2027.
    assert overall["due_on"] == "2027-01-26"
    assert overall["warning"] == (
        "2027年节假日安排尚未录入，按周一至周五推算，截止日期可能有误；请管理员录入该年节假日安排。"
    )

    put = "/api/v1/holiday-schedules/2027"
    assert api.as_("yanhu").put(put, json=SCHEDULE_2027).status_code == 403
    mismatch = api.as_("admin").put("/api/v1/holiday-schedules/2028", json=SCHEDULE_2027)
    assert mismatch.status_code == 422 and errors(mismatch.json or {}, "year") == [
        "与地址中的年份 2028 不一致"
    ]
    loaded = api.as_("admin").put(put, json=SCHEDULE_2027)
    assert loaded.status_code == 200, loaded.json
    assert (loaded.json or {})["holidays"] == ["2027-01-01"]
    # The deadline estimated before the schedule was loaded is counted again with it.
    assert (loaded.json or {})["deadlines_recounted"] == 1
    recounted = deadline(api.case("beicheng", first["id"]), "overall")
    assert (recounted["due_on"], recounted["warning"]) == ("2027-01-27", "")
    years = {y["year"]: y for y in (api.get("admin", "/holiday-schedules").json or {})["items"]}
    assert (years[2027]["origin"], years[2027]["source"]) == ("loaded", "测试数据")

    # A deadline computed now honours the loaded schedule: New Year's Day 2027 is not counted.
    second = _accepted(api, clock)
    overall = deadline(second, "overall")
    assert (overall["due_on"], overall["warning"]) == ("2027-01-27", "")
    # So does a deadline recomputed now (45 working days: … 01-29, 02-01..05, 02-08..12, 02-15..17).
    case = api.act("beicheng", first["id"], "extend", reason="重大异议")
    assert (deadline(case, "overall")["due_on"], deadline(case, "overall")["warning"]) == ("2027-02-17", "")


def test_queue_is_ordered_by_the_nearest_due_date(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 22)
    waiting = api.file("wangjianguo", EDGE, HUAIDONG, dibao_edge_household())["id"]
    monday = _accepted(api, clock)["id"]
    clock.today = date(2025, 9, 26)
    friday = _accepted(api, clock)["id"]
    objection = _accepted(api, clock)["id"]
    api.act("beicheng", objection, "request_information_check")
    case = api.act("yanhu", objection, "record_check_not_qualified", findings="存款超过标准")
    # 15 working days from Fri 09-26: 09-28, 09-29, 09-30, 10-09..11, 10-13..17, 10-20..23.
    assert deadline(case, "objection_window")["due_on"] == "2025-10-23"

    # Every step is timed: the material review of the one waiting (5 working days from Mon 09-22),
    # the request for the information check after acceptance (2), the objection window.
    queue = (api.get("beicheng", "/queue").json or {})["items"]
    assert [(i["id"], i["next_due"]["kind"], i["next_due"]["due_on"]) for i in queue] == [
        (monday, "step_accepted", "2025-09-24"),
        (waiting, "step_filed", "2025-09-28"),  # Sunday 09-28 is worked (国庆调休)
        (friday, "step_accepted", "2025-09-29"),
        (objection, "objection_window", "2025-10-23"),
    ]
    # A step past its date is flagged, with how many working days late: Monday's request for the
    # information check was due Wednesday 09-24; today is Friday 09-26.
    assert [(i["id"], i["overdue"]) for i in queue] == [
        (monday, True), (waiting, False), (friday, False), (objection, False),
    ]  # fmt: skip
    assert queue[0]["next_due"]["late_working_days"] == 2
    # The county's desk holds none of them: it acts only when a check or review is asked of it.
    assert (api.get("yanhu", "/queue").json or {})["items"] == []

    clock.today = date(2025, 11, 10)
    api.act("beicheng", objection, "close_not_qualified")
    listing = api.get("beicheng", "/queue").json or {}
    assert (listing["total"], listing["overdue"]) == (3, 3)
    assert all(i["next_due"]["status"] == "overdue" for i in listing["items"])

    # A page at a time, in the same order; the counts are the whole queue's.
    second = api.get("beicheng", "/queue?limit=2&offset=1").json or {}
    assert [i["id"] for i in second["items"]] == [i["id"] for i in listing["items"][1:3]]
    assert (second["total"], second["overdue"], second["limit"], second["offset"]) == (3, 3, 2, 1)
    past = api.get("beicheng", "/queue?offset=10").json or {}
    assert (past["items"], past["total"], past["overdue"]) == ([], 3, 3)
    assert (api.get("yanhu", "/queue").json or {}) | {"limit": 0} == {
        "items": [], "total": 0, "overdue": 0, "limit": 0, "offset": 0,
    }  # fmt: skip
    for bad, field in (("limit=0", "limit"), ("limit=x", "limit"), ("offset=-1", "offset")):
        refused = api.get("beicheng", f"/queue?{bad}")
        assert refused.status_code == 422 and errors(refused.json or {}, field), bad


def test_a_queue_line_shows_the_nearest_open_deadline_once(
    api: ApiClient, clock: Clock, db: Database
) -> None:
    clock.today = date(2025, 9, 22)
    case = _accepted(api, clock)
    overall = case["next_due"]  # the request for the information check, due first
    # A second open deadline due the same day, started later, and a met one due earlier: the line
    # names the first started of the open ones, and the case appears once.
    with db.transaction() as session:
        added = (("same_day", None, overall["due_on"]), ("met", "2025-09-23", "2025-09-23"))
        for kind, met_on, due_on in added:
            session.add(
                CaseDeadline(
                    case_id=case["id"], kind=kind, label=kind, article="64号 第二十四条", days=1,
                    starts_on=date(2025, 9, 22), due_on=date.fromisoformat(due_on),
                    met_on=date.fromisoformat(met_on) if met_on else None,
                )
            )  # fmt: skip
    for path in ("/queue", "/cases"):
        lines = [i for i in (api.get("beicheng", path).json or {})["items"] if i["id"] == case["id"]]
        assert [line["next_due"]["kind"] for line in lines] == ["step_accepted"], path
        assert lines[0]["next_due"]["due_on"] == overall["due_on"]


def _next_due(db: Database, cid: int) -> tuple[date | None, date | None]:
    """The case's kept nearest due date, and the one its open deadlines give."""
    with db.reading() as session:
        case = session.get(Case, cid)
        assert case is not None
        return case.next_due_on, min(
            (d.due_on for d in deadlines.open_deadlines(session, case)), default=None
        )


def test_the_case_keeps_its_nearest_open_deadline_for_the_queues(
    api: ApiClient, clock: Clock, db: Database
) -> None:
    cid = int(api.file("wangjianguo", "dibao_edge", HUAIDONG, dibao_edge_household())["id"])
    seen = [_next_due(db, cid)]
    for user, action, extra in (
        ("beicheng", "accept", {}),
        ("beicheng", "extend", {"reason": "公示期间出现重大异议，需县级入户核查"}),  # the due date moves
        ("beicheng", "request_information_check", {}),
        ("yanhu", "record_check_qualified", {"findings": "未发现超标收入和财产"}),
        ("wangjianguo", "withdraw", {"reason": "家庭情况好转"}),
    ):
        api.act(user, cid, action, **extra)
        seen.append(_next_due(db, cid))
    assert all(kept == computed for kept, computed in seen), seen
    assert len({kept for kept, _ in seen[1:-1]} - {None}) >= 2  # it moved with the overall limit
    assert seen[-1] == (None, None)  # withdrawn: nothing runs on it any more


def test_a_county_times_the_steps_64_leaves_to_it(api: ApiClient, clock: Clock, app: Flask) -> None:
    """64号 asks for its steps “及时”: the county sets the working days, by API and page; a step
    entered afterwards is counted with them, and the regulation's own periods are not settable."""
    clock.today = date(2025, 9, 22)
    before = api.file("wangjianguo", EDGE, HUAIDONG, dibao_edge_household())
    assert deadline(before, "step_filed")["days"] == 5
    put = "/api/v1/areas/140802/step-days"
    assert api.as_("yanhu").put(put, json={"days": {"dibao_edge.filed": 3}}).status_code == 403
    refused = api.as_("admin").put(put, json={"days": {"dibao_edge.filed": 0, "illness_poverty.accepted": 2}})
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json["errors"]} == {
        "days.dibao_edge.filed",
        "days.illness_poverty.accepted",
    }
    done = api.as_("admin").put(put, json={"days": {"dibao_edge.filed": 3}})
    assert done.status_code == 200, done.json
    assert next(s for s in done.json["step_days"] if s["key"] == "dibao_edge.filed")["days"] == 3
    after = api.file("chenzhiqiang", EDGE, HUAIDONG, dibao_edge_household(), proxy_name="陈志强",
                     channel="authorised_person", proxy_authorisation="委托书")  # fmt: skip
    assert (deadline(after, "step_filed")["days"], deadline(after, "step_filed")["due_on"]) == (
        3,
        "2025-09-25",
    )
    # The case filed before keeps its date.
    assert deadline(api.case("beicheng", before["id"]), "step_filed")["due_on"] == "2025-09-28"

    admin = app.test_client()
    admin.post("/api/v1/auth/login", json={"username": "admin", "password": "demo12345"})
    page = admin.get("/admin/areas").get_data(as_text=True)
    assert (
        "材料审查（受理）期限" in page
        and 'name="days.dibao_edge.filed" type="number" min="1" max="30" value="3"' in page
    )
    back = api.as_("admin").put(put, json={"days": {"dibao_edge.filed": None}})
    assert next(s for s in back.json["step_days"] if s["key"] == "dibao_edge.filed")["days"] == 5


def test_staff_find_cases_by_name_id_number_or_case_number_within_their_area(
    api: ApiClient, clock: Clock
) -> None:
    """Issue 19: a search by applicant name, ID number (full or last 4) or case number, an overdue
    filter, and the applicant's name on every line; all within the user's area."""
    clock.today = date(2025, 9, 22)
    wang = api.file("wangjianguo", EDGE, HUAIDONG, dibao_edge_household())
    chen = api.file("chenzhiqiang", ILLNESS, XIGUAN, illness_poverty_household(clock.today))
    api.act("beicheng", wang["id"], "accept")

    def found(who: str, path: str, query: str) -> list[int]:
        answer = api.get(who, f"{path}?{query}")
        assert answer.status_code == 200, answer.json
        return [i["id"] for i in (answer.json or {})["items"]]

    listed = (api.get("yanhu", "/cases").json or {})["items"]
    assert {i["id"]: i["applicant_name"] for i in listed} == {wang["id"]: "王建国", chen["id"]: "陈志强"}
    for query in ("q=王建国", "q=建国", "q=140802198003151239", "q=1239", f"q={wang['number']}", "q=李秀英"):
        assert found("yanhu", "/cases", query) == [wang["id"]], query
    assert found("yanhu", "/cases", "q=陈志强") == [chen["id"]]
    assert found("yanhu", "/cases", "q=%25") == []  # a LIKE wildcard is a character like any other
    # Another county's staff find nothing of 盐湖区, whatever they search for.
    assert found("yongji", "/cases", "q=王建国") == []
    # The queue takes the same search; today nothing is late, in three days the acceptance's next
    # step is (2 working days).
    assert found("beicheng", "/queue", "q=1239") == [wang["id"]]
    assert found("beicheng", "/queue", "overdue=1") == []
    clock.today = date(2025, 9, 25)
    assert found("beicheng", "/queue", "overdue=1") == [wang["id"]]
    assert found("yanhu", "/cases", "overdue=1") == [wang["id"]]
    refused = api.get("beicheng", "/queue?overdue=maybe")
    assert refused.status_code == 422 and errors(refused.json or {}, "overdue")
    assert api.get("beicheng", "/cases?q=" + "王" * 41).status_code == 422
