"""Step definitions shared by every feature file.

The steps build a case file (the JSON-shaped dict of ``docs``/``schemas``) one fact at a time,
decide it with ``rules.evaluate_data`` against a parameter table made of the regulations' shipped
ratios plus the standards each scenario states, and check the decision.

Members are declared by name; their ID numbers (with valid check digits) are generated when the
case is decided, so a scenario may state the application date before or after its members.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Final

from pytest_bdd import given, parsers, then, when

from rules import evaluate_data
from rules.counties import COUNTIES
from rules.criteria import Criterion
from rules.decision import Decision
from rules.household import MemberStatus
from rules.idnumber import check_character
from rules.income import IncomeLine
from rules.parameters import ParameterTable, ParameterValue, load_parameters
from rules.reader import CaseFileError

# ---------------------------------------------------------------------------------------------
# Vocabulary: the Chinese wording of the steps, mapped to the case-file codes.

SOURCE: Final = "功能测试设定"
REGULATIONS_IN_FORCE: Final = date(2023, 11, 7)
# Parameters whose figures each scenario states; every other kind comes from the shipped files.
SCENARIO_KINDS: Final = frozenset({"dibao_standard", "minimum_wage", "medical_assistance_deductible"})

COUNTY_CODES: Final = {name: code for code, name in COUNTIES.items()}
PROCEDURES: Final = {"低保边缘家庭": "dibao_edge", "因病致贫重病患者": "illness_poverty"}
HUKOU_TYPES: Final = {"城市": "urban", "农村": "rural", "居民": "resident"}
AREAS: Final = {"城镇": "urban", "城市": "urban", "农村": "rural"}
RELATIONS: Final = {
    "配偶": "spouse",
    "子女": "child",
    "父亲": "parent",
    "母亲": "parent",
    "兄弟姐妹": "sibling",
    "祖父母": "grandparent",
    "孙子女": "grandchild",
}
STUDENT_LEVELS: Final = {"专科": "bachelor_or_below", "本科": "bachelor_or_below", "研究生": "postgraduate"}
EXCLUSIONS: Final = {
    "现役义务兵": "conscript",
    "在监所内服刑人员": "imprisoned",
    "公安部门认定的吸毒人员": "drug_rehab",
    "在戒毒所强制隔离戒毒人员": "drug_rehab",
    "人民法院宣告失踪人员": "declared_missing",
    "公安部门宣告失踪人员": "declared_missing",
}
INCOME_KINDS: Final = {
    "工资收入": "wage",
    "政府公益性岗位收入": "public_welfare_post",
    "经营净收入": "business",
    "财产净收入": "property",
    "离退休金": "pension",
    "失业保险金": "unemployment_insurance",
    "遗属补助金": "survivor_benefit",
    "赔偿收入": "compensation",
    "接受捐赠收入": "donation",
    "其他经常性转移收入": "other_transfer",
    "转移性支出": "transfer_expense",
    "其他应计入收入": "other",
    "灵活就业收入": "flexible",
    "外出务工收入": "migrant",
    "赡养费": "support",
    "扶养费": "support",
    "抚养费": "support",
    "优抚对象抚恤金": "special_care_benefit",
    "特别贡献人员奖励金": "special_contribution_award",
    "老党员定期补助": "veteran_subsidy",
    "因工负伤护理费": "work_injury_benefit",
    "独生子女费": "family_planning_benefit",
    "奖学金": "student_aid",
    "城乡居民基础养老金": "basic_pension_base",
    "高龄补贴": "welfare_allowance",
    "住房公积金和社会保险费": "housing_fund_social_insurance",
    "临时性生活救助金": "temporary_assistance",
    "县规定不计入的收入": "county_excluded",
}
SUPPORT_RELATIONS: Final = {"赡养费": "elderly", "扶养费": "spousal", "抚养费": "child"}
OBLIGOR_STATUSES: Final = {
    "无": "none",
    "特困人员": "tekun",
    "最低生活保障对象": "dibao",
    "低保边缘家庭": "dibao_edge",
    "脱贫不稳定户": "monitoring",
    "边缘易致贫户": "monitoring",
    "突发严重困难户": "monitoring",
}
FINANCIAL_ASSETS: Final = {
    "银行存款": "deposit",
    "有价证券": "securities",
    "基金": "fund",
    "商业保险": "commercial_insurance",
    "债权": "claim",
    "其他金融资产": "other_financial",
}
HOUSING: Final = {"住房": "house", "商业用房": "commercial_premises"}
TENURES: Final = {"拥有": "owned", "承租": "rented"}
TESTED_VEHICLES: Final = {"汽车": "car", "大型农机具": "large_farm_machinery", "船舶": "ship"}
EXEMPT_VEHICLES: Final = {
    "普通二轮摩托车": "motorcycle",
    "普通三轮摩托车": "motorcycle",
    "残疾人功能性补偿代步机动车": "disability_vehicle",
}
CURRENT_ASSISTANCE: Final = {
    "最低生活保障": "dibao",
    "特困人员救助供养": "tekun",
    "孤儿基本生活保障": "orphan",
    "事实无人抚养儿童基本生活保障": "de_facto_orphan",
    "低保边缘家庭": "dibao_edge",
}
TRANSITIONS: Final = {
    ("申请", "最低生活保障"): "applying_dibao",
    ("退出", "最低生活保障"): "leaving_dibao",
    ("申请", "特困人员救助供养"): "applying_tekun",
    ("退出", "特困人员救助供养"): "leaving_tekun",
}
MONITORING: Final = {
    "脱贫不稳定户": "unstable",
    "边缘易致贫户": "edge_prone",
    "突发严重困难户": "sudden_hardship",
}
INSURANCE: Final = {"城乡居民基本医疗保险": "resident", "城镇职工基本医疗保险": "employee"}
EXPENSE_TYPES: Final = {
    "住院": "inpatient",
    "门诊慢特病": "outpatient_chronic",
    "门诊特药": "outpatient_special_drug",
}
RESULTS: Final = {"符合": "pass", "不符合": "fail", "不适用": "not_applicable"}
PATHS: Final = {"一般程序": "standard", "直接认定": "direct", "简化程序": "simplified"}
REFERRALS: Final = {"申请最低生活保障": "dibao", "认定低保边缘家庭": "dibao_edge", "无": None}
FIGURES: Final = {
    "家庭年收入": "annual_income",
    "家庭人口": "household_size",
    "人均月收入": "per_capita_monthly_income",
    "低保标准": "dibao_standard",
    "倍数": "multiplier",
    "收入上限": "upper_limit",
    "金融资产合计": "financial_assets_total",
    "人均金融资产": "per_capita_financial_assets",
    "计算标准": "standard",
    "月数": "months",
    "上限": "limit",
    "拥有套数": "owned",
    "承租套数": "rented",
    "合计套数": "total",
    "低保边缘家庭标准": "edge_standard",
    "超限数量": "over_limit",
    "住院个人负担": "inpatient_policy_scope_burden",
    "起付标准": "annual_deductible",
    "自负医疗费用": "out_of_pocket_12_months",
    "扣除医疗费用后年收入": "income_after_medical",
}


def _choice(options: dict[str, Any]) -> str:
    """A regex alternation of the Chinese wordings, longest first."""
    return "|".join(re.escape(key) for key in sorted(options, key=len, reverse=True))


NAME: Final = r"(?P<name>[^\s，、“”：]+?)"
MONEY: Final = r"\d+(?:\.\d{2})?"
DAY: Final = r"\d{4}-\d{2}-\d{2}"
QUOTED: Final = r"[^“”]+"


def step_re(pattern: str) -> parsers.re:
    return parsers.re(pattern)


# ---------------------------------------------------------------------------------------------
# The scenario's state.


@dataclass
class Person:
    id: str
    name: str
    relation: str
    age: int | None = None
    born: date | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scene:
    """One scenario's case file under construction, its parameters, and the decision."""

    procedure: str | None = None
    county: str = "140802"
    hukou_type: str | None = None
    application_date: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    incomes: list[dict[str, Any]] = field(default_factory=list)
    assets: list[dict[str, Any]] = field(default_factory=list)
    expenses: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    parameters: list[ParameterValue] = field(default_factory=list)
    decision: Decision | None = None
    error: CaseFileError | None = None
    # The periodic recheck interval found for the household (features/recheck_steps.py).
    recheck: Any = None

    # --- building ---------------------------------------------------------------------------

    def person(self, name: str) -> Person:
        for person in self.people:
            if person.name == name:
                return person
        raise AssertionError(f"场景中没有名为“{name}”的家庭成员，请先声明该成员")

    def add_person(self, name: str, relation: str, age: int | None = None, born: date | None = None) -> None:
        assert all(p.name != name for p in self.people), f"成员“{name}”重复声明"
        self.people.append(Person(f"m{len(self.people) + 1}", name, relation, age, born))

    def set_parameter(self, kind: str, title: str, unit: str, amount: str, area: str = "*") -> None:
        self.parameters = [p for p in self.parameters if not (p.kind == kind and p.area == area)]
        self.parameters.append(
            ParameterValue(
                kind=kind,
                title=title,
                unit=unit,
                county="*",
                area=area,
                effective_from=REGULATIONS_IN_FORCE,
                amount=Decimal(amount),
                source=SOURCE,
            )
        )

    def parameter_table(self) -> ParameterTable:
        shipped = load_parameters()
        ratios = [value for value in shipped.values() if value.kind not in SCENARIO_KINDS]
        titles = {kind: shipped.title(kind) for kind in shipped.kinds}
        return ParameterTable([*ratios, *self.parameters], titles)

    def _birth_date(self, person: Person) -> date:
        if person.born is not None:
            return person.born
        assert self.application_date is not None and person.age is not None
        # Born on 1 January: exactly `age` years old on any later day of the application year.
        return date(self.application_date.year - person.age, 1, 1)

    def _id_number(self, index: int, person: Person) -> str:
        first17 = f"{self.county}{self._birth_date(person):%Y%m%d}{index + 1:03d}"
        return first17 + check_character(first17)

    def member_dict(self, index: int, person: Person) -> dict[str, Any]:
        member: dict[str, Any] = {
            "id": person.id,
            "name": person.name,
            "id_number": self._id_number(index, person),
            "relation": person.relation,
        }
        member.update(person.details)
        if person.relation == "self" or person.id == self.extra.get("patient"):
            member.setdefault("hukou_region", self.county)
        return member

    def case_file(self) -> dict[str, Any]:
        assert self.procedure and self.hukou_type and self.application_date, "场景没有声明申请家庭"
        data: dict[str, Any] = {
            "schema_version": 1,
            "procedure": self.procedure,
            "application_date": self.application_date.isoformat(),
            "county": self.county,
            "hukou_type": self.hukou_type,
            **self.extra,
            "members": [self.member_dict(i, p) for i, p in enumerate(self.people)],
            "incomes": self.incomes,
            "assets": self.assets,
        }
        if self.expenses:
            data["medical_expenses"] = self.expenses
        if self.findings:
            data["county_findings"] = self.findings
        return data

    # --- reading the decision ---------------------------------------------------------------

    def result(self) -> Decision:
        if self.error is not None:
            raise AssertionError(f"案卷被退回，没有作出认定：{self.error}")
        assert self.decision is not None, "场景还没有执行“当 按…条件认定”"
        return self.decision

    def explain(self) -> str:
        decision = self.result()
        lines = [decision.summary, *(f"  {c.id} {c.result}: {c.explanation}" for c in decision.criteria)]
        return "\n".join(lines)

    def criterion(self, ref: str) -> Criterion:
        found = [c for c in self.result().criteria if ref in (c.id, c.title)]
        assert len(found) == 1, f"没有唯一的条件“{ref}”；本次认定的条件：\n{self.explain()}"
        return found[0]

    def status(self, name: str) -> MemberStatus:
        member_id = self.person(name).id
        return next(s for s in self.result().household.statuses if s.member.id == member_id)

    def income_line(self, name: str, kind_label: str) -> IncomeLine:
        member_id = self.person(name).id
        kind = INCOME_KINDS[kind_label]
        lines = [x for x in self.result().income.lines if x.member == member_id and x.kind == kind]
        assert len(lines) == 1, f"{name}没有唯一一项{kind_label}：{lines}"
        return lines[0]

    def medical(self) -> dict[str, Any]:
        medical = self.result().medical
        assert medical is not None, "本次认定没有医疗费用部分"
        return medical


