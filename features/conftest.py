"""Shared fixtures, the step library, and the guard run before every scenario."""

from __future__ import annotations

import pytest
from _pytest.fixtures import FixtureRequest
from pytest_bdd.parser import Feature, Scenario

from features import declared_steps, document_steps, recheck_steps, steps, workflow_steps
from features.guards import check_scenario
from features.steps import Scene

# pytest-bdd registers each step definition as a fixture of the module that declares it; expose
# the step library's fixtures here so that every feature file bound in this directory sees them.
for _library in (steps, declared_steps, workflow_steps, document_steps, recheck_steps):
    globals().update({name: value for name, value in vars(_library).items() if name.startswith("pytestbdd_")})
procedure_scene = workflow_steps.procedure_scene
document_scene = document_steps.document_scene


@pytest.fixture
def scene() -> Scene:
    return Scene()


def pytest_bdd_before_scenario(request: FixtureRequest, feature: Feature, scenario: Scenario) -> None:
    check_scenario(feature, scenario)
