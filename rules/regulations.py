"""The regulations applied, read from ``rules/data/regulations.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

_FILE = Path(__file__).parent / "data" / "regulations.toml"


@dataclass(frozen=True, slots=True)
class Regulation:
    number: str
    title: str
    effective_from: date
    valid_until: date | None
    validity_article: str

    def warning_for(self, on: date) -> str | None:
        if on < self.effective_from:
            return f"申请日期早于{self.number}施行日期{self.effective_from.isoformat()}，请确认适用的文件。"
        if self.valid_until is not None and on > self.valid_until:
            return (
                f"{self.number}有效期至{self.valid_until.isoformat()}（{self.validity_article}），"
                "申请日期已超出该有效期，请确认现行有效文件后再作认定。"
            )
        return None


def _load() -> dict[str, Regulation]:
    with _FILE.open("rb") as handle:
        raw = tomllib.load(handle)
    return {
        procedure: Regulation(
            number=entry["number"],
            title=entry["title"],
            effective_from=entry["effective_from"],
            valid_until=entry.get("valid_until"),
            validity_article=entry["validity_article"],
        )
        for procedure, entry in raw.items()
    }


REGULATIONS: Final = _load()
