"""Case pages: the list, filing an application, one case with its facts, evidence, the rules
engine's explained decision and a form for each action, and correcting the household."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from assistance.access import may, may_edit_household, may_file_in
from assistance.casefile.evaluation import current_decision, record_current
from assistance.cases import evidence, filing, transitions
from assistance.cases.acts import ACTS
from assistance.clock import utcnow
from assistance.documents import archive
from assistance.documents.issued import case_documents, document_file
from assistance.errors import InvalidInput, ServiceError
from assistance.http import database, file_response, search_arguments, today
from assistance.intake import imports
from assistance.reading import listings, pages
from assistance.reference import areas
from assistance.web import actions, household, household_form, labels, legal
from assistance.web.base import (
    PAGE_SIZE,
    WebUser,
    bp,
    login_required,
    offset_argument,
    page,
    signed_in,
)
from assistance.web.forms import Problems, problems_from


@bp.get("/cases")
@login_required
def cases() -> ResponseReturnValue:
    user = signed_in()
    procedure = request.args.get("procedure") or None
    chosen = request.args.get("state") or None
    # A state is chosen with its procedure ("dibao_edge:filed"): both procedures name states alike.
    state = chosen.split(":", 1)[1] if chosen and ":" in chosen else chosen
    if chosen and ":" in chosen:
        procedure = procedure or chosen.split(":", 1)[0]
    start = offset_argument()
    search = search_arguments()
    listing = listings.list_cases(
        database(),
        user.id,
        today(),
        procedure=procedure,
        state=state,
        limit=PAGE_SIZE + 1,
        offset=start,
        **search,
    )
    items = listing["items"]
    return page(
        "cases.html",
        items=items[:PAGE_SIZE],
        more=len(items) > PAGE_SIZE,
        offset=start,
        page_size=PAGE_SIZE,
        procedure=procedure or "",
        state=chosen or "",
        q=search["q"] or "",
        overdue_only=search["overdue"],
        may_file=may(user, "file_application"),
    )


# ---------------------------------------------------------------- filing


def village_groups(user: WebUser) -> list[tuple[str, list[tuple[str, str]]]]:
    """Villages the user may file in, grouped under county and township (codes nest: a village's
    code starts with its township's, a township's with its county's)."""
    all_areas = areas.list_areas(database())
    counties = {a["code"]: a["name"] for a in all_areas if a["level"] == "county"}
    townships = sorted((a for a in all_areas if a["level"] == "township"), key=lambda a: a["code"])
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for township in townships:
        villages = [
            (a["code"], a["name"])
            for a in all_areas
            if a["level"] == "village"
            and a["code"].startswith(township["code"])
            and may_file_in(user, user.area_code, a["code"], township["code"])
        ]
        if villages:
            county = counties.get(township["county"], township["county"])
            groups.append((f"{county} · {township['name']}", villages))
    return groups


def _filing_payload(form: MultiDict[str, str], procedure: str, user: WebUser) -> tuple[dict[str, Any], Any]:
    data, rowmap = household.read(form, procedure, staff=may(user, "enter_staff_fields"))
    payload: dict[str, Any] = {
        "procedure": procedure,
        "village": form.get("village", "").strip(),
        "economic_check_authorised": "economic_check_authorised" in form,
        "commitment_signed": "commitment_signed" in form,
        "household": data,
    }
    for name in (
        "channel",
        "filing_place",
        "proxy_name",
        "proxy_authorisation",
        "idempotency_key",
        "application_date",
    ):
        value = form.get(name, "").strip()
        if value:
            payload[name] = value
    referral = form.get("referral_id", "").strip()
    if referral.isdigit():
        payload["referral_id"] = int(referral)
    return payload, rowmap


def _filing_page(
    procedure: str, values: MultiDict[str, str], problems: Problems, status: int = 200
) -> ResponseReturnValue:
    user = signed_in()
    return page(
        "file.html",
        status,
        procedure=procedure,
        values=values,
        problems=problems,
        villages=village_groups(user),
        **household_context(procedure, values, staff=may(user, "enter_staff_fields")),
        legal=legal.FILING[procedure],
        # A village committee files as the committee; no one else may.
        channels=[
            (k, v)
            for k, v in labels.FILING_CHANNELS.items()
            if (k == "village_committee") == may(user, "file_as_village_committee")
        ],
    )


def household_context(procedure: str, values: MultiDict[str, str], *, staff: bool) -> dict[str, Any]:
    return {
        "sections": household_form.sections_for(procedure, staff=staff),
        "top_fields": household_form.top_fields_for(procedure),
        "members": household.member_choices(values),
        "income_kinds": household_form.income_kind_groups(),
        "row_count": lambda section: household.row_count(values, section),
    }


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
def file_case() -> ResponseReturnValue:
    user = signed_in()
    if not may(user, "file_application"):
        abort(403)
    procedure = request.values.get("procedure", "")
    if procedure not in labels.PROCEDURES:
        return page("choose.html", procedures=legal.PROCEDURE_SUMMARIES)
    if request.method == "GET":
        values = household.blank_form(procedure, staff=may(user, "enter_staff_fields"))
        # One key per form shown: submitting it twice (a double click, the back button) files once.
        values["idempotency_key"] = uuid.uuid4().hex
        if may(user, "file_as_village_committee"):
            values["village"] = user.area_code or ""
            values["channel"] = "village_committee"
        referral = request.args.get("referral", "")
        if referral.isdigit():
            _start_from_referral(values, imports.referral_for_filing(database(), user.id, int(referral)))
        return _filing_page(procedure, values, Problems())
    form = request.form
    added = form.get("add_row", "")
    if added:
        return _filing_page(procedure, household.with_row_added(form, added), Problems())
    payload, rowmap = _filing_payload(form, procedure, user)
    try:
        case_id, created = filing.file_case(database(), user.id, payload, today())
    except ServiceError as exc:
        known = household.known_inputs(procedure, form, staff=may(user, "enter_staff_fields")) | set(
            FILING_INPUTS
        )
        problems = problems_from(exc, lambda path: household.input_for(path, rowmap), known)
        return _filing_page(procedure, MultiDict(form), problems, exc.status)
    flash("申请已提交。" if created else "这份申请此前已提交，未重复立案。", "success")
    return redirect(url_for("web.case", case_id=case_id))


def _start_from_referral(values: MultiDict[str, str], referral: dict[str, Any]) -> None:
    """A person from another agency's list: a monitoring household's head as the applicant with the
    乡村振兴 bureau's identification filled in (64号 第十五条), or the person a 医保 alert names as
    the first member; the rest of the household is the township's to add."""
    values["referral_id"] = str(referral["id"])
    values["village"] = referral["village"]
    values["members-0-name"] = referral["name"]
    values["members-0-id_number"] = referral["id_number"]
    if referral["source"] != "rural_revitalisation":
        return
    values["monitoring_household_category"] = referral["category"]
    values["monitoring_household_identified_on"] = referral["identified_on"]
    values["monitoring_household_identified_by"] = referral["identified_by"] or "乡村振兴部门"


FILING_INPUTS = (
    "village",
    "channel",
    "proxy_name",
    "proxy_authorisation",
    "economic_check_authorised",
    "commitment_signed",
    "application_date",
    "idempotency_key",
    "referral_id",
)


# ---------------------------------------------------------------- one case


def case_page(
    case_id: int,
    *,
    failed: actions.Failure | None = None,
    upload: tuple[MultiDict[str, str], Problems] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    user = signed_in()
    detail = pages.case_detail(database(), user.id, case_id, today())
    decision = (
        current_decision(database(), user.id, case_id).decision
        if may(user, "read_engine_decisions")
        else None
    )
    evidence_choices = [(str(e["id"]), f"#{e['id']} {e['title']}") for e in detail["evidence"]]
    forms = actions.forms_for(detail, evidence_choices, failed)
    upload_values, upload_problems = upload or (MultiDict(), Problems())
    open_notice = next((n for n in reversed(detail["material_notices"]) if not n.get("answered_at")), None)
    return page(
        "case.html",
        status,
        case=detail,
        decision=decision,
        action_forms=forms,
        failed=failed,
        upload_values=upload_values,
        upload_problems=upload_problems,
        material_kinds=labels.MATERIAL_KINDS,
        open_notice=open_notice,
        may_edit_household=may_edit_household(user, detail["state"]),
        documents=case_documents(database(), user.id, case_id),
        legal=legal.FILING[detail["procedure"]],
    )


@bp.get("/cases/<int:case_id>")
@login_required
def case(case_id: int) -> ResponseReturnValue:
    return case_page(case_id)


@bp.post("/cases/<int:case_id>/actions/<action>")
@login_required
def act(case_id: int, action: str) -> ResponseReturnValue:
    user = signed_in()
    if action not in ACTS:
        abort(404)
    detail = pages.case_detail(database(), user.id, case_id, today())
    specs = actions.specs_for(detail, action, [(str(e["id"]), "") for e in detail["evidence"]])
    payload = actions.payload(specs, request.form)
    version = request.form.get("version", "")
    try:
        transitions.fire(
            database(),
            user.id,
            case_id,
            action,
            payload,
            today(),
            expected_version=int(version) if version.isdigit() else None,
        )
    except ServiceError as exc:
        if exc.status == 404:
            raise
        failure = actions.Failure(action, MultiDict(request.form), actions.problems(exc, specs))
        return case_page(case_id, failed=failure, status=exc.status)
    flash(f"已办理：{labels.action_name(detail['procedure'], action, detail['state'])}", "success")
    return redirect(url_for("web.case", case_id=case_id))


@bp.post("/cases/<int:case_id>/evidence")
@login_required
def upload_evidence(case_id: int) -> ResponseReturnValue:
    user = signed_in()
    upload = request.files.get("file")
    kind, title = request.form.get("kind", ""), request.form.get("title", "")
    try:
        if upload is None or not upload.filename:
            raise InvalidInput.field("file", "请选择文件")
        added = evidence.add_evidence(
            database(),
            user.id,
            case_id,
            kind=kind,
            title=title,
            filename=upload.filename,
            content_type=upload.mimetype,
            content=upload.read(evidence.MAX_BYTES + 1),
            today=today(),
        )
    except ServiceError as exc:
        if exc.status == 404:
            raise
        values = MultiDict({"kind": kind, "title": title})
        return case_page(case_id, upload=(values, problems_from(exc)), status=exc.status)
    flash(f"已上传材料 #{added['id']}：{added['title']}", "success")
    return redirect(url_for("web.case", case_id=case_id, _anchor="evidence"))


@bp.get("/cases/<int:case_id>/evidence/<int:evidence_id>")
@login_required
def download_evidence(case_id: int, evidence_id: int) -> ResponseReturnValue:
    row = evidence.evidence_file(database(), signed_in().id, case_id, evidence_id)
    response = Response(row.content or b"", mimetype=row.content_type)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        row.content_type, "bin"
    )
    response.headers["Content-Disposition"] = f"attachment; filename=evidence-{row.id}.{extension}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/documents/<int:document_id>.<any(pdf, xlsx):fmt>")