# ---------------------------------------------------------------------------------------------
# 假如: parameters.


@given(step_re(rf"当地(?P<area>城市|农村)低保标准为每人每月 (?P<amount>{MONEY}) 元"))
def dibao_standard(scene: Scene, area: str, amount: str) -> None:
    scene.set_parameter("dibao_standard", "城乡最低生活保障标准", "元/人·月", amount, AREAS[area])


@given(step_re(rf"最低工资标准为每月 (?P<amount>{MONEY}) 元"))
def minimum_wage(scene: Scene, amount: str) -> None:
    scene.set_parameter("minimum_wage", "山西省最低工资标准（月）", "元/月", amount)


@given(step_re(rf"年度医疗救助起付标准为 (?P<amount>{MONEY}) 元"))
def deductible(scene: Scene, amount: str) -> None:
    scene.set_parameter(
        "medical_assistance_deductible", "因病致贫重病患者医疗救助年度起付标准", "元/年", amount
    )


# ---------------------------------------------------------------------------------------------
# 假如: the household and its members.


@given(
    step_re(
        rf"(?P<county>{_choice(COUNTY_CODES)})一户(?P<hukou>城市|农村|居民)户籍家庭于 (?P<day>{DAY}) "
        rf"申请(?P<procedure>{_choice(PROCEDURES)})认定"
    )
)
def household(scene: Scene, county: str, hukou: str, day: str, procedure: str) -> None:
    scene.county = COUNTY_CODES[county]
    scene.hukou_type = HUKOU_TYPES[hukou]
    scene.application_date = date.fromisoformat(day)
    scene.procedure = PROCEDURES[procedure]


