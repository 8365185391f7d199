"""Cases: file, read, correct the household, evaluate, attach evidence, fire actions, queues."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from assistance.access.actors import actor_for, visible_case
from assistance.api.schemas import CASE_PAGE_RESPONSES
from assistance.casefile.evaluation import evaluate_case, record_evaluation
from assistance.casefile.household import case_file
from assistance.cases import evidence, filing, rechecks, transitions
from assistance.cases.acts import ACTS
from assistance.db import Database
from assistance.errors import InvalidInput
from assistance.http import (
    LARGEST_OFFSET,
    database,
    expected_version,
    json_body,
    paging,
    search_arguments,
    takes_upload,
    today,
    user_id,
)
from assistance.reading import listings, pages, queues
from assistance.workflow import WORKFLOWS

blp = Blueprint("cases", __name__, url_prefix="/cases", description="案件")
queue_blp = Blueprint("queue", __name__, url_prefix="/queue", description="待办")
workflow_blp = Blueprint("workflows", __name__, url_prefix="/workflows", description="程序状态机")
recheck_blp = Blueprint(
    "rechecks", __name__, url_prefix="/rechecks", description="定期核查（64号 第二十六条）"
)


def _detail(case_id: int, shown: pages.PageOfTheAct | None = None) -> Response:
    """The case page; after an act, the page the act built (``shown``), if it built one."""
    page = shown.committed() if shown else None
    if page is None:
        page = pages.case_page(database(), user_id(), case_id, today())
    response = Response(page.text, mimetype="application/json")
    response.headers["ETag"] = f'"{page.version}"'
    return response


def _query(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {"in": "query", "name": name, "required": False, "description": description, "schema": schema}


# The listings' query string, as ``paging`` and ``http.search_arguments`` read it.
LISTING_PARAMETERS = [
    _query("limit", "每页条数，默认50；超过200的按200", type="integer", minimum=1, maximum=LARGEST_OFFSET),
    _query("offset", "跳过的条数", type="integer", minimum=0, maximum=LARGEST_OFFSET),
    _query("q", "按申请人姓名、身份证号码（全部或后4位）或案件编号查找", type="string"),
    _query("overdue", "1：只列已逾期的案件", type="string", enum=["0", "1", "true", "false"]),
]


@blp.route("")
class Cases(MethodView):
    @blp.doc(
        parameters=[
            *LISTING_PARAMETERS,
            _query("procedure", "办理程序：dibao_edge 或 illness_poverty", type="string"),
            _query("state", "案件状态（见 GET /api/v1/workflows）", type="string"),
        ]
    )
    def get(self) -> dict[str, Any]:
        """本人可见的案件（按辖区）"""
        limit, offset = paging()
        return listings.list_cases(
            database(),
            user_id(),
            today(),
            procedure=request.args.get("procedure"),
            state=request.args.get("state"),
            limit=limit,
            offset=offset,
            **search_arguments(),
        )

    @blp.doc(
        requestBody={"content": {"application/json": {"schema": filing.FilingSchema}}},
        responses={"201": {**CASE_PAGE_RESPONSES["200"], "description": "已立案"}, **CASE_PAGE_RESPONSES},
    )
    def post(self) -> Response:
        """提出申请（本人或代理人）"""
        shown = pages.PageOfTheAct(today())
        case_id, created = filing.file_case(database(), user_id(), json_body(), today(), then=shown)
        response = _detail(case_id, shown)
        response.status_code = 201 if created else 200
        response.headers["Location"] = f"/api/v1/cases/{case_id}"
        return response


@blp.route("/<int:case_id>", methods=["GET"])
@blp.doc(responses=CASE_PAGE_RESPONSES)
def get_case(case_id: int) -> Response:
    """案件详情：状态、期限、家庭信息、各环节记录、可进行的操作、历史"""
    return _detail(case_id)


@blp.route("/<int:case_id>/household", methods=["PUT"])
@blp.doc(
    requestBody={"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Household"}}}},
    responses=CASE_PAGE_RESPONSES,
)
def put_household(case_id: int) -> Response:
    """更正家庭信息（案卷格式）"""
    filing.update_household(database(), user_id(), case_id, json_body(), today(), expected_version())
    return _detail(case_id)


def _case_file(db: Database, case_id: int) -> dict[str, Any]:
    with db.reading() as session:
        case = visible_case(session, actor_for(session, user_id()), case_id)
        return case_file(session, case)


@blp.route("/<int:case_id>/case-file", methods=["GET"])
def get_case_file(case_id: int) -> dict[str, Any]:
    """案件的规则引擎案卷（与 POST /evaluate 同一格式）"""
    return _case_file(database(), case_id)


@blp.route("/<int:case_id>/evaluations", methods=["POST"])
def post_evaluation(case_id: int) -> tuple[dict[str, Any], int]:
    """按现有案卷由规则引擎作出结论，并作为证据留存"""
    db = database()
    with db.transaction() as session:
        actor = actor_for(session, user_id())
        case = visible_case(session, actor, case_id)
        evaluation = evaluate_case(session, case)
        row = record_evaluation(session, case, actor.user_id, evaluation)
        return {"id": row.id, "outcome": row.outcome, "decision": evaluation.decision}, 201


@blp.route("/<int:case_id>/evidence", methods=["POST"])
@blp.doc(
    requestBody={
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["kind", "title", "file"],
                    "properties": {
                        "kind": {"type": "string"},
                        "title": {"type": "string"},
                        "file": {"type": "string", "format": "binary"},
                    },
                }
            }
        }
    }
)
@takes_upload
def post_evidence(case_id: int) -> tuple[dict[str, Any], int]:
    """上传证明材料（PDF、JPEG、PNG，不超过10MB）"""
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput.field("file", "请选择文件")
    return evidence.add_evidence(
        database(),
        user_id(),
        case_id,
        kind=request.form.get("kind", ""),
        title=request.form.get("title", ""),
        filename=upload.filename or "",
        content_type=upload.mimetype,
        content=upload.read(evidence.MAX_BYTES + 1),
        today=today(),
    ), 201


@blp.route("/<int:case_id>/evidence/<int:evidence_id>", methods=["GET"])
def get_evidence(case_id: int, evidence_id: int) -> Response:
    """下载证明材料"""
    row = evidence.evidence_file(database(), user_id(), case_id, evidence_id)
    response = Response(row.content or b"", mimetype=row.content_type)
    response.headers["Content-Disposition"] = f"attachment; filename=evidence-{row.id}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _action_view(action: str) -> Any:
    def view(case_id: int) -> Response:
        shown = pages.PageOfTheAct(today())
        db, payload, version = database(), json_body(), expected_version()
        transitions.fire(db, user_id(), case_id, action, payload, today(), version, then=shown)
        return _detail(case_id, shown)

    view.__name__ = f"action_{action}"
    view.__doc__ = f"操作：{action}（409：当前状态不允许或尚不满足条件；If-Match 可带案件版本号）"
    return view


def _action_body(action: str) -> Any:
    """The body each procedure's act takes (``cases.acts``): its schema, or one of the
    procedures' schemas where they differ (the case's procedure decides which is validated)."""
    variants = list(dict.fromkeys(ACTS[action].payload_for(w.procedure) for w in _HAVING[action]))
    return variants[0] if len(variants) == 1 else {"oneOf": variants}


_HAVING = {a: [w for w in WORKFLOWS.values() if w.has_action(a)] for a in ACTS}
for _action in ACTS:
    _doc = blp.doc(
        requestBody={"content": {"application/json": {"schema": _action_body(_action)}}},
        responses=CASE_PAGE_RESPONSES,
    )
    blp.route(f"/<int:case_id>/actions/{_action}", methods=["POST"], endpoint=f"action_{_action}")(
        _doc(_action_view(_action))
    )


@queue_blp.route("", methods=["GET"])
@queue_blp.doc(parameters=LISTING_PARAMETERS)
def get_queue() -> Response:
    """本人待办：本辖区内本角色可以办理的案件，期限最近的在前（分页：limit 默认50、最多200，offset）"""
    limit, offset = paging()
    text = queues.work_queue_json(
        database(), user_id(), today(), limit=limit, offset=offset, **search_arguments()
    )
    return Response(text, mimetype="application/json")


@workflow_blp.route("", methods=["GET"])
def get_workflows() -> dict[str, Any]:
    """两个程序的状态机：状态、操作、条件、角色、条款、期限"""
    return {
        w.procedure: {
            "name": w.name,
            "states": [{"id": s.id, "name": s.name, "final": s.final} for s in w.states],
            "transitions": [
                {
                    "action": t.action,
                    "name": t.name,
                    "from": list(t.sources),
                    "to": t.target,
                    "roles": list(t.roles),
                    "delegable": t.delegable,
                    "article": t.article,
                    "guards": [g.description for g in t.guards],
                    "starts": [
                        {"kind": d.kind, "label": d.label, "days": d.days, "working_days": d.working_days}
                        for d in t.starts
                    ],
                }
                for t in w.transitions
            ],
        }
        for w in WORKFLOWS.values()
    }


@recheck_blp.route("", methods=["GET"])
def get_rechecks() -> dict[str, Any]:
    """本辖区到期（?within=天数，默认30）和逾期的低保边缘家庭定期核查（64号 第二十六条）"""
    try:
        within = min(max(int(request.args.get("within", 30)), 0), 366)
    except ValueError as exc:
        raise InvalidInput.field("within", "应为天数（整数）") from exc
    return {"items": rechecks.due_rechecks(database(), user_id(), today(), within)}
