"""The case file: everything the rules engine needs to know about one application.

Plain immutable data, already validated (see :mod:`rules.parsing`). Money is ``Decimal`` yuan;
every income amount is the total received within the 12-month reference window.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Exclusion:
    reason: str
    since: date | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Insurance:
    scheme: str
    region: str | None = None


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    name: str
    id_number: str
    birth_date: date
    relation: str
    hukou_region: str | None = None
    unable_to_live_independently: bool = False
    full_time_student: str | None = None
    exclusion: Exclusion | None = None
    insurance: Insurance | None = None


@dataclass(frozen=True, slots=True)
class SupportDetails:
    relation: str
    basis: str
    obligor_status: str = "none"
    obligor_household_monthly_per_capita_income: Decimal | None = None
    obligor_dibao_standard: Decimal | None = None
    obligor_monthly_income: Decimal | None = None
    children_supported: int = 1
    months: int = 12


@dataclass(frozen=True, slots=True)
class IncomeItem:
    member: str
    kind: str
    amount: Decimal | None = None
    months: int | None = None
    declared_amount: Decimal | None = None
    support: SupportDetails | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Asset:
    owner: str
    kind: str
    value: Decimal | None = None
    tenure: str = "owned"
    business_use: bool = False
    lent_identity_certified: bool = False
    description: str = ""


@dataclass(frozen=True, slots=True)
class MedicalExpense:
    date: date
    type: str
    policy_scope_personal_burden: Decimal
    out_of_pocket: Decimal
    mutual_aid: Decimal = Decimal(0)
    designated: bool = True
    institution: str = ""


@dataclass(frozen=True, slots=True)
class MonitoringHousehold:
    category: str
    identified_on: date | None = None
    identified_by: str = ""


@dataclass(frozen=True, slots=True)
class CountyFinding:
    """A finding under a county rule the engine cannot know (64号 第十四条（四）, 65号 第十条)."""

    article: str
    description: str
    disqualifying: bool


@dataclass(frozen=True, slots=True)
class CaseFile:
    procedure: str
    application_date: date
    county: str
    hukou_type: str
    members: tuple[Member, ...]
    residence_area: str | None = None
    current_assistance: str = "none"
    assistance_transition: str | None = None
    monitoring_household: MonitoringHousehold | None = None
    incomes: tuple[IncomeItem, ...] = ()
    assets: tuple[Asset, ...] = ()
    patient: str | None = None
    medical_expenses: tuple[MedicalExpense, ...] = ()
    county_findings: tuple[CountyFinding, ...] = ()
    parameter_overrides: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def applicant(self) -> Member:
        """The member applying (relation ``self``; the parser guarantees exactly one)."""
        for member in self.members:
            if member.relation == "self":
                return member
        raise LookupError("案卷没有申请人本人")

    def member(self, member_id: str) -> Member:
        for member in self.members:
            if member.id == member_id:
                return member
        raise LookupError(f"案卷没有成员 {member_id}")

    @property
    def area(self) -> str:
        """Urban or rural standard, 64号 第八条: by hukou, or by residence for a resident hukou."""
        if self.hukou_type == "resident":
            assert self.residence_area is not None
            return self.residence_area
        return self.hukou_type