@given(step_re(rf"申请日期为 (?P<day>{DAY})"))
def application_date(scene: Scene, day: str) -> None:
    scene.application_date = date.fromisoformat(day)


@given(step_re(r"该户居住在(?P<area>城镇|农村)"))
def residence(scene: Scene, area: str) -> None:
    scene.extra["residence_area"] = AREAS[area]


@given(step_re(rf"申请人{NAME}，(?P<age>\d+) 周岁"))
def applicant(scene: Scene, name: str, age: str) -> None:
    scene.add_person(name, "self", age=int(age))


@given(step_re(rf"{NAME}是申请人的(?P<relation>{_choice(RELATIONS)})，(?P<age>\d+) 周岁"))
def relative(scene: Scene, name: str, relation: str, age: str) -> None:
    scene.add_person(name, RELATIONS[relation], age=int(age))


@given(step_re(rf"{NAME}是申请人的(?P<relation>{_choice(RELATIONS)})，出生日期为 (?P<day>{DAY})"))
def relative_born(scene: Scene, name: str, relation: str, day: str) -> None:
    scene.add_person(name, RELATIONS[relation], born=date.fromisoformat(day))


@given(step_re(rf"{NAME}的户籍地区划代码为 (?P<code>\d{{6}})"))
def hukou_region(scene: Scene, name: str, code: str) -> None:
    scene.person(name).details["hukou_region"] = code


