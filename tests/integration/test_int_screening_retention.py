"""The retention period of what-ifs' lists of changing households: a what-if finished more than the
period ago loses its list and keeps its counts, a younger one and one queued or running keep
theirs; each run's deletion is in the security log once, however often pruning runs; the daily
schedule prunes per county and a county that switched it off keeps its lists; the run's page, its
API and its XLSX say the list was deleted and when. "Today" is always given, never the clock's."""

from __future__ import annotations

import copy
import io
import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask import Flask
from integration_support import HUAIDONG, ApiClient, Clock, dibao_edge_household, logged
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlmodel import select

from assistance.cli import main
from assistance.clock import CHINA
from assistance.config import SCREENING_RETENTION_VARIABLE
from assistance.db import Database
from assistance.models import ScheduleRun, ScreeningChange, ScreeningRun
from assistance.schedules.running import run_due
from assistance.screening import retention, runs
from assistance.screening.computing import run_screening

ON = date(2025, 6, 1)
# Finished that morning in Beijing: kept through 30 August (90 days on), pruned from 31 August.
FINISHED = datetime.combine(ON, time(10, 0), tzinfo=CHINA)
LAST_KEPT, FIRST_PRUNED = date(2025, 8, 30), date(2025, 8, 31)
REFORM = {"dibao_standard.urban": "760.00"}


@pytest.fixture(autouse=True)
def default_period(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SCREENING_RETENTION_VARIABLE, raising=False)


@pytest.fixture
def households(api: ApiClient, clock: Clock) -> None:
    """Three families of 盐湖区; a city standard of 760 moves the first two out (715.01, 760.00)."""
    clock.today = ON
    for income in ("715.01", "760.00", "900.00"):
        household = copy.deepcopy(dibao_edge_household())
        household["incomes"] = [{"member": "m1", "kind": "wage", "amount": str(Decimal(income) * 36)}]
        api.file("wangjianguo", "dibao_edge", HUAIDONG, household)


def _what_if(api: ApiClient, db: Database, user: str = "yanhu", *, run: bool = True) -> int:
    body = {"name": "城市低保标准760元", "changes": REFORM, "effective_on": ON.isoformat()}
    created = api.post(user, "/screening/what-ifs", body).json or {}
    if run:
        run_screening(db, created["id"])
    return int(created["id"])


def _set(db: Database, run_id: int, **values: Any) -> None:
    with db.transaction() as session:
        found = session.get(ScreeningRun, run_id)
        assert found is not None
        for key, value in values.items():
            setattr(found, key, value)


def _rows(db: Database, run_id: int) -> int:
    with db.reading() as session:
        return len(session.exec(select(ScreeningChange.id).where(ScreeningChange.run_id == run_id)).all())


def _run(db: Database, run_id: int) -> ScreeningRun:
    with db.reading() as session:
        found = session.get(ScreeningRun, run_id)
        assert found is not None
        return found


@pytest.mark.usefixtures("households")
def test_only_finished_what_ifs_past_the_period_lose_their_lists(api: ApiClient, db: Database) -> None:
    old, young, running = (_what_if(api, db) for _ in range(3))
    queued = _what_if(api, db, run=False)
    values = {"parameter": "dibao_standard.urban", "start": "700.00", "stop": "800.00", "step": "50.00"}
    sweep = api.post("yanhu", "/screening/sweeps", {**values, "effective_on": ON.isoformat()}).json["id"]
    run_screening(db, sweep)
    _set(db, old, finished_at=FINISHED)
    _set(db, sweep, finished_at=FINISHED)
    _set(db, young, finished_at=datetime.combine(date(2025, 6, 2), time(0, 0), tzinfo=CHINA))
    # Run again after it failed long ago: it keeps its old finish until it finishes anew.
    _set(db, running, finished_at=FINISHED, status=runs.RUNNING)
    _set(db, queued, created_at=FINISHED)
    result = _run(db, old).result
    assert _rows(db, old) == 2

    assert retention.prune(db, LAST_KEPT, 90)["runs"] == []
    pruned = retention.prune(db, FIRST_PRUNED, 90)
    assert pruned == {"today": "2025-08-31", "retention_days": 90, "runs": [old], "households": 2,
                      "rows_deleted": 2}  # fmt: skip
    assert _rows(db, old) == 0
    assert _run(db, old).result == result and _run(db, old).changes_pruned_on == FIRST_PRUNED
    assert [_rows(db, r) for r in (young, running)] == [2, 2]
    assert all(_run(db, r).changes_pruned_on is None for r in (young, running, queued, sweep))

    events = logged(db, retention.ACTION)
    assert [(e.subject, e.subject_id) for e in events] == [("screening_run", old)]
    assert events[0].detail["households"] == 2 and events[0].detail["retention_days"] == 90
    assert events[0].detail["via"] == "命令行" and events[0].detail["counties"] == ["140802"]

    # Again: nothing more is deleted or logged. The young run finished at the first instant of
    # 2 June, so it is kept on 31 August and pruned the day after.
    again = retention.prune(db, FIRST_PRUNED, 90)
    assert (again["runs"], again["rows_deleted"]) == ([], 0)
    assert len(logged(db, retention.ACTION)) == 1
    assert retention.prune(db, date(2025, 9, 1), 90)["runs"] == [young]
    assert _run(db, old).changes_pruned_on == FIRST_PRUNED
    assert [e.subject_id for e in logged(db, retention.ACTION)] == [old, young]


