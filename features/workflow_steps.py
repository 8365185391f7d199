"""Steps for the procedures' state machines: the declared tables, their guards and deadlines.

Pure: the scenarios read ``assistance.workflow`` and ``assistance.workdays`` directly, with the
facts of a case stated step by step, so they check exactly what the service enforces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Final

import pytest
from pytest_bdd import given, parsers, then, when

from assistance.workdays import WorkingDayCalendar
from assistance.workflow import WORKFLOWS
from assistance.workflow.facts import CaseFacts, PublicityFacts
from assistance.workflow.machine import Transition, Workflow

PROCEDURES: Final = {"低保边缘家庭": "dibao_edge", "因病致贫重病患者": "illness_poverty"}
ROLES: Final = {
    "申请人": "applicant",
    "村（居）民委员会": "village",
    "乡镇工作人员": "township",
    "县级民政部门工作人员": "county",
}
PATHS: Final = {"一般程序": "standard", "直接认定": "direct", "简化程序": "simplified", "不符合": None}


@dataclass
class ProcedureScene:
    workflow: Workflow | None = None
    state: str = ""
    today: date = date(2025, 1, 1)
    publicity: PublicityFacts | None = None
    objections_total: int = 0
    information_check: str | None = None
    investigations: int = 0
    county_verifications: int = 0
    due: dict[str, date] = field(default_factory=dict)
    delegated: bool = False
    engine_path: str | None = "standard"
    extended: bool = False
    accepted_on: date | None = None
    outcome: str = ""
    refusals: list[str] = field(default_factory=list)
    due_on: date | None = None
    warning: str = ""

    @property
    def flow(self) -> Workflow:
        assert self.workflow is not None, "场景应先说明程序"
        return self.workflow

    def facts(self) -> CaseFacts:
        path = self.engine_path
        return CaseFacts(
            procedure=self.flow.procedure,
            state=self.state,
            today=self.today,
            filing_channel="self",
            proxy_authorisation="",
            economic_check_authorised=True,
            commitment_signed=True,
            extended=self.extended,
            entered_state_on=self.today,
            investigations_since_entered=self.investigations,
            county_verifications_since_entered=self.county_verifications,
            information_check=self.information_check,
            open_publicity=self.publicity,
            publicity_objections_total=self.objections_total,
            due=dict(self.due),
            engine_path=lambda: path,
        )


@pytest.fixture
def procedure_scene() -> ProcedureScene:
    return ProcedureScene()


def _day(text: str) -> date:
    return date.fromisoformat(text.strip())


def _state_id(workflow: Workflow, name: str) -> str:
    for state in workflow.states:
        if state.name == name:
            return state.id
    raise AssertionError(f"{workflow.name}没有“{name}”状态；有：{[s.name for s in workflow.states]}")


def _transition(workflow: Workflow, state: str, name: str) -> Transition | None:
    for t in workflow.from_state(state):
        if t.name == name:
            return t
    return None


@given(parsers.parse("一件{procedure}认定案件处于“{state}”状态"))
def case_in_state(procedure_scene: ProcedureScene, procedure: str, state: str) -> None:
    procedure_scene.workflow = WORKFLOWS[PROCEDURES[procedure]]
    procedure_scene.state = _state_id(procedure_scene.flow, state)


@given(parsers.parse("今天是 {day}"))
def today_is(procedure_scene: ProcedureScene, day: str) -> None:
    procedure_scene.today = _day(day)


@given(parsers.parse("公示自 {start} 开始，至 {end} 届满"))
def publicity_running(procedure_scene: ProcedureScene, start: str, end: str) -> None:
    procedure_scene.publicity = PublicityFacts("township", 1, _day(start), _day(end), 0)


@given(parsers.parse("公示期间收到 {count:d} 件异议"))
def objections(procedure_scene: ProcedureScene, count: int) -> None:
    assert procedure_scene.publicity is not None
    p = procedure_scene.publicity
    procedure_scene.publicity = PublicityFacts(p.stage, p.round, p.starts_on, p.ends_on, count)
    procedure_scene.objections_total += count


@given(parsers.parse("此前的公示中共收到 {count:d} 件异议"))
def earlier_objections(procedure_scene: ProcedureScene, count: int) -> None:
    procedure_scene.objections_total = count


@given(parsers.parse("县级信息核对结果为“{result}”"))
def check_result(procedure_scene: ProcedureScene, result: str) -> None:
    procedure_scene.information_check = {"符合": "qualified", "不符合": "not_qualified"}[result]


@given(parsers.parse("本阶段已记录 {count:d} 次调查核实"))
def investigations(procedure_scene: ProcedureScene, count: int) -> None:
    procedure_scene.investigations = count


@given(parsers.parse("县级民政部门已入户核查 {count:d} 次"))
def county_checks(procedure_scene: ProcedureScene, count: int) -> None:
    procedure_scene.county_verifications = count
    procedure_scene.investigations += count


@given(parsers.parse("异议期至 {day} 届满"))
def objection_window(procedure_scene: ProcedureScene, day: str) -> None:
    procedure_scene.due["objection_window"] = _day(day)


@given("该县已将审核确认权限下放乡镇")
def delegated(procedure_scene: ProcedureScene) -> None:
    procedure_scene.delegated = True


@given(parsers.parse("规则引擎按现有案卷的结论为“{path}”"))
def engine_says(procedure_scene: ProcedureScene, path: str) -> None:
    procedure_scene.engine_path = PATHS[path]


@given("办理期限已经延长过")
def already_extended(procedure_scene: ProcedureScene) -> None:
    procedure_scene.extended = True


@when(parsers.parse("{role}进行“{action}”"))
def fire(procedure_scene: ProcedureScene, role: str, action: str) -> None:
    scene = procedure_scene
    transition = _transition(scene.flow, scene.state, action)
    if transition is None:
        scene.outcome = "not_allowed"
        return
    if ROLES[role] not in scene.flow.roles_for(transition, scene.delegated):
        scene.outcome = "forbidden"
        return
    facts = scene.facts()
    scene.refusals = [reason for guard in transition.guards if (reason := guard.check(facts))]
    if scene.refusals:
        scene.outcome = "refused"
        return
    scene.outcome = "done"
    target = transition.target_for(None)
    if target is not None:
        scene.state = target


@then(parsers.parse("案件进入“{state}”"))
def state_is(procedure_scene: ProcedureScene, state: str) -> None:
    assert procedure_scene.outcome == "done", (procedure_scene.outcome, procedure_scene.refusals)
    assert procedure_scene.flow.state(procedure_scene.state).name == state


@then("操作完成，案件状态不变")
def stays(procedure_scene: ProcedureScene) -> None:
    assert procedure_scene.outcome == "done", (procedure_scene.outcome, procedure_scene.refusals)


@then(parsers.parse("操作被拒绝，理由包含“{text}”"))
def refused(procedure_scene: ProcedureScene, text: str) -> None:
    assert procedure_scene.outcome == "refused", procedure_scene.outcome
    assert any(text in reason for reason in procedure_scene.refusals), procedure_scene.refusals


@then("无权进行该操作")
def forbidden(procedure_scene: ProcedureScene) -> None:
    assert procedure_scene.outcome == "forbidden", procedure_scene.outcome


@then("当前状态不能进行该操作")
def not_allowed(procedure_scene: ProcedureScene) -> None:
    assert procedure_scene.outcome == "not_allowed", procedure_scene.outcome


@given(parsers.parse("一件{procedure}认定申请于 {day} 受理"))
def accepted(procedure_scene: ProcedureScene, procedure: str, day: str) -> None:
    procedure_scene.workflow = WORKFLOWS[PROCEDURES[procedure]]
    procedure_scene.accepted_on = _day(day)


@when(parsers.parse("计算“{label}”"))
def compute_deadline(procedure_scene: ProcedureScene, label: str) -> None:
    scene = procedure_scene
    assert scene.accepted_on is not None
    specs = {d.label: d for t in scene.flow.transitions for d in t.starts}
    if label == "延长后的认定办理期限":
        days, working = scene.flow.overall_extended_days, True
    else:
        assert label in specs, f"{scene.flow.name}没有“{label}”；有：{sorted(specs)}"
        days, working = specs[label].days, specs[label].working_days
    calendar = WorkingDayCalendar()
    if working:
        due = calendar.add_working_days(scene.accepted_on, days)
    else:
        due = calendar.add_calendar_days(scene.accepted_on, days)
    scene.due_on, scene.warning = due.due_on, due.warning


@then(parsers.re(r"截止日期为 (?P<day>\d{4}-\d{2}-\d{2})$"))
def due_is(procedure_scene: ProcedureScene, day: str) -> None:
    assert procedure_scene.due_on == _day(day)
    assert procedure_scene.warning == ""


@then(parsers.parse("截止日期为 {day}，并提示“{text}”"))
def due_with_warning(procedure_scene: ProcedureScene, day: str, text: str) -> None:
    assert procedure_scene.due_on == _day(day)
    assert text in procedure_scene.warning, procedure_scene.warning
