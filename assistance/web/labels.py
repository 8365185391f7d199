"""Chinese names for the codes the services and the rules engine use, for the templates.

The vocabularies themselves live with the services (``assistance.workflow.vocabulary``) and the
rules engine (``rules.vocabulary``); this module only gathers them and adds the few names that
are only ever shown (field names, deadline statuses, figure names).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from assistance.admin import parameter_entries
from assistance.clock import beijing
from assistance.models import cases as cases_model
from assistance.models import users
from assistance.models.areas import COUNTY, TOWNSHIP, VILLAGE
from assistance.models.users import ROLES
from assistance.workflow import WORKFLOWS
from assistance.workflow import vocabulary as sv
from assistance.workflow.events import OTHER_EVENTS
from assistance.workflow.steps import settable
from rules import vocabulary as rv
from rules.casefile import CaseFile
from rules.counties import COUNTIES
from rules.decision import PATHS
from rules.declaration import facts

PROCEDURES = {w.procedure: w.name for w in WORKFLOWS.values()}
PROCEDURE_DOCUMENTS = {"dibao_edge": "运民发〔2023〕64号", "illness_poverty": "运民发〔2023〕65号"}
LEVELS = {COUNTY: "县（市、区）", TOWNSHIP: "乡镇（街道）", VILLAGE: "村（社区）"}

HUKOU_TYPES = dict(rv.HUKOU_TYPES)
AREAS = dict(rv.AREAS)
CURRENT_ASSISTANCE = dict(rv.CURRENT_ASSISTANCE)
ASSISTANCE_TRANSITIONS = dict(rv.ASSISTANCE_TRANSITIONS)
MONITORING_CATEGORIES = dict(rv.MONITORING_CATEGORIES)
RELATIONS = dict(rv.RELATIONS)
STUDENT_LEVELS = dict(rv.STUDENT_LEVELS)
EXCLUSIONS = {k: f"{e.label}（{e.article}）" for k, e in rv.MEMBER_EXCLUSIONS.items()}
INCOME_KINDS = {k: kind.label for k, kind in rv.INCOME_KINDS.items()}
# Kinds 65号 第九条 keeps out of household income; the form lists them apart so that nobody
# leaves out an amount believing it would count against them.
INCOME_NOT_COUNTED = {
    k: f"{kind.label}（不计入，65号 {kind.excluded_by}）"
    for k, kind in rv.INCOME_KINDS.items()
    if kind.excluded_by
}
INCOME_COUNTED = {k: kind.label for k, kind in rv.INCOME_KINDS.items() if not kind.excluded_by}
SUPPORT_RELATIONS = dict(rv.SUPPORT_RELATIONS)
SUPPORT_BASES = dict(rv.SUPPORT_BASES)
OBLIGOR_STATUSES = dict(rv.OBLIGOR_STATUSES)
ASSET_KINDS = {k: kind.label for k, kind in rv.ASSET_KINDS.items()}
TENURES = dict(rv.TENURES)
MEDICAL_EXPENSE_TYPES = dict(rv.MEDICAL_EXPENSE_TYPES)
INSURANCE_SCHEMES = dict(rv.INSURANCE_SCHEMES)
PATHS_ = dict(PATHS)

FILING_CHANNELS = dict(sv.FILING_CHANNELS)
MATERIAL_KINDS = dict(sv.MATERIAL_KINDS)
DELIVERY_METHODS = dict(sv.DELIVERY_METHODS)
APPRAISAL_RESULTS = dict(sv.APPRAISAL_RESULTS)
DECISIONS = dict(sv.DECISIONS)
GROUNDS = dict(sv.ALL_GROUNDS)
INVESTIGATION_METHODS = dict(sv.INVESTIGATION_METHODS)
ROLE_NAMES = dict(ROLES)

# What each role's pages call its list of cases, its work queue and its filing form.
_CASES_TITLES = {users.APPLICANT: "我的申请", users.ADMIN: "全部案件"}
_QUEUE_TITLES = {users.COUNTY: "审核队列"}
_FILING_TITLES = {users.APPLICANT: "提出申请"}


def _instant(stamp: str | datetime) -> datetime:
    return stamp if isinstance(stamp, datetime) else datetime.fromisoformat(stamp)


def beijing_time(stamp: str | datetime | None) -> str:
    """A stored instant (UTC) as a person in China reads it: ``2026-12-06 12:29``."""
    return beijing(_instant(stamp)).strftime("%Y-%m-%d %H:%M") if stamp else ""


def beijing_date(stamp: str | datetime | None) -> str:
    """The day, in Beijing, of a stored instant."""
    return beijing(_instant(stamp)).date().isoformat() if stamp else ""


def cases_title(role: str) -> str:
    return _CASES_TITLES.get(role, "本辖区案件")


def queue_title(role: str) -> str:
    return _QUEUE_TITLES.get(role, "待办")


def filing_title(role: str) -> str:
    return _FILING_TITLES.get(role, "登记申请")


DEADLINE_STATUSES = {
    "open": "进行中",
    "overdue": "已逾期",
    "met": "已按期办结",
    "met_late": "逾期后办结",
    "cancelled": "已不再计算",
}
RESULTS = {"pass": "符合", "fail": "不符合", "not_applicable": "不适用"}
OUTCOMES = {"eligible": "符合认定条件", "not_eligible": "不符合认定条件", "undetermined": "无法得出结论"}
REFERRALS = {"dibao": "可申请最低生活保障", "dibao_edge": "可申请低保边缘家庭认定"}
OPINION_STAGES = {
    "initial": "乡镇初审意见",
    "township_check": "乡镇审核",
    "county": "县级确认",
    "recheck": "复查",
}
PUBLICITY_STAGES = {"township": "乡镇初审公示", "county": "县级确认后公示"}
OBJECTION_KINDS = {"publicity": "公示期间的异议", "applicant": "申请人对审核结果的异议"}
CHECK_RESULTS = {"qualified": "符合", "not_qualified": "不符合"}
TERMINATION_ACTIONS = {"suspend": "暂缓", "terminate": "终止", "resume": "恢复"}
FILING_PLACES = dict(cases_model.FILING_PLACES)
SECURITY_EVENTS = {
    "sign_in": "登录",
    "sign_in_failed": "登录失败",
    "locked_out": "账号锁定",
    "sign_in_refused_locked": "锁定期间尝试登录",
    "sign_out": "退出",
    "registered": "申请人注册",
    "password_changed": "修改密码",
    "password_change_failed": "修改密码失败（当前密码错误）",
    "user_created": "开设账号",
    "user_edited": "修改账号",
    "user_deactivated": "停用账号",
    "user_reactivated": "重新启用账号",
    "password_reset": "重置密码（须于下次登录时修改）",
    "area_created": "新增行政区域",
    "delegation_set": "设置审核确认权限下放",
    "backdating_set": "设置补录期限",
    "step_days_set": "设置各环节办理期限",
    "case_archive_exported": "下载一户一档",
    "township_archives_requested": "申请导出乡镇（街道）全部一户一档",
    "township_archives_exported": "下载乡镇（街道）全部一户一档",
    "holidays_loaded": "录入节假日安排",
    "parameter_entered": "录入参数",
    "parameter_approved": "批准参数",
    "parameter_withdrawn": "撤回参数",
    "schedule_switched": "开关定时任务",
    "screening_changes_pruned": "删除超过保留期限的政策测算变化家庭清单",
}
PARAMETER_AREAS = dict(parameter_entries.AREAS)
PUSH_STATUSES = {"queued": "待推送医保部门", "pushed": "已推送医保部门"}

# Audit events that are not transitions of either table.
EVENTS = OTHER_EVENTS

# The engine's figures, by key (rules/dibao_edge.py, rules/illness_poverty.py, rules/property.py).
FIGURES = {
    "annual_income": "家庭年收入（元）",
    "household_size": "家庭人口",
    "per_capita_monthly_income": "人均月收入（元）",
    "dibao_standard": "低保标准（元/人·月）",
    "multiplier": "倍数",
    "upper_limit": "收入上限（元）",
    "limit": "上限",
    "financial_assets_total": "金融资产合计（元）",
    "per_capita_financial_assets": "人均金融资产（元）",
    "standard": "标准（元）",
    "edge_standard": "低保边缘家庭标准（元）",
    "months": "月数",
    "owned": "拥有（套）",
    "rented": "承租（套）",
    "total": "合计（套）",
    "tested": "计入的车辆等（件）",
    "over_limit": "超过上限（件）",
    "findings": "县级认定情形（项）",
    "disqualifying": "其中不符合（项）",
    "hukou_region": "户籍地区划代码",
    "current_assistance": "现有救助",
    "category": "监测对象类别",
    "inpatient_policy_scope_burden": "住院政策范围内个人负担（元）",
    "annual_deductible": "年度起付标准（元）",
    "out_of_pocket_12_months": "12个月个人自负医疗费用（元）",
    "income_after_medical": "扣除医疗费用后的年收入（元）",
    "scheme": "参保类型",
    "region": "参保地",
}

# Names of the fields of the services' payloads (assistance/cases/payloads.py, filing,
# accounts, areas) where the schema's own description is missing or too long for a label.
FIELDS = {
    "on": "办理日期",
    "backdating_reason": "补录原因",
    "If-Match": "页面版本",
    "Content-Type": "请求格式",
    "note": "备注",
    "reasons": "意见和理由",
    "departure_reason": "与规则引擎结论不一致的理由",
    "missing": "需补齐的材料",
    "economic_check_authorised": "已补签家庭经济状况核对授权书",
    "commitment_signed": "已补作书面承诺",
    "proxy_authorisation": "委托手续",
    "findings": "核对情况",
    "content": "异议内容",
    "raised_by": "异议人",
    "real_name": "实名提出",
    "contact": "联系方式",
    "evidence_ids": "佐证材料",
    "waived": "申请人书面表示不提出异议",
    "method": "调查方式",
    "conducted_on": "调查日期",
    "investigators": "调查人员",
    "emergency_reason": "重大突发事件（非接触方式时）",
    "starts_on": "公示开始日期",
    "place": "公示地点",
    "held_on": "评议日期",
    "participants": "参加人员",
    "result": "评议结果",
    "minutes": "评议记录",
    "decision": "意见",
    "ground": "依据情形",
    "reason": "理由",
    "recipient": "签收人",
    "kind": "材料类别",
    "title": "材料名称",
    "file": "文件",
    "procedure": "认定事项",
    "village": "村（社区）",
    "application_date": "书面申请日期",
    "channel": "申请方式",
    "proxy_name": "代理人姓名",
    "idempotency_key": "提交编号",
    "username": "用户名",
    "password": "密码",
    "display_name": "姓名",
    "phone": "手机号码",
    "id_number": "身份证号码",
    "role": "角色",
    "area": "工作区域",
    "code": "区域代码",
    "name": "名称",
    "level": "层级",
    "parent": "上级区域",
    "confirmation_delegated": "审核确认权限下放乡镇",
    "schedule": "节假日安排（JSON）",
    "version": "案件版本",
    "guard": "办理条件",
    "state": "案件状态",
}


def name(mapping: Mapping[str, str], code: Any) -> str:
    """The Chinese name of a code, or the code itself when the vocabulary has none."""
    if code is None or code == "":
        return "—"
    return mapping.get(str(code), str(code))


# Figures whose value is a code of a vocabulary, shown by its name.
FIGURE_VOCABULARIES: dict[str, Mapping[str, str]] = {
    "current_assistance": CURRENT_ASSISTANCE,
    "area": AREAS,
    "hukou_type": HUKOU_TYPES,
    "monitoring_category": MONITORING_CATEGORIES,
    "relation": RELATIONS,
}


def figure_value(key: str, value: Any) -> str:
    """A criterion's figure as a person reads it: a code by its name, yes/no for a flag."""
    if isinstance(value, bool):
        return "是" if value else "否"
    vocabulary = FIGURE_VOCABULARIES.get(key)
    return name(vocabulary, value) if vocabulary is not None else str(value)


