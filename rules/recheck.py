"""How often a recognised 低保边缘家庭 is checked again (64号 第二十六条).

“对短期内经济状况变化不大的低保边缘家庭，乡镇人民政府（街道办事处）每年核查一次；对收入来源不固定、
家庭成员有劳动能力的低保边缘家庭，每半年核查一次。”

Pure: a case file in, the interval with its reasons out. What counts as an income that is “不固定”
and as a member “有劳动能力” is not defined by 64号; the choices are stated in the result so that
staff can see them and set the other interval where they know better.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rules.casefile import CaseFile, Member

ARTICLE = "64号 第二十六条"
YEARLY_MONTHS = 12
HALF_YEARLY_MONTHS = 6
# Incomes without a fixed source: flexible work, migrant work, self-employment.
UNSTABLE_INCOME_KINDS = frozenset({"flexible", "migrant", "business"})
# The statutory working ages (16 to the pension age of 60), as the county's practice reads 有劳动能力.
WORKING_AGE = (16, 60)


@dataclass(frozen=True, slots=True)
class RecheckInterval:
    months: int
    article: str
    unstable_incomes: tuple[str, ...]
    able_members: tuple[str, ...]
    explanation: str

    @property
    def code(self) -> str:
        return "half_yearly" if self.months == HALF_YEARLY_MONTHS else "yearly"


def _age(member: Member, on: date) -> int:
    born = member.birth_date
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _able(member: Member, on: date) -> bool:
    low, high = WORKING_AGE
    return (
        low <= _age(member, on) < high
        and member.exclusion is None
        and not member.unable_to_live_independently
        and member.full_time_student is None
    )


def recheck_interval(case: CaseFile, on: date) -> RecheckInterval:
    """Half-yearly where the household has an income without a fixed source and a member able to
    work; yearly otherwise."""
    unstable = tuple(dict.fromkeys(i.kind for i in case.incomes if i.kind in UNSTABLE_INCOME_KINDS))
    able = tuple(m.name for m in case.members if _able(m, on))
    if unstable and able:
        return RecheckInterval(
            HALF_YEARLY_MONTHS, ARTICLE, unstable, able,
            f"家庭有来源不固定的收入，且{'、'.join(able)}处于劳动年龄、有劳动能力，每半年核查一次（{ARTICLE}）。",
        )  # fmt: skip
    reason = "家庭收入来源固定" if not unstable else "家庭成员中没有处于劳动年龄、有劳动能力的人"
    return RecheckInterval(
        YEARLY_MONTHS,
        ARTICLE,
        unstable,
        able,
        f"{reason}，短期内经济状况变化不大，每年核查一次（{ARTICLE}）。",
    )


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day where it has no such day."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


__all__ = ["ARTICLE", "RecheckInterval", "add_months", "recheck_interval"]
