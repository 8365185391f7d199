"""Population screening in the service (issue 21): households read from the database with SQL into
the screening columns agree with the explained engine; a saved reform moves the right households,
its result is stored, listed and downloadable; a sweep's counts are monotone and match single
what-ifs; bad input and other desks are refused. On both databases."""

from __future__ import annotations

import copy
import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from integration_support import HUAIDONG, XIGUAN, ApiClient, Clock, dibao_edge_household
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlmodel import select

from assistance.casefile.household import case_file
from assistance.db import Database
from assistance.demo import illness_poverty_household
from assistance.models import Case, Member, ScreeningChange, ScreeningRun
from assistance.parameters import parameter_table
from assistance.screening import computing, parts, runs
from assistance.screening.computing import run_screening
from assistance.screening.explained import Verdict, explain_part
from assistance.screening.population import read_population
from rules import ParameterError, evaluate_data
from rules.criteria import FAIL
from rules.screening import OUTCOMES, REFERRALS, build_parameter_arrays, screen

ON = date(2025, 9, 22)


def _with_income(monthly_per_capita: str, **more: Any) -> dict[str, Any]:
    """The demo family of three with one wage giving this per-capita monthly income."""
    household = copy.deepcopy(dibao_edge_household())
    household["incomes"] = [{"member": "m1", "kind": "wage", "amount": str(Decimal(monthly_per_capita) * 36)}]
    household.update(more)
    return household


@pytest.fixture
def population(api: ApiClient, clock: Clock) -> dict[str, int]:
    """Households around 盐湖区's urban band (715.00, 1072.50): inside, at both edges, above and
    below; a 因病致贫 patient; one of 永济市."""
    clock.today = ON
    cases = {}
    for name, income in (
        ("in_band", "900.00"),
        ("at_standard", "715.00"),
        ("just_above", "715.01"),
        ("near_upper", "1072.49"),
        ("above", "1500.00"),
        ("below", "600.00"),
        ("at_760", "760.00"),
    ):
        cases[name] = int(api.file("wangjianguo", "dibao_edge", HUAIDONG, _with_income(income))["id"])
    vehicle = _with_income("900.00")
    vehicle["assets"].append({"owner": "m2", "kind": "car", "value": "64350.00"})
    cases["vehicle"] = int(api.file("wangjianguo", "dibao_edge", HUAIDONG, vehicle)["id"])
    cases["illness"] = int(
        api.file("chenzhiqiang", "illness_poverty", XIGUAN, illness_poverty_household(ON))["id"]
    )
    return cases


def _agrees(db: Database, on: date) -> int:
    """Screen the county's households read by SQL and compare each with the explained engine."""
    with db.reading_snapshot() as session:
        table = parameter_table(session=session)
        arrays = build_parameter_arrays(table)
        found = read_population(session, "current", ["140802"], on, arrays)
        result = screen(found.columns, arrays)
        for i, case_id in enumerate(found.case_ids):
            case = session.get(Case, int(case_id))
            assert case is not None
            data = case_file(session, case)
            data["application_date"] = on.isoformat()
            try:
                decision = evaluate_data(data, table)
            except ParameterError:
                assert OUTCOMES[int(result.outcome[i])][0] == "error"
                continue
            assert OUTCOMES[int(result.outcome[i])] == (decision.outcome, decision.path), decision.summary
            assert REFERRALS[int(result.referral[i])] == decision.referral
            failed = {c.id for c in decision.criteria if c.result == FAIL}
            assert set(result.failed_criteria(i)) == failed, decision.summary
        return len(found)


def test_the_households_read_by_sql_are_screened_as_the_explained_engine_decides_them(
    db: Database, population: dict[str, int]
) -> None:
    assert _agrees(db, ON) == len(population)
    # A later date moves the patient's expenses out of the 12 months (65号 第六条（三）).
    assert _agrees(db, date(2026, 9, 1)) == len(population)


def _what_if(api: ApiClient, user: str, changes: dict[str, str], **more: Any) -> Any:
    body = {"name": "城市低保标准760元", "changes": changes, "effective_on": ON.isoformat(), **more}
    return api.post(user, "/screening/what-ifs", body)


