"""低保边缘家庭认定 (运民发〔2023〕64号 第二条、第八条至第十五条)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from rules import vocabulary as v
from rules.casefile import CaseFile
from rules.counties import CITY_PREFIX
from rules.criteria import FAIL, NOT_APPLICABLE, PASS, Criterion, outcome_of
from rules.decision import ELIGIBLE, NOT_ELIGIBLE, Decision, summarise
from rules.household import Household, compose_household
from rules.income import IncomeAssessment, assess_income
from rules.money import MONTHS_PER_YEAR, exact_beside, ratio, yuan
from rules.property import (
    county_findings_test,
    financial_assets_test,
    holdings,
    housing_test,
    vehicles_test,
)
from rules.thresholds import Thresholds

_OTHER_SCHEMES = ("dibao", "tekun", "orphan", "de_facto_orphan")
_LEAVING = {"leaving_dibao": "dibao", "leaving_tekun": "tekun"}


def applicant_hukou(case: CaseFile) -> Criterion:
    article = "64号 第八条"
    applicant = case.applicant
    region = applicant.hukou_region or ""
    local = region.startswith(CITY_PREFIX)
    where = f"户籍地区划代码{region}" if region else "未登记户籍地"
    sentence = (
        f"申请人{applicant.name}{where}，持有本市常住户口，符合{article}。"
        if local
        else f"申请人{applicant.name}{where}，不持有运城市常住户口，不符合{article}。"
    )
    return Criterion(
        "edge.hukou", "本市常住户口", outcome_of(local), article, sentence, {"hukou_region": region}
    )


def not_in_other_assistance(case: CaseFile) -> Criterion:
    article = "64号 第二条"
    current = case.current_assistance
    label = v.CURRENT_ASSISTANCE[current]
    figures = {"current_assistance": current}
    title = "未纳入低保、特困、孤儿、事实无人抚养儿童保障"
    if current == "none":
        return Criterion(
            "edge.other_assistance",
            title,
            PASS,
            article,
            "家庭未纳入城乡低保、特困人员、孤儿、事实无人抚养儿童救助范围。",
            figures,
        )
    if current == "dibao_edge":
        return Criterion(
            "edge.other_assistance",
            title,
            FAIL,
            "64号 第二条、第二十六条",
            "家庭已认定为低保边缘家庭，应按动态管理核查，无需重复认定。",
            figures,
        )
    if _LEAVING.get(case.assistance_transition or "") == current:
        return Criterion(
            "edge.other_assistance",
            title,
            PASS,
            "64号 第十五条",
            f"家庭正在退出{label}，退出后不再属于第二条所列救助范围，可按第十五条认定。",
            figures,
        )
    return Criterion(
        "edge.other_assistance",
        title,
        FAIL,
        article,
        f"家庭已纳入{label}范围，依第二条不认定为低保边缘家庭。",
        figures,
    )


@lru_cache(maxsize=1024)
def _band(standard: Decimal, multiplier: Decimal) -> tuple[Decimal, str, str, str]:
    """The band's upper limit and its figures, the same for every case of a place and period.
    The limit is only compared and shown to the fen, so a value equal to a remembered one but
    written with other trailing zeros may share its entry."""
    upper = standard * multiplier
    return upper, ratio(multiplier), yuan(standard), yuan(upper)


@dataclass(slots=True)
class Band:
    """The figures of 64号 第二条's income band for one household, before any sentence."""

    figures: dict[str, str]
    below: Decimal  # the annual income less the standard's: above it when positive
    above: Decimal  # less the upper limit's: below it when negative
    per_capita: Decimal
    per_capita_text: str
    area_label: str
    upper: Decimal
    times: str
    standard_text: str
    upper_text: str


def band(income: IncomeAssessment, area: str, standard: Decimal, multiplier: Decimal) -> Band:
    months = MONTHS_PER_YEAR * income.household_size
    per_capita = income.annual_total / months  # income.per_capita_monthly
    area_label = v.AREAS[area]
    upper, times, standard_text, upper_text = _band(standard, multiplier)
    per_capita_text = yuan(per_capita)
    figures = {
        "annual_income": yuan(income.annual_total),
        "household_size": str(income.household_size),
        "per_capita_monthly_income": per_capita_text,
        "dibao_standard": standard_text,
        "multiplier": times,
        "upper_limit": upper_text,
    }
    below = income.annual_total - standard * months
    above = income.annual_total - upper * months
    return Band(
        figures,
        below,
        above,
        per_capita,
        per_capita_text,
        area_label,
        upper,
        times,
        standard_text,
        upper_text,
    )


def lower_sentence(found: Band, standard: Decimal) -> str:
    shown = exact_beside(found.per_capita, standard, found.per_capita_text, found.standard_text)
    head = f"家庭人均月收入{shown}元"
    if found.below > 0:
        return f"{head}高于当地{found.area_label}低保标准{found.standard_text}元，符合第二条。"
    if found.below == 0:
        return (
            f"{head}恰好等于当地{found.area_label}低保标准{found.standard_text}元，第二条要求“高于”低保标准，"
            "不符合低保边缘家庭收入条件。"
        )
    return (
        f"{head}低于当地{found.area_label}低保标准{found.standard_text}元，不属于低保边缘家庭，"
        "可能符合最低生活保障条件。"
    )


