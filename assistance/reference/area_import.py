"""Importing the 区划 list: counties, townships (streets) and villages (communities) with their
统计用区划代码, from a CSV or XLSX table, instead of adding them one by one.

Codes nest: a county has 6 digits, a township 9 and a village 12, each beginning with its
parent's. The statistics bureau's list writes every code in 12 digits (140802000000 for a county,
140802001000 for a township); those are read as the shorter codes they stand for. A parent must
already exist or come in the same file, in any order.

Like the agency lists (``intake.imports``), every row is checked and nothing is written while any
row is wrong; the answer names every problem with its row. Importing the same list again changes
nothing; a code whose name differs is renamed (villages are renamed and merged over the years).
One security-log event records the import with its counts.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Final

from sqlmodel import select

from assistance import security_log
from assistance.access import actor_for, require
from assistance.db import Database
from assistance.errors import FieldProblem, InvalidInput
from assistance.models import Area
from assistance.models.areas import COUNTY, TOWNSHIP, VILLAGE
from assistance.uploaded_tables import Row, read_table
from rules.counties import COUNTIES

HEADERS: Final = {
    "区划代码": "code",
    "统计用区划代码": "code",
    "代码": "code",
    "名称": "name",
    "区划名称": "name",
    "单位名称": "name",
}
REQUIRED: Final = ("code", "name")
LABELS: Final = {"code": "区划代码", "name": "名称"}
LEVEL_BY_LENGTH: Final = {6: COUNTY, 9: TOWNSHIP, 12: VILLAGE}
_DIGITS = re.compile(r"^\d+$")


def _code(raw: str) -> str:
    """A 12-digit code of a county or township as the shorter code it stands for."""
    code = raw.strip()
    if len(code) == 12 and code.endswith("000000"):
        return code[:6]
    if len(code) == 12 and code.endswith("000"):
        return code[:9]
    return code


def _parent_code(code: str) -> str | None:
    """A township's county, a village's township; a county has none."""
    return {9: code[:6], 12: code[:9]}.get(len(code))


def _checked(rows: list[Row], known: dict[str, Area]) -> tuple[list[dict[str, str]], list[FieldProblem]]:
    problems: list[FieldProblem] = []
    found: list[dict[str, str]] = []
    in_file: dict[str, int] = {}
    for row in rows:
        where, code, name = f"第{row.number}行", _code(row.values.get("code", "")), row.values.get("name", "")
        before = len(problems)
        if not _DIGITS.match(code) or len(code) not in LEVEL_BY_LENGTH:
            problems.append(FieldProblem(f"rows[{row.number}].code", f"{where}：区划代码应为6、9或12位数字"))
        elif code[:6] not in COUNTIES:
            problems.append(
                FieldProblem(f"rows[{row.number}].code", f"{where}：{code[:6]} 不是运城市的县（市、区）")
            )
        elif code in in_file:
            message = f"{where}：与第{in_file[code]}行区划代码重复"
            problems.append(FieldProblem(f"rows[{row.number}].code", message))
        if not name or len(name) > 60:
            problems.append(FieldProblem(f"rows[{row.number}].name", f"{where}：名称必填，不超过60字"))
        if len(problems) == before:
            in_file[code] = row.number
            found.append(
                {"code": code, "name": name, "level": LEVEL_BY_LENGTH[len(code)], "row": str(row.number)}
            )
    for item in found:
        parent = _parent_code(item["code"])
        if parent is not None and parent not in in_file and parent not in known:
            number = item["row"]
            message = f"第{number}行：上级区域 {parent} 既不在系统中，也不在本表中"
            problems.append(FieldProblem(f"rows[{number}].code", message))
    return found, problems


def import_areas(db: Database, user_id: int | None, filename: str, content: bytes) -> dict[str, Any]:
    """Create and rename areas from the table. ``user_id`` None is the operator at the console."""
    if user_id is not None:
        # Who may import is known before a byte of the file is read.
        with db.reading() as session:
            require(actor_for(session, user_id), "manage_areas")
    rows = read_table(filename, content, HEADERS, REQUIRED, LABELS)
    with db.transaction() as session:
        actor = None
        if user_id is not None:
            actor = actor_for(session, user_id)
            require(actor, "manage_areas")
        known = {a.code: a for a in session.exec(select(Area)).all()}
        found, problems = _checked(rows, known)
        if problems:
            raise InvalidInput(f"区划表有{len(problems)}处错误，未导入任何一行；请更正后重新上传", problems)
        created = renamed = 0
        # Parents first: counties, then townships, then villages.
        for item in sorted(found, key=lambda i: len(i["code"])):
            existing = known.get(item["code"])
            if existing is not None:
                if existing.name != item["name"]:
                    existing.name = item["name"]
                    renamed += 1
                continue
            parent = known.get(_parent_code(item["code"]) or "")
            area = Area(
                code=item["code"],
                name=item["name"],
                level=item["level"],
                parent_id=parent.id if parent is not None else None,
                county_code=item["code"][:6],
            )
            session.add(area)
            session.flush()
            known[area.code] = area
            created += 1
        summary = {
            "rows": len(rows),
            "created": created,
            "renamed": renamed,
            "unchanged": len(rows) - created - renamed,
        }
        security_log.record(
            session,
            "areas_imported",
            actor=actor,
            subject="area",
            detail={**summary, "filename": filename[:200], "sha256": hashlib.sha256(content).hexdigest()}
            | ({} if actor else {"via": "命令行"}),
        )
        return summary


__all__ = ["import_areas"]
