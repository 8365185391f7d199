"""What a guard may look at: the facts of one case at the moment an action is fired."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class PublicityFacts:
    stage: str
    round: int
    starts_on: date
    ends_on: date
    objections: int


@dataclass(slots=True)
class CaseFacts:
    procedure: str
    state: str
    today: date
    filing_channel: str
    proxy_authorisation: str
    economic_check_authorised: bool
    commitment_signed: bool
    extended: bool
    # The date the case entered its current state.
    entered_state_on: date
    # Investigations recorded since the case entered its current state, by level of who recorded.
    investigations_since_entered: int = 0
    county_verifications_since_entered: int = 0
    information_check: str | None = None  # None (not back yet) | qualified | not_qualified
    open_publicity: PublicityFacts | None = None
    # Objections raised in any publicity of this case (64号 第二十三条 looks at all of them).
    publicity_objections_total: int = 0
    # Open deadlines by kind: due date.
    due: dict[str, date] = field(default_factory=dict)
    # The rules engine's path for the case file as it stands ("standard", "direct", "simplified"),
    # or None when not eligible; computed only when a guard asks.
    engine_path: Callable[[], str | None] = lambda: None
