"""The vocabulary of a procedure's state machine: states, transitions, guards and deadlines.

Each procedure declares its machine as one table (``assistance.workflow.dibao_edge`` and
``assistance.workflow.illness_poverty``); the case service fires transitions by looking them up
here, so what the table says is what the service does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistance.workflow.facts import CaseFacts

# A guard answers None when the transition may fire, or a Chinese sentence saying why not.
GuardCheck = Callable[["CaseFacts"], str | None]

# Who acts. A county's delegation of confirmation (64号 第三十二条, 65号 第二十六条) lets township
# staff fire the transitions marked ``delegable``.
APPLICANT = "applicant"
VILLAGE = "village"
TOWNSHIP = "township"
COUNTY = "county"


@dataclass(frozen=True, slots=True)
class Guard:
    description: str
    check: GuardCheck


@dataclass(frozen=True, slots=True)
class State:
    id: str
    name: str
    final: bool = False
    # Staff work on a case in this state; an applicant's own action is awaited otherwise.
    description: str = ""


@dataclass(frozen=True, slots=True)
class DeadlineSpec:
    """A period a transition starts, counted from the date of the act (the day itself not counted)."""

    kind: str
    label: str
    article: str
    days: int
    working_days: bool = True


@dataclass(frozen=True, slots=True)
class Transition:
    action: str
    name: str
    sources: tuple[str, ...]
    # None: the act is recorded and the case stays where it is.
    target: str | None
    roles: tuple[str, ...]
    article: str
    guards: tuple[Guard, ...] = ()
    delegable: bool = False
    starts: tuple[DeadlineSpec, ...] = ()
    meets: tuple[str, ...] = ()
    # Target ``None`` with ``returns`` set: go back to the state the case was suspended from.
    returns: bool = False

    def target_for(self, suspended_from: str | None) -> str | None:
        return suspended_from if self.returns else self.target


@dataclass(frozen=True)
class Workflow:
    procedure: str
    name: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    initial: str
    # The whole procedure's limit from acceptance, and its extended limit.
    overall: DeadlineSpec
    overall_extended_days: int
    _states: dict[str, State] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_states", {s.id: s for s in self.states})
        for t in self.transitions:
            for source in t.sources:
                if source not in self._states:
                    raise ValueError(f"{self.procedure}: {t.action} from unknown state {source}")
            if t.target is not None and t.target not in self._states:
                raise ValueError(f"{self.procedure}: {t.action} to unknown state {t.target}")
        actions = [(t.action, s) for t in self.transitions for s in t.sources]
        if len(actions) != len(set(actions)):
            raise ValueError(f"{self.procedure}: an action is declared twice for one state")

    def state(self, state_id: str) -> State:
        return self._states[state_id]

    def has_state(self, state_id: str) -> bool:
        return state_id in self._states

    @property
    def open_states(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.states if not s.final)

    @property
    def final_states(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.states if s.final)

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.action for t in self.transitions))

    def transition(self, action: str, state: str) -> Transition | None:
        for t in self.transitions:
            if t.action == action and state in t.sources:
                return t
        return None

    def has_action(self, action: str) -> bool:
        return any(t.action == action for t in self.transitions)

    def from_state(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def roles_for(self, transition: Transition, delegated: bool) -> tuple[str, ...]:
        if transition.delegable and delegated and TOWNSHIP not in transition.roles:
            return (*transition.roles, TOWNSHIP)
        return transition.roles


def states_except(states: Iterable[State], *excluded: str) -> tuple[str, ...]:
    return tuple(s.id for s in states if not s.final and s.id not in excluded)
