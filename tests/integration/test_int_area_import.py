"""Importing the 区划 list (issue 20 item 2): counties, townships and villages from a CSV or XLSX
table, the statistics bureau's 12-digit codes included; all or nothing, every wrong row named;
again the same list changes nothing; by page, API and console, for the administrator only."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from integration_support import ApiClient, logged, sign_in
from sqlmodel import col, select
from werkzeug.test import TestResponse

from assistance.cli import main
from assistance.db import Database
from assistance.documents.spreadsheet import write_xlsx
from assistance.models import Area

NEW_TOWNSHIP = [
    ["140802201000", "龙居镇"],
    ["140802201001", "龙居村村民委员会"],
    ["140802201002", "东张耿村村民委员会"],
]


def _upload(api: ApiClient, who: str, name: str, content: bytes) -> TestResponse:
    return api.as_(who).post(
        "/api/v1/areas/import",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def areas(db: Database, prefix: str) -> dict[str, tuple[str, str, str | None]]:
    with db.reading() as session:
        found = session.exec(select(Area).where(col(Area.code).startswith(prefix))).all()
        parents = {a.id: a.code for a in session.exec(select(Area)).all()}
        return {a.code: (a.name, a.level, parents.get(a.parent_id)) for a in found}


def test_the_bureaus_list_creates_a_township_and_its_villages(db: Database, api: ApiClient) -> None:
    # The sheet as the statistics bureau exports it: a title row, then the header.
    sheet = write_xlsx("2025年统计用区划代码", ["统计用区划代码", "名称"], NEW_TOWNSHIP)
    done = _upload(api, "admin", "区划.xlsx", sheet)
    assert done.status_code == 200, done.json
    assert done.json == {"rows": 3, "created": 3, "renamed": 0, "unchanged": 0}
    assert areas(db, "140802201") == {
        "140802201": ("龙居镇", "township", "140802"),
        "140802201001": ("龙居村村民委员会", "village", "140802201"),
        "140802201002": ("东张耿村村民委员会", "village", "140802201"),
    }
    renamed = [row if row[0] != "140802201002" else [row[0], "东张耿村"] for row in NEW_TOWNSHIP]
    again = _upload(api, "admin", "区划.xlsx", write_xlsx("区划", ["区划代码", "名称"], renamed))
    assert again.json == {"rows": 3, "created": 0, "renamed": 1, "unchanged": 2}
    (event, *_) = logged(db, "areas_imported")
    assert event.detail["created"] == 3


def test_a_wrong_row_imports_nothing_and_every_problem_is_named(db: Database, api: ApiClient) -> None:
    rows = "".join(
        f"{line}\n"
        for line in ("区划代码,名称", "140802202000,新镇", "14080220200,坏代码", "140802203001,孤村",
                     "140802202000,重复", "610102000000,西安")
    )  # fmt: skip
    refused = _upload(api, "admin", "区划.csv", rows.encode("gb18030"))
    assert refused.status_code == 422
    problems = {e["field"]: e["message"] for e in refused.json["errors"]}
    assert set(problems) == {"rows[3].code", "rows[4].code", "rows[5].code", "rows[6].code"}
    assert "6、9或12位数字" in problems["rows[3].code"]
    assert "140802203" in problems["rows[4].code"]
    assert "与第2行区划代码重复" in problems["rows[5].code"]
    assert "不是运城市的县" in problems["rows[6].code"]
    assert areas(db, "140802202") == {}


def test_only_the_administrator_imports(api: ApiClient) -> None:
    for who in ("yanhu", "beicheng"):
        assert _upload(api, who, "区划.csv", b"\x00" * 100).status_code == 403


def test_the_page_and_the_console_import(
    app: Flask, db: Database, database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin, _ = sign_in(app, "admin")
    form = admin.get("/admin/areas").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None and "导入区划表" in form
    sheet = write_xlsx("区划", ["区划代码", "名称"], NEW_TOWNSHIP[:2])
    posted = admin.post(
        "/admin/areas/import",
        data={"csrf_token": token.group(1), "file": (io.BytesIO(sheet), "区划.xlsx")},
        content_type="multipart/form-data",
    )
    assert posted.status_code == 302
    assert "新增2个" in admin.get("/admin/areas").get_data(as_text=True)

    table = tmp_path / "区划.csv"
    table.write_text("区划代码,名称\n140802201002,东张耿村村民委员会\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", database)
    result = CliRunner().invoke(main, ["areas", "import", str(table)])
    assert result.exit_code == 0 and "新增1个" in result.output, result.output
    assert len(areas(db, "140802201")) == 3
    bad = tmp_path / "坏.csv"
    bad.write_text("区划代码,名称\n1408,x\n", encoding="utf-8")
    failed = CliRunner().invoke(main, ["areas", "import", str(bad)])
    assert failed.exit_code == 2 and "第2行" in failed.output
