"""The household form: members, incomes, assets, medical expenses and county findings as rows
of inputs, read into the rules engine's case-file format (docs/case-file.md) and back.

Inputs are named ``{section}-{row}-{column}`` (``members-0-id_number``) with a ``{section}-count``
hidden field, so the form works without JavaScript: a fixed number of blank rows, and an "add a
row" submit button that comes back with one more. Blank rows are left out; the engine's error
paths (``household.members[1].id_number``) are mapped back to the row the user typed in.
Member ids are ``m1``, ``m2``… by row, so incomes and assets can name their member before any
name is typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

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


def row_count(form: Mapping[str, Any], section: Section) -> int:
    raw = str(form.get(f"{section.name}-count", "") or "")
    count = int(raw) if raw.isdigit() else section.blank_rows
    return max(0, min(count, section.max_rows))


def member_id(row: int) -> str:
    return f"m{row + 1}"


@dataclass
class RowMap:
    """For each section, the form row of each item sent to the service (blank rows are left out)."""

    rows: dict[str, list[int]] = field(default_factory=dict)

    def form_row(self, section: str, index: int) -> int | None:
        found = self.rows.get(section, [])
        return found[index] if index < len(found) else None


def _value(form: Mapping[str, Any], key: str) -> str:
    raw = form.get(key)
    return raw.strip() if isinstance(raw, str) else ""


def _whole(raw: str) -> int | str:
    # The engine wants integers; anything else goes as typed for the engine to name the error.
    return int(raw) if raw.isdigit() else raw


def _set(target: dict[str, Any], key: str, raw: str) -> None:
    if raw:
        target[key] = raw


def _member(cells: dict[str, str], checked: set[str], row: int) -> dict[str, Any]:
    item: dict[str, Any] = {"id": member_id(row)}
    for key in ("name", "id_number", "relation", "hukou_region", "full_time_student"):
        _set(item, key, cells[key])
    if "unable_to_live_independently" in checked:
        item["unable_to_live_independently"] = True
    exclusion: dict[str, Any] = {}
    for key in ("reason", "since", "note"):
        _set(exclusion, key, cells[f"exclusion_{key}"])
    if exclusion:
        item["exclusion"] = exclusion
    insurance: dict[str, Any] = {}
    for key in ("scheme", "region"):
        _set(insurance, key, cells.get(f"medical_insurance_{key}", ""))
    if insurance:
        item["medical_insurance"] = insurance
    return item


SUPPORT_TEXT = (
    "relation",
    "basis",
    "obligor_status",
    "obligor_household_monthly_per_capita_income",
    "obligor_dibao_standard",
    "obligor_monthly_income",
)


def _income(cells: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for key in ("member", "kind", "amount", "declared_amount", "note"):
        _set(item, key, cells[key])
    if cells["months"]:
        item["months"] = _whole(cells["months"])
    if cells["kind"] == "support":
        # Support details mean something only for support; for any other kind they are ignored
        # (the script hides them), so a kind changed after typing them does not fail the form.
        support: dict[str, Any] = {}
        for key in SUPPORT_TEXT:
            _set(support, key, cells[f"support_{key}"])
        for key in ("children_supported", "months"):
            if cells[f"support_{key}"]:
                support[key] = _whole(cells[f"support_{key}"])
        item["support"] = support
    return item


def _asset(cells: dict[str, str], checked: set[str]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for key in ("owner", "kind", "value", "tenure", "description"):
        _set(item, key, cells[key])
    for key in ("business_use", "lent_identity_certified"):
        if key in checked:
            item[key] = True
    return item


def _expense(cells: dict[str, str], checked: set[str]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for key in ("date", "type", "institution", "policy_scope_personal_burden", "mutual_aid", "out_of_pocket"):
        _set(item, key, cells[key])
    item["designated"] = "designated" in checked
    return item


def _finding(cells: dict[str, str], checked: set[str]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for key in ("article", "description"):
        _set(item, key, cells[key])
    item["disqualifying"] = "disqualifying" in checked
    return item


def read(form: MultiDict[str, str], procedure: str, *, staff: bool) -> tuple[dict[str, Any], RowMap]:
    """The household in the case-file format (without the case's own fields), and the row map."""
    household: dict[str, Any] = {}
    for top in top_fields_for(procedure):
        if not top.name.startswith("monitoring_household_"):
            _set(household, top.name, _value(form, top.name))
    monitoring: dict[str, Any] = {}
    for key in ("category", "identified_on", "identified_by"):
        _set(monitoring, key, _value(form, f"monitoring_household_{key}"))
    if monitoring:
        household["monitoring_household"] = monitoring
    rowmap = RowMap()
    for section in sections_for(procedure, staff=staff):
        items: list[dict[str, Any]] = []
        taken: list[int] = []
        columns = section.columns_for(procedure)
        for row in range(row_count(form, section)):
            cells = {c.name: _value(form, f"{section.name}-{row}-{c.name}") for c in columns}
            if not any(cells[c.name] for c in columns if c.significant and c.widget != CHECKBOX):
                continue
            checked = {
                c.name for c in columns if c.widget == CHECKBOX and f"{section.name}-{row}-{c.name}" in form
            }
            if section is MEMBERS:
                items.append(_member(cells, checked, row))
            elif section is INCOMES:
                items.append(_income(cells))
            elif section is ASSETS:
                items.append(_asset(cells, checked))
            elif section is EXPENSES:
                items.append(_expense(cells, checked))
            else:
                items.append(_finding(cells, checked))
            taken.append(row)
        rowmap.rows[section.name] = taken
        if items or section is MEMBERS:
            household[section.name] = items
    if procedure == ILLNESS_POVERTY:
        _set(household, "patient", _value(form, "patient"))
    return household, rowmap


_ROW_PATH = re.compile(r"^household\.([a-z_]+)\[(\d+)\](?:\.(.+))?$")


def input_for(path: str, rowmap: RowMap) -> str | None:
    """The input an error path from the service is about (see the module docstring)."""
    found = _ROW_PATH.match(path)
    if found:
        section_name, index, rest = found.group(1), int(found.group(2)), found.group(3)
        section = BY_NAME.get(section_name)
        row = rowmap.form_row(section_name, index)
        if section is None or row is None:
            return section_name if section else None
        if not rest:
            return f"{section_name}-{row}"
        column = rest.replace(".", "_")
        if section.column(column) is None:
            # ``medical_insurance`` → its first input; ``support`` → the support details.
            column = next((c.name for c in section.columns if c.name.startswith(column + "_")), "")
        return f"{section_name}-{row}-{column}" if column else f"{section_name}-{row}"
    if not path.startswith("household."):
        return None if path == "household" else path
    rest = path.removeprefix("household.").replace(".", "_")
    if rest in BY_NAME:
        return rest
    if rest == "monitoring_household":
        return "monitoring_household_category"
    return rest


def known_inputs(procedure: str, form: Mapping[str, Any], *, staff: bool) -> set[str]:
    """Every input name the rendered form has, so that an error never points at nothing."""
    names = {t.name for t in top_fields_for(procedure)} | {"patient"}
    for section in sections_for(procedure, staff=staff):
        names.add(section.name)
        for row in range(row_count(form, section)):
            names.add(f"{section.name}-{row}")
            names.update(f"{section.name}-{row}-{c.name}" for c in section.columns_for(procedure))
    return names


def blank_form(procedure: str, *, staff: bool) -> MultiDict[str, str]:
    """A new form: the default blank rows, the first member the applicant."""
    values: MultiDict[str, str] = MultiDict()
    for top in top_fields_for(procedure):
        if top.default:
            values[top.name] = top.default
    for section in sections_for(procedure, staff=staff):
        values[f"{section.name}-count"] = str(section.blank_rows)
    values["members-0-relation"] = "self"
    if procedure == ILLNESS_POVERTY:
        values["patient"] = member_id(0)
    return values


def with_row_added(form: MultiDict[str, str], section_name: str) -> MultiDict[str, str]:
    values = MultiDict(form)
    section = BY_NAME.get(section_name)
    if section is not None:
        values[f"{section.name}-count"] = str(min(row_count(form, section) + 1, section.max_rows))
    return values


def _flat(prefix: str, data: Mapping[str, Any], values: MultiDict[str, str]) -> None:
    for key, raw in data.items():
        if isinstance(raw, Mapping):
            _flat(f"{prefix}{key}_", raw, values)
        elif isinstance(raw, bool):
            if raw:
                values[f"{prefix}{key}"] = "on"
        elif raw is not None:
            values[f"{prefix}{key}"] = str(raw)


def filled_form(household: Mapping[str, Any], procedure: str, *, staff: bool) -> MultiDict[str, str]:
    """The form for a stored household (``casefiles.household_data``), with one blank row more."""
    values: MultiDict[str, str] = MultiDict()
    members = list(household.get("members", []))
    ids = {str(m.get("id")): member_id(row) for row, m in enumerate(members)}
    for top in top_fields_for(procedure):
        if top.name in household and not isinstance(household[top.name], Mapping):
            values[top.name] = str(household[top.name])
    _flat("monitoring_household_", household.get("monitoring_household") or {}, values)
    if household.get("patient"):
        values["patient"] = ids.get(str(household["patient"]), "")
    for section in sections_for(procedure, staff=staff):
        items = list(household.get(section.name, []))
        for row, item in enumerate(items):
            data = dict(item)
            data.pop("id", None)
            for ref in ("member", "owner"):
                if ref in data:
                    data[ref] = ids.get(str(data[ref]), str(data[ref]))
            if section is EXPENSES:
                # Unchecked means "not designated"; the stored value is explicit.
                data["designated"] = bool(data.get("designated", True))
            _flat(f"{section.name}-{row}-", data, values)
        values[f"{section.name}-count"] = str(min(len(items) + 1, section.max_rows))
    return values


def member_choices(form: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Member pickers: one entry per member row, with the name typed so far."""
    choices = []
    for row in range(row_count(form, MEMBERS)):
        name = _value(form, f"members-{row}-name")
        label = f"成员{row + 1}" + (f"（{name}）" if name else "")
        choices.append((member_id(row), label))
    return choices
