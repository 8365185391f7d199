"""Who counts as a member of the household living together (64号 第九条、第十条).

65号 第六条（四） refers the question to the city's dibao rules; the same two articles of 64号
are applied to both procedures, and the household note says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from rules import vocabulary as v
from rules.casefile import CaseFile, Member
from rules.thresholds import Thresholds

ADULT_AGE = 18


@dataclass(slots=True)
class MemberStatus:
    member: Member
    counted: bool
    article: str
    explanation: str

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.member.id,
            "name": self.member.name,
            "relation": self.member.relation,
            "counted": self.counted,
            "article": self.article,
            "explanation": self.explanation,
        }


@dataclass(slots=True)
class Household:
    statuses: tuple[MemberStatus, ...]
    counted_ids: frozenset[str]
    note: str

    @property
    def size(self) -> int:
        return len(self.counted_ids)

    def to_dict(self) -> dict[str, object]:
        return {
            "size": self.size,
            "members": [s.to_dict() for s in self.statuses],
            "note": self.note,
        }


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February in a year that has none
        return on.replace(year=on.year - years, day=28)


def _excluded(member: Member, on: date, thresholds: Thresholds) -> MemberStatus | None:
    exclusion = member.exclusion
    if exclusion is None:
        return None
    reason = v.MEMBER_EXCLUSIONS[exclusion.reason]
    who = f"{member.name}（{v.RELATIONS[member.relation]}）"
    if exclusion.reason == "clergy":
        assert exclusion.since is not None
        clergy_years = int(thresholds.amount("clergy_absence_years"))
        if exclusion.since > years_before(on, clergy_years):
            # The exclusion does not apply: 第九条 decides as it would have without it (a parent or
            # an independent adult child is not counted either way).
            counted = _by_relation(member, on)
            return MemberStatus(
                member,
                counted.counted,
                reason.article if counted.counted else counted.article,
                f"{who}自{exclusion.since.isoformat()}起脱离家庭，至申请日不满{clergy_years}年，"
                f"不属于{reason.article}规定的不计入情形，"
                + ("仍计入家庭成员。" if counted.counted else f"按第九条认定：{counted.explanation}"),
            )
        return MemberStatus(
            member,
            False,
            reason.article,
            f"{who}自{exclusion.since.isoformat()}起连续{clergy_years}年以上脱离家庭独立生活，"
            f"依{reason.article}不计入家庭成员。",
        )
    detail = f"（{exclusion.note}）" if exclusion.note else ""
    return MemberStatus(
        member, False, reason.article, f"{who}为{reason.label}{detail}，依{reason.article}不计入家庭成员。"
    )


_APPLICANT: Final = f"（{v.RELATIONS['self']}）为申请人，计入家庭成员。"
_SPOUSE: Final = f"（{v.RELATIONS['spouse']}）为配偶，计入家庭成员。"


def _by_relation(member: Member, on: date) -> MemberStatus:
    relation = member.relation
    # The two commonest, with the relation's label written into the sentence beforehand.
    if relation == "self":
        return MemberStatus(member, True, "64号 第十七条", f"{member.name}{_APPLICANT}")
    if relation == "spouse":
        return MemberStatus(member, True, "64号 第九条（一）", f"{member.name}{_SPOUSE}")
    who = f"{member.name}（{v.RELATIONS[relation]}）"
    if relation == "child":
        age = age_on(member.birth_date, on)
        if age < ADULT_AGE:
            return MemberStatus(
                member, True, "64号 第九条（二）", f"{who}申请时{age}周岁，为未成年子女，计入家庭成员。"
            )
        if member.unable_to_live_independently:
            return MemberStatus(
                member, True, "64号 第九条（三）", f"{who}已成年但不能独立生活，计入家庭成员。"
            )
        if member.full_time_student == "bachelor_or_below":
            return MemberStatus(
                member,
                True,
                "64号 第九条（三）",
                f"{who}已成年，在校接受全日制本科及以下学历教育，计入家庭成员。",
            )
        reason = "在读全日制研究生" if member.full_time_student == "postgraduate" else "能独立生活"
        return MemberStatus(
            member,
            False,
            "64号 第九条（三）",
            f"{who}已成年且{reason}，不属于第九条所列共同生活的家庭成员。",
        )
    return MemberStatus(
        member,
        False,
        "64号 第九条",
        f"{who}不属于第九条所列配偶、未成年子女或不能独立生活的成年子女，不计入家庭成员；"
        "其财产依64号 第十三条不予认定。",
    )


def compose_household(case: CaseFile, thresholds: Thresholds) -> Household:
    on = case.application_date
    statuses: list[MemberStatus] = []
    counted_ids: list[str] = []
    for member in case.members:
        status = (
            _by_relation(member, on)
            if member.exclusion is None
            else _excluded(member, on, thresholds) or _by_relation(member, on)
        )
        statuses.append(status)
        if status.counted:
            counted_ids.append(member.id)
    note = (
        "因病致贫重病患者的共同生活家庭成员参照运城市最低生活保障审核确认办法确定"
        "（65号 第六条（四）），按64号 第九条、第十条认定。"
        if case.procedure == v.ILLNESS_POVERTY
        else "共同生活的家庭成员按64号 第九条、第十条认定。"
    )
    return Household(tuple(statuses), frozenset(counted_ids), note)
