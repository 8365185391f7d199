"""The parameters in force on a date, per county and area, each with its source document: the
same table the rules engine decides with (``assistance.parameters.parameter_table``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from assistance.db import Database
from assistance.parameters import parameter_table
from rules.counties import COUNTIES
from rules.parameters import ParameterError, ParameterValue

AREAS = ("urban", "rural")


@dataclass(frozen=True, slots=True)
class Row:
    county: str
    county_name: str
    by_area: dict[str, ParameterValue | None]

    @property
    def same_for_both(self) -> bool:
        urban, rural = self.by_area["urban"], self.by_area["rural"]
        return urban is not None and urban is rural

    @property
    def sources(self) -> list[ParameterValue]:
        """The values behind the row, one per source document."""
        found: dict[str, ParameterValue] = {}
        for value in self.by_area.values():
            if value is not None:
                found.setdefault(value.source, value)
        return list(found.values())


def parameters_in_force(db: Database, on: date, county: str | None = None) -> dict[str, Any]:
    try:
        with db.reading() as session:
            table = parameter_table(session=session)
    except ParameterError as exc:
        return {"kinds": [], "error": str(exc), "counties": COUNTIES}
    codes = [county] if county in COUNTIES else sorted(COUNTIES)
    kinds = []
    for kind in table.kinds:
        rows = []
        unit = ""
        for code in codes:
            by_area: dict[str, ParameterValue | None] = {}
            for area in AREAS:
                try:
                    value = table.resolve(kind, code, area, on)
                except ParameterError:
                    by_area[area] = None
                else:
                    by_area[area] = value
                    unit = unit or value.unit
            rows.append(Row(code, COUNTIES[code], by_area))
        kinds.append({"kind": kind, "title": table.title(kind), "unit": unit, "rows": rows})
    return {"kinds": kinds, "error": "", "counties": COUNTIES}