@pytest.mark.usefixtures("households")
def test_rows_left_by_a_deletion_cut_short_go_the_next_time(api: ApiClient, db: Database) -> None:
    old = _what_if(api, db)
    _set(db, old, finished_at=FINISHED)
    with db.transaction() as session:
        (marked,) = retention.mark_due(session, "140802", FIRST_PRUNED, 90)
    assert marked == retention.Marked(old, 2) and _rows(db, old) == 2  # the worker stopped here
    # Readers no longer read the rows that are still there.
    assert api.get("yanhu", f"/screening/{old}").json["changes_shown"] is None
    found = retention.prune(db, FIRST_PRUNED, 90)
    assert (found["runs"], found["rows_deleted"]) == ([], 2) and _rows(db, old) == 0
    assert len(logged(db, retention.ACTION)) == 1


@pytest.mark.usefixtures("households")
def test_each_batch_is_a_transaction_of_its_own(
    api: ApiClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _what_if(api, db)
    _set(db, old, finished_at=FINISHED)
    with db.transaction() as session:
        retention.mark_due(session, "140802", FIRST_PRUNED, 90)
    opened = []
    transaction = db.transaction

    def counted() -> Any:
        opened.append(_rows(db, old))
        return transaction()

    monkeypatch.setattr(db, "transaction", counted)
    assert retention.delete_marked(db, batch=1) == 2
    # Two rows, one a transaction, then one that finds none left; each saw the one before commit.
    assert opened == [2, 1, 0]


@pytest.mark.usefixtures("households")
def test_the_daily_schedule_prunes_county_by_county(api: ApiClient, db: Database) -> None:
    yanhu = _what_if(api, db)
    every = _what_if(api, db, "admin")  # the administrator's, over all 13 counties
    for run_id in (yanhu, every):
        _set(db, run_id, finished_at=FINISHED)
    # 永济市 keeps its lists: so does every run that screened it.
    switched = api.as_("admin").put("/api/v1/schedules/140881/screening_retention", json={"enabled": False})
    assert switched.status_code == 200, switched.json
    run_due(db, LAST_KEPT)
    assert _rows(db, yanhu) == 2
    ran = [r for r in run_due(db, FIRST_PRUNED) if r["schedule"] == retention.SCHEDULE]
    assert [(r["county"], r["status"]) for r in ran] == [("140802", "done")]
    assert f"#{yanhu}" in ran[0]["detail"] and "共 2 户" in ran[0]["detail"]
    assert _rows(db, yanhu) == 0 and _run(db, yanhu).changes_pruned_on == FIRST_PRUNED
    assert _rows(db, every) == 2 and _run(db, every).changes_pruned_on is None
    assert [r for r in run_due(db, FIRST_PRUNED) if r["schedule"] == retention.SCHEDULE] == []
    events = logged(db, retention.ACTION)
    assert [(e.subject_id, e.detail["via"]) for e in events] == [(yanhu, "定时任务")]

    # Switched on again, the first county of the run that runs the schedule prunes it, once.
    api.as_("admin").put("/api/v1/schedules/140881/screening_retention", json={"enabled": True})
    ran = [r for r in run_due(db, date(2025, 9, 1)) if r["schedule"] == retention.SCHEDULE]
    assert [(r["county"], r["status"]) for r in ran] == [("140802", "done"), ("140881", "nothing")]
    assert _rows(db, every) == 0 and len(logged(db, retention.ACTION)) == 2


@pytest.mark.usefixtures("households")
def test_the_setting_turns_it_off_and_a_bad_one_fails_the_run(
    api: ApiClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _what_if(api, db)
    _set(db, old, finished_at=FINISHED)
    monkeypatch.setenv(SCREENING_RETENTION_VARIABLE, "off")
    ran = [r for r in run_due(db, FIRST_PRUNED) if r["schedule"] == retention.SCHEDULE]
    assert {r["status"] for r in ran} == {"nothing"} and "off" in ran[0]["detail"]
    assert _rows(db, old) == 2
    monkeypatch.setenv(SCREENING_RETENTION_VARIABLE, "90天")
    ran = [r for r in run_due(db, date(2025, 9, 1)) if r["schedule"] == retention.SCHEDULE]
    assert {r["status"] for r in ran} == {"failed"} and SCREENING_RETENTION_VARIABLE in ran[0]["detail"]
    assert _rows(db, old) == 2
    # Put right, the failed runs are tried again at the next round, the same day.
    monkeypatch.setenv(SCREENING_RETENTION_VARIABLE, "60")
    ran = [r for r in run_due(db, date(2025, 9, 1)) if r["schedule"] == retention.SCHEDULE]
    assert ("140802", "done") in [(r["county"], r["status"]) for r in ran] and _rows(db, old) == 0
    with db.reading() as session:
        record = session.exec(
            select(ScheduleRun).where(
                ScheduleRun.schedule == retention.SCHEDULE, ScheduleRun.county_code == "140802"
            )
        ).all()
    assert [(r.period, r.status) for r in record] == [("2025-08-31", "nothing"), ("2025-09-01", "done")]


@pytest.mark.usefixtures("households")
def test_the_page_the_api_and_the_download_say_the_list_was_deleted(
    app: Flask, api: ApiClient, db: Database
) -> None:
    old = _what_if(api, db)
    _set(db, old, finished_at=FINISHED)
    before = api.get("yanhu", f"/screening/{old}").json
    assert before["changes_pruned_on"] is None and len(before["changes_shown"]["leaving"]) == 2
    retention.prune(db, FIRST_PRUNED, 90)

    shown = api.get("yanhu", f"/screening/{old}").json
    assert shown["changes_pruned_on"] == "2025-08-31" and shown["changes_shown"] is None
    assert (
        "2025年8月31日" in shown["changes_pruned_note"] and "统计数字仍保留" in shown["changes_pruned_note"]
    )
    assert shown["result"] == before["result"]
    listed = next(r for r in api.get("yanhu", "/screening").json["items"] if r["id"] == old)
    assert listed["changes_pruned_on"] == "2025-08-31"
    gone = api.get("yanhu", f"/screening/{old}/changes?category=leaving")
    assert gone.status_code == 410
    assert "已于2025年8月31日" in gone.json["message"] and gone.json["errors"][0]["field"] == "id"

    client = api.as_("yanhu")
    page = client.get(f"/screening/{old}").get_data(as_text=True)
    assert "变化家庭清单已于2025年8月31日按测算结果保留期限删除" in page and "下载统计数字" in page
    assert "退出的家庭（前" not in page and "没有。" not in page
    assert "（变化家庭清单已删除）" in client.get("/screening").get_data(as_text=True)

    download = api.get("yanhu", f"/screening/{old}/xlsx")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.data)).active
    assert "变化家庭清单已于2025年8月31日" in sheet.cell(row=1, column=1).value
    assert sheet.title == "统计数字" and sheet.cell(row=2, column=6).value == "退出（户）"
    totals = [c.value for c in sheet[sheet.max_row]]
    assert totals[0] == "合计" and totals[5:7] == [2, 6]


