"""Every act of the two procedures, declared once: what it takes, what it writes, what it issues.

The workflow tables (``assistance.workflow``) say when an act may be done and by whom; this
table, keyed by the same action, says what doing it means. The service validates an act's body
with ``payload``, runs ``effect`` to write its records, and issues ``issues`` in the same
transaction (``cases.transitions``); the API's OpenAPI documents the same schema for each action
and procedure, and the pages draw their forms from it. Adding an act is its workflow row and its
entry here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from assistance.cases import effects as e
from assistance.cases import payloads as p
from assistance.cases.effects import Effect
from assistance.cases.payloads import ActionSchema
from assistance.workflow import WORKFLOWS

EDGE = "dibao_edge"
ILLNESS = "illness_poverty"


@dataclass(frozen=True)
class Act:
    action: str
    # The body the act takes: one schema for both procedures, or one per procedure.
    payload: type[ActionSchema] | Mapping[str, type[ActionSchema]]
    # The records it writes besides the state change and the audit event.
    effect: Effect
    # The documents it issues, per procedure, in the order they are issued.
    issues: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def payload_for(self, procedure: str) -> type[ActionSchema]:
        if isinstance(self.payload, Mapping):
            return self.payload[procedure]
        return self.payload

    def documents_for(self, procedure: str) -> tuple[str, ...]:
        return self.issues.get(procedure, ())


def _table(*acts: Act) -> dict[str, Act]:
    table = {act.action: act for act in acts}
    if len(table) != len(acts):
        raise ValueError("an act is declared twice")
    return table


# fmt: off
ACTS: Final[dict[str, Act]] = _table(
    # 一次性告知 (64号 第十七条, 65号 第十四条)
    Act("request_materials", p.RequestMaterials, e.request_materials,
        {EDGE: ("edge_materials",), ILLNESS: ("illness_materials",)}),
    Act("resubmit_materials", p.ResubmitMaterials, e.resubmit_materials),
    # 申请书、核对授权书、书面承诺 (64号 第十七条); 附件1, first version (65号 第十二条、第十四条)
    Act("accept", ActionSchema, e.accept, {EDGE: ("edge_application",), ILLNESS: ("illness_form",)}),
    Act("request_information_check", ActionSchema, e.request_check),
    Act("start_investigation", ActionSchema, e.request_check),
    Act("record_check_qualified", p.CheckResult, e.check_result("qualified")),
    # 及时告知 (64号 第二十条, 65号 第十五条)
    Act("record_check_not_qualified", p.CheckNotQualified, e.check_result("not_qualified"),
        {EDGE: ("edge_not_qualified",), ILLNESS: ("illness_not_qualified",)}),
    Act("find_not_eligible", p.OpinionSchema, e.find_not_eligible,
        {EDGE: ("edge_not_qualified",), ILLNESS: ("illness_not_qualified",)}),
    Act("raise_objection", p.Objection, e.raise_objection),
    Act("recheck_upheld", p.RecheckResult, e.recheck("approve")),
    # 复查维持 (64号 第二十条, 65号 第十五条)
    Act("recheck_rejected", p.RecheckResult, e.recheck("reject"),
        {EDGE: ("edge_refusal",), ILLNESS: ("illness_refusal", "illness_form")}),
    # 异议期满 (64号 第二十条, 65号 第十五条)
    Act("close_not_qualified", p.CloseNotQualified, e.close_not_qualified,
        {EDGE: ("edge_refusal",), ILLNESS: ("illness_refusal", "illness_form")}),
    Act("record_investigation", p.Investigation, e.record_investigation),
    # 拟纳入公示 (64号 第二十二条); 附件2, and 初审意见 on 附件1 (65号 第十六条)
    Act("start_publicity", p.PublicityWithOpinion, e.start_publicity,
        {EDGE: ("edge_township_publicity",), ILLNESS: ("illness_publicity", "illness_form")}),
    # 简化程序公示 (64号 第十五条)
    Act("start_simplified_publicity", p.Publicity, e.start_simplified_publicity,
        {EDGE: ("edge_township_publicity",)}),
    Act("record_objection", p.Objection, e.record_objection),
    Act("close_publicity", ActionSchema, e.close_publicity),
    Act("close_publicity_disputed", ActionSchema, e.close_publicity),
    Act("record_appraisal", p.Appraisal, e.record_appraisal),
    Act("give_initial_opinion", p.InitialOpinion, e.give_initial_opinion),
    Act("refer_direct", p.Reasons, e.refer_direct),
    # 64号 第二十三条: a confirmed family is publicised again (确认后公示); 65号 第十七条: 附件3,
    # and 审核意见 on 附件1.
    Act("confirm", {EDGE: p.ConfirmWithPublicity, ILLNESS: p.OpinionSchema}, e.confirm,
        {EDGE: ("edge_county_publicity",), ILLNESS: ("illness_recognition", "illness_form")}),
    # 直接认定、简化程序 (64号 第十五条)
    Act("confirm_without_publicity", p.OpinionSchema, e.confirm_without_publicity,
        {EDGE: ("edge_recognition",)}),
    # 书面说明理由 (64号 第二十三条); 附件4 (65号 第十七条、第二十四条)
    Act("refuse", p.OpinionSchema, e.refuse,
        {EDGE: ("edge_refusal",), ILLNESS: ("illness_refusal", "illness_form")}),
    # 认定 (64号 第二十三条)
    Act("close_county_publicity", ActionSchema, e.close_county_publicity, {EDGE: ("edge_recognition",)}),
    Act("reopen_review", ActionSchema, e.close_publicity),
    Act("recheck_continue", p.PeriodicRecheck, e.periodic_recheck("continue")),
    Act("recheck_exit", p.OpinionSchema, e.periodic_recheck("exit")),
    # 定期核查后退出 (64号 第二十六条)
    Act("confirm_exit", p.OpinionSchema, e.exit_decision("reject"), {EDGE: ("edge_exit",)}),
    Act("keep_recognised", p.PeriodicRecheck, e.exit_decision("approve")),
    Act("suspend", p.Ground, e.suspend),
    Act("resume", ActionSchema, e.resume),
    Act("terminate", p.Ground, e.terminate),
    Act("extend", p.Extend, e.extend),
    Act("withdraw", p.Withdraw, e.withdraw),
    Act("deliver_notice", p.DeliverNotice, e.deliver_notice),
)
# fmt: on


def act_of(procedure: str, action: str) -> Act | None:
    """The act, if ``procedure`` has it."""
    return ACTS.get(action) if WORKFLOWS[procedure].has_action(action) else None


__all__ = ["ACTS", "Act", "act_of"]
