"""HTML forms from the services' marshmallow schemas, form values back to payloads, and the
services' field errors placed beside the inputs they are about.

A schema field becomes one input: a choice (``metadata["enum_labels"]``) a select, a list of
choices a group of checkboxes, a date a date input, a flag a checkbox, long text a textarea. The
payload built from the submitted form goes to the same service the REST API calls, whose
validation is the only one; this module never decides what is valid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from marshmallow import Schema, fields, validate
from werkzeug.datastructures import MultiDict

from assistance.errors import ServiceError
from assistance.web import labels

# Text longer than this is a textarea.
SHORT_TEXT = 200

TEXT = "text"
TEXTAREA = "textarea"
SELECT = "select"
CHECKBOXES = "checkboxes"
CHECKBOX = "checkbox"
DATE = "date"
NUMBER = "number"
EVIDENCE = "evidence"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    label: str
    widget: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    max_length: int | None = None


def with_choices(spec: FieldSpec, choices: Iterable[tuple[str, str]]) -> FieldSpec:
    """A spec whose choices are known only with the case (the conditions of its decision)."""
    return replace(spec, choices=tuple(choices))


def criteria_choices(decision: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """The conditions of the engine's decision on the case, each with its article and, where the
    calculation found it not met, saying so: what staff pick from when they refuse."""
    return [
        (
            c["id"],
            f"{c['title']}（{c['article']}）{'：按现有案卷不符合' if c.get('result') == 'fail' else ''}",
        )
        for c in (decision or {}).get("criteria", [])
        if c.get("result") != "not_applicable"
    ]


@dataclass
class Problems:
    """Messages by input name, and those that belong to no input (shown above the form)."""

    message: str = ""
    by_field: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.message or self.by_field or self.general)

    def add(self, name: str | None, message: str) -> None:
        if name:
            self.by_field[name].append(message)
        else:
            self.general.append(message)

    def of(self, name: str) -> list[str]:
        return list(self.by_field.get(name, ()))

    def all(self) -> list[tuple[str | None, str]]:
        """Every message, with its input name where it has one, for the summary above a form."""
        pairs: list[tuple[str | None, str]] = [(None, m) for m in self.general]
        pairs.extend((name, m) for name, messages in self.by_field.items() for m in messages)
        return pairs


def unless_about_the_form(exc: ServiceError) -> None:
    """Re-raise a refusal that no form field can fix (not signed in, not allowed, not found), for
    the error pages; any other is shown beside the form."""
    if exc.status in (401, 403, 404):
        raise exc


def problems_from(
    error: ServiceError, to_input: Callable[[str], str | None] = lambda f: f, known: Iterable[str] = ()
) -> Problems:
    """The service's refusal, each field problem mapped to the input it is about.

    ``to_input`` turns the service's field path (``household.members[1].id_number``) into an
    input name, or None; a problem about no known input is shown above the form with its field's
    Chinese name, so that nothing the service said is lost.
    """
    known_names = set(known)
    problems = Problems(message=error.message)
    for problem in error.errors:
        name = to_input(problem.field)
        if name is not None and (not known_names or name in known_names):
            problems.add(name, problem.message)
        elif problem.field in ("(根)", "guard", "state", "version", ""):
            problems.add(None, problem.message)
        else:
            problems.add(None, f"{labels.field(problem.field)}：{problem.message}")
    return problems


def _max_length(schema_field: fields.Field[Any]) -> int | None:
    for validator in schema_field.validators:
        if isinstance(validator, validate.Length) and validator.max is not None:
            return int(validator.max)
    return None


def _choices(schema_field: fields.Field[Any]) -> tuple[tuple[str, str], ...]:
    enum_labels: Mapping[str, str] = schema_field.metadata.get("enum_labels", {})
    return tuple(enum_labels.items())


def spec_of(
    name: str, schema_field: fields.Field[Any], evidence: Iterable[tuple[str, str]] = ()
) -> FieldSpec:
    description = str(schema_field.metadata.get("description", ""))
    # A field whose name means something else in another act names its own label.
    label = str(schema_field.metadata.get("label", "")) or labels.FIELDS.get(name) or description or name
    hint = description if description and description != label else ""
    required = bool(schema_field.required)
    if isinstance(schema_field, fields.List):
        inner = schema_field.inner
        if isinstance(inner, fields.Integer):
            # Lists of numbers are references to evidence already uploaded to the case.
            return FieldSpec(name, label, EVIDENCE, required, tuple(evidence), hint)
        return FieldSpec(name, label, CHECKBOXES, required, _choices(inner), hint)
    if isinstance(schema_field, fields.Boolean):
        return FieldSpec(name, label, CHECKBOX, required, (), hint)
    if isinstance(schema_field, fields.Date):
        return FieldSpec(name, label, DATE, required, (), hint)
    if isinstance(schema_field, fields.Integer):
        return FieldSpec(name, label, NUMBER, required, (), hint)
    choices = _choices(schema_field)
    if choices:
        return FieldSpec(name, label, SELECT, required, choices, hint)
    length = _max_length(schema_field)
    widget = TEXTAREA if length is None or length > SHORT_TEXT else TEXT
    return FieldSpec(name, label, widget, required, (), hint, length)


# Fields every action has; shown after the fields particular to the action.
COMMON_LAST = ("on", "note")


def schema_specs(schema: Schema, evidence: Iterable[tuple[str, str]] = ()) -> list[FieldSpec]:
    choices = list(evidence)
    items = list(schema.fields.items())
    ordered = [i for i in items if i[0] not in COMMON_LAST] + [i for i in items if i[0] in COMMON_LAST]
    return [spec_of(name, f, choices) for name, f in ordered if not f.dump_only]


def payload_from(specs: Iterable[FieldSpec], form: MultiDict[str, str]) -> dict[str, Any]:
    """The JSON-shaped payload a service takes, from the submitted form.

    Empty optional inputs are left out, so the schema's defaults apply; anything else goes as
    typed, and the schema says what is wrong with it.
    """
    payload: dict[str, Any] = {}
    for spec in specs:
        if spec.widget == CHECKBOX:
            payload[spec.name] = spec.name in form
        elif spec.widget == CHECKBOXES:
            values = [v for v in form.getlist(spec.name) if v]
            if values or spec.required:
                payload[spec.name] = values
        elif spec.widget == EVIDENCE:
            payload[spec.name] = [int(v) if v.isdigit() else v for v in form.getlist(spec.name) if v]
        elif spec.widget == NUMBER:
            raw = form.get(spec.name, "").strip()
            if raw:
                payload[spec.name] = int(raw) if raw.isdigit() else raw
        else:
            raw = form.get(spec.name, "").strip()
            if raw:
                payload[spec.name] = raw
    return payload


def list_item_input(path: str) -> str:
    """``missing[0]`` → ``missing``: an error about one checked item belongs to its group."""
    return path.split("[", 1)[0]


def values_of(form: MultiDict[str, str] | None) -> dict[str, Any]:
    """Submitted values for re-rendering a form: lists where an input may repeat."""
    if form is None:
        return {}
    return {key: (form.getlist(key) if len(form.getlist(key)) > 1 else form.get(key)) for key in form}