def procedure_state(procedure: str, state: str | None) -> str:
    if not state:
        return "—"
    workflow = WORKFLOWS.get(procedure)
    try:
        return workflow.state(state).name if workflow else state
    except KeyError:
        return state


def action_name(procedure: str, action: str, from_state: str | None = None) -> str:
    """The table's name for an action (the same action may be named per state, e.g. investigations)."""
    if action in EVENTS:
        return EVENTS[action]
    workflow = WORKFLOWS.get(procedure)
    if workflow is None:
        return action
    if from_state:
        found = workflow.transition(action, from_state)
        if found is not None:
            return found.name
    for transition in workflow.transitions:
        if transition.action == action:
            return transition.name
    return action


def county_name(code: str | None) -> str:
    return COUNTIES.get(code or "", code or "—")


def yes_no(value: Any) -> str:
    return "是" if value else "否"


def step_name(field_: str) -> str:
    """``days.dibao_edge.investigation`` as “低保边缘家庭认定·调查核实期限：”."""
    key = field_.removeprefix("days.")
    step = settable().get(key)
    return f"{PROCEDURES.get(key.split('.')[0], '')}·{step.label}：" if step else f"{key}："


_STEP = re.compile(r"^(?P<key>[^\[\]]+)(?:\[(?P<index>\d+)\])?$")