@given(step_re(rf"{NAME}已成年但不能独立生活"))
def unable_to_live_independently(scene: Scene, name: str) -> None:
    scene.person(name).details["unable_to_live_independently"] = True


@given(step_re(rf"{NAME}在校接受全日制(?P<level>{_choice(STUDENT_LEVELS)})教育"))
def full_time_student(scene: Scene, name: str, level: str) -> None:
    scene.person(name).details["full_time_student"] = STUDENT_LEVELS[level]


@given(step_re(rf"{NAME}为(?P<label>{_choice(EXCLUSIONS)})"))
def excluded_member(scene: Scene, name: str, label: str) -> None:
    scene.person(name).details["exclusion"] = {"reason": EXCLUSIONS[label]}


@given(step_re(rf"{NAME}为宗教教职人员，自 (?P<day>{DAY}) 起脱离家庭独立生活"))
def clergy(scene: Scene, name: str, day: str) -> None:
    scene.person(name).details["exclusion"] = {"reason": "clergy", "since": day}


@given(step_re(rf"{NAME}属于县级民政部门规定不计入家庭成员的情形：(?P<note>.+)"))
def county_rule_member(scene: Scene, name: str, note: str) -> None:
    scene.person(name).details["exclusion"] = {"reason": "county_rule", "note": note}


# ---------------------------------------------------------------------------------------------
# 假如: incomes.


@given(step_re(rf"{NAME}申请前12个月的(?P<kind>{_choice(INCOME_KINDS)})为 (?P<amount>{MONEY}) 元"))
def income(scene: Scene, name: str, kind: str, amount: str) -> None:
    code = INCOME_KINDS[kind]
    assert code not in ("flexible", "migrant", "support"), f"{kind}请用专门的步骤说明推算依据"
    scene.incomes.append({"member": scene.person(name).id, "kind": code, "amount": amount})


@given(step_re(rf"{NAME}灵活就业 (?P<months>\d+) 个月，无法推算实际工资"))
def flexible(scene: Scene, name: str, months: str) -> None:
    scene.incomes.append({"member": scene.person(name).id, "kind": "flexible", "months": int(months)})


