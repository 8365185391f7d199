"""What a what-if and a sweep count, on whole arrays: who enters, leaves and stays, by county,
township and area (urban or rural standard, 64号 第八条), the persons behind them, and what the
change implies for the 医保 side."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import numpy as np

from assistance.screening.population import Population
from rules.counties import COUNTIES
from rules.screening import CRITERIA, MISSING_PARAMETER, NOT_ELIGIBLE, ScreeningResult
from rules.screening.columns import EDGE
from rules.screening.parameters import AREA_CODES, COUNTY_CODES

# Per household, from the baseline's and the reform's outcome.
OUTSIDE, STAYING, ENTERING, LEAVING, UNDETERMINED = 0, 1, 2, 3, 4
CATEGORIES: Final = ("outside", "staying", "entering", "leaving", "undetermined")
CATEGORY_TITLES: Final = {
    "entering": "新纳入",
    "leaving": "退出",
    "staying": "保持符合",
    "outside": "仍不符合",
    "undetermined": "无法测算",
}
AREA_TITLES: Final = {"urban": "城市", "rural": "农村"}
_DEDUCTIBLE: Final = np.int32(1 << CRITERIA.index("illness.deductible"))
NOTE: Final = "测算结果仅供政策研究，不改变任何案件，也不作为认定依据。"


def categorise(base: ScreeningResult, reform: ScreeningResult) -> np.ndarray[Any, np.dtype[np.int8]]:
    before, after = base.outcome > NOT_ELIGIBLE, reform.outcome > NOT_ELIGIBLE
    category = np.select(
        [
            (base.outcome == MISSING_PARAMETER) | (reform.outcome == MISSING_PARAMETER),
            before & after,
            ~before & after,
            before & ~after,
        ],
        [UNDETERMINED, STAYING, ENTERING, LEAVING],
        OUTSIDE,
    )
    found: np.ndarray[Any, np.dtype[np.int8]] = category.astype(np.int8)
    return found


def _counts(category: np.ndarray[Any, Any], persons: np.ndarray[Any, Any]) -> dict[str, dict[str, int]]:
    households = np.bincount(category, minlength=len(CATEGORIES))
    people = np.zeros(len(CATEGORIES), dtype=np.int64)
    np.add.at(people, category, persons)
    return {
        "households": {name: int(households[i]) for i, name in enumerate(CATEGORIES)},
        "persons": {name: int(people[i]) for i, name in enumerate(CATEGORIES)},
    }


def grouped(
    population: Population, category: np.ndarray[Any, Any], townships: Mapping[int, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The counts by county, and by county, township and area."""
    columns = population.columns
    persons = columns.size
    by_county: list[dict[str, Any]] = []
    for county in np.unique(columns.county):
        mask = columns.county == county
        code = COUNTY_CODES[int(county)]
        by_county.append(
            {"county": code, "county_name": COUNTIES[code], **_counts(category[mask], persons[mask])}
        )
    key = (columns.county * 2 + columns.area) * (1 << 31) + population.townships
    groups: list[dict[str, Any]] = []
    for value in np.unique(key):
        mask = key == value
        county, area = divmod(int(value) >> 31, 2)
        township = int(value) & ((1 << 31) - 1)
        code = COUNTY_CODES[county]
        groups.append(
            {
                "county": code,
                "county_name": COUNTIES[code],
                "township": township,
                "township_name": townships.get(township, str(township)),
                "area": AREA_CODES[area],
                "area_name": AREA_TITLES[AREA_CODES[area]],
                **_counts(category[mask], persons[mask]),
            }
        )
    return by_county, groups


def cost(
    population: Population, base: ScreeningResult, reform: ScreeningResult, category: np.ndarray[Any, Any]
) -> dict[str, Any]:
    """What the change implies where the regulations tie a cost to it:

    - the persons of 低保边缘家庭 who enter or leave: the members counted (64号 第九条) of the
      households eligible under 64号, whom 医疗救助 and the 医保 subsidy for 参保 cover;
    - the patients whose inpatient burden newly reaches, or no longer reaches, the 医疗救助
      起付标准 (65号 第六条（三）): the 医保 deductible population.
    """
    columns = population.columns
    edge = columns.procedure == EDGE
    persons = columns.size
    reached_before = (base.failed & _DEDUCTIBLE) == 0
    reached_after = (reform.failed & _DEDUCTIBLE) == 0
    illness = ~edge & (base.outcome != MISSING_PARAMETER) & (reform.outcome != MISSING_PARAMETER)
    entering, leaving = category == ENTERING, category == LEAVING
    return {
        "edge_persons_entering": int(persons[edge & entering].sum()),
        "edge_persons_leaving": int(persons[edge & leaving].sum()),
        "illness_patients_entering": int((~edge & entering).sum()),
        "illness_patients_leaving": int((~edge & leaving).sum()),
        "deductible_reached_newly": int((illness & ~reached_before & reached_after).sum()),
        "deductible_no_longer_reached": int((illness & reached_before & ~reached_after).sum()),
        "eligible_persons_change": int(persons[entering].sum() - persons[leaving].sum()),
        "explanation": (
            "低保边缘家庭计入的家庭成员（64号 第九条）增减，即医疗救助和参保资助对象的增减；"
            "因病致贫重病患者中住院费用新达到或不再达到医疗救助起付标准的人数（65号 第六条（三））。"
            "系统中没有人均资助金额，故只给出人数，不折算金额。"
        ),
    }


def eligible_counts(population: Population, result: ScreeningResult) -> tuple[int, int]:
    """Eligible households and their counted persons."""
    eligible = result.outcome > NOT_ELIGIBLE
    return int(eligible.sum()), int(population.columns.size[eligible].sum())


__all__ = [
    "CATEGORIES",
    "CATEGORY_TITLES",
    "ENTERING",
    "LEAVING",
    "NOTE",
    "UNDETERMINED",
    "categorise",
    "cost",
    "eligible_counts",
    "grouped",
]
