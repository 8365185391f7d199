"""Lists to other agencies (64号 第二十五条; 65号 第十七条、附件5), through the API, on both databases."""

from __future__ import annotations

import html
import io
import itertools
import re
import subprocess
from datetime import date

import pytest
from click.testing import CliRunner
from integration_support import (
    ApiClient,
    Clock,
    after_publicity,
    dibao_edge_to_county_review,
    illness_poverty_to_investigation,
)
from openpyxl import load_workbook  # type: ignore[import-untyped]
from test_int_documents import pdf_text

from assistance.cli import main

_WORD = re.compile(rb'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def table_rows(pdf: bytes) -> list[list[tuple[float, float, str]]]:
    """The cells of each numbered row of a list's table, as (left, right, text), left to right,
    from the PDF's own word boxes. A row is what lies within a line of its number (序号); words
    of one row whose spans overlap across are one cell set on two lines (a date breaks after 年)."""
    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    words = [
        ((float(top) + float(bottom)) / 2, float(left), float(right), html.unescape(text.decode()))
        for left, top, right, bottom, text in _WORD.findall(out)
    ]
    # The 序号 column is the leftmost place a bare number stands.
    leftmost = min((left for _, left, _, text in words if text.isdigit()), default=0.0)
    anchors = sorted(m for m, left, _, text in words if text.isdigit() and abs(left - leftmost) < 15)
    rows = []
    for anchor in anchors:
        cells: list[tuple[float, float, str]] = []
        for _, left, right, text in sorted(
            (w for w in words if abs(w[0] - anchor) < 12), key=lambda w: (w[1], w[0])
        ):
            if cells and left < cells[-1][1] and right > cells[-1][0]:
                first, last, joined = cells[-1]
                cells[-1] = (min(first, left), max(last, right), joined + text)
            else:
                cells.append((left, right, text))
        rows.append(sorted(cells))
    return rows


def recognise_edge_family(api: ApiClient, clock: Clock) -> int:
    case = dibao_edge_to_county_review(api, clock)
    case = api.act("yanhu", case["id"], "confirm", reasons="经审查符合认定条件", place="槐东社区公示栏")
    clock.today = after_publicity(case)
    case = api.act("yanhu", case["id"], "close_county_publicity")
    assert case["state"] == "recognised"
    return int(case["id"])


def confirm_patient(api: ApiClient, clock: Clock) -> int:
    cid = illness_poverty_to_investigation(api, clock)
    api.investigate("xiguan", cid, clock.today)
    api.act("yanhu", cid, "record_check_qualified")
    case = api.act("jiezhou", cid, "start_publicity", place="西关村公示栏")
    clock.today = after_publicity(case)
    api.act("jiezhou", cid, "close_publicity")
    case = api.act("yanhu", cid, "confirm", reasons="符合因病致贫重病患者认定条件")
    assert case["filing"]["push_status"] == "queued"
    return cid


def test_monthly_medical_list_names_every_recognised_member_in_pdf_and_xlsx(
    api: ApiClient, clock: Clock
) -> None:
    clock.today = date(2025, 9, 22)
    cid = recognise_edge_family(api, clock)
    recognised_on = clock.today
    clock.today = date(2025, 11, 3)
    period = f"{recognised_on.year}-{recognised_on.month:02d}"

    response = api.post("yanhu", "/lists/edge-medical-monthly", {"period": period})
    assert response.status_code == 201, response.json
    listed = response.json or {}
    assert listed["kind"] == "edge_medical_monthly" and listed["has_spreadsheet"]
    assert listed["number"] == "盐民边医〔2025〕1号" and listed["period"] == period

    text = pdf_text(api.get("yanhu", f"/documents/{listed['id']}/pdf").data)
    assert "运城市盐湖区医疗保障局" in text and "第二十五条" in text
    assert "新增低保边缘家庭1户" in text
    # The agency pays by the list: names and ID numbers in full.
    assert "王建国" in text and "140802198003151239" in text
    # Every cell reads back in its own column, none printed over the next (issue 19: the ID
    # numbers ran over 与申请人关系).
    body = table_rows(api.get("yanhu", f"/documents/{listed['id']}/pdf").data)[-3:]
    # 序号, 类别, 姓名, 身份证号码, 与申请人关系, 乡镇（街道）, 村（社区）, 认定（退出）日期
    assert [w[2] for w in body[0]][:5] == [
        "1",
        "新增",
        "王建国",
        "140802198003151239",
        "本人",
    ], body
    for row in body:
        assert len(row) == 8, "|".join(w[2] for w in row)
        for (_, right, text), (left, _, following) in itertools.pairwise(row):
            assert right <= left, f"“{text}” runs into “{following}”"

    sheet = load_workbook(io.BytesIO(api.get("yanhu", f"/documents/{listed['id']}/xlsx").data)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(values) if row and row[0] == "序号")
    body = [row for row in values[header + 1 :] if row and row[0] is not None]
    assert [row[2] for row in body] == ["王建国", "李秀英", "王小明"]
    assert all(row[1] == "新增" for row in body)

    # The same period again, nothing changed: the same document.
    again = api.post("yanhu", "/lists/edge-medical-monthly", {"period": period})
    assert again.status_code == 200 and (again.json or {})["id"] == listed["id"]
    # A month with nothing to report still gets its (empty) list.
    empty = api.post("yanhu", "/lists/edge-medical-monthly", {"period": "2025-08"})
    assert empty.status_code == 201 and "本期无新增和退出的低保边缘家庭" in pdf_text(
        api.get("yanhu", f"/documents/{(empty.json or {})['id']}/pdf").data
    )
    assert cid


def test_list_requests_are_checked_and_scoped(api: ApiClient, clock: Clock) -> None:
    bad = api.post("yanhu", "/lists/edge-medical-monthly", {"period": "2025-13"})
    assert bad.status_code == 422
    assert (bad.json or {})["errors"][0] == {"field": "period", "message": "月份应写作 YYYY-MM，如 2025-10"}
    future = api.post("yanhu", "/lists/edge-disability-quarterly", {"period": "2026-Q4"})
    assert future.status_code == 422 and (future.json or {})["errors"][0]["field"] == "period"
    for who in ("beicheng", "wangjianguo", "huaidong"):
        assert api.post(who, "/lists/edge-medical-monthly", {"period": "2025-08"}).status_code == 403
    # A period not yet over has no list (issue 19): 2025-Q3 runs to 09-30, today is 09-22.
    running = api.post("yanhu", "/lists/edge-disability-quarterly", {"period": "2025-Q3"})
    assert running.status_code == 422 and "最近一期为 2025-Q2" in str(running.json)
    this_month = api.post("yanhu", "/lists/edge-medical-monthly", {"period": "2025-09"})
    assert this_month.status_code == 422 and "最近一期为 2025-08" in str(this_month.json)
    made = api.post("yanhu", "/lists/edge-disability-quarterly", {"period": "2025-Q2"})
    assert made.status_code == 201
    document = (made.json or {})["id"]
    assert "运城市盐湖区残疾人联合会" in pdf_text(api.get("yanhu", f"/documents/{document}/pdf").data)
    # Another county's staff, a township and an applicant cannot read it.
    for who in ("yongji", "beicheng", "wangjianguo"):
        assert api.get(who, f"/documents/{document}/pdf").status_code == 404
    assert api.get("yongji", "/lists").json["lists"] == []  # type: ignore[index]


def test_push_list_takes_every_confirmed_patient_once(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 26)
    cid = confirm_patient(api, clock)
    assert api.get("yanhu", "/lists").json["pending_push"] == 1  # type: ignore[index]

    pushed = api.post("yanhu", "/lists/illness-push", {})
    assert pushed.status_code == 201, pushed.json
    document = pushed.json or {}
    assert document["number"] == "盐民病推〔2025〕1号"
    text = pdf_text(api.get("yanhu", f"/documents/{document['id']}/pdf").data)
    assert "因病致贫重病患者认定名单推送表" in text and "陈志强" in text and "第十七条" in text
    assert "运城市盐湖区医疗保障局" in text
    (row,) = table_rows(api.get("yanhu", f"/documents/{document['id']}/pdf").data)[-1:]
    assert [w[2] for w in row][:3] == ["1", "陈志强", "140802197506201256"], row
    for (_, right, text), (left, _, following) in itertools.pairwise(row):
        assert right <= left, f"“{text}” runs into “{following}”"

    case = api.case("yanhu", cid)
    assert (case["filing"]["push_status"], case["history"][-1]["action"]) == (
        "pushed",
        "push_to_medical_insurance",
    )
    assert api.get("yanhu", "/lists").json["pending_push"] == 0  # type: ignore[index]
    nothing = api.post("yanhu", "/lists/illness-push", {})
    assert nothing.status_code == 409
    assert (nothing.json or {})["message"] == "没有待推送的因病致贫重病患者"


def test_the_command_line_makes_the_lists_too(
    api: ApiClient, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database)
    made = CliRunner().invoke(main, ["lists", "monthly", "--period", "2025-08", "--by", "yanhu"])
    assert made.exit_code == 0, made.output
    # The command line issues on the real date: the number carries this year.
    assert re.search(r"已生成：《2025年8月低保边缘家庭新增和退出名单》盐民边医〔\d{4}〕1号", made.output)
    bad = CliRunner().invoke(main, ["lists", "quarterly", "--period", "2025-Q5", "--by", "yanhu"])
    assert bad.exit_code == 2 and "季度应写作 YYYY-Qn" in bad.output
    refused = CliRunner().invoke(main, ["lists", "push", "--by", "beicheng"])
    assert refused.exit_code == 2 and "县级民政部门" in refused.output
