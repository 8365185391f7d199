"""Reading a case file from JSON-shaped data, with every error reported against its field.

The fields, their kinds, limits and conditions are declared once on the records of
:mod:`rules.casefile`; the generic :meth:`rules.reader.Reader.record` reads them. What is left here
are the rules that tie fields together, each next to its article. The accepted format is
documented in ``docs/case-file.md`` and published as ``schemas/case-file.schema.json``. Money
arrives as a string (``"1200.50"``), an integer, or a ``Decimal``
(``json.load(..., parse_float=Decimal)``); a binary float is refused because it cannot be trusted
to the fen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from rules import declaration as d
from rules import vocabulary as v
from rules.casefile import (
    Asset,
    CaseFile,
    Exclusion,
    IncomeItem,
    MedicalExpense,
    Member,
    MonitoringHousehold,
)
from rules.declaration import Fact
from rules.idnumber import InvalidIdNumber, birth_date_of, valid_birth_date
from rules.reader import SCHEMA_VERSION, CaseFileError, Check, Reader, join
from rules.strict import StrictCheck

# The slots of a member the strict reading completes (a frozen record refuses setattr).
_SET_ID_NUMBER = vars(Member)["id_number"].__set__
_SET_BIRTH_DATE = vars(Member)["birth_date"].__set__
_OVERRIDE_KEY = re.compile(r"^[a-z][a-z_]*(\.(urban|rural))?$")


def parse_case_file(raw: Any) -> CaseFile:
    """Validate JSON-shaped data and build a CaseFile; raises CaseFileError listing every error."""
    # Strictly first: a valid case file is read once, an invalid one again, in full.
    case = _CaseFileReader().strict(raw, CaseFile)
    if case is not None:
        assert isinstance(case, CaseFile)
        return case
    reader = _CaseFileReader()
    case = reader.record(raw, "", CaseFile)
    if reader.errors or case is None:
        raise CaseFileError(reader.errors or [])
    assert isinstance(case, CaseFile)
    return case


class _CaseFileReader(Reader):
    def __init__(self) -> None:
        super().__init__()
        self.seen_numbers: set[str] = set()

    def _kinds(self) -> dict[str, Callable[[Fact, Any, str], Any]]:
        kinds = super()._kinds()
        kinds[d.VERSION] = self._version
        kinds[d.OVERRIDES] = lambda fact, raw, path: self._overrides(raw, path)
        return kinds

    @property
    def applied(self) -> date | None:
        day = self.top.get("application_date")
        return day if isinstance(day, date) else None

    def _version(self, fact: Fact, raw: Any, path: str) -> None:
        if raw != SCHEMA_VERSION:
            self.fail(path, f"只支持版本 {SCHEMA_VERSION}")

    def _case(self, values: dict[str, Any], path: str, data: Mapping[str, Any]) -> None:
        members: tuple[Member, ...] = values.get("members", ())
        raw_members = data.get("members")
        listed = len(raw_members) if isinstance(raw_members, list) else 0
        selves = [m.relation for m in members].count("self")
        if members and selves != 1 and len(members) == listed:
            self.fail("members", "应有且只有一名关系为本人（self）的申请人")
        self._required_for_procedure(
            values.get("procedure"), members, raw_members if isinstance(raw_members, list) else [], values
        )

    def _required_for_procedure(
        self,
        procedure: str | None,
        members: tuple[Member, ...],
        raw_members: list[Any],
        values: dict[str, Any],
    ) -> None:
        """Facts a procedure cannot be decided without (64号 第八条; 65号 第六条（一）（二））."""
        positions: dict[str, int] | None = None  # found only when a fact is missing
        patient = values.get("patient")

        def need(member: Member, field: str, present: object, message: str) -> None:
            nonlocal positions
            if present:
                return
            if positions is None:
                # Only string ids can name a valid member; any other value was already reported.
                positions = {
                    m["id"]: i
                    for i, m in enumerate(raw_members)
                    if isinstance(m, Mapping) and isinstance(m.get("id"), str)
                }
            where = f"members[{positions.get(member.id, 0)}].{field}"
            if not self.has_error(where):
                self.fail(where, message)

        # 65号 第十一条: the patient, or an agent for the patient, applies; 第六条（四） counts the
        # patient's household. The roster's relations are to its ``self``, so the patient must be
        # that member: a roster built around an agent would count the agent's family and set the
        # patient's own income aside as a non-member's.
        patient_member = (
            next((m for m in members if m.id == patient), None) if procedure == v.ILLNESS_POVERTY else None
        )
        if patient_member is not None and patient_member.relation != "self":
            self.fail(
                "patient",
                "患者应为申请人本人（关系为“本人”）：由他人代为申请的，家庭成员及其关系按患者本人填写，"
                "代理人不列入家庭成员（65号 第十一条、第六条（四））",
            )
        for member in members:
            if procedure == v.DIBAO_EDGE and member.relation == "self":
                need(member, "hukou_region", member.hukou_region, "申请人户籍地必填（64号 第八条）")
            if procedure == v.ILLNESS_POVERTY and member.id == patient:
                need(member, "hukou_region", member.hukou_region, "患者户籍地必填（65号 第六条（一））")
                need(member, "medical_insurance", member.insurance, "患者参保情况必填（65号 第六条（二））")

    def _member(self, values: dict[str, Any], path: str, data: Mapping[str, Any]) -> None:
        member_id = values.get("id")
        if member_id is not None:
            if member_id in self.member_ids:
                self.fail(f"{path}.id", f"成员 id “{member_id}”重复")
            self.member_ids.add(member_id)
        number = values.pop("id_number", None)
        if number is not None:
            number = number.upper()
            try:
                born = birth_date_of(number)
            except InvalidIdNumber as exc:
                self.fail(f"{path}.id_number", str(exc))
            else:
                if number in self.seen_numbers:
                    self.fail(f"{path}.id_number", "身份证号码与其他成员重复")
                self.seen_numbers.add(number)
                applied = self.top.get("application_date")  # ``applied``, inline: once per member
                if isinstance(applied, date) and born > applied:
                    self.fail(f"{path}.id_number", "出生日期晚于申请日期")
                values["id_number"] = number
                values["birth_date"] = born
        if values.get("exclusion") is not None and values.get("relation") == "self":
            self.fail(f"{path}.exclusion", "申请人本人不能是不计入家庭成员的人员（64号 第十条）")

    def _not_after_application(self, day: date | None, where: str, message: str) -> None:
        if day is not None and self.applied is not None and day > self.applied:
            self.fail(where, message)

    def _exclusion(self, values: dict[str, Any], path: str, data: Mapping[str, Any]) -> None:
        self._not_after_application(values.get("since"), f"{path}.since", "起始日期不能晚于申请日期")

    def _monitoring(self, values: dict[str, Any], path: str, data: Mapping[str, Any]) -> None:
        self._not_after_application(
            values.get("identified_on"), f"{path}.identified_on", "认定日期不能晚于申请日期"
        )

    def _income(self, values: dict[str, Any], path: str, data: Mapping[str, Any]) -> None:
        """65号 第八条（一）: flexible income is estimated from the minimum wage; （四）: support by
        formula is computed from the obligor's figures. Any other item states its amount."""
        kind, support = values.get("kind"), values.get("support")
        where = join(path, "amount")
        if self.errors and self.has_error(where):
            return
        formula = support is not None and support.basis == "formula"
        if kind == "flexible" and "amount" in values:
            self.fail(
                where, "灵活就业收入按最低工资标准推算，申报数请填 declared_amount（65号 第八条（一））"
            )
        elif kind is not None and kind != "flexible" and not formula and "amount" not in values:
            self.fail(where, "必填")

    def _asset(self, values: dict[str, Any], path: str, data: Mapping[str, Any]) -> None:
        kind = values.get("kind")
        if values.get("tenure") == "rented" and kind is not None and v.ASSET_KINDS[kind].group != v.HOUSING:
            self.fail(f"{path}.tenure", "只有住房和商业用房区分拥有或承租")

    def _expense(self, values: dict[str, Any], path: str, data: Mapping[str, Any]) -> None:
        self._not_after_application(values.get("date"), f"{path}.date", "就医日期不能晚于申请日期")
        burden, mutual_aid = values.get("policy_scope_personal_burden"), values.get("mutual_aid")
        if burden is not None and mutual_aid is not None and mutual_aid > burden:
            self.fail(f"{path}.mutual_aid", "社会互助帮困金额不能超过政策范围内个人负担")

    # The rules tying a record's fields together, by record (class level: a reader is made for
    # every case file, and its checks never change).
    checks: ClassVar[Mapping[type, Check]] = {
        CaseFile: _case,
        Member: _member,
        Exclusion: _exclusion,
        MonitoringHousehold: _monitoring,
        IncomeItem: _income,
        Asset: _asset,
        MedicalExpense: _expense,
    }

    # The same rules as predicates on the records the strict reading built (rules.strict): a
    # record that fails one has an error above, which the general reading will then report.

    def _strict_case(self, case: CaseFile) -> bool:
        return case_rules_hold(case)

    def _strict_member(self, member: Member) -> bool:
        ids = self.member_ids
        if member.id in ids:
            return False
        ids.add(member.id)
        number = member.id_number.upper()
        born = valid_birth_date(number)
        if born is None or number in self.seen_numbers:
            return False
        self.seen_numbers.add(number)
        # The record is not yet shared: complete it as the general reading's values would.
        _SET_ID_NUMBER(member, number)
        _SET_BIRTH_DATE(member, born)
        return member.exclusion is None or member.relation != "self"

    def _strict_income(self, item: IncomeItem) -> bool:
        if item.kind == "flexible":
            return item.amount is None
        support = item.support
        return item.amount is not None or (support is not None and support.basis == "formula")

    def _strict_asset(self, asset: Asset) -> bool:
        return asset.tenure != "rented" or v.ASSET_KINDS[asset.kind].group == v.HOUSING

    def _strict_expense(self, expense: MedicalExpense) -> bool:
        return expense.mutual_aid <= expense.policy_scope_personal_burden

    strict_checks: ClassVar[Mapping[type, StrictCheck]] = {
        CaseFile: _strict_case,
        Member: _strict_member,
        IncomeItem: _strict_income,
        Asset: _strict_asset,
        MedicalExpense: _strict_expense,
    }

    def _overrides(self, raw: Any, path: str) -> dict[str, Decimal]:
        if not isinstance(raw, Mapping):
            self.fail(path, "应为对象")
            return {}
        overrides: dict[str, Decimal] = {}
        for key, value in raw.items():
            where = f"{path}.{key}"
            if not isinstance(key, str) or not _OVERRIDE_KEY.match(key):
                self.fail(where, "参数名应为参数种类（如 dibao_standard），可加 .urban 或 .rural")
                continue
            amount = (
                self.money(value, where)
                if key.split(".")[0].endswith(("standard", "wage", "deductible"))
                else self._ratio(value, where)
            )
            if amount is not None:
                overrides[key] = amount
        return overrides

    def _ratio(self, raw: Any, path: str) -> Decimal | None:
        if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
            self.fail(path, '应为数值字符串，如 "1.5"')
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.fail(path, f"“{raw}”不是有效数值")
            return None
        if not value.is_finite() or value < 0 or value > 1000:
            self.fail(path, "应为0至1000之间的数值")
            return None
        return value


def case_rules_hold(case: CaseFile) -> bool:
    """Whether a built case file keeps the rules tying its records together (``_case``,
    ``_exclusion``, ``_monitoring``, ``_expense``, and a member's birth date): one applicant, the
    facts its procedure needs, and no birth, exclusion, identification or expense after the
    application date. The strict reading asks it of every case file it builds, and a case file
    built from stored rows (assistance/casefile/from_rows.py) on another date than it was filed.
    The comparisons with the application date are made once, on the whole case."""
    applied = case.application_date
    selves = 0
    applicant: Member | None = None
    for member in case.members:
        if member.relation == "self":
            selves += 1
            applicant = member
        if member.birth_date > applied:
            return False
        exclusion = member.exclusion
        if exclusion is not None and exclusion.since is not None and exclusion.since > applied:
            return False
    if selves != 1 or applicant is None:
        return False
    monitoring = case.monitoring_household
    if monitoring is not None and monitoring.identified_on is not None and monitoring.identified_on > applied:
        return False
    for expense in case.medical_expenses:
        if expense.date > applied:
            return False
    if case.procedure == v.DIBAO_EDGE:
        return applicant.hukou_region is not None
    # A patient the members do not hold: only stored rows can say so (the reading checked the id).
    patient = next((m for m in case.members if m.id == case.patient), None)
    return (
        patient is not None
        and patient.relation == "self"
        and patient.hukou_region is not None
        and patient.insurance is not None
    )
