"""Rows both procedures share: the material check, extension, termination, withdrawal and the
delivery of notices."""

from __future__ import annotations

from assistance.workflow.guards import NOT_EXTENDED
from assistance.workflow.machine import APPLICANT, COUNTY, TOWNSHIP, VILLAGE, DeadlineSpec, Transition

# 64号 第二十四条, 65号 第十九条: 30 working days from acceptance, at most 45 on a recorded reason.
OVERALL_DAYS = 30
OVERALL_EXTENDED_DAYS = 45

OBJECTION_WINDOW_KIND = "objection_window"
RECHECK_KIND = "recheck"
NOTICE_KIND = "notice"

# Before acceptance there is no procedure to extend.
NOT_YET_ACCEPTED = ("filed", "awaiting_materials")


def materials(procedure: str, article: str) -> tuple[Transition, ...]:
    """65号 第十四条: an incomplete application gets one notice listing every missing material."""
    return (
        Transition("request_materials", "一次性告知补齐材料", ("filed",), "awaiting_materials",
                   (TOWNSHIP,), f"{procedure} {article}、65号 第十四条"),
        Transition("resubmit_materials", "补齐材料后重新提交", ("awaiting_materials",), "filed",
                   (APPLICANT, VILLAGE, TOWNSHIP), f"{procedure} {article}、65号 第十四条"),
    )  # fmt: skip


def tail(
    procedure: str,
    open_states: tuple[str, ...],
    *,
    extend_article: str,
    terminate_article: str,
    notice: DeadlineSpec | None = None,
) -> tuple[Transition, ...]:
    accepted = tuple(s for s in open_states if s not in NOT_YET_ACCEPTED)
    return (
        Transition("extend", "延长办理期限（记录理由）", accepted, None, (TOWNSHIP, COUNTY),
                   f"{procedure} {extend_article}", guards=(NOT_EXTENDED,)),
        Transition("terminate", "终止审核确认程序", open_states, "terminated", (TOWNSHIP, COUNTY),
                   f"{procedure} {terminate_article}"),
        Transition("withdraw", "申请人撤回申请", open_states, "withdrawn", (APPLICANT,),
                   f"{procedure} 第十七条" if procedure == "64号" else f"{procedure} 第十一条"),
        Transition("deliver_notice", "通知书已送达申请人", ("recognised", "refused"), None,
                   (TOWNSHIP, COUNTY), notice.article if notice else f"{procedure} 第二十三条",
                   meets=(NOTICE_KIND,)),
    )  # fmt: skip
