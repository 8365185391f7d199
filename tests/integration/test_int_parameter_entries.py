"""Entering a dated parameter value through the API: it is kept in a data file with its source and
decides the cases filed from its effective date, and only then."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from integration_support import ApiClient, errors

from assistance.parameters import ENTRY_DIR_VARIABLE

ROOT = Path(__file__).resolve().parents[2]
NEW_STANDARD = {
    "kind": "dibao_standard",
    "county": "140802",
    "area": "urban",
    "effective_from": "2025-07-01",
    "amount": "760.00",
    "source": "运城市民政局 运城市财政局《关于提高2025年城乡低保标准的通知》（测试用）",
}


@pytest.fixture
def entry_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(ENTRY_DIR_VARIABLE, str(tmp_path / "entered"))
    return tmp_path / "entered"


def standard_used(api: ApiClient, application_date: str) -> dict[str, Any]:
    case_file = json.loads((ROOT / "examples" / "dibao-edge-eligible.json").read_text(encoding="utf-8"))
    case_file["application_date"] = application_date
    response = api.post("yanhu", "/evaluate", case_file)
    assert response.status_code == 200, response.json
    return next(t for t in (response.json or {})["thresholds"] if t["key"] == "dibao_standard.urban")


def test_a_new_standard_applies_from_its_effective_date(api: ApiClient, entry_dir: Path) -> None:
    assert standard_used(api, "2025-09-10")["amount"] == "715.00"
    response = api.post("yanhu", "/parameters", NEW_STANDARD)
    assert response.status_code == 201, response.json
    assert (response.json or {})["amount"] == "760.00"
    text = (entry_dir / "entered.toml").read_text(encoding="utf-8")
    assert 'amount = "760.00"' in text and "yanhu 于" in text

    after = standard_used(api, "2025-09-10")
    assert (after["amount"], after["effective_from"], after["source"]) == (
        "760.00",
        "2025-07-01",
        NEW_STANDARD["source"],
    )
    # An application before the new standard keeps the old one.
    assert standard_used(api, "2025-06-30")["amount"] == "715.00"


def test_bad_values_are_refused_field_by_field_and_nothing_is_written(
    api: ApiClient, entry_dir: Path
) -> None:
    bad = {**NEW_STANDARD, "amount": "76.005", "source": "", "effective_from": "2025-02-30", "kind": "x"}
    response = api.post("admin", "/parameters", bad)
    assert response.status_code == 422
    body = response.json or {}
    assert errors(body, "amount") == ["应为金额，以元为单位，最多两位小数，如 760.00"]
    assert errors(body, "source") and errors(body, "effective_from") and errors(body, "kind")
    assert not (entry_dir / "entered.toml").exists()

    other_county = api.post("yanhu", "/parameters", {**NEW_STANDARD, "county": "140881"})
    assert other_county.status_code == 422
    assert errors(other_county.json or {}, "county") == ["县级工作人员只能录入本县（市、区）的参数"]
    for who in ("beicheng", "wangjianguo", "huaidong"):
        assert api.post(who, "/parameters", NEW_STANDARD).status_code == 403

    assert api.post("admin", "/parameters", NEW_STANDARD).status_code == 201
    twice = api.post("admin", "/parameters", NEW_STANDARD)
    assert twice.status_code == 409
    assert errors(twice.json or {}, "effective_from") == ["同一日期已有数值；标准调整请以新的施行日期录入"]
    assert (entry_dir / "entered.toml").read_text(encoding="utf-8").count("\n[[entries]]\n") == 1
