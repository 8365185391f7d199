"""Household property: which assets count (64号 第十三条, 第十四条（四）) and the property tests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Final

from rules import vocabulary as v
from rules.casefile import Asset, CaseFile
from rules.criteria import PASS, Criterion, Result, outcome_of
from rules.household import Household
from rules.money import ZERO, exact_beside, ratio, yuan


@dataclass(slots=True)
class Holdings:
    """The assets that count as the household's, by group, and why the others do not."""

    financial: list[Asset]
    housing: list[Asset]
    vehicles: list[Asset]
    set_aside: list[tuple[Asset, str]]

    def financial_total(self) -> Decimal:
        total = ZERO
        for asset in self.financial:
            total += asset.value or ZERO  # as sum() adds, in order
        return total

    def to_dict(self) -> dict[str, object]:
        return {
            "financial_assets_total": yuan(self.financial_total()),
            "housing_units": len(self.housing),
            "vehicles": len(self.vehicles),
            "set_aside": [
                {"owner": asset.owner, "kind": asset.kind, "explanation": reason}
                for asset, reason in self.set_aside
            ],
        }


def holdings(case: CaseFile, household: Household) -> Holdings:
    held = Holdings([], [], [], [])
    groups = {v.FINANCIAL: held.financial, v.HOUSING: held.housing, v.VEHICLE: held.vehicles}
    counted = household.counted_ids
    for asset in case.assets:
        kind = v.ASSET_KINDS[asset.kind]
        if asset.owner not in counted:
            name = next(m.name for m in case.members if m.id == asset.owner)
            held.set_aside.append(
                (asset, f"{kind.label}登记在非家庭成员{name}名下，依64号 第十三条不予认定。")
            )
        elif asset.lent_identity_certified:
            held.set_aside.append(
                (
                    asset,
                    f"{kind.label}系出借身份证登记，确因客观原因无法过户并经认定出具证明，"
                    "依64号 第十四条（四）不认定为本人财产。",
                )
            )
        else:
            groups[kind.group].append(asset)
    return held


def compare_per_capita(total: Decimal, size: int, limit_each: Decimal) -> int:
    """Sign of (total / size) - limit_each, computed without division so boundaries are exact."""
    difference = total - limit_each * size
    return (difference > 0) - (difference < 0)


# The limits below and their figures are the same for every case of a place and period. A limit
# is only compared and shown to the fen, so a value equal to a remembered one but written with
# other trailing zeros may share its entry.
@lru_cache(maxsize=1024)
def _financial_limit(
    standard_label: str, standard: Decimal, months: Decimal
) -> tuple[Decimal, str, str, str, str]:
    limit = standard * months
    standard_text, limit_text, months_text = yuan(standard), yuan(limit), ratio(months)
    bound = f"{months_text}个月{standard_label}之和{limit_text}元（{standard_text}元×{months_text}）"
    return limit, standard_text, limit_text, months_text, bound


@lru_cache(maxsize=1024)
def _vehicle_limit(edge_standard: Decimal, months: Decimal) -> tuple[Decimal, str, str, str, str]:
    limit = edge_standard * months
    months_text, limit_text = ratio(months), yuan(limit)
    bound = f"{months_text}个月低保边缘家庭标准之和{limit_text}元"
    return limit, yuan(edge_standard), months_text, limit_text, bound


def financial_assets_test(
    criterion_id: str,
    article: str,
    standard_label: str,
    standard: Decimal,
    months: Decimal,
    held: Holdings,
    size: int,
) -> Criterion:
    """Per-capita financial assets may not exceed `months` months of `standard` (超过 fails)."""
    total = held.financial_total()
    limit, standard_text, limit_text, months_text, bound = _financial_limit(standard_label, standard, months)
    difference = total - limit * size  # compare_per_capita, written in
    sign = (difference > 0) - (difference < 0)
    per_capita = total / size
    total_text = yuan(total)
    per_capita_text = yuan(per_capita)
    figures = {
        "financial_assets_total": total_text,
        "household_size": str(size),
        "per_capita_financial_assets": per_capita_text,
        "standard": standard_text,
        "months": months_text,
        "limit": limit_text,
    }
    shown = exact_beside(per_capita, limit, per_capita_text, limit_text)
    head = f"人均金融资产{shown}元（合计{total_text}元÷{size}人）"
    if sign > 0:
        sentence = f"{head}超过{bound}，不符合{article}。"
    elif sign == 0:
        sentence = f"{head}恰好等于{bound}，{article}仅对“超过”不予认定，符合。"
    else:
        sentence = f"{head}未超过{bound}，符合{article}。"
    return Criterion(criterion_id, "人均金融资产", outcome_of(sign <= 0), article, sentence, figures)


def financial_assets_within(standard: Decimal, months: Decimal, held: Holdings, size: int) -> bool:
    """Whether ``financial_assets_test`` passes."""
    return compare_per_capita(held.financial_total(), size, standard * months) <= 0


def housing_test(held: Holdings, limit: int) -> Criterion:
    """64号 第十四条（二）: two or more houses or commercial premises, owned or rented."""
    units = held.housing
    owned = 0
    for unit in units:
        if unit.tenure == "owned":
            owned += 1
    result, sentence, figures = _housing(owned, len(units) - owned, limit)
    return Criterion("edge.housing", "住房和商业用房", result, _HOUSING_ARTICLE, sentence, dict(figures))


