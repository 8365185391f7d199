"""Guards shared by both procedures. Each says, in Chinese, why an action cannot fire yet."""

from __future__ import annotations

from assistance.workflow.facts import CaseFacts
from assistance.workflow.machine import Guard


def _application_complete(f: CaseFacts) -> str | None:
    missing = []
    if not f.economic_check_authorised:
        missing.append("家庭经济状况核对授权书")
    if not f.commitment_signed:
        missing.append("书面承诺")
    if f.filing_channel != "self" and not f.proxy_authorisation.strip():
        missing.append("委托手续（委托授权书）")
    return f"申请材料缺少：{'、'.join(missing)}" if missing else None


APPLICATION_COMPLETE = Guard(
    "已签署家庭经济状况核对授权书和书面承诺；委托申请的已履行委托手续"
    "（64号 第十七条，65号 第十一条、第十二条）",
    _application_complete,
)


def _investigated(f: CaseFacts) -> str | None:
    if f.investigations_since_entered == 0:
        return "尚未记录调查核实情况（入户调查、邻里访问、信函索证等）"
    return None


INVESTIGATED = Guard("本阶段已记录至少一次调查核实", _investigated)


def _check_qualified(f: CaseFacts) -> str | None:
    if f.information_check is None:
        return "县级民政部门尚未反馈家庭经济状况信息核对结果"
    if f.information_check != "qualified":
        return "信息核对结果为不符合条件"
    return None


CHECK_QUALIFIED = Guard("县级信息核对结果为符合条件", _check_qualified)


def _check_not_returned(f: CaseFacts) -> str | None:
    return "信息核对结果已经记录" if f.information_check is not None else None


CHECK_PENDING = Guard("信息核对结果尚未记录", _check_not_returned)


def _publicity_over(f: CaseFacts) -> str | None:
    p = f.open_publicity
    if p is None:
        return "没有进行中的公示"
    if f.today <= p.ends_on:
        return f"公示期至{p.ends_on.isoformat()}届满，届满后方可结束公示"
    return None


PUBLICITY_OVER = Guard("公示期已满（不少于7天）", _publicity_over)


def _no_objections(f: CaseFacts) -> str | None:
    if f.open_publicity and f.open_publicity.objections:
        return f"公示期间收到{f.open_publicity.objections}件异议，应按有异议处理"
    return None


NO_OBJECTIONS = Guard("公示期间无异议", _no_objections)


def _objections(f: CaseFacts) -> str | None:
    if not (f.open_publicity and f.open_publicity.objections):
        return "公示期间没有异议"
    return None


OBJECTIONS_RAISED = Guard("公示期间有异议", _objections)


def _publicity_open(f: CaseFacts) -> str | None:
    p = f.open_publicity
    if p is None:
        return "没有进行中的公示"
    if f.today < p.starts_on:
        return f"公示自{p.starts_on.isoformat()}开始"
    return None


PUBLICITY_OPEN = Guard("公示进行中", _publicity_open)


def _not_extended(f: CaseFacts) -> str | None:
    return "办理期限已经延长过" if f.extended else None


NOT_EXTENDED = Guard("办理期限尚未延长", _not_extended)


def _within(kind: str, label: str) -> Guard:
    def check(f: CaseFacts) -> str | None:
        due = f.due.get(kind)
        if due is not None and f.today > due:
            return f"{label}已于{due.isoformat()}届满"
        return None

    return Guard(f"在{label}内", check)


def _after(kind: str, label: str) -> Guard:
    def check(f: CaseFacts) -> str | None:
        due = f.due.get(kind)
        if due is not None and f.today <= due:
            return f"{label}至{due.isoformat()}届满；申请人放弃异议的，请注明"
        return None

    return Guard(f"{label}已届满，或申请人明确放弃异议", check)


OBJECTION_WINDOW_OPEN = _within("objection_window", "异议期")
OBJECTION_WINDOW_CLOSED = _after("objection_window", "异议期")


def _path_is(*paths: str) -> Guard:
    names = {"standard": "一般程序", "direct": "直接认定", "simplified": "简化程序"}
    wanted = "或".join(names[p] for p in paths)

    def check(f: CaseFacts) -> str | None:
        path = f.engine_path()
        if path not in paths:
            found = names.get(path or "", "不符合认定条件")
            return f"按现有案卷，规则引擎结论为“{found}”，不适用{wanted}"
        return None

    return Guard(f"按现有案卷适用{wanted}（64号 第十五条）", check)


PATH_DIRECT = _path_is("direct")
PATH_SIMPLIFIED = _path_is("simplified")
PATH_DIRECT_OR_SIMPLIFIED = _path_is("direct", "simplified")


def _path_not_shortened(f: CaseFacts) -> str | None:
    if f.engine_path() in ("direct", "simplified"):
        return "本案适用直接认定或简化程序，确认后不再进行县级公示（64号 第十五条）"
    return None


PATH_STANDARD = Guard("适用一般程序", _path_not_shortened)


def _county_verified(f: CaseFacts) -> str | None:
    if f.publicity_objections_total and f.county_verifications_since_entered == 0:
        return "公示有异议或投诉举报的，县级民政部门应先入户核查并记录（64号 第二十三条）"
    return None


COUNTY_VERIFIED = Guard("公示有异议的，县级已入户核查（64号 第二十三条）", _county_verified)
