"""The case file: everything the rules engine needs to know about one application, declared once.

Plain immutable data, already validated (see :mod:`rules.parsing`). Money is ``Decimal`` yuan;
every income amount is the total received within the 12-month reference window.

Each field is declared here with its label, kind, limits, article, storage and form details
(:mod:`rules.declaration`); the parser, the JSON Schema, the database mapping, the household form
and the feature steps all walk these declarations.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from rules import vocabulary as v
from rules.counties import COUNTIES
from rules.declaration import (
    CHOICE,
    DAY,
    FLAG,
    ITEMS,
    MEMBER,
    MONEY,
    OVERRIDES,
    RECORD,
    REGION,
    TEXT,
    VERSION,
    WHOLE,
    declare,
    record,
    when,
)

_ILLNESS = v.ILLNESS_POVERTY
_EDGE = v.DIBAO_EDGE
_NOT_HOUSING = tuple(k for k, kind in v.ASSET_KINDS.items() if kind.group != v.HOUSING)


@record
class Exclusion:
    reason: str = declare(
        CHOICE, "不计入家庭成员的情形", choices=v.MEMBER_EXCLUSIONS, required=True, hint="64号 第十条"
    )
    since: date | None = declare(
        DAY,
        "情形起始日期",
        default=None,
        required_when=when(reason="clergy"),
        description="起始日期；宗教教职人员必填",
        hint="宗教教职人员必填",
    )
    note: str = declare(
        TEXT,
        "情形说明",
        default="",
        max_length=500,
        required_when=when(reason="county_rule"),
        description="说明；县级规定的其他情形必填",
        hint="县级规定的其他情形必填",
    )


@record
class Insurance:
    scheme: str = declare(
        CHOICE,
        "参保类型",
        choices=v.INSURANCE_SCHEMES,
        required=True,
        article="65号 第六条（二）",
        hint="患者必填（65号 第六条（二））",
    )
    region: str | None = declare(
        REGION,
        "参保地区划代码",
        default=None,
        required_when=when(scheme=("resident", "employee")),
        required_message="参保地行政区划代码必填",
    )


@record
class Member:
    id: str = declare(
        TEXT,
        "成员编号",
        required=True,
        max_length=40,
        description="案卷内的成员编号",
        column="key",
        on_form=False,
    )
    name: str = declare(TEXT, "姓名", required=True, max_length=50)
    id_number: str = declare(
        TEXT,
        "身份证号码",
        required=True,
        max_length=18,
        pattern="^[0-9]{17}[0-9Xx]$",
        description="18位居民身份证号码，校验位和出生日期须有效",
        hint="18位",
    )
    birth_date: date  # from the ID number
    relation: str = declare(CHOICE, "与申请人关系", choices=v.RELATIONS, required=True)
    hukou_region: str | None = declare(
        REGION,
        "户籍地区划代码",
        default=None,
        description="户籍地区划代码；申请人、患者必填",
        hint="6位代码，可输入县名选择，如盐湖区 140802；申请人（患者）必填",
    )
    unable_to_live_independently: bool = declare(
        FLAG, "不能独立生活（成年子女）", default=False, article="64号 第九条（三）"
    )
    full_time_student: str | None = declare(
        CHOICE, "全日制在校", choices=v.STUDENT_LEVELS, default=None, description="在校接受全日制学历教育"
    )
    exclusion: Exclusion | None = declare(
        RECORD,
        "不计入家庭成员的情形（64号 第十条）",
        record=Exclusion,
        default=None,
        column="exclusion_",
        advanced=True,
    )
    insurance: Insurance | None = declare(
        RECORD,
        "参保情况",
        key="medical_insurance",
        record=Insurance,
        default=None,
        column="insurance_",
        shown_for=_ILLNESS,
    )
    note: str = declare(TEXT, "备注", default="", max_length=500, on_form=False)


@record
class SupportDetails:
    relation: str = declare(
        CHOICE, "费用类别", choices=v.SUPPORT_RELATIONS, required=True, description="赡养、扶养或抚养"
    )
    basis: str = declare(
        CHOICE, "确定依据", choices=v.SUPPORT_BASES, required=True, article="65号 第八条（四）"
    )
    obligor_status: str = declare(CHOICE, "义务人救助身份", choices=v.OBLIGOR_STATUSES, default="none")
    obligor_household_monthly_per_capita_income: Decimal | None = declare(
        MONEY,
        "义务人家庭人均月收入（元）",
        default=None,
        required_when=when(basis="formula", relation=("elderly", "spousal")),
        hint="赡养费、扶养费按收入推算时必填",
    )
    obligor_dibao_standard: Decimal | None = declare(MONEY, "义务人所在地低保标准（元）", default=None)
    obligor_monthly_income: Decimal | None = declare(
        MONEY,
        "义务人月收入（元）",
        default=None,
        required_when=when(basis="formula", relation="child"),
        hint="抚养费按收入推算时必填",
    )
    children_supported: int = declare(WHOLE, "义务人抚养子女数", default=1, low=1, high=10, hint="默认1")
    months: int = declare(WHOLE, "给付月数", default=12, low=1, high=12, hint="默认12")


@record
class IncomeItem:
    member: str = declare(MEMBER, "成员", required=True, description="取得收入的成员 id", column="member_id")
    kind: str = declare(CHOICE, "收入类别", choices=v.INCOME_KINDS, required=True)
    amount: Decimal | None = declare(
        MONEY,
        "金额（元）",
        default=None,
        description="申请当月前12个月内取得的合计金额",
        hint="申请当月前12个月合计",
    )
    months: int | None = declare(
        WHOLE,
        "月数",
        default=None,
        low=1,
        high=12,
        required_when=when(kind=("flexible", "migrant")),
        hint="灵活就业、外出务工必填（1–12）",
    )
    declared_amount: Decimal | None = declare(
        MONEY,
        "申报金额（元）",
        default=None,
        description="灵活就业人员申报收入（65号 第八条（一））",
        hint="灵活就业本人申报的收入",
    )
    support: SupportDetails | None = declare(
        RECORD,
        "赡养（抚养、扶养）费的计算依据（65号 第八条（四））",
        record=SupportDetails,
        default=None,
        required_when=when(kind="support"),
        required_message="赡养（抚养、扶养）费须说明 relation 和 basis（65号 第八条（四））",
        only_when=when(kind="support"),
        only_message="只有赡养（抚养、扶养）费（kind = support）才填写此项",
        as_json=True,
        advanced=True,
    )
    note: str = declare(TEXT, "说明", default="", max_length=500)


@record
class Asset:
    owner: str = declare(
        MEMBER, "登记在谁名下", required=True, description="登记在其名下的人员 id", column="member_id"
    )
    kind: str = declare(CHOICE, "财产类别", choices=v.ASSET_KINDS, required=True)
    value: Decimal | None = declare(
        MONEY,
        "金额或购买价值（元）",
        default=None,
        required_when=when(kind=_NOT_HOUSING),
        description="金融资产余额，或车辆、农机具、船舶的购买价值",
        hint="存款等为余额，车辆为购买价值；住房可不填",
    )
    tenure: str = declare(CHOICE, "拥有或承租", choices=v.TENURES, default="owned")
    business_use: bool = declare(FLAG, "生产经营用", default=False)
    lent_identity_certified: bool = declare(
        FLAG,
        "身份证被借用登记且已证实",
        default=False,
        article="64号 第十四条（四）",
        hint="64号 第十四条（四）",
    )
    description: str = declare(TEXT, "说明", default="")


@record
class MedicalExpense:
    date: date = declare(DAY, "就医（结算）日期", required=True, column="spent_on")
    type: str = declare(
        CHOICE, "类别", choices=v.MEDICAL_EXPENSE_TYPES, required=True, description="费用类型"
    )
    policy_scope_personal_burden: Decimal = declare(
        MONEY, "政策范围内个人负担（元）", required=True, article="65号 第六条（三）"
    )
    out_of_pocket: Decimal = declare(MONEY, "个人自负费用（元）", required=True, article="65号 第六条（四）")
    mutual_aid: Decimal = declare(MONEY, "社会互助帮困（元）", default=Decimal(0))
    designated: bool = declare(FLAG, "在定点医药机构", default=True)
    institution: str = declare(TEXT, "医疗机构", default="")


@record
class MonitoringHousehold:
    category: str = declare(
        CHOICE,
        "防返贫监测对象类别",
        choices=v.MONITORING_CATEGORIES,
        required=True,
        article="64号 第十五条",
        hint="乡村振兴部门认定的，可直接认定（64号 第十五条）",
    )
    identified_on: date | None = declare(DAY, "监测对象认定日期", default=None)
    identified_by: str = declare(TEXT, "认定部门", default="", max_length=100)


@record
class CountyFinding:
    """A finding under a county rule the engine cannot know (64号 第十四条（四）, 65号 第十条)."""

    article: str = declare(TEXT, "依据条款", required=True, max_length=100)
    description: str = declare(TEXT, "情况说明", required=True, max_length=1000)
    disqualifying: bool = declare(
        FLAG, "据此不符合条件", required=True, required_message="应为 true 或 false"
    )


_CASE = "assistance_case"
_HOUSEHOLD = "household"


@record
class CaseFile:
    procedure: str = declare(
        CHOICE,
        "认定事项",
        choices=v.PROCEDURES,
        required=True,
        table=_CASE,
        on_form=False,
        owned_by_case=True,
    )
    application_date: date = declare(
        DAY,
        "申请日期",
        required=True,
        table=_CASE,
        owned_by_case=True,
        on_form=False,
        description="申请日期；收入按申请当月前12个月计算",
    )
    county: str = declare(
        CHOICE,
        "受理县",
        owned_by_case=True,
        choices=COUNTIES,
        required=True,
        max_length=6,
        invalid_choice="“{value}”不是运城市的县（市、区）代码",
        table=_CASE,
        column="county_code",
        on_form=False,
    )
    hukou_type: str = declare(
        CHOICE, "户籍类型", choices=v.HUKOU_TYPES, required=True, table=_HOUSEHOLD, article="64号 第八条"
    )
    members: tuple[Member, ...] = declare(
        ITEMS,
        "家庭成员",
        record=Member,
        required=True,
        max_items=30,
        required_message="至少填写申请人本人",
        table="member",
        item_label="成员",
        hint="户口簿上的全部成员都请填写，是否计入家庭成员由系统按"
        "64号 第九条、第十条判断。第一行一般为申请人本人。",
    )
    residence_area: str | None = declare(
        CHOICE,
        "经常居住地",
        choices=v.AREAS,
        default=None,
        table=_HOUSEHOLD,
        required_when=when(hukou_type="resident"),
        required_message="居民户籍须注明居住地为城镇（urban）或农村（rural）（64号 第八条）",
        description="居住地城镇或农村，居民户籍必填（64号 第八条）",
        hint="居民户籍必填（64号 第八条）",
    )
    address: str = declare(TEXT, "家庭住址", default="", table=_HOUSEHOLD, description="家庭住址，引擎不使用")
    current_assistance: str = declare(
        CHOICE,
        "现已享受的救助",
        choices=v.CURRENT_ASSISTANCE,
        default="none",
        table=_CASE,
        description="家庭已享受的救助",
    )
    assistance_transition: str | None = declare(
        CHOICE,
        "正在申请或退出",
        choices=v.ASSISTANCE_TRANSITIONS,
        default=None,
        table=_CASE,
        only_when=when(procedure=_EDGE),
        only_message="简化程序只适用于低保边缘家庭认定（64号 第十五条）",
        description="申请或退出低保、特困（64号 第十五条简化程序）",
        shown_for=_EDGE,
        hint="申请或退出低保、特困的，可适用简化程序（64号 第十五条）",
    )
    monitoring_household: MonitoringHousehold | None = declare(
        RECORD,
        "防返贫监测对象",
        record=MonitoringHousehold,
        default=None,
        table=_CASE,
        column="monitoring_",
        shown_for=_EDGE,
    )
    incomes: tuple[IncomeItem, ...] = declare(
        ITEMS,
        "家庭收入",
        default=(),
        record=IncomeItem,
        table="incomerecord",
        item_label="收入",
        hint="按申请当月前12个月（64号 第十二条）每项收入的合计填写；不计入的收入也请如实填写，"
        "系统会按65号 第九条排除。",
    )
    assets: tuple[Asset, ...] = declare(
        ITEMS,
        "家庭财产",
        default=(),
        record=Asset,
        table="assetrecord",
        item_label="财产",
        hint="金融资产（存款、证券、基金、商业保险、债权）、住房和商业用房、机动车辆等"
        "（64号 第十三条、第十四条）。",
    )
    patient: str | None = declare(
        MEMBER,
        "患者",
        default=None,
        table=_CASE,
        column="patient_member_id",
        required_when=when(procedure=_ILLNESS),
        description="患者的成员 id；因病致贫重病患者认定必填",
        on_form=False,
    )
    medical_expenses: tuple[MedicalExpense, ...] = declare(
        ITEMS,
        "医疗费用",
        default=(),
        record=MedicalExpense,
        table="medicalexpenserecord",
        item_label="费用",
        shown_for=_ILLNESS,
        hint="患者申请前12个月在定点医药机构的住院、门诊慢特病和门诊特药费用（65号 第六条（三）（四）），"
        "以结算单和票据为准。",
    )
    county_findings: tuple[CountyFinding, ...] = declare(
        ITEMS,
        "县级规定的其他情形",
        default=(),
        record=CountyFinding,
        table=_CASE,
        as_json=True,
        item_label="情形",
        staff_only=True,
        max_items=50,
        hint="64号 第十四条（四）、65号 第十条：县级人民政府民政部门规定的其他情形，由工作人员登记。",
    )
    parameter_overrides: Mapping[str, Decimal] = declare(
        OVERRIDES,
        "测算用参数",
        default_factory=dict,
        owned_by_case=True,
        on_form=False,
        description='测算用参数，如 {"dibao_standard": "800.00"}，可加 .urban/.rural；'
        "使用后结论带警告，不作为认定依据",
    )
    reference: str = declare(
        TEXT, "案卷编号", default="", description="案卷编号或备注，引擎不使用", on_form=False
    )
    note: str = declare(TEXT, "备注", default="", max_length=2000, on_form=False)
    schema_version: int = declare(VERSION, "格式版本", default=1, on_form=False, owned_by_case=True)

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