def income_band(
    income: IncomeAssessment, area: str, standard: Decimal, multiplier: Decimal
) -> tuple[Criterion, Criterion]:
    """64号 第二条: per-capita income above the standard and below `multiplier` times it."""
    article = "64号 第二条、第八条"
    found = band(income, area, standard, multiplier)
    lower = lower_sentence(found, standard)
    times, upper_text = found.times, found.upper_text
    head = f"家庭人均月收入{exact_beside(found.per_capita, found.upper, found.per_capita_text, upper_text)}元"
    if found.above < 0:
        upper_sentence = f"{head}低于低保标准的{times}倍{upper_text}元，符合第二条。"
    elif found.above == 0:
        upper_sentence = (
            f"{head}恰好等于低保标准的{times}倍{upper_text}元，第二条要求“低于”{times}倍，不符合。"
        )
    else:
        upper_sentence = f"{head}高于低保标准的{times}倍{upper_text}元，不符合第二条。"
    figures = found.figures
    return (
        Criterion(
            "edge.income_above_dibao",
            "人均收入高于低保标准",
            outcome_of(found.below > 0),
            article,
            lower,
            figures,
        ),
        Criterion(
            "edge.income_below_upper",
            f"人均收入低于低保标准{times}倍",
            outcome_of(found.above < 0),
            article,
            upper_sentence,
            figures,
        ),
    )


def direct_recognition(case: CaseFile) -> Criterion:
    article = "64号 第十五条"
    monitoring = case.monitoring_household
    title = "防返贫监测对象直接认定"
    if monitoring is None:
        return Criterion(
            "edge.direct_recognition",
            title,
            NOT_APPLICABLE,
            article,
            "家庭不是县级乡村振兴部门认定的防返贫监测对象，按一般条件认定。",
            {},  # given: the default factory's path through __init__ is the slower
        )
    label = v.MONITORING_CATEGORIES[monitoring.category]
    figures = {"category": monitoring.category}
    by = f"经{monitoring.identified_by}认定为" if monitoring.identified_by else "为"
    if case.current_assistance in _OTHER_SCHEMES:
        # Direct recognition is only for monitoring households outside those schemes; the
        # household is then decided on the ordinary conditions (and, when leaving 低保 or 特困,
        # by the simplified path of the same article), so this is not a failure.
        scheme = v.CURRENT_ASSISTANCE[case.current_assistance]
        return Criterion(
            "edge.direct_recognition",
            title,
            NOT_APPLICABLE,
            article,
            f"家庭{by}{label}，但已纳入{scheme}范围，不适用直接认定，按一般条件认定。",
            figures,
        )
    return Criterion(
        "edge.direct_recognition",
        title,
        PASS,
        article,
        f"家庭{by}{label}，未纳入低保、特困、孤儿和事实无人抚养儿童保障范围，可直接认定。",
        figures,
    )


def _moot(criterion: Criterion) -> Criterion:
    """``replace(criterion, decisive=False)``, without its generic walk over the fields."""
    c = criterion
    return Criterion(c.id, c.title, c.result, c.article, c.explanation, c.figures, False)


def evaluate_dibao_edge(case: CaseFile, thresholds: Thresholds) -> Decision:
    household: Household = compose_household(case, thresholds)
    amount = thresholds.amount
    standard = amount("dibao_standard")
    multiplier = amount("edge_upper_multiplier")
    edge_standard = standard * multiplier
    income = assess_income(case, household, thresholds)
    held = holdings(case, household)
    area = case.area
    lower, upper = income_band(income, area, standard, multiplier)
    tests = [
        lower,
        upper,
        financial_assets_test(
            "edge.financial_assets",
            "64号 第十四条（一）",
            "当地低保边缘家庭标准",
            edge_standard,
            amount("edge_financial_asset_months"),
            held,
            household.size,
        ),
        housing_test(held, int(amount("edge_housing_limit"))),
        vehicles_test(held, edge_standard, amount("edge_vehicle_months")),
        county_findings_test("edge.county_rules", "64号 第十四条（四）", case),
    ]
    direct = direct_recognition(case)
    if direct.result == PASS:
        tests = [_moot(c) for c in tests]
    criteria = (applicant_hukou(case), not_in_other_assistance(case), *tests, direct)
    failed = [c for c in criteria if c.result == FAIL and c.decisive]
    eligible = not failed
    path = None
    if eligible:
        path = (
            "direct" if direct.result == PASS else "simplified" if case.assistance_transition else "standard"
        )
    referral = "dibao" if income.annual_total < standard * MONTHS_PER_YEAR * household.size else None
    # Positionally, in the order of Decision's fields: keywords take three times as long.
    return Decision(
        case.procedure,
        case.application_date,
        case.county,
        area,
        ELIGIBLE if eligible else NOT_ELIGIBLE,
        path,
        None if eligible else referral,
        summarise(case.procedure, eligible, path, failed),
        household,
        income,
        criteria,
        held,
        thresholds.used,
    )
