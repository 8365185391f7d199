"""What the household form shows: its top fields and its sections of rows (members, incomes,
assets, medical expenses, county findings), each column with its label, widget, choices and hint,
for each procedure and for staff or applicants."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assistance.web import labels

TEXT = "text"
MONEY = "money"
NUMBER = "number"
DATE = "date"
SELECT = "select"
CHECKBOX = "checkbox"
MEMBER = "member"

DIBAO_EDGE = "dibao_edge"
ILLNESS_POVERTY = "illness_poverty"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    label: str
    widget: str = TEXT
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False
    # Whether a value here means the row was filled in (selects with a default, checkboxes: no).
    significant: bool = True
    hint: str = ""
    # "more": inside the row's collapsed details (rarely needed facts).
    group: str = ""
    # Only for this procedure.
    procedure: str | None = None
    default: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    title: str
    item: str
    columns: tuple[Column, ...]
    blank_rows: int
    max_rows: int
    hint: str = ""
    procedure: str | None = None
    staff_only: bool = False
    more_title: str = ""

    def columns_for(self, procedure: str) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.procedure in (None, procedure))

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _pairs(mapping: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(mapping.items())


MEMBERS = Section(
    "members",
    "家庭成员",
    "成员",
    (
        Column("name", "姓名", required=True),
        Column("id_number", "身份证号码", required=True, hint="18位"),
        Column("relation", "与申请人关系", SELECT, _pairs(labels.RELATIONS), required=True),
        Column("hukou_region", "户籍地区划代码", hint="6位，如盐湖区 140802；申请人（患者）必填"),
        Column("unable_to_live_independently", "不能独立生活（成年子女）", CHECKBOX, significant=False),
        Column("full_time_student", "全日制在校", SELECT, _pairs(labels.STUDENT_LEVELS)),
        Column(
            "medical_insurance_scheme",
            "参保类型",
            SELECT,
            _pairs(labels.INSURANCE_SCHEMES),
            hint="患者必填（65号 第六条（二））",
            procedure=ILLNESS_POVERTY,
        ),
        Column("medical_insurance_region", "参保地区划代码", procedure=ILLNESS_POVERTY),
        Column(
            "exclusion_reason",
            "不计入家庭成员的情形",
            SELECT,
            _pairs(labels.EXCLUSIONS),
            group="more",
            hint="64号 第十条",
        ),
        Column("exclusion_since", "情形起始日期", DATE, group="more", hint="宗教教职人员必填"),
        Column("exclusion_note", "情形说明", group="more", hint="县级规定的其他情形必填"),
    ),
    blank_rows=4,
    max_rows=30,
    hint=(
        "户口簿上的全部成员都请填写，是否计入家庭成员由系统按"
        "64号 第九条、第十条判断。第一行一般为申请人本人。"
    ),
    more_title="不计入家庭成员的情形（64号 第十条）",
)

INCOMES = Section(
    "incomes",
    "家庭收入",
    "收入",
    (
        Column("member", "成员", MEMBER, required=True),
        Column("kind", "收入类别", SELECT, required=True),
        Column("amount", "金额（元）", MONEY, hint="申请当月前12个月合计"),
        Column("months", "月数", NUMBER, hint="灵活就业、外出务工必填（1–12）"),
        Column("declared_amount", "申报金额（元）", MONEY, hint="灵活就业本人申报的收入"),
        Column("note", "说明"),
        Column("support_relation", "费用类别", SELECT, _pairs(labels.SUPPORT_RELATIONS), group="more"),
        Column("support_basis", "确定依据", SELECT, _pairs(labels.SUPPORT_BASES), group="more"),
        Column(
            "support_obligor_status",
            "义务人救助身份",
            SELECT,
            _pairs(labels.OBLIGOR_STATUSES),
            group="more",
            significant=False,
        ),
        Column(
            "support_obligor_household_monthly_per_capita_income",
            "义务人家庭人均月收入（元）",
            MONEY,
            group="more",
            hint="赡养费、扶养费按收入推算时必填",
        ),
        Column("support_obligor_dibao_standard", "义务人所在地低保标准（元）", MONEY, group="more"),
        Column(
            "support_obligor_monthly_income",
            "义务人月收入（元）",
            MONEY,
            group="more",
            hint="抚养费按收入推算时必填",
        ),
        Column("support_children_supported", "义务人抚养子女数", NUMBER, group="more", hint="默认1"),
        Column("support_months", "给付月数", NUMBER, group="more", hint="默认12"),
    ),
    blank_rows=4,
    max_rows=500,
    hint=(
        "按申请当月前12个月（64号 第十二条）每项收入的合计填"
        "写；不计入的收入也请如实填写，系统会按65号 第九条排除。"
    ),
    more_title="赡养（抚养、扶养）费的计算依据（65号 第八条（四））",
)

ASSETS = Section(
    "assets",
    "家庭财产",
    "财产",
    (
        Column("owner", "登记在谁名下", MEMBER, required=True),
        Column("kind", "财产类别", SELECT, _pairs(labels.ASSET_KINDS), required=True),
        Column("value", "金额或购买价值（元）", MONEY, hint="存款等为余额，车辆为购买价值；住房可不填"),
        Column("tenure", "拥有或承租", SELECT, _pairs(labels.TENURES), significant=False, default="owned"),
        Column("business_use", "生产经营用", CHECKBOX, significant=False),
        Column(
            "lent_identity_certified",
            "身份证被借用登记且已证实",
            CHECKBOX,
            significant=False,
            hint="64号 第十四条（四）",
        ),
        Column("description", "说明"),
    ),
    blank_rows=3,
    max_rows=500,
    hint=(
        "金融资产（存款、证券、基金、商业保险、债权）、住房和"
        "商业用房、机动车辆等（64号 第十三条、第十四条）。"
    ),
)

EXPENSES = Section(
    "medical_expenses",
    "医疗费用",
    "费用",
    (
        Column("date", "就医（结算）日期", DATE, required=True),
        Column("type", "类别", SELECT, _pairs(labels.MEDICAL_EXPENSE_TYPES), required=True),
        Column("institution", "医疗机构"),
        Column("policy_scope_personal_burden", "政策范围内个人负担（元）", MONEY, required=True),
        Column("mutual_aid", "社会互助帮困（元）", MONEY),
        Column("out_of_pocket", "个人自负费用（元）", MONEY, required=True),
        Column("designated", "在定点医药机构", CHECKBOX, significant=False, default="on"),
    ),
    blank_rows=3,
    max_rows=500,
    hint=(
        "患者申请前12个月在定点医药机构的住院、门诊慢特病和门诊特药费用（65号 第六条（三）（四）），"
        "以结算单和票据为准。"
    ),
    procedure=ILLNESS_POVERTY,
)

FINDINGS = Section(
    "county_findings",
    "县级规定的其他情形",
    "情形",
    (
        Column("article", "依据条款", required=True),
        Column("description", "情况说明", required=True),
        Column("disqualifying", "据此不符合条件", CHECKBOX, significant=False),
    ),
    blank_rows=1,
    max_rows=50,
    hint="64号 第十四条（四）、65号 第十条：县级人民政府民政部门规定的其他情形，由工作人员登记。",
    staff_only=True,
)

SECTIONS = (MEMBERS, INCOMES, ASSETS, EXPENSES, FINDINGS)
BY_NAME = {s.name: s for s in SECTIONS}


@dataclass(frozen=True, slots=True)
class TopField:
    name: str
    label: str
    widget: str
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False
    hint: str = ""
    procedure: str | None = None
    default: str = ""


TOP_FIELDS = (
    TopField("hukou_type", "户籍类型", SELECT, _pairs(labels.HUKOU_TYPES), required=True),
    TopField("residence_area", "经常居住地", SELECT, _pairs(labels.AREAS),
             hint="居民户籍必填（64号 第八条）"),
    TopField("address", "家庭住址", TEXT),
    TopField("current_assistance", "现已享受的救助", SELECT, _pairs(labels.CURRENT_ASSISTANCE),
             default="none"),
    TopField("assistance_transition", "正在申请或退出", SELECT, _pairs(labels.ASSISTANCE_TRANSITIONS),
             hint="申请或退出低保、特困的，可适用简化程序（64号 第十五条）", procedure=DIBAO_EDGE),
    TopField("monitoring_household_category", "防返贫监测对象类别", SELECT,
             _pairs(labels.MONITORING_CATEGORIES),
             hint="乡村振兴部门认定的，可直接认定（64号 第十五条）", procedure=DIBAO_EDGE),
    TopField("monitoring_household_identified_on", "监测对象认定日期", DATE, procedure=DIBAO_EDGE),
    TopField("monitoring_household_identified_by", "认定部门", TEXT, procedure=DIBAO_EDGE),
)  # fmt: skip


def sections_for(procedure: str, *, staff: bool) -> tuple[Section, ...]:
    return tuple(s for s in SECTIONS if s.procedure in (None, procedure) and (staff or not s.staff_only))


def top_fields_for(procedure: str) -> tuple[TopField, ...]:
    return tuple(f for f in TOP_FIELDS if f.procedure in (None, procedure))


def income_kind_groups() -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    return [
        ("计入家庭收入", _pairs(labels.INCOME_COUNTED)),
        ("不计入家庭收入（65号 第九条）", _pairs(labels.INCOME_NOT_COUNTED)),
    ]
