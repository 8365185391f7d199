"""Reading a case file from JSON-shaped data, with every error reported against its field.

The accepted format is documented in ``docs/case-file.md`` and published as
``schemas/case-file.schema.json``. Money arrives as a string (``"1200.50"``), an integer, or a
``Decimal`` (``json.load(..., parse_float=Decimal)``); a binary float is refused because it
cannot be trusted to the fen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from rules import vocabulary as v
from rules.casefile import (
    Asset,
    CaseFile,
    CountyFinding,
    Exclusion,
    IncomeItem,
    Insurance,
    MedicalExpense,
    Member,
    MonitoringHousehold,
    SupportDetails,
)
from rules.counties import COUNTIES
from rules.idnumber import InvalidIdNumber, birth_date_of
from rules.reader import (
    MAX_ITEMS,
    MAX_MEMBERS,
    MISSING,
    SCHEMA_VERSION,
    CaseFileError,
    Reader,
    join,
    keys,
)

_OVERRIDE_KEY = re.compile(r"^[a-z][a-z_]*(\.(urban|rural))?$")
T = TypeVar("T")

_CASE_KEYS = keys(
    "schema_version",
    "procedure",
    "application_date",
    "county",
    "hukou_type",
    "residence_area",
    "current_assistance",
    "assistance_transition",
    "monitoring_household",
    "members",
    "incomes",
    "assets",
    "patient",
    "medical_expenses",
    "county_findings",
    "parameter_overrides",
    "reference",
    "note",
)


def parse_case_file(raw: Any) -> CaseFile:
    """Validate JSON-shaped data and build a CaseFile; raises CaseFileError listing every error."""
    r = Reader()
    data = r.mapping(raw, "", _CASE_KEYS)
    if data is None:
        raise CaseFileError(r.errors)
    get = data.get
    version = get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        r.fail("schema_version", f"只支持版本 {SCHEMA_VERSION}")
    procedure = r.choice(get("procedure", MISSING), "procedure", v.PROCEDURES)
    application_date = r.day(get("application_date", MISSING), "application_date")
    county = r.text(get("county", MISSING), "county", max_length=6)
    if county is not None and county not in COUNTIES:
        r.fail("county", f"“{county}”不是运城市的县（市、区）代码")
        county = None
    hukou_type = r.choice(get("hukou_type", MISSING), "hukou_type", v.HUKOU_TYPES)
    residence_area = r.choice(get("residence_area", MISSING), "residence_area", v.AREAS, required=False)
    if hukou_type == "resident" and residence_area is None and not r.has_error("residence_area"):
        r.fail("residence_area", "居民户籍须注明居住地为城镇（urban）或农村（rural）（64号 第八条）")
    current = r.choice(get("current_assistance", "none"), "current_assistance", v.CURRENT_ASSISTANCE)
    transition = r.choice(
        get("assistance_transition", MISSING),
        "assistance_transition",
        v.ASSISTANCE_TRANSITIONS,
        required=False,
    )
    if transition is not None and procedure == v.ILLNESS_POVERTY:
        r.fail("assistance_transition", "简化程序只适用于低保边缘家庭认定（64号 第十五条）")
    monitoring = _monitoring(r, get("monitoring_household", MISSING), application_date)
    members, member_ids = _members(r, get("members", MISSING), application_date)
    incomes = _incomes(r, get("incomes", MISSING), member_ids)
    assets = _assets(r, get("assets", MISSING), member_ids)
    patient = r.text(get("patient", MISSING), "patient", required=procedure == v.ILLNESS_POVERTY)
    if patient is not None and members and patient not in member_ids:
        r.fail("patient", f"“{patient}”不是 members 中的成员 id")
    expenses = _expenses(r, get("medical_expenses", MISSING), application_date)
    findings = _findings(r, get("county_findings", MISSING))
    overrides = _overrides(r, get("parameter_overrides", MISSING))
    r.text(get("reference", MISSING), "reference", required=False)
    r.text(get("note", MISSING), "note", required=False, max_length=2000)

    raw_members = get("members", [])
    _required_for_procedure(
        r, procedure, members, raw_members if isinstance(raw_members, list) else [], patient
    )
    if r.errors:
        raise CaseFileError(r.errors)
    assert procedure and application_date and county and hukou_type and current
    return CaseFile(
        procedure=procedure,
        application_date=application_date,
        county=county,
        hukou_type=hukou_type,
        residence_area=residence_area,
        current_assistance=current,
        assistance_transition=transition,
        monitoring_household=monitoring,
        members=tuple(members),
        incomes=tuple(incomes),
        assets=tuple(assets),
        patient=patient,
        medical_expenses=tuple(expenses),
        county_findings=tuple(findings),
        parameter_overrides=overrides,
    )


def _required_for_procedure(
    r: Reader, procedure: str | None, members: list[Member], raw_members: Any, patient: str | None
) -> None:
    """Facts a procedure cannot be decided without (64号 第八条; 65号 第六条（一）（二））."""
    # Only string ids can name a valid member; any other value was already reported as an error.
    positions = {
        m["id"]: i
        for i, m in enumerate(raw_members)
        if isinstance(m, Mapping) and isinstance(m.get("id"), str)
    }

    def need(member: Member, field: str, present: object, message: str) -> None:
        path = f"members[{positions.get(member.id, 0)}].{field}"
        if not present and not r.has_error(path):
            r.fail(path, message)

    for member in members:
        if procedure == v.DIBAO_EDGE and member.relation == "self":
            need(member, "hukou_region", member.hukou_region, "申请人户籍地必填（64号 第八条）")
        if procedure == v.ILLNESS_POVERTY and member.id == patient:
            need(member, "hukou_region", member.hukou_region, "患者户籍地必填（65号 第六条（一））")
            need(member, "medical_insurance", member.insurance, "患者参保情况必填（65号 第六条（二））")


def _each(
    r: Reader,
    raw: Any,
    path: str,
    allowed: frozenset[str],
    build: Callable[[Mapping[str, Any], str], T | None],
    limit: int = MAX_ITEMS,
) -> list[T]:
    built: list[T] = []
    for index, item in enumerate(r.items(raw, path, limit)):
        where = join(path, index)
        entry = r.mapping(item, where, allowed)
        if entry is not None:
            value = build(entry, where)
            if value is not None:
                built.append(value)
    return built


def _monitoring(r: Reader, raw: Any, applied: date | None) -> MonitoringHousehold | None:
    if raw is MISSING or raw is None:
        return None
    path = "monitoring_household"
    data = r.mapping(raw, path, keys("category", "identified_on", "identified_by"))
    if data is None:
        return None
    category = r.choice(data.get("category", MISSING), f"{path}.category", v.MONITORING_CATEGORIES)
    identified_on = r.day(data.get("identified_on", MISSING), f"{path}.identified_on", required=False)
    if identified_on and applied and identified_on > applied:
        r.fail(f"{path}.identified_on", "认定日期不能晚于申请日期")
    by = r.text(data.get("identified_by", MISSING), f"{path}.identified_by", required=False)
    if category is None:
        return None
    return MonitoringHousehold(category, identified_on, by or "")


_MEMBER_KEYS = keys(
    "id",
    "name",
    "id_number",
    "relation",
    "hukou_region",
    "unable_to_live_independently",
    "full_time_student",
    "exclusion",
    "medical_insurance",
    "note",
)


def _members(r: Reader, raw: Any, applied: date | None) -> tuple[list[Member], set[str]]:
    """The valid members, and the ids of all listed members (valid or not), so that a member
    with a bad field does not also make every reference to it an error."""
    if raw is MISSING or raw is None or raw == []:
        r.fail("members", "至少填写申请人本人")
        return [], set()
    seen_ids: set[str] = set()
    seen_numbers: set[str] = set()

    def build(data: Mapping[str, Any], where: str) -> Member | None:
        member_id = r.text(data.get("id", MISSING), f"{where}.id", max_length=40)
        if member_id is not None:
            if member_id in seen_ids:
                r.fail(f"{where}.id", f"成员 id “{member_id}”重复")
            seen_ids.add(member_id)
        name = r.text(data.get("name", MISSING), f"{where}.name", max_length=50)
        number = r.text(data.get("id_number", MISSING), f"{where}.id_number", max_length=18)
        born: date | None = None
        if number is not None:
            number = number.upper()
            try:
                born = birth_date_of(number)
            except InvalidIdNumber as exc:
                r.fail(f"{where}.id_number", str(exc))
                number = None
            else:
                if number in seen_numbers:
                    r.fail(f"{where}.id_number", "身份证号码与其他成员重复")
                seen_numbers.add(number)
                if applied is not None and born > applied:
                    r.fail(f"{where}.id_number", "出生日期晚于申请日期")
        relation = r.choice(data.get("relation", MISSING), f"{where}.relation", v.RELATIONS)
        hukou_region = r.region(data.get("hukou_region", MISSING), f"{where}.hukou_region")
        unable = r.flag(
            data.get("unable_to_live_independently", MISSING),
            f"{where}.unable_to_live_independently",
        )
        student = r.choice(
            data.get("full_time_student", MISSING),
            f"{where}.full_time_student",
            v.STUDENT_LEVELS,
            required=False,
        )
        exclusion = _exclusion(r, data.get("exclusion", MISSING), f"{where}.exclusion", applied)
        if exclusion is not None and relation == "self":
            r.fail(f"{where}.exclusion", "申请人本人不能是不计入家庭成员的人员（64号 第十条）")
        insurance = _insurance(r, data.get("medical_insurance", MISSING), f"{where}.medical_insurance")
        r.text(data.get("note", MISSING), f"{where}.note", required=False, max_length=500)
        if member_id is None or name is None or number is None or born is None or relation is None:
            return None
        return Member(
            id=member_id,
            name=name,
            id_number=number,
            birth_date=born,
            relation=relation,
            hukou_region=hukou_region,
            unable_to_live_independently=unable,
            full_time_student=student,
            exclusion=exclusion,
            insurance=insurance,
        )

    members = _each(r, raw, "members", _MEMBER_KEYS, build, MAX_MEMBERS)
    selves = sum(1 for m in members if m.relation == "self")
    if members and selves != 1 and len(members) == len(r.items(raw, "members", MAX_MEMBERS)):
        r.fail("members", "应有且只有一名关系为本人（self）的申请人")
    return members, seen_ids


def _exclusion(r: Reader, raw: Any, path: str, applied: date | None) -> Exclusion | None:
    if raw is MISSING or raw is None:
        return None
    data = r.mapping(raw, path, keys("reason", "since", "note"))
    if data is None:
        return None
    reason = r.choice(data.get("reason", MISSING), f"{path}.reason", v.MEMBER_EXCLUSIONS)
    since = r.day(data.get("since", MISSING), f"{path}.since", required=reason == "clergy")
    if since and applied and since > applied:
        r.fail(f"{path}.since", "起始日期不能晚于申请日期")
    note = r.text(data.get("note", MISSING), f"{path}.note", required=reason == "county_rule", max_length=500)
    if reason is None:
        return None
    return Exclusion(reason, since, note or "")


def _insurance(r: Reader, raw: Any, path: str) -> Insurance | None:
    if raw is MISSING or raw is None:
        return None
    data = r.mapping(raw, path, keys("scheme", "region"))
    if data is None:
        return None
    scheme = r.choice(data.get("scheme", MISSING), f"{path}.scheme", v.INSURANCE_SCHEMES)
    region = r.region(data.get("region", MISSING), f"{path}.region")
    if scheme is not None and scheme != "none" and region is None:
        r.fail(f"{path}.region", "参保地行政区划代码必填")
    return Insurance(scheme, region) if scheme is not None else None


_INCOME_KEYS = keys("member", "kind", "amount", "months", "declared_amount", "support", "note")
_SUPPORT_KEYS = keys(
    "relation",
    "basis",
    "obligor_status",
    "obligor_household_monthly_per_capita_income",
    "obligor_dibao_standard",
    "obligor_monthly_income",
    "children_supported",
    "months",
)


def _incomes(r: Reader, raw: Any, member_ids: set[str]) -> list[IncomeItem]:
    def build(data: Mapping[str, Any], where: str) -> IncomeItem | None:
        member = _member_ref(r, data.get("member", MISSING), f"{where}.member", member_ids)
        kind = r.choice(data.get("kind", MISSING), f"{where}.kind", v.INCOME_KINDS)
        months = r.whole(
            data.get("months", MISSING), f"{where}.months", 1, 12, required=kind in ("flexible", "migrant")
        )
        declared = r.money(data.get("declared_amount", MISSING), f"{where}.declared_amount", required=False)
        support = None
        if kind == "support":
            support = _support(r, data.get("support", MISSING), f"{where}.support")
        elif data.get("support") is not None:
            r.fail(f"{where}.support", "只有赡养（抚养、扶养）费（kind = support）才填写此项")
        amount_required = kind != "flexible" and not (support and support.basis == "formula")
        amount = r.money(data.get("amount", MISSING), f"{where}.amount", required=amount_required)
        if kind == "flexible" and amount is not None:
            r.fail(
                f"{where}.amount",
                "灵活就业收入按最低工资标准推算，申报数请填 declared_amount（65号 第八条（一））",
            )
        note = r.text(data.get("note", MISSING), f"{where}.note", required=False, max_length=500)
        if member is None or kind is None:
            return None
        return IncomeItem(member, kind, amount, months, declared, support, note or "")

    return _each(r, raw, "incomes", _INCOME_KEYS, build)


def _support(r: Reader, raw: Any, path: str) -> SupportDetails | None:
    if raw is MISSING or raw is None:
        r.fail(path, "赡养（抚养、扶养）费须说明 relation 和 basis（65号 第八条（四））")
        return None
    data = r.mapping(raw, path, _SUPPORT_KEYS)
    if data is None:
        return None
    relation = r.choice(data.get("relation", MISSING), f"{path}.relation", v.SUPPORT_RELATIONS)
    basis = r.choice(data.get("basis", MISSING), f"{path}.basis", v.SUPPORT_BASES)
    status = r.choice(data.get("obligor_status", "none"), f"{path}.obligor_status", v.OBLIGOR_STATUSES)
    formula = basis == "formula"
    by_household = formula and relation in ("elderly", "spousal")
    by_income = formula and relation == "child"
    household_income = r.money(
        data.get("obligor_household_monthly_per_capita_income", MISSING),
        f"{path}.obligor_household_monthly_per_capita_income",
        required=by_household,
    )
    obligor_standard = r.money(
        data.get("obligor_dibao_standard", MISSING), f"{path}.obligor_dibao_standard", required=False
    )
    income = r.money(
        data.get("obligor_monthly_income", MISSING), f"{path}.obligor_monthly_income", required=by_income
    )
    children = r.whole(data.get("children_supported", 1), f"{path}.children_supported", 1, 10)
    months = r.whole(data.get("months", 12), f"{path}.months", 1, 12)
    if relation is None or basis is None or status is None or children is None or months is None:
        return None
    return SupportDetails(
        relation=relation,
        basis=basis,
        obligor_status=status,
        obligor_household_monthly_per_capita_income=household_income,
        obligor_dibao_standard=obligor_standard,
        obligor_monthly_income=income,
        children_supported=children,
        months=months,
    )


def _member_ref(r: Reader, raw: Any, path: str, member_ids: set[str]) -> str | None:
    ref = r.text(raw, path, max_length=40)
    if ref is not None and member_ids and ref not in member_ids:
        r.fail(path, f"“{ref}”不是 members 中的成员 id")
        return None
    return ref


_ASSET_KEYS = keys(
    "owner", "kind", "value", "tenure", "business_use", "lent_identity_certified", "description"
)


def _assets(r: Reader, raw: Any, member_ids: set[str]) -> list[Asset]:
    def build(data: Mapping[str, Any], where: str) -> Asset | None:
        owner = _member_ref(r, data.get("owner", MISSING), f"{where}.owner", member_ids)
        kind = r.choice(data.get("kind", MISSING), f"{where}.kind", v.ASSET_KINDS)
        group = v.ASSET_KINDS[kind].group if kind else None
        value = r.money(data.get("value", MISSING), f"{where}.value", required=group != v.HOUSING)
        tenure = r.choice(data.get("tenure", "owned"), f"{where}.tenure", v.TENURES)
        if tenure == "rented" and group != v.HOUSING:
            r.fail(f"{where}.tenure", "只有住房和商业用房区分拥有或承租")
        business = r.flag(data.get("business_use", MISSING), f"{where}.business_use")
        lent = r.flag(data.get("lent_identity_certified", MISSING), f"{where}.lent_identity_certified")
        description = r.text(data.get("description", MISSING), f"{where}.description", required=False)
        if owner is None or kind is None or tenure is None:
            return None
        return Asset(owner, kind, value, tenure, business, lent, description or "")

    return _each(r, raw, "assets", _ASSET_KEYS, build)


_EXPENSE_KEYS = keys(
    "date",
    "type",
    "policy_scope_personal_burden",
    "out_of_pocket",
    "mutual_aid",
    "designated",
    "institution",
)


def _expenses(r: Reader, raw: Any, applied: date | None) -> list[MedicalExpense]:
    def build(data: Mapping[str, Any], where: str) -> MedicalExpense | None:
        day = r.day(data.get("date", MISSING), f"{where}.date")
        if day and applied and day > applied:
            r.fail(f"{where}.date", "就医日期不能晚于申请日期")
        kind = r.choice(data.get("type", MISSING), f"{where}.type", v.MEDICAL_EXPENSE_TYPES)
        burden = r.money(
            data.get("policy_scope_personal_burden", MISSING), f"{where}.policy_scope_personal_burden"
        )
        out_of_pocket = r.money(data.get("out_of_pocket", MISSING), f"{where}.out_of_pocket")
        mutual_aid = r.money(data.get("mutual_aid", "0"), f"{where}.mutual_aid")
        if burden is not None and mutual_aid is not None and mutual_aid > burden:
            r.fail(f"{where}.mutual_aid", "社会互助帮困金额不能超过政策范围内个人负担")
        designated = data.get("designated", True)
        if not isinstance(designated, bool):
            r.fail(f"{where}.designated", "应为 true 或 false")
            designated = True
        institution = r.text(data.get("institution", MISSING), f"{where}.institution", required=False)
        if day is None or kind is None or burden is None or out_of_pocket is None or mutual_aid is None:
            return None
        return MedicalExpense(day, kind, burden, out_of_pocket, mutual_aid, designated, institution or "")

    return _each(r, raw, "medical_expenses", _EXPENSE_KEYS, build)


def _findings(r: Reader, raw: Any) -> list[CountyFinding]:
    def build(data: Mapping[str, Any], where: str) -> CountyFinding | None:
        article = r.text(data.get("article", MISSING), f"{where}.article", max_length=100)
        description = r.text(data.get("description", MISSING), f"{where}.description", max_length=1000)
        disqualifying = data.get("disqualifying", MISSING)
        if not isinstance(disqualifying, bool):
            r.fail(f"{where}.disqualifying", "应为 true 或 false")
            return None
        if article is None or description is None:
            return None
        return CountyFinding(article, description, disqualifying)

    return _each(r, raw, "county_findings", keys("article", "description", "disqualifying"), build)


def _overrides(r: Reader, raw: Any) -> dict[str, Decimal]:
    if raw is MISSING or raw is None:
        return {}
    if not isinstance(raw, Mapping):
        r.fail("parameter_overrides", "应为对象")
        return {}
    overrides: dict[str, Decimal] = {}
    for key, value in raw.items():
        path = f"parameter_overrides.{key}"
        if not isinstance(key, str) or not _OVERRIDE_KEY.match(key):
            r.fail(path, "参数名应为参数种类（如 dibao_standard），可加 .urban 或 .rural")
            continue
        amount = (
            r.money(value, path)
            if key.split(".")[0].endswith(("standard", "wage", "deductible"))
            else _ratio(r, value, path)
        )
        if amount is not None:
            overrides[key] = amount
    return overrides


def _ratio(r: Reader, raw: Any, path: str) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
        r.fail(path, '应为数值字符串，如 "1.5"')
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        r.fail(path, f"“{raw}”不是有效数值")
        return None
    if not value.is_finite() or value < 0 or value > 1000:
        r.fail(path, "应为0至1000之间的数值")
        return None
    return value
