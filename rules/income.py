"""Household income over the 12 months before the application month (64号 第十二条).

64号 第十二条 refers the quantification, the excluded incomes and the support formula to the
city's dibao rules; those rules are the text of 65号 第八条、第九条, which both procedures apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from rules import vocabulary as v
from rules.casefile import CaseFile, IncomeItem, SupportDetails
from rules.household import Household
from rules.money import MONTHS_PER_YEAR, ZERO, percent, yuan
from rules.thresholds import Thresholds

# 64号 第十二条 also leaves out support from the rural-revitalisation bureau's monitoring
# households; 65号 第九条（十一） names only 特困、低保 and 低保边缘.
_OBLIGORS_NOT_COUNTED = {
    v.DIBAO_EDGE: frozenset({"tekun", "dibao", "dibao_edge", "monitoring"}),
    v.ILLNESS_POVERTY: frozenset({"tekun", "dibao", "dibao_edge"}),
}
_CATEGORY_ITEM = {
    v.WAGE: "第八条（一）",
    v.BUSINESS: "第八条（二）",
    v.PROPERTY: "第八条（三）",
    v.TRANSFER: "第八条（四）",
    v.OTHER: "第八条（五）",
}


@dataclass(slots=True)
class IncomeLine:
    index: int
    member: str
    kind: str
    category: str
    reported: Decimal | None
    counted: Decimal
    article: str
    explanation: str

    def to_dict(self) -> dict[str, object]:
        return {
            "index": self.index,
            "member": self.member,
            "kind": self.kind,
            "category": self.category,
            "reported": None if self.reported is None else yuan(self.reported),
            "counted": yuan(self.counted),
            "article": self.article,
            "explanation": self.explanation,
        }


@dataclass(slots=True)
class IncomeAssessment:
    window_from: date
    window_to: date
    lines: tuple[IncomeLine, ...]
    annual_total: Decimal
    household_size: int

    @property
    def per_capita_monthly(self) -> Decimal:
        return self.annual_total / (MONTHS_PER_YEAR * self.household_size)

    def by_category(self) -> dict[str, Decimal]:
        totals = dict.fromkeys(v.INCOME_CATEGORIES, ZERO)
        for line in self.lines:
            totals[line.category] += line.counted
        return totals

    def to_dict(self) -> dict[str, object]:
        return {
            "window": {"from": self.window_from.isoformat(), "to": self.window_to.isoformat()},
            "by_category": {k: yuan(a) for k, a in self.by_category().items()},
            "annual_total": yuan(self.annual_total),
            "monthly_average": yuan(self.annual_total / MONTHS_PER_YEAR),
            "household_size": self.household_size,
            "per_capita_monthly": yuan(self.per_capita_monthly),
            "lines": [line.to_dict() for line in self.lines],
        }


@lru_cache(maxsize=4096)  # one per application date; a batch has a few hundred
def income_window(applied: date) -> tuple[date, date]:
    """The 12 whole months before the application month: 64号 第十二条."""
    month_start = applied.replace(day=1)
    last = month_start - timedelta(days=1)
    first = month_start.replace(year=month_start.year - 1)
    return first, last


@lru_cache(maxsize=64)
def cite(procedure: str, item: str) -> str:
    """The article for an income rule of 65号, as each procedure reaches it."""
    if procedure == v.ILLNESS_POVERTY:
        return f"65号 {item}"
    return f"64号 第十二条、65号 {item}"


def _fixed_lines(procedure: str) -> dict[str, tuple[str, str, str, str, bool]]:
    """For each kind whose line is the same sentence whatever the figures, by procedure: its
    category, article, the words between the member's name and the amount and those after it,
    and whether the amount counts (65号 第八条) or not (第九条). The rest need the thresholds."""
    fixed = {}
    for name, kind in v.INCOME_KINDS.items():
        if kind.excluded_by:
            article = cite(procedure, kind.excluded_by)
            fixed[name] = (kind.category, article, f"的{kind.label}", f"元依{article}不计入家庭收入。", False)
        elif name not in ("flexible", "migrant", "support", "transfer_expense"):
            article = cite(procedure, _CATEGORY_ITEM[kind.category])
            tail = f"元计入{v.INCOME_CATEGORIES[kind.category]}。"
            fixed[name] = (kind.category, article, f"的{kind.label}", tail, True)
    return fixed


_FIXED_LINES = {procedure: _fixed_lines(procedure) for procedure in v.PROCEDURES}


class _IncomeRules:
    def __init__(self, case: CaseFile, thresholds: Thresholds) -> None:
        self.case = case
        self.thresholds = thresholds
        self.names = {m.id: m.name for m in case.members}

    def line(self, index: int, item: IncomeItem, household: Household) -> IncomeLine:
        """A line ``assess_income`` does not write itself."""
        kind = v.INCOME_KINDS[item.kind]
        who = self.names[item.member]
        if item.member not in household.counted_ids:
            status = next(s for s in household.statuses if s.member.id == item.member)
            return IncomeLine(
                index,
                item.member,
                item.kind,
                kind.category,
                item.amount,
                ZERO,
                status.article,
                f"{who}不计入家庭成员，其{kind.label}不计入家庭收入。",
            )
        if kind.excluded_by:
            article = cite(self.case.procedure, kind.excluded_by)
            return IncomeLine(
                index,
                item.member,
                item.kind,
                kind.category,
                item.amount,
                ZERO,
                article,
                f"{who}的{kind.label}{yuan(item.amount or ZERO)}元依{article}不计入家庭收入。",
            )
        if item.kind == "flexible":
            return self._flexible(index, item, who)
        if item.kind == "migrant":
            return self._migrant(index, item, who)
        if item.kind == "support":
            assert item.support is not None
            return self._support(index, item, item.support, who)
        amount = item.amount or ZERO
        if item.kind == "transfer_expense":
            article = cite(self.case.procedure, "第八条（四）")
            return IncomeLine(
                index,
                item.member,
                item.kind,
                kind.category,
                amount,
                -amount,
                article,
                f"{who}的转移性支出{yuan(amount)}元从转移性收入中扣减。",
            )
        article = cite(self.case.procedure, _CATEGORY_ITEM[kind.category])
        return IncomeLine(
            index,
            item.member,
            item.kind,
            kind.category,
            amount,
            amount,
            article,
            f"{who}的{kind.label}{yuan(amount)}元计入{v.INCOME_CATEGORIES[kind.category]}。",
        )

    def _flexible(self, index: int, item: IncomeItem, who: str) -> IncomeLine:
        months = item.months or 12
        wage = self.thresholds.amount("minimum_wage")
        imputed = wage * months
        declared = item.declared_amount
        article = cite(self.case.procedure, "第八条（一）")
        if declared is not None and declared > imputed:
            counted = declared
            sentence = (
                f"{who}灵活就业{months}个月，申报收入{yuan(declared)}元高于最低工资标准"
                f"{yuan(wage)}元×{months}个月={yuan(imputed)}元，以申报收入为准。"
            )
        else:
            counted = imputed
            shown = (
                f"申报收入{yuan(declared)}元不高于最低工资推算数，"
                if declared is not None
                else "无法推算实际工资，"
            )
            sentence = (
                f"{who}灵活就业{months}个月，{shown}按最低工资标准{yuan(wage)}元×{months}个月"
                f"计为{yuan(imputed)}元。"
            )
        return IncomeLine(index, item.member, item.kind, v.WAGE, declared, counted, article, sentence)

    def _migrant(self, index: int, item: IncomeItem, who: str) -> IncomeLine:
        months = item.months or 12
        amount = item.amount or ZERO
        rate = self.thresholds.amount("migrant_work_cost_rate")
        urban = self.thresholds.amount("dibao_standard", v.URBAN)
        cost = rate * urban * months
        counted = max(amount - cost, ZERO)
        return IncomeLine(
            index,
            item.member,
            item.kind,
            v.WAGE,
            amount,
            counted,
            cite(self.case.procedure, "第八条（一）"),
            f"{who}外出务工收入{yuan(amount)}元，扣减就业成本（城市低保标准{yuan(urban)}元×"
            f"{percent(rate)}×{months}个月={yuan(cost)}元）后计{yuan(counted)}元。",
        )

    def _support(self, index: int, item: IncomeItem, support: SupportDetails, who: str) -> IncomeLine:
        label = v.SUPPORT_RELATIONS[support.relation]
        procedure = self.case.procedure
        if support.obligor_status in _OBLIGORS_NOT_COUNTED[procedure]:
            article = "64号 第十二条" if procedure == v.DIBAO_EDGE else "65号 第九条（十一）"
            return IncomeLine(
                index,
                item.member,
                item.kind,
                v.TRANSFER,
                item.amount,
                ZERO,
                article,
                f"{who}获得的{label}，义务人属于{v.OBLIGOR_STATUSES[support.obligor_status]}，"
                f"依{article}不计算该义务人的{label}。",
            )
        article = cite(procedure, "第八条（四）")
        if support.basis != "formula":
            amount = item.amount or ZERO
            return IncomeLine(
                index,
                item.member,
                item.kind,
                v.TRANSFER,
                amount,
                amount,
                article,
                f"{who}获得的{label}按{v.SUPPORT_BASES[support.basis]}计{yuan(amount)}元。",
            )
        months = support.months
        if support.relation == "child":
            income = support.obligor_monthly_income or ZERO
            base = self.thresholds.amount("child_support_rate")
            step = self.thresholds.amount("child_support_step_rate")
            cap = self.thresholds.amount("child_support_cap_rate")
            rate = min(base + step * (support.children_supported - 1), cap)
            counted = income * rate * months
            sentence = (
                f"{who}获得的抚养费无法律文书规定，按抚养义务人月总收入{yuan(income)}元的"
                f"{percent(rate)}（被抚养{support.children_supported}人，最高{percent(cap)}）"
                f"×{months}个月推算为{yuan(counted)}元。"
            )
        else:
            per_capita = support.obligor_household_monthly_per_capita_income or ZERO
            standard = support.obligor_dibao_standard
            if standard is None:
                standard = self.thresholds.amount("dibao_standard")
            rate = self.thresholds.amount("elderly_support_rate")
            surplus = max(per_capita - standard, ZERO)
            counted = surplus * rate * months
            sentence = (
                f"{who}获得的{label}无法律文书规定，按义务人家庭月人均收入{yuan(per_capita)}元"
                f"扣除低保标准{yuan(standard)}元后剩余部分的{percent(rate)}×{months}个月"
                f"推算为{yuan(counted)}元。"
            )
        return IncomeLine(index, item.member, item.kind, v.TRANSFER, item.amount, counted, article, sentence)


def assess_income(case: CaseFile, household: Household, thresholds: Thresholds) -> IncomeAssessment:
    # The lines of the kinds whose sentence needs no threshold are written here; _IncomeRules
    # writes the others (made only when one is there).
    fixed = _FIXED_LINES[case.procedure]
    counted_ids = household.counted_ids
    names = {}
    for member in case.members:
        names[member.id] = member.name
    rules: _IncomeRules | None = None
    lines = []
    total = ZERO
    for index, item in enumerate(case.incomes):
        line_of = fixed.get(item.kind)
        if line_of is not None and item.member in counted_ids:
            category, article, words, tail, counts = line_of
            who = names[item.member]
            if counts:
                amount = item.amount or ZERO
                line = IncomeLine(
                    index,
                    item.member,
                    item.kind,
                    category,
                    amount,
                    amount,
                    article,
                    f"{who}{words}{yuan(amount)}{tail}",
                )
            else:
                shown = yuan(item.amount or ZERO)
                line = IncomeLine(
                    index,
                    item.member,
                    item.kind,
                    category,
                    item.amount,
                    ZERO,
                    article,
                    f"{who}{words}{shown}{tail}",
                )
        else:
            if rules is None:
                rules = _IncomeRules(case, thresholds)
            line = rules.line(index, item, household)
        lines.append(line)
        total += line.counted  # as sum() adds, in order
    first, last = income_window(case.application_date)
    # Transfer expenses cannot make a household's income negative.
    return IncomeAssessment(first, last, tuple(lines), max(total, ZERO), household.size)
