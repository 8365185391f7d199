"""因病致贫重病患者认定 (运民发〔2023〕65号 第六条、第八条至第十条)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from rules import vocabulary as v
from rules.casefile import CaseFile, MedicalExpense, Member
from rules.counties import PROVINCE_PREFIX
from rules.criteria import FAIL, PASS, Criterion, outcome_of
from rules.decision import ELIGIBLE, NOT_ELIGIBLE, Decision, summarise
from rules.dibao_edge import band, lower_sentence
from rules.household import compose_household, years_before
from rules.income import IncomeAssessment, assess_income
from rules.money import MONTHS_PER_YEAR, ZERO, ratio, yuan
from rules.property import (
    Holdings,
    compare_per_capita,
    county_findings_test,
    financial_assets_test,
    financial_assets_within,
    holdings,
    housing_within,
    vehicles_within,
)
from rules.thresholds import Thresholds


@dataclass(slots=True)
class MedicalCosts:
    """The patient's expenses within the 12 months before application (65号 第六条（三）（四））."""

    window_from: date
    window_to: date
    counted: tuple[MedicalExpense, ...]
    outside_window: int
    not_designated: int
    # Summed once: the decision shows each sum four times over.
    inpatient_burden: Decimal
    out_of_pocket: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "window": {"from": self.window_from.isoformat(), "to": self.window_to.isoformat()},
            "inpatient_policy_scope_burden": yuan(self.inpatient_burden),
            "out_of_pocket_total": yuan(self.out_of_pocket),
            "expenses_counted": len(self.counted),
            "expenses_outside_window": self.outside_window,
            "expenses_not_designated": self.not_designated,
        }


def medical_costs(case: CaseFile) -> MedicalCosts:
    last = case.application_date
    first = years_before(last, 1) + timedelta(days=1)
    counted: list[MedicalExpense] = []
    outside = not_designated = 0
    for expense in case.medical_expenses:
        if not first <= expense.date <= last:
            outside += 1
        elif not expense.designated:
            not_designated += 1
        else:
            counted.append(expense)
    inpatient = sum(
        (e.policy_scope_personal_burden - e.mutual_aid for e in counted if e.type == "inpatient"), ZERO
    )
    out_of_pocket = sum((e.out_of_pocket for e in counted), ZERO)
    return MedicalCosts(first, last, tuple(counted), outside, not_designated, inpatient, out_of_pocket)


def hukou_in_shanxi(patient: Member) -> Criterion:
    article = "65号 第六条（一）"
    region = patient.hukou_region or ""
    ok = region.startswith(PROVINCE_PREFIX)
    where = f"户籍地区划代码{region}" if region else "未登记户籍地"
    sentence = (
        f"患者{patient.name}{where}，户籍在山西省，符合{article}。"
        if ok
        else f"患者{patient.name}{where}，户籍不在山西省，不符合{article}。"
    )
    return Criterion(
        "illness.hukou", "户籍在山西省", outcome_of(ok), article, sentence, {"hukou_region": region}
    )


def insured_in_shanxi(patient: Member) -> Criterion:
    article = "65号 第六条（二）"
    insurance = patient.insurance
    scheme = insurance.scheme if insurance else "none"
    region = (insurance.region if insurance else None) or ""
    ok = scheme != "none" and region.startswith(PROVINCE_PREFIX)
    if scheme == "none":
        sentence = f"患者{patient.name}未登记参加基本医疗保险，不符合{article}。"
    elif ok:
        sentence = f"患者{patient.name}在山西省（{region}）参加{v.INSURANCE_SCHEMES[scheme]}，符合{article}。"
    else:
        sentence = f"患者{patient.name}参保地{region}不在山西省，不符合{article}。"
    return Criterion(
        "illness.insurance",
        "在山西省参加基本医疗保险",
        outcome_of(ok),
        article,
        sentence,
        {"scheme": scheme, "region": region},
    )


def deductible_reached(costs: MedicalCosts, deductible: Decimal) -> Criterion:
    article = "65号 第六条（三）"
    burden = costs.inpatient_burden
    ok = burden >= deductible
    burden_text, deductible_text = yuan(burden), yuan(deductible)
    figures = {"inpatient_policy_scope_burden": burden_text, "annual_deductible": deductible_text}
    head = (
        f"{costs.window_from.isoformat()}至{costs.window_to.isoformat()}定点医疗机构政策范围内住院费用"
        f"经各项报销并扣除社会互助帮困后个人负担{burden_text}元"
    )
    if burden > deductible:
        sentence = f"{head}，超过年度救助起付标准{deductible_text}元，符合{article}。"
    elif ok:
        sentence = f"{head}，恰好达到年度救助起付标准{deductible_text}元，“达到”即符合{article}。"
    else:
        sentence = f"{head}，未达到年度救助起付标准{deductible_text}元，不符合{article}。"
    return Criterion(
        "illness.deductible", "个人负担达到年度救助起付标准", outcome_of(ok), article, sentence, figures
    )


@lru_cache(maxsize=1024)
def _income_limit(standard: Decimal, multiplier: Decimal) -> tuple[Decimal, str, str, str]:
    """65号 第六条（四）'s limit and its figures, the same for every case of a place and period
    (only compared and shown to the fen, as ``dibao_edge._band``)."""
    limit = standard * multiplier
    return limit, yuan(standard), ratio(multiplier), yuan(limit)


