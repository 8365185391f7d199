"""The closed vocabularies of a case file, each value with its Chinese label and, where the
regulations name it, the article it comes from.

Articles are cited in the short form used throughout the project: ``64号 第十四条（一）`` for
运民发〔2023〕64号, ``65号 第九条（七）`` for 运民发〔2023〕65号.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

DIBAO_EDGE: Final = "dibao_edge"
ILLNESS_POVERTY: Final = "illness_poverty"
PROCEDURES: Final = {
    DIBAO_EDGE: "低保边缘家庭认定",
    ILLNESS_POVERTY: "因病致贫重病患者认定",
}

URBAN: Final = "urban"
RURAL: Final = "rural"
AREAS: Final = {URBAN: "城市", RURAL: "农村"}

# 64号 第八条: the household's hukou decides urban or rural; a unified resident hukou goes by residence.
HUKOU_TYPES: Final = {"urban": "城市户籍", "rural": "农村户籍", "resident": "居民户籍"}

# 64号 第二条 / 第十五条, 65号 第六条: assistance the household already receives.
CURRENT_ASSISTANCE: Final = {
    "none": "未纳入社会救助",
    "dibao": "最低生活保障对象",
    "tekun": "特困人员",
    "orphan": "孤儿",
    "de_facto_orphan": "事实无人抚养儿童",
    "dibao_edge": "低保边缘家庭",
}

# 64号 第十五条 second sentence: households applying for or leaving dibao/特困 may take the simplified path.
ASSISTANCE_TRANSITIONS: Final = {
    "applying_dibao": "申请最低生活保障",
    "leaving_dibao": "退出最低生活保障",
    "applying_tekun": "申请特困人员救助供养",
    "leaving_tekun": "退出特困人员救助供养",
}

# 64号 第十五条 first sentence: the three kinds of 防返贫监测对象.
MONITORING_CATEGORIES: Final = {
    "unstable": "脱贫不稳定户",
    "edge_prone": "边缘易致贫户",
    "sudden_hardship": "突发严重困难户",
}

RELATIONS: Final = {
    "self": "本人",
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "sibling": "兄弟姐妹",
    "grandparent": "祖父母、外祖父母",
    "grandchild": "孙子女、外孙子女",
    "other": "其他",
}

STUDENT_LEVELS: Final = {
    "bachelor_or_below": "全日制本科及以下",
    "postgraduate": "全日制研究生",
}


@dataclass(frozen=True, slots=True)
class ExclusionReason:
    label: str
    article: str


# 64号 第十条: persons not counted as household members.
MEMBER_EXCLUSIONS: Final = {
    "conscript": ExclusionReason("现役义务兵", "64号 第十条（一）"),
    "clergy": ExclusionReason("连续三年以上脱离家庭独立生活的宗教教职人员", "64号 第十条（二）"),
    "imprisoned": ExclusionReason("在监所内服刑人员", "64号 第十条（三）"),
    "drug_rehab": ExclusionReason("公安部门认定吸毒及在戒毒所强制隔离戒毒人员", "64号 第十条（三）"),
    "declared_missing": ExclusionReason("人民法院或公安部门宣告失踪人员", "64号 第十条（四）"),
    "county_rule": ExclusionReason("县级人民政府民政部门规定的其他情形", "64号 第十条（五）"),
}

WAGE: Final = "wage"
BUSINESS: Final = "business"
PROPERTY: Final = "property"
TRANSFER: Final = "transfer"
OTHER: Final = "other"
INCOME_CATEGORIES: Final = {
    WAGE: "工资性收入",
    BUSINESS: "经营净收入",
    PROPERTY: "财产净收入",
    TRANSFER: "转移净收入",
    OTHER: "其他应当计入的收入",
}


@dataclass(frozen=True, slots=True)
class IncomeKind:
    category: str
    label: str
    # The 65号 第九条 item that keeps this kind out of household income, or "" when it counts.
    excluded_by: str = ""


INCOME_KINDS: Final = {
    "wage": IncomeKind(WAGE, "工资薪金（劳动合同或可查实的劳动报酬）"),
    "flexible": IncomeKind(WAGE, "灵活就业收入（无法推算实际工资）"),
    "public_welfare_post": IncomeKind(WAGE, "政府公益性岗位收入"),
    "migrant": IncomeKind(WAGE, "外出务工收入"),
    "business": IncomeKind(BUSINESS, "生产经营净收入"),
    "property": IncomeKind(PROPERTY, "财产净收入"),
    "pension": IncomeKind(TRANSFER, "离退休金"),
    "unemployment_insurance": IncomeKind(TRANSFER, "失业保险金"),
    "survivor_benefit": IncomeKind(TRANSFER, "遗属补助金"),
    "compensation": IncomeKind(TRANSFER, "赔偿收入"),
    "donation": IncomeKind(TRANSFER, "接受捐赠（赠送）收入"),
    "support": IncomeKind(TRANSFER, "赡养（抚养、扶养）费"),
    "other_transfer": IncomeKind(TRANSFER, "其他经常性转移收入"),
    "transfer_expense": IncomeKind(TRANSFER, "转移性支出（税款、社会保障支出、赡养支出等）"),
    "other": IncomeKind(OTHER, "其他应当计入家庭收入的项目"),
    "special_care_benefit": IncomeKind(
        TRANSFER, "优抚对象抚恤金、补助金、立功荣誉金和护理费", "第九条（一）"
    ),
    "special_contribution_award": IncomeKind(TRANSFER, "特别贡献人员奖励金和荣誉津贴", "第九条（二）"),
    "veteran_subsidy": IncomeKind(TRANSFER, "建国前老党员、老游击队员、老交通员等定期补助", "第九条（三）"),
    "work_injury_benefit": IncomeKind(
        TRANSFER, "因公（工）负伤护理费、因公（工）死亡丧葬费和抚恤金", "第九条（四）"
    ),
    "family_planning_benefit": IncomeKind(TRANSFER, "独生子女费、计划生育奖励与扶助金", "第九条（五）"),
    "student_aid": IncomeKind(TRANSFER, "贫困在校学生救助金、生活补贴、奖学金、助学贷款", "第九条（六）"),
    "basic_pension_base": IncomeKind(TRANSFER, "城乡居民基本养老保险基础养老金", "第九条（七）"),
    "welfare_allowance": IncomeKind(
        TRANSFER,
        "高龄补贴、困难残疾人生活补贴、重度残疾人护理补贴、孤儿和事实无人抚养儿童基本生活费",
        "第九条（八）",
    ),
    "housing_fund_social_insurance": IncomeKind(
        WAGE, "单位及个人缴纳的住房公积金和各项社会保险费", "第九条（九）"
    ),
    "temporary_assistance": IncomeKind(TRANSFER, "临时性生活救助金", "第九条（十）"),
    "county_excluded": IncomeKind(OTHER, "县（市、区）民政部门规定不计入的其他收入", "第九条（十二）"),
}

# 赡养 (of elders), 扶养 (between spouses), 抚养 (of children): 65号 第八条（四）.
SUPPORT_RELATIONS: Final = {"elderly": "赡养费", "spousal": "扶养费", "child": "抚养费"}
SUPPORT_BASES: Final = {
    "legal_document": "法律文书或具有法律效力的协议规定的数额",
    "formula": "按赡养（抚养、扶养）人收入推算",
    "estimate": "参照最低工资标准、居民人均可支配收入等测算",
}
OBLIGOR_STATUSES: Final = {
    "none": "无",
    "tekun": "特困人员",
    "dibao": "最低生活保障对象",
    "dibao_edge": "低保边缘家庭",
    "monitoring": "乡村振兴部门认定的脱贫不稳定户、边缘易致贫户、突发严重困难户",
}

FINANCIAL: Final = "financial"
HOUSING: Final = "housing"
VEHICLE: Final = "vehicle"


@dataclass(frozen=True, slots=True)
class AssetKind:
    group: str
    label: str


ASSET_KINDS: Final = {
    "deposit": AssetKind(FINANCIAL, "银行存款"),
    "securities": AssetKind(FINANCIAL, "有价证券"),
    "fund": AssetKind(FINANCIAL, "基金"),
    "commercial_insurance": AssetKind(FINANCIAL, "商业保险"),
    "claim": AssetKind(FINANCIAL, "债权"),
    "other_financial": AssetKind(FINANCIAL, "其他金融资产"),
    "house": AssetKind(HOUSING, "住房"),
    "commercial_premises": AssetKind(HOUSING, "商业用房"),
    "car": AssetKind(VEHICLE, "汽车等机动车"),
    "motorcycle": AssetKind(VEHICLE, "普通二轮、三轮摩托车"),
    "disability_vehicle": AssetKind(VEHICLE, "残疾人功能性补偿代步机动车"),
    "large_farm_machinery": AssetKind(VEHICLE, "大型农机具"),
    "ship": AssetKind(VEHICLE, "船舶"),
}
TENURES: Final = {"owned": "拥有", "rented": "承租"}

MEDICAL_EXPENSE_TYPES: Final = {
    "inpatient": "住院",
    "outpatient_chronic": "门诊慢特病",
    "outpatient_special_drug": "门诊特药",
}
INSURANCE_SCHEMES: Final = {
    "resident": "城乡居民基本医疗保险",
    "employee": "城镇职工基本医疗保险",
    "none": "未参保",
}