def housing_within(held: Holdings, limit: int) -> bool:
    """Whether ``housing_test`` passes."""
    return len(held.housing) < limit


_HOUSING_ARTICLE: Final = "64号 第十四条（二）"


# The counts of a household's housing are small numbers: the sentence and figures of each count
# are made once (the figures copied for each criterion, which owns its dictionary).
@lru_cache(maxsize=1024)
def _housing(owned: int, rented: int, limit: int) -> tuple[Result, str, dict[str, str]]:
    article = _HOUSING_ARTICLE
    total = owned + rented
    figures = {"owned": str(owned), "rented": str(rented), "total": str(total), "limit": str(limit)}
    detail = f"家庭成员拥有住房或商业用房{owned}套、承租{rented}套，合计{total}套"
    if total >= limit:
        sentence = f"{detail}，达到{limit}套及以上，不符合{article}。"
    else:
        sentence = f"{detail}，少于{limit}套，符合{article}。"
    return outcome_of(total < limit), sentence, figures


def _exemption(asset: Asset) -> str | None:
    """Why 64号 第十四条（三） does not test the vehicle, or None where it does: a motorcycle or a
    disability vehicle never; a motor vehicle only if not for business, a large farm machine or a
    ship only if for business."""
    label = v.ASSET_KINDS[asset.kind].label
    if asset.kind in ("motorcycle", "disability_vehicle"):
        return f"{label}不在本项之列"
    is_machine = asset.kind in ("large_farm_machinery", "ship")
    if is_machine != asset.business_use:
        return f"{'非经营性' if is_machine else '生产经营用'}{label}不在本项之列"
    return None


def vehicles_within(held: Holdings, edge_standard: Decimal, months: Decimal) -> bool:
    """Whether ``vehicles_test`` passes: no vehicle it tests is over the limit."""
    limit = _vehicle_limit(edge_standard, months)[0]
    return all((asset.value or ZERO) <= limit for asset in held.vehicles if _exemption(asset) is None)


def vehicles_test(held: Holdings, edge_standard: Decimal, months: Decimal) -> Criterion:
    """64号 第十四条（三）: each non-business motor vehicle, business large farm machine or ship
    whose purchase value exceeds `months` months of the edge standard."""
    article = "64号 第十四条（三）"
    limit, edge_text, months_text, limit_text, bound = _vehicle_limit(edge_standard, months)
    if not held.vehicles:  # the commonest: the sentence of no vehicle
        figures = {
            "edge_standard": edge_text,
            "months": months_text,
            "limit": limit_text,
            "tested": "0",
            "over_limit": "0",
        }
        return Criterion("edge.vehicles", "机动车、大型农机具和船舶", PASS, article, _NO_VEHICLE, figures)
    tested: list[str] = []
    exempt: list[str] = []
    over: list[str] = []
    for asset in held.vehicles:
        reason = _exemption(asset)
        if reason is not None:
            exempt.append(reason)
            continue
        label = v.ASSET_KINDS[asset.kind].label
        value = asset.value or ZERO
        tested.append(f"{label}{yuan(value)}元")
        if value > limit:
            over.append(f"{label}购买价值{yuan(value)}元")
    figures = {
        "edge_standard": edge_text,
        "months": months_text,
        "limit": limit_text,
        "tested": str(len(tested)),
        "over_limit": str(len(over)),
    }
    if over:
        sentence = f"{'、'.join(over)}超过{bound}，不符合{article}。"
    elif tested:
        sentence = f"{'、'.join(tested)}，购买价值均未超过{bound}，符合{article}。"
    else:
        reason = f"（{'；'.join(exempt)}）" if exempt else ""
        sentence = f"家庭成员无本项所列车辆、农机具或船舶{reason}，符合{article}。"
    return Criterion(
        "edge.vehicles", "机动车、大型农机具和船舶", outcome_of(not over), article, sentence, figures
    )


_NO_VEHICLE: Final = "家庭成员无本项所列车辆、农机具或船舶，符合64号 第十四条（三）。"


def county_findings_test(criterion_id: str, article: str, case: CaseFile) -> Criterion:
    """County rules the engine cannot know are entered by staff as findings."""
    findings = case.county_findings
    if not findings:
        return Criterion(
            criterion_id,
            "县级规定的其他情形",
            "not_applicable",
            article,
            "未登记县级人民政府民政部门规定的其他情形。",
            {},  # given: the default factory's path through __init__ is the slower
        )
    disqualifying = [f for f in findings if f.disqualifying]
    listed = "；".join(f"{f.article}：{f.description}" for f in (disqualifying or findings))
    sentence = (
        f"经办人员登记了县级规定的不予认定情形（{listed}）。"
        if disqualifying
        else f"经办人员登记的县级规定情形均不影响认定（{listed}）。"
    )
    figures = {"findings": str(len(findings)), "disqualifying": str(len(disqualifying))}
    return Criterion(
        criterion_id, "县级规定的其他情形", outcome_of(not disqualifying), article, sentence, figures
    )
