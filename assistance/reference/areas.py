"""Administrative areas and each county's settings: whether it delegates confirmation to its
townships, and how many working days back an act may be entered."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate
from sqlmodel import Session, col, select

from assistance import security_log
from assistance.access import Actor, actor_for, require
from assistance.db import Database
from assistance.errors import Conflict, FieldProblem, InvalidInput, NotFound
from assistance.models import Area
from assistance.models.areas import COUNTY, LEVELS, TOWNSHIP, VILLAGE
from assistance.validation import ChineseSchema, choice, flag, load, text
from assistance.workflow import steps
from assistance.workflow.steps import HIGHEST_DAYS as HIGHEST
from assistance.workflow.steps import LOWEST_DAYS as LOWEST
from rules.counties import COUNTIES

PARENT_LEVEL = {TOWNSHIP: COUNTY, VILLAGE: TOWNSHIP}
# A paper record entered a fortnight late is a record to be made again, not backdated.
MAX_BACKDATING = 10


class AreaSchema(ChineseSchema):
    code = text(required=True, max_length=12)
    name = text(required=True, max_length=60)
    level = choice(list(LEVELS))
    parent = text(max_length=12, metadata={"description": "上级区域代码（乡镇、村必填）"})


class DelegationSchema(ChineseSchema):
    confirmation_delegated = flag(
        required=True, metadata={"description": "审核确认权限下放乡镇（64号 第三十二条，65号 第二十六条）"}
    )


class BackdatingSchema(ChineseSchema):
    working_days = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=0, max=MAX_BACKDATING, error=f"应为0至{MAX_BACKDATING}之间的整数"),
        error_messages={"required": "必填", "invalid": "应为整数"},
        metadata={"description": "办理日期最多可早于录入之日的工作日数（补录须说明原因）"},
    )


def area_view(area: Area) -> dict[str, Any]:
    return {
        "code": area.code,
        "name": area.name,
        "level": area.level,
        "county": area.county_code,
        "confirmation_delegated": area.confirmation_delegated if area.level == COUNTY else None,
        "backdating_working_days": area.backdating_working_days if area.level == COUNTY else None,
        "step_days": step_days_view(area) if area.level == COUNTY else None,
    }


def list_areas(db: Database, parent: str | None = None) -> list[dict[str, Any]]:
    with db.reading() as session:
        query = select(Area)
        if parent:
            found = session.exec(select(Area).where(Area.code == parent)).first()
            if found is None:
                raise NotFound(f"没有区域 {parent}")
            query = query.where(Area.parent_id == found.id)
        return [area_view(a) for a in session.exec(query.order_by(col(Area.code))).all()]


def create_area(db: Database, admin_id: int, payload: Any) -> dict[str, Any]:
    data = load(AreaSchema(), payload)
    with db.transaction() as session:
        actor = actor_for(session, admin_id)
        require(actor, "manage_areas")
        if session.exec(select(Area).where(Area.code == data["code"])).first():
            raise Conflict(f"区域代码 {data['code']} 已存在")
        level = data["level"]
        if level == COUNTY:
            if data["code"] not in COUNTIES:
                raise InvalidInput.field("code", "县级区域代码应为运城市13个县（市、区）之一")
            area = Area(code=data["code"], name=data["name"], level=level, county_code=data["code"])
        else:
            parent = session.exec(select(Area).where(Area.code == (data.get("parent") or ""))).first()
            if parent is None or parent.level != PARENT_LEVEL[level]:
                raise InvalidInput.field("parent", "上级区域不存在或层级不对")
            if not data["code"].startswith(parent.code):
                raise InvalidInput.field("code", f"区域代码应以上级代码 {parent.code} 开头")
            area = Area(
                code=data["code"],
                name=data["name"],
                level=level,
                parent_id=parent.id,
                county_code=parent.county_code,
            )
        session.add(area)
        session.flush()
        _log(session, actor, "area_created", area)
        return area_view(area)


def _log(session: Session, actor: Actor, action: str, area: Area) -> None:
    security_log.record(
        session, action, actor=actor, subject="area", subject_id=area.id, detail=area_view(area)
    )


def _county(session: Session, code: str) -> Area:
    area = session.exec(select(Area).where(Area.code == code, Area.level == COUNTY)).first()
    if area is None:
        raise NotFound(f"没有县级区域 {code}")
    return area


def set_delegation(db: Database, admin_id: int, county: str, payload: Any) -> dict[str, Any]:
    data = load(DelegationSchema(), payload)
    with db.transaction() as session:
        actor = actor_for(session, admin_id)
        require(actor, "manage_areas")
        area = _county(session, county)
        area.confirmation_delegated = data["confirmation_delegated"]
        _log(session, actor, "delegation_set", area)
        return area_view(area)


def step_days_view(area: Area) -> list[dict[str, Any]]:
    """Each step a county may time, with its days in force and the default."""
    own = area.step_days or {}
    return [
        {
            "key": key,
            "procedure": key.split(".")[0],
            "label": step.label,
            "article": step.article,
            "default": step.days,
            "days": int(own.get(key, step.days)),
        }
        for key, step in steps.settable().items()
    ]


def set_step_days(db: Database, admin_id: int, county: str, payload: Any) -> dict[str, Any]:
    """A county's working days for the steps 64号 asks to be done “及时” (workflow/steps.py); a
    step left out keeps its value, ``null`` goes back to the default. Counted for steps entered
    from now on; deadlines already running keep their date."""
    if not isinstance(payload, dict) or not isinstance(payload.get("days"), dict):
        raise InvalidInput.field("days", '应为各环节的工作日数，如 {"dibao_edge.investigation": 10}')
    known = steps.settable()
    problems = []
    wanted: dict[str, int | None] = {}
    for key, value in payload["days"].items():
        if key not in known:
            problems.append(FieldProblem(f"days.{key}", "没有这一可设定期限的环节"))
        elif value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not LOWEST <= value <= HIGHEST
        ):
            problems.append(FieldProblem(f"days.{key}", f"应为{LOWEST}至{HIGHEST}之间的整数"))
        else:
            wanted[key] = value
    if problems:
        raise InvalidInput("提交的数据有误", problems)
    with db.transaction() as session:
        actor = actor_for(session, admin_id)
        require(actor, "manage_areas")
        area = _county(session, county)
        own = dict(area.step_days or {})
        for key, value in wanted.items():
            if value is None:
                own.pop(key, None)
            else:
                own[key] = value
        area.step_days = own
        _log(session, actor, "step_days_set", area)
        return {**area_view(area), "step_days": step_days_view(area)}


def set_backdating(db: Database, admin_id: int, county: str, payload: Any) -> dict[str, Any]:
    """How many working days before the day it is entered a county's acts may take effect."""
    data = load(BackdatingSchema(), payload)
    with db.transaction() as session:
        actor = actor_for(session, admin_id)
        require(actor, "manage_areas")
        area = _county(session, county)
        area.backdating_working_days = data["working_days"]
        _log(session, actor, "backdating_set", area)
        return area_view(area)
