"""Steps for the periodic recheck of recognised families (64号 第二十六条): pure, over the same
household steps as the eligibility features (``features.steps.Scene``)."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from features.steps import Scene
from rules.parsing import parse_case_file
from rules.recheck import RecheckInterval, add_months, recheck_interval


@when("确定定期核查的间隔")
def interval(scene: Scene) -> None:
    assert scene.application_date is not None
    case = parse_case_file(scene.case_file())
    scene.recheck = recheck_interval(case, scene.application_date)


def _found(scene: Scene) -> RecheckInterval:
    found = scene.recheck
    assert isinstance(found, RecheckInterval), "场景应先确定定期核查的间隔"
    return found


@then(parsers.re(r"每(?P<label>年|半年)核查一次"))
def every(scene: Scene, label: str) -> None:
    found = _found(scene)
    assert found.months == (12 if label == "年" else 6), found.explanation
    assert found.article == "64号 第二十六条"


@then(parsers.re(r"下次核查日期为 (?P<day>\d{4}-\d{2}-\d{2})"))
def next_due(scene: Scene, day: str) -> None:
    assert scene.application_date is not None
    assert add_months(scene.application_date, _found(scene).months).isoformat() == day


@then(parsers.re(r"说明中写明“(?P<text>[^”]+)”"))
def explained(scene: Scene, text: str) -> None:
    assert text in _found(scene).explanation, _found(scene).explanation
