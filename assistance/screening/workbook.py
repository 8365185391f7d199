"""A saved what-if's result as XLSX: the households that enter, leave or could not be decided, each
with its county, township, area, persons and the explained engine's reasons (with articles).
Once the retention period has deleted that list, the counts by county, township and area, which
stay, under a title that says so."""

from __future__ import annotations

import hashlib
from typing import Any

from assistance.db import Database
from assistance.documents.issued import DocumentFile
from assistance.documents.spreadsheet import Cell, write_xlsx
from assistance.screening.results import AREA_TITLES, CATEGORY_TITLES
from assistance.screening.runs import workbook_rows
from rules.counties import COUNTIES

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = (
    "变化", "案件编号", "申请人", "县（市、区）", "乡镇（街道）", "城乡", "人数",
    "现行参数下结论", "测算参数下结论", "测算参数下人均月收入（元）", "原因（条款）",
)  # fmt: skip
COUNTED = ("entering", "leaving", "staying", "outside", "undetermined")
COUNT_HEADERS = (
    "县（市、区）", "乡镇（街道）", "城乡",
    *(f"{CATEGORY_TITLES[c]}（{unit}）" for c in COUNTED for unit in ("户", "人")),
)  # fmt: skip


def _reasons(decision: dict[str, Any] | None) -> str:
    if not decision:
        return ""
    failed = decision.get("failed") or []
    return "；".join(f"{f['title']}（{f['article']}）：{f['explanation']}" for f in failed) or decision.get(
        "summary", ""
    )


def _row(item: dict[str, Any], townships: dict[int, str]) -> list[Cell]:
    baseline, reform = item.get("baseline") or {}, item.get("reform") or {}
    # Who leaves reads why under the reform; who enters, why they were out before.
    reasons = _reasons(reform if item["category"] == "leaving" else baseline)
    return [
        CATEGORY_TITLES[item["category"]],
        item.get("number") or "",
        item.get("applicant") or "",
        COUNTIES.get(item["county"], item["county"]),
        townships.get(item["township"], str(item["township"])),
        AREA_TITLES.get(item["area"], item["area"]),
        item["persons"],
        baseline.get("summary") or baseline.get("outcome", ""),
        reform.get("summary") or reform.get("outcome", ""),
        reform.get("per_capita_monthly") or "",
        reasons,
    ]


def _counts(group: dict[str, Any]) -> list[Cell]:
    return [n for c in COUNTED for n in (group["households"][c], group["persons"][c])]


def _count_rows(result: dict[str, Any]) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        [g["county_name"], g["township_name"], g["area_name"], *_counts(g)] for g in result.get("groups", [])
    ]
    return [*rows, ["合计", "", "", *_counts(result["totals"])]] if "totals" in result else rows


def what_if_workbook(db: Database, user_id: int, run_id: int) -> DocumentFile:
    run, items = workbook_rows(db, user_id, run_id)
    townships = {g["township"]: g["township_name"] for g in run["result"].get("groups", [])}
    changes = "，".join(f"{k} = {v}" for k, v in run["changes"].items())
    title = f"政策测算：{run['name']}（{changes}，{run['effective_on']} 起；仅供研究，不作为认定依据）"
    if run["changes_pruned_note"]:
        title = f"{title}。{run['changes_pruned_note']}下表为统计数字"
        content = write_xlsx(title, COUNT_HEADERS, _count_rows(run["result"]), sheet_name="统计数字")
    else:
        content = write_xlsx(title, HEADERS, (_row(i, townships) for i in items), sheet_name="变化家庭")
    return DocumentFile(f"政策测算-{run_id}.xlsx", MEDIA_TYPE, content, hashlib.sha256(content).hexdigest())


__all__ = ["MEDIA_TYPE", "what_if_workbook"]
