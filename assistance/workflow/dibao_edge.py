"""低保边缘家庭认定 (运民发〔2023〕64号 第十五条至第二十七条) as a state machine.

Read the table top-down: each row is an action, the states it may fire from, the state it leads
to (— : the case stays), who may fire it, the article, its guards and the deadlines it starts.
Periods 64号 leaves open (the applicant's objection window and the recheck) follow the county
practice of 65号 第十五条 (15 and 10 working days); the table says so where it applies them.
"""

from __future__ import annotations

from assistance.workflow import guards as g
from assistance.workflow.common import (
    OBJECTION_WINDOW_KIND,
    OVERALL_DAYS,
    OVERALL_EXTENDED_DAYS,
    RECHECK_KIND,
    materials,
    tail,
)
from assistance.workflow.machine import (
    APPLICANT,
    COUNTY,
    TOWNSHIP,
    VILLAGE,
    DeadlineSpec,
    State,
    Transition,
    Workflow,
    states_except,
)

A = "64号"

STATES = (
    State("filed", "已申请，待材料审查"),
    State("awaiting_materials", "待申请人补齐材料"),
    State("accepted", "已受理，待提请信息核对"),
    State("information_check", "县级信息核对中"),
    State("not_qualified", "审核不符合，已告知申请人（异议期）"),
    State("recheck", "异议复查中"),
    State("investigation", "调查核实中"),
    State("publicity", "村（社区）公示中"),
    State("appraisal", "待民主评议"),
    State("initial_opinion", "待乡镇提出初审意见"),
    State("county_review", "县级审查确认中"),
    State("county_publicity", "确认后村（社区）公示中"),
    State("suspended", "审核确认暂缓"),
    # 64号 第二十六条: a recognised family is checked again; one no longer meeting the conditions
    # is reported to the county, which confirms the exit or keeps the recognition.
    State("exit_review", "定期核查不再符合，待县级确认退出"),
    State("recognised", "已认定为低保边缘家庭", final=True),
    State("refused", "不予认定", final=True),
    State("terminated", "审核确认已终止", final=True),
    State("withdrawn", "申请已撤回", final=True),
    State("exited", "经核查已退出低保边缘家庭", final=True),
)

OVERALL = DeadlineSpec("overall", "认定办理期限", f"{A} 第二十四条", OVERALL_DAYS)
_BY_ANALOGY = f"{A} 第二十条（期限参照65号 第十五条）"
_OBJECTION = DeadlineSpec(OBJECTION_WINDOW_KIND, "异议期（提供证明材料）", _BY_ANALOGY, 15)
_RECHECK = DeadlineSpec(RECHECK_KIND, "异议复查期限", _BY_ANALOGY, 10)
_OPEN = states_except(STATES, "suspended", "exit_review")