@login_required
def download_document(document_id: int, fmt: str) -> ResponseReturnValue:
    """A notice, publicity, form or list as issued (the same bytes as the API's)."""
    found = document_file(database(), signed_in().id, document_id, fmt)
    return file_response(found, inline=fmt == "pdf" and request.args.get("inline") == "1")


@bp.get("/cases/<int:case_id>/archive.zip")
@login_required
def case_archive(case_id: int) -> ResponseReturnValue:
    """一户一档 (64号 第二十八条, 65号 第二十条), the same as the API's."""
    return file_response(archive.case_archive(database(), signed_in().id, case_id, utcnow()))


@bp.post("/cases/<int:case_id>/evaluations")
@login_required
def evaluate(case_id: int) -> ResponseReturnValue:
    user = signed_in()
    if not may(user, "read_engine_decisions"):
        abort(403)
    row = record_current(database(), user.id, case_id)
    flash(f"已留存规则引擎评估 #{row.id}：{labels.name(labels.OUTCOMES, row.outcome)}", "success")
    return redirect(url_for("web.case", case_id=case_id, _anchor="decision"))


# ---------------------------------------------------------------- household


@bp.route("/cases/<int:case_id>/household", methods=["GET", "POST"])
@login_required
def edit_household(case_id: int) -> ResponseReturnValue:
    user = signed_in()
    detail = pages.case_detail(database(), user.id, case_id, today())
    procedure = detail["procedure"]
    staff = may(user, "enter_staff_fields")
    if request.method == "GET":
        values = household.filled_form(detail["household"], procedure, staff=staff)
        return _household_page(detail, values, Problems())
    form = request.form
    added = form.get("add_row", "")
    if added:
        return _household_page(detail, household.with_row_added(form, added), Problems())
    data, rowmap = household.read(form, procedure, staff=staff)
    if not staff and detail["household"].get("county_findings"):
        # Applicants do not see the county's findings; correcting the rest must not drop them.
        data["county_findings"] = detail["household"]["county_findings"]
    try:
        seen = form.get("version", "")
        filing.update_household(
            database(), user.id, case_id, {"household": data}, today(), int(seen) if seen.isdigit() else None
        )
    except ServiceError as exc:
        if exc.status == 404:
            raise
        known = household.known_inputs(procedure, form, staff=staff)
        problems = problems_from(exc, lambda path: household.input_for(path, rowmap), known)
        return _household_page(detail, MultiDict(form), problems, exc.status)
    flash("家庭信息已更正。", "success")
    return redirect(url_for("web.case", case_id=case_id))


def _household_page(
    detail: dict[str, Any], values: MultiDict[str, str], problems: Problems, status: int = 200
) -> ResponseReturnValue:
    user = signed_in()
    return page(
        "household.html",
        status,
        case=detail,
        procedure=detail["procedure"],
        values=values,
        problems=problems,
        **household_context(detail["procedure"], values, staff=may(user, "enter_staff_fields")),
    )