def test_a_reform_moves_the_right_households_and_its_result_is_saved(
    app: Flask, api: ApiClient, db: Database, population: dict[str, int]
) -> None:
    app.config["JOBS_RUN"] = "inline"
    response = _what_if(api, "yanhu", {"dibao_standard.urban": "760.00"})
    assert response.status_code == 202, response.json
    run = response.json or {}
    assert run["status"] == "done", run["error"]
    result = run["result"]
    # 760 moves the band to (760.00, 1140.00]: 715.01 and 760.00 leave, 1072.49's family stays.
    leaving = {c["case"] for c in run["changes_shown"]["leaving"]}
    assert leaving == {population["just_above"], population["at_760"]}
    assert run["changes_shown"]["entering"] == []
    assert result["totals"]["households"]["leaving"] == 2
    assert result["totals"]["persons"]["leaving"] == 6
    assert result["cost"]["edge_persons_leaving"] == 6
    assert result["explained"]["disagreements"] == 0
    assert result["explained"]["decisions_checked"] >= 4
    first = run["changes_shown"]["leaving"][0]
    assert first["baseline"]["outcome"] == "eligible" and first["reform"]["outcome"] == "not_eligible"
    assert any("64号" in f["article"] for f in first["reform"]["failed"])
    # Each decision shows the parameter values it used; the run keeps each set of them once.
    before, after = first["baseline"]["thresholds"], first["reform"]["thresholds"]
    assert (before["dibao_standard.urban"], after["dibao_standard.urban"]) == ("715.00", "760.00")
    assert {k: v for k, v in after.items() if k != "dibao_standard.urban"} == {
        k: v for k, v in before.items() if k != "dibao_standard.urban"
    }
    assert before in result["threshold_sets"].values() and after in result["threshold_sets"].values()
    with db.reading() as session:  # a stored line names its sets
        stored = session.exec(select(ScreeningChange).where(ScreeningChange.run_id == run["id"])).all()
    assert {result["threshold_sets"][line.data["reform"]["thresholds"]]["dibao_standard.urban"]
            for line in stored} == {"760.00"}  # fmt: skip
    assert {g["area"] for g in result["groups"]} == {"urban", "rural"}
    assert sum(g["households"]["leaving"] for g in result["groups"]) == 2
    # Nothing about any case changed, and the result reads back and downloads.
    assert api.get("yanhu", f"/screening/{run['id']}").json["result"] == result
    page = api.get("yanhu", f"/screening/{run['id']}/changes?category=leaving&limit=1")
    assert page.json["total"] == 2 and len(page.json["items"]) == 1
    assert page.json["items"][0]["reform"]["thresholds"]["dibao_standard.urban"] == "760.00"
    download = api.get("yanhu", f"/screening/{run['id']}/xlsx")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.data)).active
    assert sheet.cell(row=3, column=1).value == "退出"
    assert sheet.max_row == 4


