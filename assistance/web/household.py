"""The household form: members, incomes, assets, medical expenses and county findings as rows
of inputs, read into the rules engine's case-file format (docs/case-file.md) and back.

Inputs are named ``{section}-{row}-{column}`` (``members-0-id_number``) with a ``{section}-count``
hidden field, so the form works without JavaScript: a fixed number of blank rows, and an "add a
row" submit button that comes back with one more. Blank rows are left out; the engine's error
paths (``household.members[1].id_number``) are mapped back to the row the user typed in.
Member ids are ``m1``, ``m2``… by row, so incomes and assets can name their member before any
name is typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from assistance.web.household_form import (
    BY_NAME,
    CHECKBOX,
    ILLNESS_POVERTY,
    MEMBERS,
    NUMBER,
    Column,
    Section,
    sections_for,
    top_fields_for,
)
from rules import declaration as d


def row_count(form: Mapping[str, Any], section: Section) -> int:
    raw = str(form.get(f"{section.name}-count", "") or "")
    count = int(raw) if raw.isdigit() else section.blank_rows
    return max(0, min(count, section.max_rows))


def member_id(row: int) -> str:
    return f"m{row + 1}"


@dataclass
class RowMap:
    """For each section, the form row of each item sent to the service (blank rows are left out)."""

    rows: dict[str, list[int]] = field(default_factory=dict)

    def form_row(self, section: str, index: int) -> int | None:
        found = self.rows.get(section, [])
        return found[index] if index < len(found) else None


def _value(form: Mapping[str, Any], key: str) -> str:
    raw = form.get(key)
    return raw.strip() if isinstance(raw, str) else ""


def _whole(raw: str) -> int | str:
    # The engine wants integers; anything else goes as typed for the engine to name the error.
    return int(raw) if raw.isdigit() else raw


def _cell(column: Column, cells: Mapping[str, str], checked: set[str]) -> Any:
    """A cell's value in the case-file format; None when left empty."""
    if column.widget == CHECKBOX:
        if column.name in checked:
            return True
        # An unticked box means "no" only where "no" is not the default.
        fact = column.fact
        return False if fact is not None and (fact.required or fact.default is True) else None
    raw = cells.get(column.name, "")
    if not raw:
        return None
    return _whole(raw) if column.widget == NUMBER else raw


def _item(
    section: Section, columns: tuple[Column, ...], cells: dict[str, str], checked: set[str], row: int
) -> dict[str, Any]:
    item: dict[str, Any] = {"id": member_id(row)} if section is MEMBERS else {}
    for column in columns:
        value = _cell(column, cells, checked)
        if value is not None:
            d.place(item, column.path, value)
    # Details that mean something only under a condition (support details for a support income)
    # are dropped otherwise: the script hides them, so a kind changed after typing them does not
    # fail the form.
    assert section.record is not None
    for fact in d.facts(section.record):
        if fact.only_when is not None and fact.key in item and not d.holds(fact.only_when, item):
            del item[fact.key]
    return item


def read(form: MultiDict[str, str], procedure: str, *, staff: bool) -> tuple[dict[str, Any], RowMap]:
    """The household in the case-file format (without the case's own fields), and the row map."""
    household: dict[str, Any] = {}
    for top in top_fields_for(procedure):
        value = _value(form, top.name)
        if value:
            d.place(household, top.path, value)
    rowmap = RowMap()
    for section in sections_for(procedure, staff=staff):
        items: list[dict[str, Any]] = []
        taken: list[int] = []
        columns = section.columns_for(procedure)
        for row in range(row_count(form, section)):
            cells = {c.name: _value(form, f"{section.name}-{row}-{c.name}") for c in columns}
            if not any(cells[c.name] for c in columns if c.significant and c.widget != CHECKBOX):
                continue
            checked = {
                c.name for c in columns if c.widget == CHECKBOX and f"{section.name}-{row}-{c.name}" in form
            }
            items.append(_item(section, columns, cells, checked, row))
            taken.append(row)
        rowmap.rows[section.name] = taken
        if items or section is MEMBERS:
            household[section.name] = items
    if procedure == ILLNESS_POVERTY:
        patient = _value(form, "patient")
        if patient:
            household["patient"] = patient
    return household, rowmap


_ROW_PATH = re.compile(r"^household\.([a-z_]+)\[(\d+)\](?:\.(.+))?$")


