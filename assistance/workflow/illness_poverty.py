"""因病致贫重病患者认定 (运民发〔2023〕65号 第十一条至第二十一条) as a state machine.

Read the table top-down: each row is an action, the states it may fire from, the state it leads
to (None: the case stays), who may fire it, the article, its guards and the deadlines it starts
or meets. 65号 has no suspension: 第二十一条 only terminates.
"""

from __future__ import annotations

from assistance.workflow import guards as g
from assistance.workflow.common import (
    NOTICE_KIND,
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

A = "65号"

STATES = (
    State("filed", "已申请，待材料审查"),
    State("awaiting_materials", "待申请人补齐材料"),
    State("accepted", "已受理，待启动调查"),
    State("investigation", "家庭经济状况调查中"),
    State("not_qualified", "核对不符合，已告知申请人（异议期）"),
    State("recheck", "异议复查中"),
    State("publicity", "初审意见公示中"),
    State("county_review", "县级审核中"),
    State("recognised", "已认定为因病致贫重病患者", final=True),
    State("refused", "不予确认", final=True),
    State("terminated", "审核确认已终止", final=True),
    State("withdrawn", "申请已撤回", final=True),
)

OVERALL = DeadlineSpec("overall", "认定办理期限", f"{A} 第十九条", OVERALL_DAYS)
INVESTIGATION_START = DeadlineSpec("investigation_start", "启动调查期限", f"{A} 第十五条", 3)
OBJECTION = DeadlineSpec(OBJECTION_WINDOW_KIND, "异议期（提供佐证材料）", f"{A} 第十五条", 15)
RECHECK = DeadlineSpec(RECHECK_KIND, "异议复查期限", f"{A} 第十五条", 10)
COUNTY_REVIEW = DeadlineSpec("county_review", "县级审核意见期限", f"{A} 第十七条", 5)
REFUSAL_NOTICE = DeadlineSpec(NOTICE_KIND, "不予确认告知期限", f"{A} 第十七条", 3)
_OPEN = states_except(STATES)

# fmt: off
TRANSITIONS = (
    *materials(A, "第十二条"),
    Transition("accept", "受理申请", ("filed",), "accepted", (TOWNSHIP,), f"{A} 第十四条",
               guards=(g.APPLICATION_COMPLETE,), starts=(OVERALL, INVESTIGATION_START)),
    Transition("start_investigation", "启动调查并提请县级信息核对", ("accepted",), "investigation",
               (TOWNSHIP,), f"{A} 第十五条", meets=("investigation_start",)),
    Transition("record_investigation", "记录调查核实", ("investigation",), None, (VILLAGE, TOWNSHIP),
               f"{A} 第十五条"),
    Transition("record_check_qualified", "反馈核对结果：符合", ("investigation",), None, (COUNTY,),
               f"{A} 第十五条", guards=(g.CHECK_PENDING,)),
    Transition("record_check_not_qualified", "反馈核对结果：不符合，告知申请人", ("investigation",),
               "not_qualified", (COUNTY,), f"{A} 第十五条", guards=(g.CHECK_PENDING,),
               starts=(OBJECTION,)),
    Transition("find_not_eligible", "调查不符合，告知申请人", ("investigation",), "not_qualified",
               (TOWNSHIP,), f"{A} 第十五条", starts=(OBJECTION,)),
    Transition("raise_objection", "申请人提出异议并提供佐证材料", ("not_qualified",), "recheck",
               (APPLICANT, VILLAGE, TOWNSHIP), f"{A} 第十五条", guards=(g.OBJECTION_WINDOW_OPEN,),
               meets=(OBJECTION_WINDOW_KIND,), starts=(RECHECK,)),
    Transition("recheck_upheld", "复查：异议成立，继续调查", ("recheck",), "investigation", (TOWNSHIP,),
               f"{A} 第十五条", meets=(RECHECK_KIND,)),
    Transition("recheck_rejected", "复查：维持不符合", ("recheck",), "refused", (TOWNSHIP,),
               f"{A} 第十五条", meets=(RECHECK_KIND,)),
    Transition("close_not_qualified", "异议期满未提出异议，办结", ("not_qualified",), "refused",
               (TOWNSHIP,), f"{A} 第十五条", guards=(g.OBJECTION_WINDOW_CLOSED,)),
    Transition("start_publicity", "提出初审意见并在村（社区）公示", ("investigation",), "publicity",
               (TOWNSHIP,), f"{A} 第十六条", guards=(g.CHECK_QUALIFIED, g.INVESTIGATED)),
    Transition("record_objection", "登记公示期间的异议", ("publicity",), None, (VILLAGE, TOWNSHIP),
               f"{A} 第十六条", guards=(g.PUBLICITY_OPEN,)),
    Transition("close_publicity", "公示期满无异议，报送县级", ("publicity",), "county_review",
               (TOWNSHIP,), f"{A} 第十六条", guards=(g.PUBLICITY_OVER, g.NO_OBJECTIONS),
               starts=(COUNTY_REVIEW,)),
    Transition("close_publicity_disputed", "公示有异议，重新调查核实", ("publicity",), "investigation",
               (TOWNSHIP,), f"{A} 第十六条", guards=(g.PUBLICITY_OVER, g.OBJECTIONS_RAISED)),
    Transition("confirm", "予以确认，推送医保部门", ("county_review",), "recognised", (COUNTY,),
               f"{A} 第十七条", delegable=True, meets=("county_review",)),
    Transition("refuse", "不予确认", ("county_review",), "refused", (COUNTY,), f"{A} 第十七条",
               delegable=True, meets=("county_review",), starts=(REFUSAL_NOTICE,)),
    *tail(A, _OPEN, extend_article="第十九条", terminate_article="第二十一条", notice=REFUSAL_NOTICE),
)
# fmt: on

WORKFLOW = Workflow(
    procedure="illness_poverty",
    name="因病致贫重病患者认定",
    states=STATES,
    transitions=TRANSITIONS,
    initial="filed",
    overall=OVERALL,
    overall_extended_days=OVERALL_EXTENDED_DAYS,
)
