"""Guards against scenarios that silently test nothing (used by ``conftest.py`` before each scenario)."""

from __future__ import annotations

import re

import pytest
from pytest_bdd.parser import Feature, Scenario, Step

# An English keyword in a `# language: zh-CN` file is not a keyword: the line silently becomes
# description text, and so does a step whose keyword is misspelt.
_STEP_LIKE = re.compile(r"^\s*(Given|When|Then|And|But|\*|假如|假设|假定|当|那么|并且|而且|同时|但是)\s")


def own_steps(scenario: Scenario) -> list[Step]:
    """The scenario's own steps; ``scenario.steps`` also holds the feature's background steps."""
    return [step for step in scenario.steps if step.line_number > scenario.line_number]


def check_scenario(feature: Feature, scenario: Scenario) -> None:
    """Fail a scenario that has no steps of its own, asserts nothing, or hides steps in its description."""
    where = f"{feature.rel_filename}:{scenario.line_number} “{scenario.name}”"
    mine = own_steps(scenario)
    if not mine:
        pytest.fail(f"场景没有任何步骤：{where}", pytrace=False)
    if not any(step.type == "then" for step in mine):
        pytest.fail(f"场景没有“那么”步骤，什么也没有断言：{where}", pytrace=False)
    for text in (feature.description, scenario.description):
        for line in (text or "").splitlines():
            if _STEP_LIKE.match(line):
                pytest.fail(f"描述中有像步骤的行（关键字未被识别）：“{line.strip()}”，{where}", pytrace=False)