@given(step_re(rf"{NAME}灵活就业 (?P<months>\d+) 个月，申报收入 (?P<amount>{MONEY}) 元"))
def flexible_declared(scene: Scene, name: str, months: str, amount: str) -> None:
    scene.incomes.append(
        {
            "member": scene.person(name).id,
            "kind": "flexible",
            "months": int(months),
            "declared_amount": amount,
        }
    )


@given(step_re(rf"{NAME}外出务工 (?P<months>\d+) 个月，务工收入 (?P<amount>{MONEY}) 元"))
def migrant(scene: Scene, name: str, months: str, amount: str) -> None:
    scene.incomes.append(
        {"member": scene.person(name).id, "kind": "migrant", "months": int(months), "amount": amount}
    )


@given(
    step_re(
        rf"{NAME}按法律文书获得(?P<label>赡养费|扶养费|抚养费) (?P<amount>{MONEY}) 元，"
        rf"义务人身份为(?P<status>{_choice(OBLIGOR_STATUSES)})"
    )
)
def support_by_document(scene: Scene, name: str, label: str, amount: str, status: str) -> None:
    scene.incomes.append(
        {
            "member": scene.person(name).id,
            "kind": "support",
            "amount": amount,
            "support": {
                "relation": SUPPORT_RELATIONS[label],
                "basis": "legal_document",
                "obligor_status": OBLIGOR_STATUSES[status],
            },
        }
    )


@given(
    step_re(
        rf"{NAME}获得(?P<label>赡养费|扶养费)，无法律文书，义务人家庭月人均收入 (?P<per_capita>{MONEY}) 元"
        rf"(?:，义务人当地低保标准 (?P<standard>{MONEY}) 元)?"
    )
)
def support_by_formula(scene: Scene, name: str, label: str, per_capita: str, standard: str | None) -> None:
    details: dict[str, Any] = {
        "relation": SUPPORT_RELATIONS[label],
        "basis": "formula",
        "obligor_household_monthly_per_capita_income": per_capita,
    }
    if standard is not None:
        details["obligor_dibao_standard"] = standard
    scene.incomes.append({"member": scene.person(name).id, "kind": "support", "support": details})


@given(
    step_re(
        rf"{NAME}获得抚养费，无法律文书，抚养义务人月总收入 (?P<monthly>{MONEY}) 元，"
        r"共抚养 (?P<children>\d+) 名子女"
    )
)
def child_support_by_formula(scene: Scene, name: str, monthly: str, children: str) -> None:
    scene.incomes.append(
        {
            "member": scene.person(name).id,
            "kind": "support",
            "support": {
                "relation": "child",
                "basis": "formula",
                "obligor_monthly_income": monthly,
                "children_supported": int(children),
            },
        }
    )


# ---------------------------------------------------------------------------------------------
# 假如: property.


@given(step_re(rf"{NAME}名下有(?P<kind>{_choice(FINANCIAL_ASSETS)}) (?P<amount>{MONEY}) 元"))
def financial_asset(scene: Scene, name: str, kind: str, amount: str) -> None:
    scene.assets.append({"owner": scene.person(name).id, "kind": FINANCIAL_ASSETS[kind], "value": amount})


@given(step_re(rf"{NAME}(?P<tenure>拥有|承租)(?P<kind>住房|商业用房) (?P<count>\d+) 套"))
def housing(scene: Scene, name: str, tenure: str, kind: str, count: str) -> None:
    for _ in range(int(count)):
        scene.assets.append(
            {"owner": scene.person(name).id, "kind": HOUSING[kind], "tenure": TENURES[tenure]}
        )


@given(
    step_re(
        rf"{NAME}名下另有一套出借身份证购买的住房，确因客观原因无法过户，"
        r"(?P<certified>已由乡镇人民政府认定并出具证明|未取得认定证明)"
    )
)
def lent_identity_house(scene: Scene, name: str, certified: str) -> None:
    scene.assets.append(
        {
            "owner": scene.person(name).id,
            "kind": "house",
            "lent_identity_certified": certified.startswith("已"),
            "description": "出借身份证购买的住房",
        }
    )


@given(
    step_re(
        rf"{NAME}名下有(?P<use>非经营用|经营用)(?P<kind>{_choice(TESTED_VEHICLES)})，"
        rf"购买价值 (?P<amount>{MONEY}) 元"
    )
)
def vehicle(scene: Scene, name: str, use: str, kind: str, amount: str) -> None:
    scene.assets.append(
        {
            "owner": scene.person(name).id,
            "kind": TESTED_VEHICLES[kind],
            "value": amount,
            "business_use": use == "经营用",
        }
    )


