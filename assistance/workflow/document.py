"""The state machines as Markdown tables (docs/workflows.md), generated so they never drift."""

from __future__ import annotations

from assistance.workflow import WORKFLOWS
from assistance.workflow.machine import Workflow

ROLE_NAMES = {"applicant": "申请人", "village": "村（居）委会", "township": "乡镇", "county": "县级"}


def _table(workflow: Workflow) -> list[str]:
    names = {s.id: s.name for s in workflow.states}
    lines = [
        f"## {workflow.name}",
        "",
        "| 操作 | 从 | 到 | 办理 | 依据 | 条件 | 期限 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for t in workflow.transitions:
        sources = "、".join(names[s] for s in t.sources) if len(t.sources) < 5 else "任一未办结状态"
        target = "返回暂缓前状态" if t.returns else (names[t.target] if t.target else "—（状态不变）")
        roles = "、".join(ROLE_NAMES[r] for r in t.roles) + ("（可下放乡镇）" if t.delegable else "")
        guards = "；".join(g.description for g in t.guards) or "—"
        starts = "；".join(
            f"开始：{d.label} {d.days}{'个工作日' if d.working_days else '日'}" for d in t.starts
        )
        meets = "；".join(f"满足：{kind}" for kind in t.meets)
        deadline = "；".join(x for x in (starts, meets) if x) or "—"
        cells = [f"{t.name}（`{t.action}`）", sources, target, roles, t.article, guards, deadline]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        f"整个程序自受理之日起 {workflow.overall.days} 个工作日内办结（{workflow.overall.article}），"
        f"记录理由后可延长至 {workflow.overall_extended_days} 个工作日。",
        "",
    ]
    return lines


def markdown() -> str:
    lines = [
        "# 认定程序状态表",
        "",
        "由 `assistance workflows --write` 从 `assistance/workflow/` 的声明生成，请勿手工修改。",
        "",
    ]
    for workflow in WORKFLOWS.values():
        lines += _table(workflow)
    return "\n".join(lines)
