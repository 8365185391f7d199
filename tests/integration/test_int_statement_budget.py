"""Statement budgets: how many SQL statements each kind of request sends, per database.

The per-request speed-ups were won one round trip at a time (the commits' subjects count them:
filing 16 → 9, accept 25 → 18, a kept case page after one statement, the queue one less), and a
round trip added back costs nothing any other test would notice. Each budget is the count on main
when it was set. A request that sends more fails with the statements it ran, to find the new
one; one that sends fewer fails too, so that the budget follows the saving down instead of
leaving room for a later change to spend it unseen.

Counted as ``benchmarks/api_profile.py`` counts: every ``before_cursor_execute`` of the app's
engine, so driver-level BEGIN and COMMIT are not in the counts, and SQLite's larger ones are its
row-by-row INSERTs where PostgreSQL sends one INSERT ... RETURNING per table.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from integration_support import HUAIDONG, ApiClient, dibao_edge_household
from sqlalchemy import event

BUDGETS: dict[str, dict[str, int]] = {
    # With an idempotency key, as a client that may retry sends it (and api_profile.py does):
    # looking the key up is part of the price of a filing.
    # Both open a step's deadline (issue 19): its INSERT and the case's next due date kept from it;
    # accepting also meets the material review's (PostgreSQL sends its two new deadlines as one
    # INSERT).
    "file": {"sqlite": 15, "postgresql": 11},
    "accept": {"sqlite": 20, "postgresql": 19},
    # Read by the county, not by the township whose accept already kept the page for itself.
    "case page built": {"sqlite": 10, "postgresql": 10},
    # The actor with the case's version and revision, read together; nothing else.
    "case page kept": {"sqlite": 1, "postgresql": 1},
    "queue": {"sqlite": 2, "postgresql": 2},
}


@contextmanager
def _statements(app: Flask) -> Iterator[list[str]]:
    """The SQL the app's engine sends inside the block, in order."""
    engine = app.extensions["assistance_db"].engine
    sent: list[str] = []

    def note(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _one_of_each(app: Flask, api: ApiClient) -> dict[str, list[str]]:
    """A case filed, accepted, its page read twice by the county, then the township's queue."""
    sent: dict[str, list[str]] = {}

    def measured(kind: str, request: Callable[[], Any]) -> Any:
        with _statements(app) as statements:
            answer = request()
        sent[kind] = statements
        return answer

    household = dibao_edge_household()
    key = uuid.uuid4().hex
    filed = measured(
        "file", lambda: api.file("wangjianguo", "dibao_edge", HUAIDONG, household, idempotency_key=key)
    )
    case_id = filed["id"]
    accepted = measured("accept", lambda: api.act("beicheng", case_id, "accept"))
    built = measured("case page built", lambda: api.case("yanhu", case_id))
    kept = measured("case page kept", lambda: api.case("yanhu", case_id))
    assert built["version"] == kept["version"] == accepted["version"]
    queue = measured("queue", lambda: api.get("beicheng", "/queue"))
    assert queue.status_code == 200, queue.json
    assert case_id in [line["id"] for line in (queue.json or {})["items"]]
    return sent


def _listing(statements: list[str]) -> str:
    def line(n: int, sql: str) -> str:
        flat = " ".join(sql.split())
        return f"{n:>3}. {flat[:300]}{' …' if len(flat) > 300 else ''}"

    return "\n".join(line(n, sql) for n, sql in enumerate(statements, 1))


@pytest.mark.parametrize("kind", list(BUDGETS))
def test_a_request_sends_the_statements_its_budget_allows(app: Flask, api: ApiClient, kind: str) -> None:
    # Warm-up: every test seeds its database afresh, under a new reference revision, and the first
    # request of a revision reads what the process then keeps for it (the places a filing names,
    # the holiday calendar an act's deadline counts on); the desks' cookies are written with a read
    # of the user too. The first round pays for these once; the second is the steady state.
    _one_of_each(app, api)
    sent = _one_of_each(app, api)[kind]

    dialect = app.extensions["assistance_db"].engine.dialect.name
    budget = BUDGETS[kind][dialect]
    assert len(sent) == budget, (
        f"{kind} on {dialect}: {len(sent)} statements, budget {budget}. "
        + (
            "Fewer: lower the budget to the new count."
            if len(sent) < budget
            else "More: one of these is new; fold it into another or justify a higher budget."
        )
        + "\n"
        + _listing(sent)
    )
