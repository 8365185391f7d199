"""Hypothesis strategies for case files that sit on the regulations' boundaries, for the tests of
the screening path (rules/screening/) against the explained engine.

A drawn case is first decided by the engine; then incomes, deposits, vehicles and inpatient
costs are added that put the household exactly at, or one fen either side of, a threshold the
engine just used (the dibao standard, its multiples, the asset and vehicle limits, the deductible).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from rules import vocabulary as v
from rules.casefile import CaseFile
from rules.counties import COUNTIES
from rules.engine import evaluate
from rules.household import years_before
from rules.parameters import ParameterError, ParameterTable
from rules.parsing import parse_case_file
from tests.unit.unit_casedata import make_id

FEN = Decimal("0.01")
_COUNTIES = sorted(COUNTIES)
_REGIONS = [*_COUNTIES, "140105", "110101"]
_FIRST_DAY = date(2023, 10, 1)
_LAST_DAY = date(2026, 6, 30)
_STANDARDS_FROM = date(2024, 1, 1)

money = st.integers(min_value=0, max_value=6_000_000).map(lambda c: str(Decimal(c) / 100))
near = st.sampled_from([-2, -1, 0, 0, 0, 1, 2])


def _birth(draw: st.DrawFn, applied: date, index: int) -> date:
    """Often within a day of the 18th birthday (64号 第九条（二）)."""
    if draw(st.booleans()):
        born = years_before(applied, 18) + timedelta(days=draw(near))
    else:
        born = applied - timedelta(days=draw(st.integers(0, 80 * 365)))
    return min(born, applied)


def _member(draw: st.DrawFn, applied: date, index: int) -> dict[str, Any]:
    relation = draw(st.sampled_from(["spouse", "child", "child", "child", "parent", "sibling", "other"]))
    born = _birth(draw, applied, index)
    member: dict[str, Any] = {
        "id": f"m{index}",
        "name": f"成员{index}",
        "id_number": make_id(born, 100 + index),
        "relation": relation,
        "unable_to_live_independently": draw(st.booleans()),
        "full_time_student": draw(st.sampled_from([None, None, "bachelor_or_below", "postgraduate"])),
    }
    if draw(st.integers(0, 4)) == 0:
        reason = draw(st.sampled_from(list(v.MEMBER_EXCLUSIONS)))
        exclusion: dict[str, Any] = {"reason": reason, "note": "县规定" if reason == "county_rule" else ""}
        if reason == "clergy":
            # 64号 第十条（二）: on, one day either side of, three years away.
            since = years_before(applied, 3) + timedelta(days=draw(near))
            exclusion["since"] = min(since, applied).isoformat()
        member["exclusion"] = exclusion
    return member


def _income(draw: st.DrawFn, members: list[str]) -> dict[str, Any]:
    kind = draw(st.sampled_from(list(v.INCOME_KINDS)))
    item: dict[str, Any] = {"member": draw(st.sampled_from(members)), "kind": kind}
    if kind in ("flexible", "migrant"):
        item["months"] = draw(st.integers(1, 12))
    if kind == "flexible":
        if draw(st.booleans()):
            item["declared_amount"] = draw(money)
    elif kind == "support":
        relation = draw(st.sampled_from(list(v.SUPPORT_RELATIONS)))
        basis = draw(st.sampled_from(list(v.SUPPORT_BASES)))
        support: dict[str, Any] = {
            "relation": relation,
            "basis": basis,
            "obligor_status": draw(st.sampled_from(list(v.OBLIGOR_STATUSES))),
            "months": draw(st.integers(1, 12)),
            "children_supported": draw(st.integers(1, 6)),
        }
        if basis == "formula" and relation == "child":
            support["obligor_monthly_income"] = draw(money)
        elif basis == "formula":
            support["obligor_household_monthly_per_capita_income"] = str(
                Decimal(draw(st.integers(0, 400_000))) / 100
            )
            if draw(st.booleans()):
                support["obligor_dibao_standard"] = draw(st.sampled_from(["546.00", "715.00", "600.10"]))
        item["support"] = support
        if basis != "formula" or draw(st.booleans()):
            item["amount"] = draw(money)
    else:
        item["amount"] = draw(money)
    return item


def _asset(draw: st.DrawFn, members: list[str]) -> dict[str, Any]:
    kind = draw(st.sampled_from(list(v.ASSET_KINDS)))
    asset: dict[str, Any] = {
        "owner": draw(st.sampled_from(members)),
        "kind": kind,
        "business_use": draw(st.booleans()),
        "lent_identity_certified": draw(st.integers(0, 5)) == 0,
    }
    if v.ASSET_KINDS[kind].group == v.HOUSING:
        asset["tenure"] = draw(st.sampled_from(list(v.TENURES)))
    else:
        asset["value"] = draw(money)
    return asset


def _expense(draw: st.DrawFn, applied: date) -> dict[str, Any]:
    if draw(st.booleans()):
        # 65号 第六条（三）: the first day of the 12-month window, and a day either side.
        spent = years_before(applied, 1) + timedelta(days=1 + draw(near))
    else:
        spent = applied - timedelta(days=draw(st.integers(0, 800)))
    burden = draw(st.integers(0, 3_000_000))
    return {
        "date": min(spent, applied).isoformat(),
        "type": draw(st.sampled_from(list(v.MEDICAL_EXPENSE_TYPES))),
        "policy_scope_personal_burden": str(Decimal(burden) / 100),
        "out_of_pocket": draw(money),
        "mutual_aid": str(Decimal(draw(st.integers(0, burden))) / 100),
        "designated": draw(st.integers(0, 5)) > 0,
    }


@st.composite
def draft_cases(draw: st.DrawFn, procedure: str) -> dict[str, Any]:
    # Mostly dates with configured standards; some before them, where both paths must refuse.
    early = draw(st.integers(0, 9)) == 0
    applied = draw(st.dates(_FIRST_DAY, _LAST_DAY) if early else st.dates(_STANDARDS_FROM, _LAST_DAY))
    county = draw(st.sampled_from(_COUNTIES))
    hukou_type = draw(st.sampled_from(list(v.HUKOU_TYPES)))
    illness = procedure == v.ILLNESS_POVERTY
    applicant: dict[str, Any] = {
        "id": "m1",
        "name": "申请人",
        "id_number": make_id(applied - timedelta(days=draw(st.integers(18 * 366, 90 * 365))), 1),
        "relation": "self",
        "hukou_region": draw(st.sampled_from([county] * 12 + _REGIONS)),
    }
    if illness:
        scheme = draw(st.sampled_from(["resident", "employee", *v.INSURANCE_SCHEMES]))
        insurance: dict[str, Any] = {"scheme": scheme}
        if scheme != "none":
            insurance["region"] = draw(st.sampled_from([county] * 8 + _REGIONS))
        applicant["medical_insurance"] = insurance
    members = [applicant] + [_member(draw, applied, i) for i in range(2, draw(st.integers(1, 6)) + 1)]
    ids = [m["id"] for m in members]
    case: dict[str, Any] = {
        "procedure": procedure,
        "application_date": applied.isoformat(),
        "county": county,
        "hukou_type": hukou_type,
        "members": members,
        "incomes": [_income(draw, ids) for _ in range(draw(st.integers(0, 5)))],
        "assets": [_asset(draw, ids) for _ in range(draw(st.integers(0, 4)))],
        "current_assistance": draw(st.sampled_from(["none"] * 12 + list(v.CURRENT_ASSISTANCE))),
    }
    if hukou_type == "resident":
        case["residence_area"] = draw(st.sampled_from(list(v.AREAS)))
    if draw(st.integers(0, 5)) == 0:
        case["county_findings"] = [
            {
                "article": "64号 第十四条（四）",
                "description": "县级规定",
                "disqualifying": draw(st.booleans()),
            }
        ]
    if illness:
        case["patient"] = "m1"
        case["medical_expenses"] = [_expense(draw, applied) for _ in range(draw(st.integers(0, 4)))]
    else:
        case["assistance_transition"] = draw(st.sampled_from([None, None, *v.ASSISTANCE_TRANSITIONS]))
        if draw(st.integers(0, 9)) == 0:
            case["monitoring_household"] = {"category": draw(st.sampled_from(list(v.MONITORING_CATEGORIES)))}
    return case


def _yuan(fen: Decimal) -> str:
    return str((fen / 100).quantize(FEN))


@st.composite
def boundary_cases(draw: st.DrawFn, procedure: str, table: ParameterTable) -> CaseFile:
    """A case moved onto (or one fen beside) a threshold the engine applies to it."""
    data = draw(draft_cases(procedure))
    case = parse_case_file(data)
    try:
        decision = evaluate(case, table)
    except ParameterError:
        return case
    used = {key: value.amount for key, value in decision.thresholds.items()}
    standard = used.get(f"dibao_standard.{case.area}", Decimal(0)) * 100  # in fen
    size = decision.household.size
    total = decision.income.annual_total * 100
    out_of_pocket = Decimal(decision.medical["out_of_pocket_total"]) * 100 if decision.medical else Decimal(0)
    targets = ["1", "edge", "illness", "inside", "none"]
    multiple = draw(st.sampled_from(targets + (["illness"] * 3 if procedure == v.ILLNESS_POVERTY else [])))
    factor = {
        "1": Decimal(1),
        "edge": used.get("edge_upper_multiplier"),
        "illness": used.get("illness_income_multiplier"),
        "inside": Decimal("1.25"),
    }
    chosen = factor.get(multiple)
    if chosen is not None:
        # A fractional target (standard × 1.5 × 12 × size) is approached from both sides.
        target = standard * chosen * 12 * size + (out_of_pocket if multiple == "illness" else 0)
        extra = (target + draw(near)).to_integral_value() - total
        if extra > 0:
            data["incomes"].append({"member": "m1", "kind": "wage", "amount": _yuan(extra)})
    limits = []
    if "edge_financial_asset_months" in used:
        limits.append(standard * used["edge_upper_multiplier"] * used["edge_financial_asset_months"] * size)
    if "illness_financial_asset_months" in used:
        urban = used["dibao_standard.urban"] * 100
        limits.append(urban * used["illness_financial_asset_months"] * size)
    if limits and draw(st.booleans()):
        held = Decimal(decision.holdings.financial_total()) * 100
        extra = (draw(st.sampled_from(limits)) + draw(near)).to_integral_value() - held
        if extra > 0:
            data["assets"].append({"owner": "m1", "kind": "deposit", "value": _yuan(extra)})
    if "edge_vehicle_months" in used and draw(st.booleans()):
        limit = standard * used["edge_upper_multiplier"] * used["edge_vehicle_months"]
        data["assets"].append(
            {"owner": "m1", "kind": "car", "value": _yuan((limit + draw(near)).to_integral_value())}
        )
    if "medical_assistance_deductible" in used and draw(st.integers(0, 3)) > 0:
        burden = Decimal(decision.medical["inpatient_policy_scope_burden"]) * 100 if decision.medical else 0
        extra = used["medical_assistance_deductible"] * 100 + draw(near) - burden
        if extra > 0:
            data["medical_expenses"].append(
                {
                    "date": case.application_date.isoformat(),
                    "type": "inpatient",
                    "policy_scope_personal_burden": _yuan(extra),
                    "out_of_pocket": "0",
                }
            )
    return parse_case_file(data)
