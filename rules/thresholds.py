"""The parameters one decision uses, resolved once each for the case's county, area and date,
with the case file's what-if overrides applied, and remembered so the decision can show them."""

from __future__ import annotations

from decimal import Decimal

from rules.casefile import CaseFile
from rules.parameters import ParameterError, ParameterTable, ParameterValue, override, what_if
from rules.reader import CaseFileError, FieldError


class Thresholds:
    # One per decision: no instance dictionary to make, and its attributes read as slots.
    __slots__ = ("_area", "_case", "_county", "_here", "_on", "_overridden", "_resolve", "_table", "used")

    def __init__(self, table: ParameterTable, case: CaseFile) -> None:
        self._table = table
        self._case = case
        self._resolve = table.resolve
        self._county, self._area, self._on = case.county, case.area, case.application_date
        self.used: dict[str, ParameterValue] = {}
        self._overridden = bool(case.parameter_overrides)
        for key in case.parameter_overrides:
            if key.split(".")[0] not in table.kinds:
                raise CaseFileError([FieldError(f"parameter_overrides.{key}", "没有这种参数，无法测算")])
        # The configured values of the case's own county, area and date, shared by every case of
        # that place and day; a what-if value is never put there.
        self._here = table.resolved_at(self._county, self._area, self._on)

    def value(self, kind: str, area: str | None = None) -> ParameterValue:
        if self._overridden:
            resolved = self._with_override(kind, area or self._area)
        elif not area or area == self._area:
            found = self._here.get(kind)
            if found is None:
                found = self._here[kind] = self._resolve(kind, self._county, self._area, self._on)
            resolved = found
        else:
            resolved = self._resolve(kind, self._county, area, self._on)
        self.used[resolved.key] = resolved
        return resolved

    def _with_override(self, kind: str, area: str) -> ParameterValue:
        case = self._case
        wanted = case.parameter_overrides.get(f"{kind}.{area}", case.parameter_overrides.get(kind))
        try:
            resolved = self._table.resolve(kind, case.county, area, case.application_date)
        except ParameterError:
            if wanted is None:
                raise
            title = self._table.title(kind)
            return what_if(kind, title, case.county, area, case.application_date, wanted)
        return resolved if wanted is None else override(resolved, wanted)

    def amount(self, kind: str, area: str | None = None) -> Decimal:
        if not area and not self._overridden:  # the commonest look-up, without another call
            found = self._here.get(kind)
            if found is not None:
                self.used[found.key] = found
                return found.amount
        return self.value(kind, area).amount

    @property
    def may_have_overridden(self) -> bool:
        """Whether a value used may be marked overridden: only a what-if value is, unless the
        table itself holds one."""
        return self._overridden or self._table.holds_overridden

    def to_list(self) -> list[dict[str, object]]:
        return thresholds_to_list(self.used)


def thresholds_to_list(used: dict[str, ParameterValue]) -> list[dict[str, object]]:
    return [
        {
            "key": key,
            "kind": value.kind,
            "title": value.title,
            "amount": str(value.amount),
            "unit": value.unit,
            "county": value.county,
            "area": value.area,
            "effective_from": value.effective_from.isoformat(),
            "source": value.source,
            "overridden": value.overridden,
        }
        for key, value in used.items()
    ]


__all__ = ["ParameterError", "Thresholds"]