@pytest.mark.usefixtures("households")
def test_the_console_prunes_now_and_refuses_bad_input(
    database: str, api: ApiClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _what_if(api, db)
    _set(db, old, finished_at=FINISHED)
    monkeypatch.setenv("DATABASE_URL", database)
    console = CliRunner()
    for bad in (["--today", "2025-13-01"], ["--days", "0"]):
        answer = console.invoke(main, ["screening", "prune", *bad])
        assert answer.exit_code == 2, (bad, answer.output)
    monkeypatch.setenv(SCREENING_RETENTION_VARIABLE, "-5")
    answer = console.invoke(main, ["screening", "prune", "--today", "2025-08-31"])
    assert answer.exit_code == 2 and SCREENING_RETENTION_VARIABLE in answer.stderr
    assert _rows(db, old) == 2
    monkeypatch.setenv(SCREENING_RETENTION_VARIABLE, "off")
    answer = console.invoke(main, ["screening", "prune", "--today", "2025-08-31"])
    assert answer.exit_code == 0 and "off" in answer.stderr and _rows(db, old) == 2
    answer = console.invoke(main, ["screening", "prune", "--today", "2025-08-31", "--days", "90"])
    assert answer.exit_code == 0, answer.output
    assert json.loads(answer.stdout)["runs"] == [old] and _rows(db, old) == 0
    with db.reading() as session:
        count = session.execute(sa.select(sa.func.count()).select_from(ScreeningChange)).scalar_one()
    assert count == 0
