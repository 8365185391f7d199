"""Demo data for a first run: 盐湖区 townships and villages, one account per role, and cases
waiting at each desk. Area codes below the county are illustrative, not official codes.

Every demo password is ``demo12345``; the administrator's is printed by ``assistance demo``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, select
from werkzeug.security import generate_password_hash

from assistance.db import Database
from assistance.models import Area, User
from assistance.models.areas import COUNTY, TOWNSHIP, VILLAGE
from assistance.models.users import ADMIN, APPLICANT
from assistance.models.users import COUNTY as COUNTY_ROLE
from assistance.models.users import TOWNSHIP as TOWNSHIP_ROLE
from assistance.models.users import VILLAGE as VILLAGE_ROLE

DEMO_PASSWORD = "demo12345"
COUNTY_CODE = "140802"
# (township code, name, [(village code suffix, name)])
TOWNSHIPS = [
    ("140802001", "北城街道", [("001", "槐东社区"), ("002", "红旗社区")]),
    ("140802002", "南城街道", [("001", "学苑社区"), ("002", "南风社区")]),
    ("140802101", "解州镇", [("001", "西关村"), ("002", "常平村")]),
    ("140802102", "龙居镇", [("001", "龙居村"), ("002", "南梁村")]),
]
OTHER_COUNTY = ("140881", "永济市", [("140881001", "城西街道", [("001", "城西社区")])])

# username, display name, role, area code
ACCOUNTS = [
    ("admin", "系统管理员", ADMIN, None),
    ("yanhu", "盐湖区民政局 审核员", COUNTY_ROLE, COUNTY_CODE),
    ("beicheng", "北城街道 民政专干", TOWNSHIP_ROLE, "140802001"),
    ("jiezhou", "解州镇 民政专干", TOWNSHIP_ROLE, "140802101"),
    ("huaidong", "槐东社区居委会", VILLAGE_ROLE, "140802001001"),
    ("xiguan", "西关村村委会", VILLAGE_ROLE, "140802101001"),
    ("yongji", "永济市民政局 审核员", COUNTY_ROLE, "140881"),
    ("chengxi", "城西街道 民政专干", TOWNSHIP_ROLE, "140881001"),
    ("wangjianguo", "王建国", APPLICANT, None),
    ("chenzhiqiang", "陈志强", APPLICANT, None),
]


def _area(session: Session, code: str, name: str, level: str, parent: Area | None) -> Area:
    found = session.exec(select(Area).where(Area.code == code)).first()
    if found is not None:
        return found
    area = Area(
        code=code,
        name=name,
        level=level,
        parent_id=parent.id if parent else None,
        county_code=parent.county_code if parent else code,
    )
    session.add(area)
    session.flush()
    return area


def seed_areas_and_accounts(db: Database, password: str = DEMO_PASSWORD) -> dict[str, int]:
    """Idempotent: areas and accounts that exist already are left as they are."""
    with db.transaction() as session:
        for county_code, county_name, townships in [(COUNTY_CODE, "盐湖区", TOWNSHIPS), OTHER_COUNTY]:
            county = _area(session, county_code, county_name, COUNTY, None)
            for code, name, villages in townships:
                township = _area(session, code, name, TOWNSHIP, county)
                for suffix, village_name in villages:
                    _area(session, code + suffix, village_name, VILLAGE, township)
        ids: dict[str, int] = {}
        hashed = generate_password_hash(password)
        for username, display_name, role, area_code in ACCOUNTS:
            user = session.exec(select(User).where(User.username == username)).first()
            if user is None:
                area = session.exec(select(Area).where(Area.code == area_code)).first() if area_code else None
                user = User(
                    username=username,
                    password_hash=hashed,
                    display_name=display_name,
                    role=role,
                    area_id=area.id if area else None,
                )
                session.add(user)
                session.flush()
            assert user.id is not None
            ids[username] = user.id
        return ids


def dibao_edge_household(applicant: str = "王建国") -> dict[str, Any]:
    """An urban family of three in 盐湖区 whose per-capita income lies in the edge band."""
    return {
        "hukou_type": "urban",
        "address": "盐湖区北城街道槐东社区3号楼2单元",
        "members": [
            {
                "id": "m1",
                "name": applicant,
                "id_number": "140802198003151239",
                "relation": "self",
                "hukou_region": "140802",
            },
            {
                "id": "m2",
                "name": "李秀英",
                "id_number": "140802198206111237",
                "relation": "spouse",
                "hukou_region": "140802",
            },
            {
                "id": "m3",
                "name": "王小明",
                "id_number": "140802201209011236",
                "relation": "child",
                "hukou_region": "140802",
            },
        ],
        "incomes": [
            {"member": "m1", "kind": "wage", "amount": "24000.00", "note": "劳动合同工资"},
            {"member": "m2", "kind": "business", "amount": "8400.00", "note": "摆摊经营净收入"},
        ],
        "assets": [
            {"owner": "m1", "kind": "deposit", "value": "20000.00"},
            {"owner": "m1", "kind": "house", "tenure": "owned", "description": "自住住房一套"},
        ],
    }


def illness_poverty_household(application_date: date, applicant: str = "陈志强") -> dict[str, Any]:
    """A rural family whose breadwinner was hospitalised: out-of-pocket costs push income down."""
    hospitalised = application_date - timedelta(days=60)
    return {
        "hukou_type": "rural",
        "address": "盐湖区解州镇西关村",
        "patient": "m1",
        "members": [
            {
                "id": "m1",
                "name": applicant,
                "id_number": "140802198003151239",
                "relation": "self",
                "hukou_region": "140802",
                "medical_insurance": {"scheme": "resident", "region": "140802"},
            },
            {
                "id": "m2",
                "name": "刘美华",
                "id_number": "140802198206111237",
                "relation": "spouse",
                "hukou_region": "140802",
            },
        ],
        "incomes": [
            {"member": "m2", "kind": "wage", "amount": "26000.00", "note": "务工收入"},
            {"member": "m1", "kind": "business", "amount": "12000.00", "note": "患病前种植收入"},
        ],
        "assets": [{"owner": "m1", "kind": "deposit", "value": "8000.00"}],
        "medical_expenses": [
            {
                "date": hospitalised.isoformat(),
                "type": "inpatient",
                "institution": "运城市中心医院",
                "policy_scope_personal_burden": "30000.00",
                "mutual_aid": "2000.00",
                "out_of_pocket": "36000.00",
            },
        ],
    }


def load_demo_cases(db: Database, ids: dict[str, int], today: date) -> int:
    """Cases waiting at each desk. Does nothing when the database already has cases."""
    from sqlmodel import func

    from assistance.models import Case
    from assistance.services.filing import file_case
    from assistance.services.transitions import fire

    with db.reading() as session:
        if session.exec(select(func.count()).select_from(Case)).one():
            return 0
    start = today - timedelta(days=20)

    def new(user: str, procedure: str, village: str, household: dict[str, Any], **extra: Any) -> int:
        payload = {
            "procedure": procedure,
            "village": village,
            "application_date": start.isoformat(),
            "economic_check_authorised": True,
            "commitment_signed": True,
            "household": household,
            **extra,
        }
        return file_case(db, ids[user], payload, today)[0]

    def act(user: str, case_id: int, action: str, days_after_start: int, **payload: Any) -> None:
        on = min(start + timedelta(days=days_after_start), today)
        fire(db, ids[user], case_id, action, {"on": on.isoformat(), **payload}, today)

    edge = "dibao_edge"
    # Waiting for 北城街道 to check the materials.
    new("wangjianguo", edge, "140802001001", dibao_edge_household())
    # Filed by the 槐东社区 committee for a family; the county's information check is awaited.
    waiting_check = new(
        "huaidong",
        edge,
        "140802001001",
        dibao_edge_household("赵桂兰"),
        proxy_name="槐东社区居委会",
        proxy_authorisation="赵桂兰签署委托书（2026-盐北-委-015）",
    )
    act("beicheng", waiting_check, "accept", 1)
    act("beicheng", waiting_check, "request_information_check", 1)
    # Under investigation, then in publicity in its community.
    publicised = new("wangjianguo", edge, "140802001002", dibao_edge_household("孙立平"))
    act("beicheng", publicised, "accept", 1)
    act("beicheng", publicised, "request_information_check", 1)
    act("yanhu", publicised, "record_check_qualified", 3, findings="信息核对未发现超标收入和财产")
    act(
        "beicheng",
        publicised,
        "record_investigation",
        5,
        method="home_visit",
        conducted_on=(start + timedelta(days=5)).isoformat(),
        investigators="张明、李华",
        findings="家庭成员三人，居住情况与申报一致",
    )
    act("beicheng", publicised, "start_publicity", 16, place="红旗社区公示栏")
    # A patient in 西关村 whose case waits for the county's review.
    illness = "illness_poverty"
    reviewed = new("chenzhiqiang", illness, "140802101001", illness_poverty_household(start))
    act("jiezhou", reviewed, "accept", 1)
    act("jiezhou", reviewed, "start_investigation", 2)
    act(
        "xiguan",
        reviewed,
        "record_investigation",
        3,
        method="home_visit",
        conducted_on=(start + timedelta(days=3)).isoformat(),
        investigators="西关村 王主任",
        findings="患者住院治疗，家庭收入主要来自配偶务工",
    )
    act("yanhu", reviewed, "record_check_qualified", 4, findings="信息核对符合条件")
    act("jiezhou", reviewed, "start_publicity", 5, place="西关村公示栏")
    act("jiezhou", reviewed, "close_publicity", 13)
    # Just accepted in 解州镇: the investigation must start within 3 working days.
    fresh = new("xiguan", illness, "140802101001", illness_poverty_household(start, "周海燕"),
                proxy_name="西关村村委会", proxy_authorisation="周海燕签署委托书")  # fmt: skip
    act("jiezhou", fresh, "accept", 18)
    return 5
