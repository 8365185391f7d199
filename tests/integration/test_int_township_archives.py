"""一户一档 in bulk per township (issue 19): asked for by staff, made by the job queue's task,
downloaded as one ZIP with a folder per case; scoped to the staff's area and logged."""

from __future__ import annotations

import io
import json
import re
import zipfile

from flask import Flask
from integration_support import ApiClient, Clock, dibao_edge_to_investigation, dibao_edge_to_publicity, logged

from assistance.db import Database
from assistance.documents.township_archives import make_export


def test_a_townships_archives_are_made_in_the_background_and_downloaded(
    app: Flask, api: ApiClient, clock: Clock, db: Database
) -> None:
    app.config["JOBS_RUN"] = "none"
    first = dibao_edge_to_publicity(api, clock)
    second = dibao_edge_to_investigation(api, clock)
    asked = api.post("beicheng", "/archive-exports", {})
    assert asked.status_code == 202, asked.json
    export = asked.json or {}
    assert (export["township"], export["status"]) == ("北城街道", "queued")
    early = api.get("beicheng", f"/archive-exports/{export['id']}/file")
    assert early.status_code == 409

    make_export(db, export["id"])
    listed = api.get("beicheng", "/archive-exports").json or {}
    done = listed["items"][0]
    assert (done["status"], done["cases"]) == ("done", 2)
    download = api.get("beicheng", f"/archive-exports/{export['id']}/file")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        names = archive.namelist()
        index = json.loads(archive.read("目录.json"))
    folders = {n.split("/")[0] for n in names if "/" in n}
    numbers = {api.case("beicheng", c)["number"] for c in (first["id"], second)}
    assert folders == numbers
    assert all(f"{n}/清单.json" in names and f"{n}/审计记录.csv" in names for n in numbers)
    assert any(n.startswith(f"{first['number']}/文书/") and n.endswith(".pdf") for n in names)
    assert [c["case"] for c in index["cases"]] == sorted(numbers)
    assert logged(db, "township_archives_requested", "township_archives_exported")


def test_archives_are_exported_only_within_the_staffs_area(api: ApiClient) -> None:
    assert api.post("jiezhou", "/archive-exports", {"township": "140802001"}).status_code == 403
    assert api.post("yongji", "/archive-exports", {"township": "140802001"}).status_code == 403
    assert api.post("huaidong", "/archive-exports", {"township": "140802001"}).status_code == 403
    bad = api.post("yanhu", "/archive-exports", {"township": "999"})
    assert bad.status_code == 422 and "township" in json.dumps(bad.json, ensure_ascii=False)
    county = api.post("yanhu", "/archive-exports", {"township": "140802101"})
    assert county.status_code == 202 and (county.json or {})["township"] == "解州镇"
    assert api.get("jiezhou", "/archive-exports").json == {"items": [county.json]}
    assert api.get("beicheng", "/archive-exports").json == {"items": []}
    assert api.get("beicheng", f"/archive-exports/{(county.json or {})['id']}/file").status_code == 404


def test_the_page_asks_for_a_townships_archives(app: Flask, api: ApiClient, clock: Clock) -> None:
    app.config["JOBS_RUN"] = "inline"
    dibao_edge_to_investigation(api, clock)
    client = api.as_("yanhu")
    page = client.get("/archives")
    assert page.status_code == 200 and "北城街道" in page.text and "解州镇" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    asked = client.post("/archives", data={"township": "140802001", "csrf_token": token.group(1)})
    assert asked.status_code == 302
    listed = client.get("/archives")
    assert "已生成" in listed.text and "下载" in listed.text