def input_for(path: str, rowmap: RowMap) -> str | None:
    """The input an error path from the service is about (see the module docstring)."""
    found = _ROW_PATH.match(path)
    if found:
        section_name, index, rest = found.group(1), int(found.group(2)), found.group(3)
        section = BY_NAME.get(section_name)
        row = rowmap.form_row(section_name, index)
        if section is None or row is None:
            return section_name if section else None
        if not rest:
            return f"{section_name}-{row}"
        column = rest.replace(".", "_")
        if section.column(column) is None:
            # ``medical_insurance`` → its first input; ``support`` → the support details.
            column = next((c.name for c in section.columns if c.name.startswith(column + "_")), "")
        return f"{section_name}-{row}-{column}" if column else f"{section_name}-{row}"
    if not path.startswith("household."):
        return None if path == "household" else path
    rest = path.removeprefix("household.").replace(".", "_")
    if rest in BY_NAME:
        return rest
    if rest == "monitoring_household":
        return "monitoring_household_category"
    return rest


def known_inputs(procedure: str, form: Mapping[str, Any], *, staff: bool) -> set[str]:
    """Every input name the rendered form has, so that an error never points at nothing."""
    names = {t.name for t in top_fields_for(procedure)} | {"patient"}
    for section in sections_for(procedure, staff=staff):
        names.add(section.name)
        for row in range(row_count(form, section)):
            names.add(f"{section.name}-{row}")
            names.update(f"{section.name}-{row}-{c.name}" for c in section.columns_for(procedure))
    return names


def blank_form(procedure: str, *, staff: bool) -> MultiDict[str, str]:
    """A new form: the default blank rows, the first member the applicant."""
    values: MultiDict[str, str] = MultiDict()
    for top in top_fields_for(procedure):
        if top.default:
            values[top.name] = top.default
    for section in sections_for(procedure, staff=staff):
        values[f"{section.name}-count"] = str(section.blank_rows)
    values["members-0-relation"] = "self"
    if procedure == ILLNESS_POVERTY:
        values["patient"] = member_id(0)
    return values


def with_row_added(form: MultiDict[str, str], section_name: str) -> MultiDict[str, str]:
    values = MultiDict(form)
    section = BY_NAME.get(section_name)
    if section is not None:
        values[f"{section.name}-count"] = str(min(row_count(form, section) + 1, section.max_rows))
    return values


def _flat(prefix: str, data: Mapping[str, Any], values: MultiDict[str, str]) -> None:
    for key, raw in data.items():
        if isinstance(raw, Mapping):
            _flat(f"{prefix}{key}_", raw, values)
        elif isinstance(raw, bool):
            if raw:
                values[f"{prefix}{key}"] = "on"
        elif raw is not None:
            values[f"{prefix}{key}"] = str(raw)


def filled_form(household: Mapping[str, Any], procedure: str, *, staff: bool) -> MultiDict[str, str]:
    """The form for a stored household (``casefiles.household_data``), with one blank row more."""
    values: MultiDict[str, str] = MultiDict()
    members = list(household.get("members", []))
    ids = {str(m.get("id")): member_id(row) for row, m in enumerate(members)}
    for top in top_fields_for(procedure):
        value = _at(household, top.path)
        if value is not None:
            values[top.name] = str(value)
    if household.get("patient"):
        values["patient"] = ids.get(str(household["patient"]), "")
    for section in sections_for(procedure, staff=staff):
        items = list(household.get(section.name, []))
        for row, item in enumerate(items):
            data = dict(item)
            data.pop("id", None)
            for ref in ("member", "owner"):
                if ref in data:
                    data[ref] = ids.get(str(data[ref]), str(data[ref]))
            _flat(f"{section.name}-{row}-", data, values)
        values[f"{section.name}-count"] = str(min(len(items) + 1, section.max_rows))
    return values


def _at(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, Mapping) or key not in data:
            return None
        data = data[key]
    return None if isinstance(data, Mapping) else data


def member_choices(form: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Member pickers: one entry per member row, with the name typed so far."""
    choices = []
    for row in range(row_count(form, MEMBERS)):
        name = _value(form, f"members-{row}-name")
        label = f"成员{row + 1}" + (f"（{name}）" if name else "")
        choices.append((member_id(row), label))
    return choices