def test_a_run_that_fails_after_its_parts_were_written_leaves_no_list(
    db: Database, api: ApiClient, population: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Parts from the first household on, so that lines are written before the failure.
    monkeypatch.setattr(parts, "POOL_FROM", 1)
    created = _what_if(api, "yanhu", {"dibao_standard.urban": "760.00"}).json
    written = []
    real_write = runs.Finishing.write

    def write(self: runs.Finishing, changes: Any) -> None:
        written.extend(changes)
        real_write(self, changes)

    def broken(*args: Any) -> Any:
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(runs.Finishing, "write", write)
    monkeypatch.setattr(computing, "grouped", broken)
    with pytest.raises(RuntimeError):
        run_screening(db, created["id"], workers=2)
    assert {c["case_id"] for c in written} == {population["just_above"], population["at_760"]}
    run = api.get("yanhu", f"/screening/{created['id']}").json
    assert run["status"] == "failed" and "磁盘已满" in run["error"]
    assert run["changes_shown"] == {"entering": [], "leaving": []}

    monkeypatch.undo()
    run_screening(db, created["id"], workers=1)
    run = api.get("yanhu", f"/screening/{created['id']}").json
    assert run["status"] == "done"
    assert {c["case"] for c in run["changes_shown"]["leaving"]} == {
        population["just_above"],
        population["at_760"],
    }


def test_a_household_that_cannot_be_read_on_the_date_is_listed_under_its_applicant(
    db: Database, population: dict[str, int]
) -> None:
    # On a date before its members were born the stored case cannot be read: it is counted as
    # unreadable, and its line names the case's applicant (the member its row points to).
    case_id = population["in_band"]
    verdict = Verdict(0, 0, 0)
    with db.reading_snapshot() as session:
        table = parameter_table(session=session)
        found = explain_part(
            session, [case_id], [(verdict, verdict)], date(1950, 1, 1), [table, table], [True]
        )
        applicant = session.get(Member, session.get(Case, case_id).applicant_member_id)  # type: ignore[union-attr]
    assert found.unreadable == 1 and found.checked == 0
    line = json.loads(found.listed[case_id])
    assert applicant is not None and line["applicant"] == applicant.name == "王建国"
    assert line["number"] and line["baseline"] is None and line["reform"] is None


def test_a_higher_multiplier_lets_households_enter(
    app: Flask, api: ApiClient, population: dict[str, int]
) -> None:
    app.config["JOBS_RUN"] = "inline"
    run = _what_if(api, "yanhu", {"edge_upper_multiplier": "2.2"}).json or {}
    assert run["status"] == "done", run["error"]
    assert {c["case"] for c in run["changes_shown"]["entering"]} == {population["above"]}
    assert run["result"]["explained"]["disagreements"] == 0


def test_the_sweep_is_monotone_and_matches_single_what_ifs(
    db: Database, api: ApiClient, population: dict[str, int]
) -> None:
    body = {"parameter": "dibao_standard.urban", "start": "600.00", "stop": "900.00", "step": "5.00",
            "effective_on": ON.isoformat()}  # fmt: skip
    response = api.post("yanhu", "/screening/sweeps", body)
    assert response.status_code == 202, response.json
    run_screening(db, response.json["id"])
    run = api.get("yanhu", f"/screening/{response.json['id']}").json
    points = run["result"]["points"]
    assert len(points) == 61 and points[0]["value"] == "600.00" and points[-1]["value"] == "900.00"
    assert [p["value"] for p in points if p["current"]] == ["715.00"]
    for sampled in ("715.00", "760.00", "850.00"):
        what_if = api.post(
            "yanhu", "/screening/what-ifs",
            {"name": sampled, "changes": {"dibao_standard.urban": sampled}, "effective_on": ON.isoformat()},
        ).json  # fmt: skip
        run_screening(db, what_if["id"])
        after = api.get("yanhu", f"/screening/{what_if['id']}").json["result"]["eligible_after"]
        point = next(p for p in points if p["value"] == sampled)
        assert after == [point["households"], point["persons"]], sampled


def test_a_run_read_in_parts_by_other_processes_finds_what_one_process_finds(
    db: Database, api: ApiClient, population: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    sweep = {"parameter": "dibao_standard.urban", "start": "700.00", "stop": "800.00", "step": "20.00",
             "effective_on": ON.isoformat()}  # fmt: skip
    what_if = {"name": "x", "changes": {"dibao_standard.urban": "760.00"}, "effective_on": ON.isoformat()}
    found = []
    for workers in (1, 2):
        # Parts from the first household on, each read, counted and explained in a spawned process.
        monkeypatch.setattr(parts, "POOL_FROM", 1 if workers > 1 else parts.POOL_FROM)
        ran = []
        for path, body in (("/screening/sweeps", sweep), ("/screening/what-ifs", what_if)):
            created = api.post("yanhu", path, body).json
            run_screening(db, created["id"], workers=workers)
            run = api.get("yanhu", f"/screening/{created['id']}").json
            assert run["status"] == "done", run["error"]
            ran.append(run)
        assert ran[1]["result"]["explained"]["disagreements"] == 0
        found.append(
            (
                ran[0]["result"]["points"],
                ran[0]["result"]["today"],
                {k: v for k, v in ran[1]["result"].items() if k not in ("seconds",)},
                ran[1]["changes_shown"],
            )
        )
    assert found[0] == found[1]
    assert found[0][0][3]["households"] != found[0][0][0]["households"]  # the values differ


def test_a_deductible_sweep_is_monotone(db: Database, api: ApiClient, population: dict[str, int]) -> None:
    # A higher 起付标准 can only let fewer patients reach it (65号 第六条（三））.
    body = {"parameter": "medical_assistance_deductible", "start": "0.00", "stop": "60000.00",
            "step": "1000.00", "effective_on": ON.isoformat()}  # fmt: skip
    created = api.post("yanhu", "/screening/sweeps", body).json
    run_screening(db, created["id"])
    points = api.get("yanhu", f"/screening/{created['id']}").json["result"]["points"]
    counts = [p["households"] for p in points]
    assert len(counts) == 61 and counts == sorted(counts, reverse=True) and counts[0] > counts[-1]


def test_a_sweep_by_share_of_consumption_is_exact(
    db: Database, api: ApiClient, population: dict[str, int]
) -> None:
    body = {"parameter": "dibao_standard.urban", "consumption": "25740.00", "source": "2024年运城市统计公报",
            "start_percent": "30", "stop_percent": "40", "step_percent": "0.5"}  # fmt: skip
    response = api.post("yanhu", "/screening/sweeps", body)
    assert response.status_code == 202, response.json
    assert response.json["params"]["points"][0] == "643.50"  # 25740 × 30 % ÷ 12
    assert response.json["params"]["points"][-1] == "858.00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "changes": {"no_such": "1"}}, "changes.no_such"),
        ({"name": "x", "changes": {"dibao_standard.urban": "800.001"}}, "changes.dibao_standard.urban"),
        ({"name": "x", "changes": {"dibao_standard.urban": True}}, "changes.dibao_standard.urban"),
        ({"name": "x", "changes": {}}, "changes"),
        ({"changes": {"dibao_standard.urban": "800.00"}}, "name"),
        ({"name": "x", "changes": {"dibao_standard": "1"}, "effective_on": "2025-13-01"}, "effective_on"),
        ({"name": "x", "changes": {"dibao_standard": "1"}, "counties": ["999999"]}, "counties"),
    ],
)
def test_bad_what_ifs_are_refused_with_the_field(api: ApiClient, body: dict[str, Any], field: str) -> None:
    response = api.post("yanhu", "/screening/what-ifs", body)
    assert response.status_code == 422, response.json
    assert response.json["errors"][0]["field"] == field