# fmt: off
TRANSITIONS = (
    *materials(A, "第十七条"),
    Transition("accept", "受理申请", ("filed",), "accepted", (TOWNSHIP,), f"{A} 第十七条",
               guards=(g.APPLICATION_COMPLETE,), starts=(OVERALL,)),
    Transition("request_information_check", "提请县级信息核对", ("accepted",), "information_check",
               (TOWNSHIP,), f"{A} 第十九条"),
    Transition("record_check_qualified", "反馈核对结果：符合", ("information_check",), "investigation",
               (COUNTY,), f"{A} 第十九条、第二十一条"),
    Transition("record_check_not_qualified", "反馈核对结果：不符合", ("information_check",),
               "not_qualified", (COUNTY,), f"{A} 第十九条、第二十条", starts=(_OBJECTION,)),
    Transition("find_not_eligible", "审核不符合，告知申请人", ("investigation", "initial_opinion"),
               "not_qualified", (TOWNSHIP,), f"{A} 第二十条", starts=(_OBJECTION,)),
    Transition("raise_objection", "申请人提出异议并提供证明材料", ("not_qualified",), "recheck",
               (APPLICANT, VILLAGE, TOWNSHIP), f"{A} 第二十条",
               guards=(g.OBJECTION_WINDOW_OPEN,), meets=("objection_window",), starts=(_RECHECK,)),
    Transition("recheck_upheld", "复查：异议成立，继续调查", ("recheck",), "investigation",
               (TOWNSHIP,), f"{A} 第二十条", meets=("recheck",)),
    Transition("recheck_rejected", "复查：维持不符合", ("recheck",), "refused", (TOWNSHIP,),
               f"{A} 第二十条", meets=("recheck",)),
    Transition("close_not_qualified", "异议期满未提出异议，办结", ("not_qualified",), "refused",
               (TOWNSHIP,), f"{A} 第二十条", guards=(g.OBJECTION_WINDOW_CLOSED,)),
    Transition("record_investigation", "记录调查核实", ("investigation",), None,
               (VILLAGE, TOWNSHIP), f"{A} 第二十一条"),
    Transition("record_investigation", "记录县级入户核查", ("county_review",), None, (COUNTY,),
               f"{A} 第二十三条", delegable=True),
    Transition("start_publicity", "拟纳入，在村（社区）公示", ("investigation",), "publicity",
               (TOWNSHIP,), f"{A} 第二十二条", guards=(g.INVESTIGATED,)),
    Transition("start_simplified_publicity", "简化程序：公示", ("accepted",), "publicity",
               (TOWNSHIP,), f"{A} 第十五条", guards=(g.PATH_SIMPLIFIED,)),
    Transition("record_objection", "登记公示期间的异议、投诉举报", ("publicity",), None,
               (VILLAGE, TOWNSHIP), f"{A} 第二十二条", guards=(g.PUBLICITY_OPEN,)),
    Transition("record_objection", "登记确认公示期间的异议、投诉举报", ("county_publicity",), None,
               (VILLAGE, TOWNSHIP, COUNTY), f"{A} 第二十三条", guards=(g.PUBLICITY_OPEN,)),
    Transition("close_publicity", "公示期满无异议", ("publicity",), "initial_opinion", (TOWNSHIP,),
               f"{A} 第二十二条“对没有争议的申请家庭，不再进行民主评议”",
               guards=(g.PUBLICITY_OVER, g.NO_OBJECTIONS)),
    Transition("close_publicity_disputed", "公示期满有争议，转民主评议", ("publicity",), "appraisal",
               (TOWNSHIP,), f"{A} 第二十二条", guards=(g.PUBLICITY_OVER, g.OBJECTIONS_RAISED)),
    Transition("record_appraisal", "记录民主评议", ("appraisal",), "initial_opinion", (TOWNSHIP,),
               f"{A} 第二十二条"),
    Transition("give_initial_opinion", "提出初审意见，报送县级", ("initial_opinion",), "county_review",
               (TOWNSHIP,), f"{A} 第二十二条"),
    Transition("refer_direct", "防返贫监测对象，报县级直接认定", ("accepted",), "county_review",
               (TOWNSHIP,), f"{A} 第十五条", guards=(g.PATH_DIRECT,)),
    Transition("confirm", "予以确认，在村（社区）公示", ("county_review",), "county_publicity",
               (COUNTY,), f"{A} 第二十三条", guards=(g.PATH_STANDARD, g.COUNTY_VERIFIED),
               delegable=True),
    Transition("confirm_without_publicity", "予以确认（直接认定或简化程序）", ("county_review",),
               "recognised", (COUNTY,), f"{A} 第十五条", guards=(g.PATH_DIRECT_OR_SIMPLIFIED,),
               delegable=True),
    Transition("refuse", "不予确认，书面说明理由", ("county_review",), "refused", (COUNTY,),
               f"{A} 第二十三条", guards=(g.COUNTY_VERIFIED,), delegable=True),
    Transition("close_county_publicity", "确认公示期满无异议，认定", ("county_publicity",), "recognised",
               (COUNTY,), f"{A} 第二十三条", guards=(g.PUBLICITY_OVER, g.NO_OBJECTIONS), delegable=True),
    Transition("reopen_review", "确认公示有异议，重新审查", ("county_publicity",), "county_review",
               (COUNTY,), f"{A} 第二十三条", guards=(g.PUBLICITY_OVER, g.OBJECTIONS_RAISED),
               delegable=True),
    Transition("recheck_continue", "定期核查：仍符合，继续认定", ("recognised",), None, (TOWNSHIP,),
               f"{A} 第二十六条"),
    Transition("recheck_exit", "定期核查：不再符合，报县级确认退出", ("recognised",), "exit_review",
               (TOWNSHIP,), f"{A} 第二十六条"),
    Transition("confirm_exit", "确认退出，书面告知", ("exit_review",), "exited", (COUNTY,),
               f"{A} 第二十六条", delegable=True),
    Transition("keep_recognised", "不予退出，继续认定", ("exit_review",), "recognised", (COUNTY,),
               f"{A} 第二十六条", delegable=True),
    Transition("suspend", "暂缓审核确认", _OPEN, "suspended", (TOWNSHIP, COUNTY), f"{A} 第二十七条"),
    Transition("resume", "恢复审核确认", ("suspended",), None, (TOWNSHIP, COUNTY), f"{A} 第二十七条",
               returns=True),
    *tail(A, (*_OPEN, "suspended"), extend_article="第二十四条", terminate_article="第二十七条"),
)
# fmt: on

WORKFLOW = Workflow(
    procedure="dibao_edge",
    name="低保边缘家庭认定",
    states=STATES,
    transitions=TRANSITIONS,
    initial="filed",
    overall=OVERALL,
    overall_extended_days=OVERALL_EXTENDED_DAYS,
)
