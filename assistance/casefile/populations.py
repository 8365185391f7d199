"""Which cases a population over a county holds, as SQL conditions: declared once for the batch
jobs (``assistance.batch``) and the screening path (``assistance.screening``).

- ``recheck_review`` (64号 第二十六条): the county's recognised 低保边缘家庭;
- ``what_if``: every open case of either procedure and every recognised family.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from sqlalchemy import and_
from sqlmodel import col

from assistance.models import Case
from assistance.workflow import WORKFLOWS


def _recheck_select(county: str) -> Any:
    return and_(
        col(Case.county_code) == county, col(Case.procedure) == "dibao_edge", col(Case.state) == "recognised"
    )


def _what_if_select(county: str) -> Any:
    open_states = {s for w in WORKFLOWS.values() for s in w.open_states}
    return and_(col(Case.county_code) == county, col(Case.state).in_([*open_states, "recognised"]))


SELECT: Final[dict[str, Callable[[str], Any]]] = {
    "recheck_review": _recheck_select,
    "what_if": _what_if_select,
}

__all__ = ["SELECT"]