def test_bad_sweeps_are_refused_with_the_field(api: ApiClient) -> None:
    base = {"parameter": "dibao_standard.urban", "start": "600.00", "stop": "900.00", "step": "5.00"}
    # Who counts as a member is read into the columns: each value would need them read again.
    clergy = {"parameter": "clergy_absence_years", "start": "1", "stop": "5", "step": "1"}
    for change, field in (({"step": "0"}, "step"), ({"stop": "500.00"}, "stop"), ({"step": "0.01"}, "step"),
                          ({"parameter": "nothing"}, "parameter"), (clergy, "parameter")):  # fmt: skip
        response = api.post("yanhu", "/screening/sweeps", {**base, **change})
        assert response.status_code == 422, (change, response.json)
        assert response.json["errors"][0]["field"] == field


def test_only_the_county_and_the_administrator_screen_and_read(
    db: Database, api: ApiClient, population: dict[str, int]
) -> None:
    body = {"name": "x", "changes": {"dibao_standard.urban": "760.00"}, "effective_on": ON.isoformat()}
    assert api.post("beicheng", "/screening/what-ifs", body).status_code == 403
    assert api.post("yongji", "/screening/what-ifs", {**body, "counties": ["140802"]}).status_code == 403
    assert api.post("huaidong", "/screening/sweeps", {"parameter": "dibao_standard"}).status_code == 403
    created = api.post("yanhu", "/screening/what-ifs", body).json
    assert api.get("yongji", f"/screening/{created['id']}").status_code == 404
    assert api.get("beicheng", f"/screening/{created['id']}").status_code == 403
    # The administrator screens every county at once.
    every = api.post("admin", "/screening/what-ifs", body).json
    run_screening(db, every["id"])
    with db.reading() as session:
        saved = session.get(ScreeningRun, every["id"])
        assert saved is not None and saved.status == runs.DONE and len(saved.counties) == 13
        assert saved.result["households"] == len(population)
    assert every["id"] not in [r["id"] for r in api.get("yanhu", "/screening").json["items"]]
    assert created["id"] in [r["id"] for r in api.get("yanhu", "/screening").json["items"]]


def test_the_pages_show_the_table_the_chart_and_the_download(
    app: Flask, api: ApiClient, db: Database, population: dict[str, int]
) -> None:
    app.config["JOBS_RUN"] = "inline"
    client = api.as_("yanhu")
    listing = client.get("/screening")
    assert listing.status_code == 200 and "人群测算" in listing.get_data(as_text=True)
    run = _what_if(api, "yanhu", {"dibao_standard.urban": "760.00"}).json
    html = client.get(f"/screening/{run['id']}").get_data(as_text=True)
    assert "<svg" in html and "退出" in html and "64号 第" in html and "北城" in html
    body = {"parameter": "dibao_standard.urban", "start": "700.00", "stop": "800.00", "step": "5.00"}
    sweep = api.post("yanhu", "/screening/sweeps", {**body, "effective_on": ON.isoformat()})
    html = client.get(f"/screening/{sweep.json['id']}").get_data(as_text=True)
    assert "<polyline" in html and "现行值 715.00" in html
    assert client.get(f"/screening/{run['id']}/xlsx").status_code == 200
    assert api.as_("beicheng").get("/screening").status_code == 403
