"""Builders of JSON-shaped case files for the unit tests.

ID numbers are built with an independent implementation of the GB 11643-1999 check character
(ISO 7064 MOD 11-2), so that tests do not rely on the engine's own checksum to make their data.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
LOCAL_PARAMETERS = EXAMPLES / "local-parameters"
SCHEMAS = ROOT / "schemas"

_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]


def check_char(first17: str) -> str:
    remainder = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11
    return "10X98765432"[remainder]


def make_id(born: date, seq: int = 1, region: str = "140802") -> str:
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def member(
    member_id: str,
    relation: str,
    born: date,
    *,
    name: str | None = None,
    seq: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    number = int(member_id.lstrip("m") or "1")
    data: dict[str, Any] = {
        "id": member_id,
        "name": name or f"成员{member_id}",
        "id_number": make_id(born, seq if seq is not None else number),
        "relation": relation,
    }
    data.update(extra)
    return data


def applicant(**extra: Any) -> dict[str, Any]:
    extra.setdefault("hukou_region", "140802")
    return member("m1", "self", date(1980, 3, 15), name="王建国", **extra)


def edge_case(**fields: Any) -> dict[str, Any]:
    """A minimal valid 低保边缘 case: 盐湖区 urban (standard 715.00), one applicant, no income."""
    data: dict[str, Any] = {
        "schema_version": 1,
        "procedure": "dibao_edge",
        "application_date": "2025-03-10",
        "county": "140802",
        "hukou_type": "urban",
        "members": [applicant()],
    }
    data.update(copy.deepcopy(fields))
    return data


def family_of_three(**fields: Any) -> dict[str, Any]:
    members = [
        applicant(),
        member("m2", "spouse", date(1982, 6, 11), name="李秀英"),
        member("m3", "child", date(2012, 9, 1), name="王小明"),
    ]
    return edge_case(members=members, **fields)


def illness_case(**fields: Any) -> dict[str, Any]:
    """A minimal valid 因病致贫 case for 盐湖区 urban, patient m1 with one inpatient stay."""
    data: dict[str, Any] = {
        "schema_version": 1,
        "procedure": "illness_poverty",
        "application_date": "2025-05-20",
        "county": "140802",
        "hukou_type": "urban",
        "patient": "m1",
        "members": [
            applicant(medical_insurance={"scheme": "resident", "region": "140802"}),
        ],
        "medical_expenses": [
            {
                "date": "2024-09-02",
                "type": "inpatient",
                "policy_scope_personal_burden": "38000.00",
                "out_of_pocket": "52000.00",
            }
        ],
    }
    data.update(copy.deepcopy(fields))
    return data


DEMO_PARAMETERS = """
[[entries]]
kind = "minimum_wage"
title = "最低工资标准（月）"
unit = "元/月"
effective_from = 2023-01-01
amount = "1780.00"
source = "测试用数值"

[[entries]]
kind = "medical_assistance_deductible"
title = "因病致贫重病患者医疗救助年度起付标准"
unit = "元/年"
effective_from = 2023-01-01
amount = "10000.00"
source = "测试用数值"
"""


def write_local_parameters(directory: Path, text: str = DEMO_PARAMETERS) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "local.toml").write_text(text, encoding="utf-8")
    return directory
