"""Checks on the feature files and the step library themselves, not on the regulations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_bdd.parser import Feature, FeatureParser, Scenario
from pytest_bdd.steps import StepFunctionContext, step_function_context_registry

from features import declared_steps, document_steps, recheck_steps, steps, workflow_steps
from features.guards import check_scenario

HERE = Path(__file__).parent
FEATURE_FILES = sorted(HERE.glob("*.feature"))


def parse(path: Path) -> Feature:
    return FeatureParser(str(path.parent), path.name).parse()


def rendered(feature: Feature) -> Iterator[Scenario]:
    for template in feature.scenarios.values():
        contexts = [context for examples in template.examples for context in examples.as_contexts()]
        for context in contexts or [{}]:
            yield template.render(context)


def library() -> list[StepFunctionContext]:
    modules = {
        steps.__name__,
        declared_steps.__name__,
        workflow_steps.__name__,
        document_steps.__name__,
        recheck_steps.__name__,
    }
    return [c for c in step_function_context_registry.values() if c.step_func.__module__ in modules]


def test_there_are_feature_files() -> None:
    assert len(FEATURE_FILES) >= 8


@pytest.mark.parametrize("path", FEATURE_FILES, ids=lambda p: p.stem)
def test_feature_file_is_chinese_and_bound(path: Path) -> None:
    assert path.read_text(encoding="utf-8").startswith("# language: zh-CN\n")
    bindings = "".join(p.read_text(encoding="utf-8") for p in HERE.glob("test_*.py"))
    assert f'"{path.name}"' in bindings, f"{path.name} 没有在 features/test_*.py 中用 scenarios(...) 绑定"


@pytest.mark.parametrize("path", FEATURE_FILES, ids=lambda p: p.stem)
def test_every_step_matches_exactly_one_definition(path: Path) -> None:
    definitions = library()
    for scenario in rendered(parse(path)):
        for step in scenario.steps:
            matching = [
                c for c in definitions if c.type in (None, step.type) and c.parser.is_matching(step.name)
            ]
            assert len(matching) == 1, (
                f"{path.name}:{step.line_number} “{step.name}” 匹配 {len(matching)} 个步骤定义："
                f"{[c.step_func.__name__ for c in matching]}"
            )


@pytest.mark.parametrize("path", FEATURE_FILES, ids=lambda p: p.stem)
def test_every_scenario_cites_an_article(path: Path) -> None:
    for scenario in rendered(parse(path)):
        assert re.search(r"6[45]号 第", scenario.name), f"{path.name}: “{scenario.name}” 没有引用条款"


GUARDED = """# language: zh-CN
功能: 守卫自检

  背景:
    假如 当地城市低保标准为每人每月 700.00 元

  场景: 没有步骤的场景（64号 第二条）

  场景: 只有准备、没有断言的场景（64号 第二条）
    假如 申请人王建国，45 周岁
    当 按低保边缘家庭条件认定

  场景: 英文关键字被当成描述的场景（64号 第二条）
    Given 申请人王建国，45 周岁
    那么 认定为低保边缘家庭

  场景: 正常的场景（64号 第二条）
    假如 申请人王建国，45 周岁
    那么 认定为低保边缘家庭
"""


def test_guard_fails_scenarios_that_test_nothing(tmp_path: Path) -> None:
    path = tmp_path / "guarded.feature"
    path.write_text(GUARDED, encoding="utf-8")
    feature = parse(path)
    verdicts: dict[str, str] = {}
    for scenario in rendered(feature):
        try:
            check_scenario(feature, scenario)
        except pytest.fail.Exception as failure:
            verdicts[scenario.name] = str(failure)
        else:
            verdicts[scenario.name] = "ok"
    assert "没有任何步骤" in verdicts["没有步骤的场景（64号 第二条）"]
    assert "没有“那么”步骤" in verdicts["只有准备、没有断言的场景（64号 第二条）"]
    assert "Given" in verdicts["英文关键字被当成描述的场景（64号 第二条）"]
    assert verdicts["正常的场景（64号 第二条）"] == "ok"