@given(step_re(rf"{NAME}名下有(?P<kind>{_choice(EXEMPT_VEHICLES)})，购买价值 (?P<amount>{MONEY}) 元"))
def exempt_vehicle(scene: Scene, name: str, kind: str, amount: str) -> None:
    scene.assets.append({"owner": scene.person(name).id, "kind": EXEMPT_VEHICLES[kind], "value": amount})


@given(step_re(r"经办人员依县级规定登记了(?P<effect>不予认定|不影响认定)的情形：(?P<description>.+)"))
def county_finding(scene: Scene, effect: str, description: str) -> None:
    article = "64号 第十四条（四）" if scene.procedure == "dibao_edge" else "65号 第十条"
    scene.findings.append(
        {
            "article": f"{article}（县级规定）",
            "description": description,
            "disqualifying": effect == "不予认定",
        }
    )


# ---------------------------------------------------------------------------------------------
# 假如: assistance already received, monitoring, transitions.


@given(step_re(rf"该家庭已纳入(?P<scheme>{_choice(CURRENT_ASSISTANCE)})"))
def current_assistance(scene: Scene, scheme: str) -> None:
    scene.extra["current_assistance"] = CURRENT_ASSISTANCE[scheme]


@given(step_re(rf"该家庭为县级乡村振兴部门认定的(?P<category>{_choice(MONITORING)})"))
def monitoring(scene: Scene, category: str) -> None:
    scene.extra["monitoring_household"] = {"category": MONITORING[category], "identified_by": "县乡村振兴局"}


@given(step_re(r"该家庭正在退出(?P<scheme>最低生活保障|特困人员救助供养)"))
def leaving(scene: Scene, scheme: str) -> None:
    scene.extra["current_assistance"] = CURRENT_ASSISTANCE[scheme]
    scene.extra["assistance_transition"] = TRANSITIONS[("退出", scheme)]


@given(step_re(r"该家庭申请(?P<scheme>最低生活保障|特困人员救助供养)，经审核收入、财产状况超出其认定条件"))
def applying(scene: Scene, scheme: str) -> None:
    scene.extra["assistance_transition"] = TRANSITIONS[("申请", scheme)]


# ---------------------------------------------------------------------------------------------
# 假如: the patient (65号).


@given(step_re(rf"患者为{NAME}"))
def patient(scene: Scene, name: str) -> None:
    scene.extra["patient"] = scene.person(name).id


@given(step_re(rf"{NAME}在 (?P<code>\d{{6}}) 参加(?P<scheme>{_choice(INSURANCE)})"))
def insured(scene: Scene, name: str, code: str, scheme: str) -> None:
    scene.person(name).details["medical_insurance"] = {"scheme": INSURANCE[scheme], "region": code}


@given(step_re(rf"{NAME}未参加基本医疗保险"))
def uninsured(scene: Scene, name: str) -> None:
    scene.person(name).details["medical_insurance"] = {"scheme": "none"}


@given(
    step_re(
        rf"患者于 (?P<day>{DAY}) 在(?P<where>定点|非定点)医疗机构(?P<kind>{_choice(EXPENSE_TYPES)})，"
        rf"政策范围内个人负担 (?P<burden>{MONEY}) 元(?:，社会互助帮困 (?P<aid>{MONEY}) 元)?，"
        rf"个人自负 (?P<own>{MONEY}) 元"
    )
)
def medical_expense(
    scene: Scene, day: str, where: str, kind: str, burden: str, aid: str | None, own: str
) -> None:
    scene.expenses.append(
        {
            "date": day,
            "type": EXPENSE_TYPES[kind],
            "policy_scope_personal_burden": burden,
            "mutual_aid": aid or "0",
            "out_of_pocket": own,
            "designated": where == "定点",
        }
    )


# ---------------------------------------------------------------------------------------------
# 当: decide.


@when(step_re(rf"按(?P<procedure>{_choice(PROCEDURES)})条件认定"))
def decide(scene: Scene, procedure: str) -> None:
    assert scene.procedure == PROCEDURES[procedure], f"申请的是{scene.procedure}，不是{procedure}认定"
    try:
        scene.decision = evaluate_data(scene.case_file(), scene.parameter_table())
    except CaseFileError as exc:
        scene.error = exc


# ---------------------------------------------------------------------------------------------
# 那么: outcome, path, referral, summary.


