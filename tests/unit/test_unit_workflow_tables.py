"""The declared state machines are complete: every state reachable, every act implemented."""

from __future__ import annotations

import pytest

from assistance.cases.acts import ACTS
from assistance.documents.notice_kinds import KINDS
from assistance.workflow import WORKFLOWS
from assistance.workflow.machine import Workflow

FLOWS = list(WORKFLOWS.values())


@pytest.mark.parametrize("workflow", FLOWS, ids=lambda w: w.procedure)
def test_every_action_is_declared_as_an_act_with_documents_that_exist(workflow: Workflow) -> None:
    assert set(workflow.actions) <= set(ACTS)
    for action in workflow.actions:
        assert set(ACTS[action].documents_for(workflow.procedure)) <= set(KINDS)


def test_every_act_belongs_to_a_procedure_and_issues_only_for_those_that_have_it() -> None:
    for act in ACTS.values():
        having = {w.procedure for w in FLOWS if w.has_action(act.action)}
        assert having, act.action
        assert set(act.issues) <= having, act.action


@pytest.mark.parametrize("workflow", FLOWS, ids=lambda w: w.procedure)
def test_every_state_is_reachable_from_filing(workflow: Workflow) -> None:
    reached = {workflow.initial}
    frontier = [workflow.initial]
    while frontier:
        state = frontier.pop()
        for t in workflow.from_state(state):
            targets = [s for s in reached if t.returns] if t.returns else [t.target or state]
            for target in targets:
                if target not in reached:
                    reached.add(target)
                    frontier.append(target)
    assert reached == {s.id for s in workflow.states}


@pytest.mark.parametrize("workflow", FLOWS, ids=lambda w: w.procedure)
def test_every_open_state_can_end_and_final_states_only_record(workflow: Workflow) -> None:
    # 64号 第二十六条: after recognition, the periodic recheck may take a family to an exit review;
    # that is dynamic management of a recognised family, not an application to end or withdraw.
    after_recognition = {"exit_review"}
    for state in workflow.open_states:
        if state in after_recognition:
            continue
        actions = {t.action for t in workflow.from_state(state)}
        assert {"terminate", "withdraw"} <= actions, state
    for state in workflow.final_states:
        leaving = {t.action for t in workflow.from_state(state) if t.target is not None}
        assert leaving <= ({"recheck_exit"} if state == "recognised" else set()), (state, leaving)


def test_an_exit_review_ends_in_an_exit_or_the_recognition_kept() -> None:
    flow = WORKFLOWS["dibao_edge"]
    assert {(t.action, t.target) for t in flow.from_state("exit_review")} == {
        ("confirm_exit", "exited"),
        ("keep_recognised", "recognised"),
    }


@pytest.mark.parametrize("workflow", FLOWS, ids=lambda w: w.procedure)
def test_every_transition_cites_its_procedure(workflow: Workflow) -> None:
    prefix = "64号" if workflow.procedure == "dibao_edge" else "65号"
    for t in workflow.transitions:
        assert t.article.startswith(prefix), (t.action, t.article)
        assert t.roles, t.action


def test_only_the_dibao_edge_procedure_suspends() -> None:
    # 64号 第二十七条 "暂缓或者终止"; 65号 第二十一条 only "终止".
    assert WORKFLOWS["dibao_edge"].has_action("suspend")
    assert not WORKFLOWS["illness_poverty"].has_action("suspend")


def test_confirmation_is_delegable_and_nothing_else_is() -> None:
    delegable = {t.action for w in FLOWS for t in w.transitions if t.delegable}
    assert delegable == {
        "confirm",
        "confirm_without_publicity",
        "refuse",
        "close_county_publicity",
        "reopen_review",
        "record_investigation",
        "confirm_exit",
        "keep_recognised",
    }


def test_the_published_tables_match_the_declarations() -> None:
    from pathlib import Path

    from assistance.workflow.document import markdown

    published = Path(__file__).resolve().parents[2] / "docs" / "workflows.md"
    assert published.read_text(encoding="utf-8") == markdown(), "运行 assistance workflows --write"
