"""Yuncheng's county-level units, read from ``rules/data/counties.toml``."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Final

_FILE = Path(__file__).parent / "data" / "counties.toml"

with _FILE.open("rb") as _handle:
    COUNTIES: Final[dict[str, str]] = dict(tomllib.load(_handle)["counties"])

CITY_PREFIX: Final = "1408"  # 运城市
PROVINCE_PREFIX: Final = "14"  # 山西省