@then(step_re(rf"(?P<negation>不予)?认定为(?P<procedure>{_choice(PROCEDURES)})"))
def outcome(scene: Scene, negation: str | None, procedure: str) -> None:
    decision = scene.result()
    assert decision.procedure == PROCEDURES[procedure]
    expected = negation is None
    assert decision.eligible == expected, f"应{'' if expected else '不予'}认定，实际：\n{scene.explain()}"


@then(step_re(rf"认定途径为(?P<path>{_choice(PATHS)})"))
def path(scene: Scene, path: str) -> None:
    assert scene.result().path == PATHS[path], scene.explain()


@then(step_re(rf"转介建议为(?P<referral>{_choice(REFERRALS)})"))
def referral(scene: Scene, referral: str) -> None:
    assert scene.result().referral == REFERRALS[referral], scene.explain()


@then(step_re(rf"结论说明包含“(?P<text>{QUOTED})”"))
def summary_contains(scene: Scene, text: str) -> None:
    summary = scene.result().summary
    assert text in summary, f"结论说明“{summary}”不含“{text}”"


@then(step_re(rf"案卷被退回，(?P<field_name>[\w.\[\]]+) 的提示包含“(?P<text>{QUOTED})”"))
def rejected(scene: Scene, field_name: str, text: str) -> None:
    assert scene.error is not None, f"案卷未被退回：{scene.decision and scene.decision.summary}"
    messages = [e.message for e in scene.error.errors if e.field == field_name]
    assert any(text in m for m in messages), f"{field_name} 的提示为 {messages}，全部错误：{scene.error}"


# ---------------------------------------------------------------------------------------------
# 那么: criteria.


@then(step_re(rf"条件“(?P<ref>{QUOTED})”(?P<result>符合|不符合|不适用)"))
def criterion_result(scene: Scene, ref: str, result: str) -> None:
    criterion = scene.criterion(ref)
    assert criterion.result == RESULTS[result], f"{criterion.id}: {criterion.result}，{criterion.explanation}"
    assert criterion.decisive, f"{criterion.id} 不作为认定依据"


@then(step_re(rf"条件“(?P<ref>{QUOTED})”不符合，但不作为认定依据"))
def criterion_moot(scene: Scene, ref: str) -> None:
    criterion = scene.criterion(ref)
    assert criterion.result == "fail", f"{criterion.id}: {criterion.result}，{criterion.explanation}"
    assert not criterion.decisive, f"{criterion.id} 仍作为认定依据"


@then(step_re(rf"条件“(?P<ref>{QUOTED})”依据“(?P<article>{QUOTED})”"))
def criterion_article(scene: Scene, ref: str, article: str) -> None:
    criterion = scene.criterion(ref)
    assert article in criterion.article, f"{criterion.id} 依据“{criterion.article}”，不含“{article}”"


@then(step_re(rf"条件“(?P<ref>{QUOTED})”的说明包含“(?P<text>{QUOTED})”"))
def criterion_explanation(scene: Scene, ref: str, text: str) -> None:
    criterion = scene.criterion(ref)
    assert text in criterion.explanation, f"{criterion.id} 的说明“{criterion.explanation}”不含“{text}”"


@then(step_re(rf"条件“(?P<ref>{QUOTED})”中(?P<label>{_choice(FIGURES)})为 (?P<value>\S+)"))
def criterion_figure(scene: Scene, ref: str, label: str, value: str) -> None:
    criterion = scene.criterion(ref)
    actual = criterion.figures.get(FIGURES[label])
    assert actual == value, f"{criterion.id} 的{label}为 {actual}，不是 {value}；{criterion.explanation}"


# ---------------------------------------------------------------------------------------------
# 那么: household members.


@then(step_re(r"计入家庭成员的共有 (?P<count>\d+) 人"))
def household_size(scene: Scene, count: str) -> None:
    household = scene.result().household
    shown = "；".join(s.explanation for s in household.statuses)
    assert household.size == int(count), f"计入 {household.size} 人：{shown}"


@then(step_re(rf"{NAME}(?<!不)计入家庭成员，依据“(?P<article>{QUOTED})”"))
def member_counted(scene: Scene, name: str, article: str) -> None:
    status = scene.status(name)
    assert status.counted, status.explanation
    assert article in status.article, f"依据“{status.article}”，不含“{article}”"


@then(step_re(rf"{NAME}不计入家庭成员，依据“(?P<article>{QUOTED})”"))
def member_not_counted(scene: Scene, name: str, article: str) -> None:
    status = scene.status(name)
    assert not status.counted, status.explanation
    assert article in status.article, f"依据“{status.article}”，不含“{article}”"


