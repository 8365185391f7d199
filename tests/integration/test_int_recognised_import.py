"""Families recognised before the service (issue 20 item 2): imported by the county from a table,
one row per member; each becomes a recognised case with its recheck scheduled; the import is the
case's one audit event, not acts that never happened; all or nothing, every wrong row named."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from integration_support import ApiClient, Clock, errors, sign_in
from werkzeug.test import TestResponse

from assistance.cli import main
from assistance.documents.spreadsheet import write_xlsx

HEADER = [
    "户主身份证号码",
    "姓名",
    "身份证号码",
    "与户主关系",
    "村（社区）代码",
    "户籍类型",
    "认定日期",
    "认定通知书文号",
]
HUAIDONG, XIGUAN = "140802001001", "140802101001"
WANG, LI = "140802198003151239", "140802198206111237"
CHEN = "140802197506201256"


def family_rows() -> list[list[str]]:
    return [
        [WANG, "王建国", WANG, "本人", HUAIDONG, "城镇", "2025-03-10", "盐民边认〔2025〕7号"],
        [WANG, "李秀英", LI, "配偶", HUAIDONG, "城镇", "2025-03-10", "盐民边认〔2025〕7号"],
        [CHEN, "陈志强", CHEN, "本人", XIGUAN, "农村", "2024-12-02", "盐民边认〔2024〕31号"],
    ]


def upload(api: ApiClient, who: str, rows: list[list[str]], name: str = "已认定.xlsx") -> TestResponse:
    content = write_xlsx("原系统已认定低保边缘家庭", HEADER, rows) if name.endswith("xlsx") else (
        "\n".join(",".join(r) for r in [HEADER, *rows]).encode("utf-8")
    )  # fmt: skip
    return api.as_(who).post(
        "/api/v1/imports/recognised-families",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_imported_families_are_recognised_with_their_rechecks_scheduled(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 22)
    done = upload(api, "yanhu", family_rows())
    assert done.status_code == 201, done.json
    assert (done.json["households"], done.json["imported"], done.json["duplicates"]) == (2, 2, 0)
    wang = api.case("yanhu", done.json["cases"][0]["id"])
    assert wang["state"] == "recognised" and wang["closed_on"] == "2025-03-10"
    (event,) = wang["history"]
    assert event["action"] == "import_recognised" and event["on"] == "2025-03-10"
    assert event["detail"]["document_number"] == "盐民边认〔2025〕7号"
    assert sorted(m["name"] for m in wang["household"]["members"]) == ["李秀英", "王建国"]
    # No recheck is due yet for 王建国 (yearly from 2025-03-10); 陈志强's from 2024-12-02 is late.
    due = {i["case_id"]: i for i in (api.get("beicheng", "/rechecks?within=366").json or {})["items"]}
    assert wang["id"] in due
    assert {c["recheck_due_on"] for c in done.json["cases"]} <= {
        "2026-03-10",
        "2025-09-10",
        "2025-12-02",
        "2025-06-02",
    }

    again = upload(api, "yanhu", family_rows())
    assert (again.json["imported"], again.json["duplicates"]) == (0, 2)


def test_a_wrong_row_imports_nothing(api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 22)
    rows = family_rows()
    rows[1][3] = "表兄"  # no such relation
    rows[2][4] = "140881001001"  # 永济市's village: not this county's
    rows.append(
        [WANG, "王小明", "140802201209011236", "子女", HUAIDONG, "城镇", "2026-01-01", "盐民边认〔2025〕7号"]
    )
    refused = upload(api, "yanhu", rows, "已认定.csv")
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json["errors"]}
    assert {"rows[3].relation", "rows[4].village", "rows[5].recognised_on"} <= fields, fields
    assert errors(refused.json, "rows[5].recognised_on") == ["第5行：认定日期不能晚于今天"]
    assert (api.get("yanhu", "/cases").json or {})["items"] == []
    for who in ("beicheng", "wangjianguo"):
        assert upload(api, who, family_rows()).status_code == 403


def test_the_console_imports_too(
    api: ApiClient, clock: Clock, database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = tmp_path / "已认定.xlsx"
    table.write_bytes(write_xlsx("名单", HEADER, family_rows()[:2]))
    monkeypatch.setenv("DATABASE_URL", database)
    result = CliRunner().invoke(main, ["rechecks", "import", str(table), "--by", "yanhu"])
    assert result.exit_code == 0 and "已导入1户" in result.output, result.output


def test_the_county_imports_on_the_rechecks_page(app: Flask, clock: Clock) -> None:
    clock.today = date(2025, 9, 22)
    county, _ = sign_in(app, "yanhu")
    page = county.get("/rechecks").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None and "导入原系统已认定的家庭" in page
    sheet = write_xlsx("名单", HEADER, family_rows())
    done = county.post(
        "/rechecks/import",
        data={"csrf_token": token.group(1), "file": (io.BytesIO(sheet), "已认定.xlsx")},
        content_type="multipart/form-data",
    )
    assert done.status_code == 200 and "已导入 2 户" in done.get_data(as_text=True)
    township, _ = sign_in(app, "beicheng")
    assert "导入原系统已认定的家庭" not in township.get("/rechecks").get_data(as_text=True)