def income_after_medical(
    income: IncomeAssessment, costs: MedicalCosts, standard: Decimal, multiplier: Decimal, area: str
) -> Criterion:
    article = "65号 第六条（四）"
    annual, out_of_pocket = income.annual_total, costs.out_of_pocket
    remaining = max(annual - out_of_pocket, ZERO)
    size = income.household_size
    limit, standard_text, times, limit_text = _income_limit(standard, multiplier)
    sign = compare_per_capita(remaining, size * 12, limit)
    per_capita = remaining / (MONTHS_PER_YEAR * size)
    annual_text, out_of_pocket_text, per_capita_text = yuan(annual), yuan(out_of_pocket), yuan(per_capita)
    figures = {
        "annual_income": annual_text,
        "out_of_pocket_12_months": out_of_pocket_text,
        "income_after_medical": yuan(remaining),
        "household_size": str(size),
        "per_capita_monthly_income": per_capita_text,
        "dibao_standard": standard_text,
        "multiplier": times,
        "limit": limit_text,
    }
    head = (
        f"家庭年收入{annual_text}元扣除申请前12个月个人自负医疗费用{out_of_pocket_text}元后，"
        f"人均月收入{per_capita_text}元"
    )
    bound = f"当地{v.AREAS[area]}低保标准{standard_text}元的{times}倍{limit_text}元"
    if sign < 0:
        sentence = f"{head}，低于{bound}，符合{article}。"
    elif sign == 0:
        sentence = f"{head}，恰好等于{bound}，{article}要求“低于”，不符合。"
    else:
        sentence = f"{head}，高于{bound}，不符合{article}。"
    return Criterion(
        "illness.income",
        f"扣除自负医疗费用后人均收入低于低保标准{times}倍",
        outcome_of(sign < 0),
        article,
        sentence,
        figures,
    )


def not_other_assistance(
    case: CaseFile,
    income: IncomeAssessment,
    held: Holdings,
    standard: Decimal,
    thresholds: Thresholds,
) -> tuple[Criterion, str | None]:
    """65号 第六条: not eligible for dibao, 特困 or 低保边缘. Returns the criterion and a referral."""
    article = "65号 第六条"
    title = "不符合低保、特困供养或低保边缘家庭条件"
    current = case.current_assistance
    figures = {"current_assistance": current}
    if current in ("dibao", "tekun", "dibao_edge"):
        label = v.CURRENT_ASSISTANCE[current]
        return Criterion(
            "illness.other_assistance",
            title,
            FAIL,
            article,
            f"家庭已是{label}，按相应制度享受医疗救助，不再认定为因病致贫重病患者。",
            figures,
        ), None
    multiplier = thresholds.amount("edge_upper_multiplier")
    # 64号's income band and property tests, for their results only: no sentence of theirs is
    # shown but the band's lower one, and that only on the way to dibao.
    found = band(income, case.area, standard, multiplier)
    figures.update(found.figures)
    below_dibao = income.annual_total < standard * MONTHS_PER_YEAR * income.household_size
    if below_dibao:
        return Criterion(
            "illness.other_assistance",
            title,
            FAIL,
            article,
            f"未扣除医疗费用时{lower_sentence(found, standard)[:-1]}，应引导申请最低生活保障。",
            figures,
        ), "dibao"
    if found.below > 0 and found.above < 0:
        edge_standard = standard * multiplier
        property_ok = all(
            (
                financial_assets_within(
                    edge_standard,
                    thresholds.amount("edge_financial_asset_months"),
                    held,
                    income.household_size,
                ),
                housing_within(held, int(thresholds.amount("edge_housing_limit"))),
                vehicles_within(held, edge_standard, thresholds.amount("edge_vehicle_months")),
            )
        )
        if property_ok:
            return Criterion(
                "illness.other_assistance",
                title,
                FAIL,
                "65号 第六条、64号 第二条",
                f"未扣除医疗费用时家庭人均月收入{yuan(income.per_capita_monthly)}元在低保标准与其"
                f"{ratio(multiplier)}倍之间，且财产符合64号 第十四条，应认定为低保边缘家庭。",
                figures,
            ), "dibao_edge"
    return Criterion(
        "illness.other_assistance",
        title,
        PASS,
        article,
        f"家庭未纳入低保、特困或低保边缘家庭，按收入和财产状况也不符合其条件"
        f"（未扣除医疗费用时人均月收入{yuan(income.per_capita_monthly)}元）。",
        figures,
    ), None


def evaluate_illness_poverty(case: CaseFile, thresholds: Thresholds) -> Decision:
    household = compose_household(case, thresholds)
    patient = case.member(case.patient or "")
    standard = thresholds.amount("dibao_standard")
    urban_standard = thresholds.amount("dibao_standard", v.URBAN)
    income = assess_income(case, household, thresholds)
    costs = medical_costs(case)
    held = holdings(case, household)
    other, referral = not_other_assistance(case, income, held, standard, thresholds)
    criteria = (
        hukou_in_shanxi(patient),
        insured_in_shanxi(patient),
        deductible_reached(costs, thresholds.amount("medical_assistance_deductible")),
        income_after_medical(
            income, costs, standard, thresholds.amount("illness_income_multiplier"), case.area
        ),
        financial_assets_test(
            "illness.financial_assets",
            "65号 第六条（五）",
            "当地城市低保标准",
            urban_standard,
            thresholds.amount("illness_financial_asset_months"),
            held,
            household.size,
        ),
        county_findings_test("illness.county_rules", "65号 第十条", case),
        other,
    )
    failed = [c for c in criteria if c.result == FAIL]
    eligible = not failed
    medical = costs.to_dict()
    medical["patient"] = patient.id
    return Decision(
        case.procedure,
        case.application_date,
        case.county,
        case.area,
        ELIGIBLE if eligible else NOT_ELIGIBLE,
        "standard" if eligible else None,
        referral,
        summarise(case.procedure, eligible, "standard", failed),
        household,
        income,
        criteria,
        held,
        thresholds.used,
        (),
        medical,
    )