@then(step_re(rf"{NAME}的成员认定说明包含“(?P<text>{QUOTED})”"))
def member_explanation(scene: Scene, name: str, text: str) -> None:
    explanation = scene.status(name).explanation
    assert text in explanation, f"说明“{explanation}”不含“{text}”"


# ---------------------------------------------------------------------------------------------
# 那么: income.


@then(step_re(rf"收入计算期间为 (?P<first>{DAY}) 至 (?P<last>{DAY})"))
def income_window(scene: Scene, first: str, last: str) -> None:
    assessed = scene.result().income
    actual = (assessed.window_from.isoformat(), assessed.window_to.isoformat())
    assert actual == (first, last), f"收入计算期间为 {actual}"


@then(step_re(rf"家庭年收入为 (?P<amount>{MONEY}) 元"))
def annual_income(scene: Scene, amount: str) -> None:
    assessed = scene.result().income.to_dict()
    assert assessed["annual_total"] == amount, f"家庭年收入为 {assessed['annual_total']}：{assessed['lines']}"


@then(step_re(rf"家庭人均月收入为 (?P<amount>{MONEY}) 元"))
def per_capita_income(scene: Scene, amount: str) -> None:
    assessed = scene.result().income.to_dict()
    actual = assessed["per_capita_monthly"]
    assert actual == amount, f"家庭人均月收入为 {actual}：{assessed['lines']}"


@then(step_re(rf"{NAME}的(?P<kind>{_choice(INCOME_KINDS)})计入家庭收入 (?P<amount>{MONEY}) 元"))
def income_counted(scene: Scene, name: str, kind: str, amount: str) -> None:
    line = scene.income_line(name, kind)
    assert line.counted == Decimal(amount), f"计入 {line.counted} 元：{line.explanation}"


@then(step_re(rf"{NAME}的(?P<kind>{_choice(INCOME_KINDS)})不计入家庭收入，依据“(?P<article>{QUOTED})”"))
def income_not_counted(scene: Scene, name: str, kind: str, article: str) -> None:
    line = scene.income_line(name, kind)
    assert line.counted == 0, f"计入 {line.counted} 元：{line.explanation}"
    assert article in line.article, f"依据“{line.article}”，不含“{article}”"


@then(step_re(rf"{NAME}的转移性支出从转移性收入中扣减 (?P<amount>{MONEY}) 元"))
def transfer_expense(scene: Scene, name: str, amount: str) -> None:
    line = scene.income_line(name, "转移性支出")
    assert line.counted == -Decimal(amount), f"计入 {line.counted} 元：{line.explanation}"


@then(step_re(rf"{NAME}的(?P<kind>{_choice(INCOME_KINDS)})计算说明包含“(?P<text>{QUOTED})”"))
def income_explanation(scene: Scene, name: str, kind: str, text: str) -> None:
    line = scene.income_line(name, kind)
    assert text in line.explanation, f"说明“{line.explanation}”不含“{text}”"


@then(step_re(rf"{NAME}的(?P<kind>{_choice(INCOME_KINDS)})计算依据“(?P<article>{QUOTED})”"))
def income_article(scene: Scene, name: str, kind: str, article: str) -> None:
    line = scene.income_line(name, kind)
    assert article in line.article, f"依据“{line.article}”，不含“{article}”"


# ---------------------------------------------------------------------------------------------
# 那么: medical expenses (65号).


@then(step_re(rf"计入的住院政策范围内个人负担为 (?P<amount>{MONEY}) 元"))
def inpatient_burden(scene: Scene, amount: str) -> None:
    actual = scene.medical()["inpatient_policy_scope_burden"]
    assert actual == amount, f"计入 {actual} 元：{scene.medical()}"


@then(step_re(rf"计入的个人自负医疗费用为 (?P<amount>{MONEY}) 元"))
def out_of_pocket(scene: Scene, amount: str) -> None:
    actual = scene.medical()["out_of_pocket_total"]
    assert actual == amount, f"计入 {actual} 元：{scene.medical()}"


@then(step_re(r"有 (?P<count>\d+) 笔医疗费用因(?P<reason>不在申请前12个月内|在非定点医疗机构发生)未计入"))
def expenses_set_aside(scene: Scene, count: str, reason: str) -> None:
    key = "expenses_outside_window" if reason.startswith("不在") else "expenses_not_designated"
    actual = scene.medical()[key]
    assert actual == int(count), f"{reason}未计入 {actual} 笔：{scene.medical()}"
