"""Upload quotas (issue 18 item 12): a case holds so much, and an account uploads so much within
an hour; past either the upload is refused with a Chinese message and nothing is stored."""

from __future__ import annotations

import io
from typing import Any

import pytest
from integration_support import HUAIDONG, ApiClient, dibao_edge_household, errors
from sqlmodel import func, select

from assistance.cases import evidence
from assistance.db import Database
from assistance.models import Evidence

MB = 1024 * 1024


def pdf(size: int) -> bytes:
    return b"%PDF-1.4 " + b"0" * (size - 9)


def upload(api: ApiClient, who: str, case_id: int, content: bytes) -> Any:
    body = {"kind": "other", "title": "材料", "file": (io.BytesIO(content), "scan.pdf")}
    return api.as_(who).post(f"/api/v1/cases/{case_id}/evidence", data=body)


def stored(db: Database) -> int:
    with db.reading() as session:
        return int(session.exec(select(func.count()).select_from(Evidence)).one())


def test_a_case_holds_so_much(api: ApiClient, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evidence, "QUOTA", evidence.Quota(case_bytes=3 * MB, case_files=3))
    cid = int(api.file("wangjianguo", "dibao_edge", HUAIDONG, dibao_edge_household())["id"])
    assert upload(api, "wangjianguo", cid, pdf(2 * MB)).status_code == 201
    too_big = upload(api, "wangjianguo", cid, pdf(2 * MB))
    assert too_big.status_code == 422
    assert errors(too_big.json or {}, "file")[0].startswith("本案材料已达上限（共不超过3MB、3个文件）")
    assert upload(api, "beicheng", cid, pdf(1000)).status_code == 201
    assert upload(api, "beicheng", cid, pdf(1000)).status_code == 201
    too_many = upload(api, "beicheng", cid, pdf(1000))
    assert too_many.status_code == 422
    assert stored(db) == 3


def test_an_account_uploads_so_much_an_hour(
    api: ApiClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evidence, "QUOTA", evidence.Quota(user_bytes=3 * MB, user_files=10))
    first = int(api.file("wangjianguo", "dibao_edge", HUAIDONG, dibao_edge_household())["id"])
    second = int(api.file("wangjianguo", "dibao_edge", HUAIDONG, dibao_edge_household("王建国"))["id"])
    assert upload(api, "wangjianguo", first, pdf(2 * MB)).status_code == 201
    refused = upload(api, "wangjianguo", second, pdf(2 * MB))  # another case, the same account
    assert refused.status_code == 429
    assert (refused.json or {})["message"].startswith("上传过于频繁：60分钟内最多上传10个文件、共3MB")
    # Another account is not held back by it.
    assert upload(api, "beicheng", second, pdf(2 * MB)).status_code == 201
    assert stored(db) == 2
