"""The action forms of a case page: one per action the user may take now, generated from the
action's payload schema (``assistance.cases.payloads``), and the actions the user's role could
take but whose conditions are not met yet, greyed out with the reasons."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from assistance.cases.acts import ACTS
from assistance.errors import ServiceError
from assistance.web import forms
from assistance.web.forms import FieldSpec, Problems

# Acts on the procedure itself rather than a step of it: listed apart, under the step forms.
PROCEDURAL = ("suspend", "extend", "terminate", "withdraw")
# Acts that end the case at the user's wish or the office's: the script asks to confirm.
ENDING = ("withdraw", "terminate")


@dataclass(frozen=True)
class Failure:
    """An action whose submission the service refused: its form is shown again, open, with the values
    typed and the messages beside the fields."""

    action: str
    values: MultiDict[str, str]
    problems: Problems


@dataclass
class ActionForm:
    action: str
    name: str
    article: str
    target: str | None
    allowed: bool
    blocked_by: list[str]
    specs: list[FieldSpec]
    values: MultiDict[str, str] = field(default_factory=MultiDict)
    problems: Problems = field(default_factory=Problems)
    procedural: bool = False
    ending: bool = False
    open: bool = False


def specs_for(detail: dict[str, Any], action: str, evidence: Iterable[tuple[str, str]]) -> list[FieldSpec]:
    return forms.schema_specs(ACTS[action].payload_for(detail["procedure"])(), evidence)


def payload(specs: Iterable[FieldSpec], form: MultiDict[str, str]) -> dict[str, Any]:
    return forms.payload_from(specs, form)


def problems(error: ServiceError, specs: Iterable[FieldSpec]) -> Problems:
    names = {s.name for s in specs}
    return forms.problems_from(error, forms.list_item_input, names)


def forms_for(
    detail: dict[str, Any], evidence: list[tuple[str, str]], failed: Failure | None
) -> list[ActionForm]:
    out = []
    for available in detail["available_actions"]:
        action = available["action"]
        specs = specs_for(detail, action, evidence) if available["allowed"] else []
        form = ActionForm(
            action=action,
            name=available["name"],
            article=available["article"],
            target=available["target"],
            allowed=available["allowed"],
            blocked_by=list(available["blocked_by"]),
            specs=specs,
            procedural=action in PROCEDURAL,
            ending=action in ENDING,
        )
        if failed is not None and failed.action == action:
            form.values, form.problems, form.open = failed.values, failed.problems, True
        out.append(form)
    return out