def field(name_: str) -> str:
    """A field's path as a person reads it: ``household.incomes[0].declared_amount`` is
    “第1项家庭收入的申报金额（元）”, from the case file's declarations and the payloads' names; an
    unknown step is left as it is rather than guessed."""
    if name_ in FIELDS:
        return FIELDS[name_]
    record: type | None = CaseFile
    words: list[str] = []
    for step in name_.split("."):
        matched = _STEP.match(step)
        if matched is None:
            return name_
        key, index = matched.group("key"), matched.group("index")
        if key == "household" and not words:
            continue
        if key == "rows" and index is not None:  # an uploaded table's row, numbered as in the file
            words.append(f"第{index}行")
            continue
        declared = next((f for f in facts(record) if f.key == key), None) if record is not None else None
        if declared is None:
            words.append(FIELDS.get(key, key))
            record = None
            continue
        label = declared.item_label or declared.label
        words.append(
            f"第{int(index) + 1}{'位' if key == 'members' else '项'}{label}" if index is not None else label
        )
        record = declared.record
    return "的".join(words) if words else name_


# What an applicant reads of the step their case is at: who acts next and what is asked of them.
NEXT_FOR_APPLICANT = {
    "filed": "乡镇（街道）正在审查您的申请材料，材料齐全即予受理。",
    "awaiting_materials": "请按补齐材料通知补齐材料：在“证明材料”中上传后，点“补齐材料后重新提交”。",
    "accepted": "已受理。乡镇（街道）将提请县级民政部门核对家庭经济状况，并组织入户调查。",
    "information_check": "县级民政部门正在核对您家庭的经济状况信息。",
    "investigation": "乡镇（街道）和村（居）委会将入户调查、邻里访问，请配合并如实说明情况。",
    "not_qualified": "经审核不符合条件，已书面告知。您可以在异议期内提供证明材料提出异议。",
    "recheck": "乡镇（街道）正在复查您提出的异议和证明材料。",
    "publicity": "正在您所在村（社区）公示，公示期满无异议后报送县级民政部门。",
    "appraisal": "公示期间有异议，乡镇（街道）将组织民主评议。",
    "initial_opinion": "乡镇（街道）将提出初审意见，报送县级民政部门。",
    "county_review": "县级民政部门正在审查确认。",
    "county_publicity": "县级民政部门已予确认，正在村（社区）公示，期满后发给认定通知书。",
    "suspended": "审核确认暂缓，待情况查清后恢复办理。",
    "exit_review": "定期核查后，县级民政部门正在确认是否继续认定。",
}

# What to hand in (64号 第十七条; 65号 第十二条), shown to the applicant until acceptance.
_TO_BRING = {
    "dibao_edge": (
        "书面申请（申请书）",
        "申请人和家庭成员的居民身份证、户口簿",
        "家庭经济状况核对授权书（家庭成员签字）",
        "书面承诺（保证材料真实）",
    ),
    "illness_poverty": (
        "患者本人居民身份证和家庭成员的户口簿",
        "患者本人住院费用结算单、门诊慢特病和门诊特药收费票据",
        "《因病致贫重病患者认定申请表》（承诺所填信息真实、完整）",
        "授权核对家庭经济状况的相关手续",
    ),
}


def materials_to_bring(procedure: str, filing: Mapping[str, Any] | None) -> list[str]:
    items = list(_TO_BRING.get(procedure, ()))
    if filing and filing.get("filing_place") == "residence":
        items.append("居住证（在经常居住地申请的，65号 第十二条（一））")
    if filing and filing.get("channel") != "self":
        items.append("委托手续（委托书等，64号 第十七条、65号 第十一条）")
    return items
