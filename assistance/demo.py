"""Demo data for a first run: 盐湖区 townships and villages, one account per role, and cases
waiting at each desk. Area codes below the county are illustrative, not official codes.

Every demo password is ``demo12345``; the administrator's is printed by ``assistance demo``.

The cases are laid out by working days back from the day the demo is loaded, and their history
is replayed day by day (each act done on its own day, recorded at that day's time), so that on
any date, weekends, holidays and 调休 included, every case stands where ``DESKS`` says. The whole
demo is loaded in one transaction: all of it, or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select
from werkzeug.security import generate_password_hash

from assistance.cases.deadlines import calendar_for
from assistance.cases.effects import PUBLICITY_DAYS
from assistance.cases.filing import file_case
from assistance.cases.transitions import fire
from assistance.clock import CHINA, replaying
from assistance.db import Database
from assistance.models import Area, Case, User
from assistance.models.areas import COUNTY, TOWNSHIP, VILLAGE
from assistance.models.users import ADMIN, APPLICANT
from assistance.models.users import COUNTY as COUNTY_ROLE
from assistance.models.users import TOWNSHIP as TOWNSHIP_ROLE
from assistance.models.users import VILLAGE as VILLAGE_ROLE
from assistance.workdays import WorkingDayCalendar
from assistance.workflow.illness_poverty import COUNTY_REVIEW

_ONE_DAY = timedelta(days=1)

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
# The demo applicants' accounts are bound to the ID numbers of their households' applicants.
WANG_JIANGUO = "140802198003151239"
CHEN_ZHIQIANG = "140802197506201256"
ID_NUMBERS = {"wangjianguo": WANG_JIANGUO, "chenzhiqiang": CHEN_ZHIQIANG}


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
                    id_number=ID_NUMBERS.get(username, ""),
                )
                session.add(user)
                session.flush()
            elif not user.id_number and username in ID_NUMBERS:
                user.id_number = ID_NUMBERS[username]
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
                "id_number": WANG_JIANGUO,
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
                "id_number": CHEN_ZHIQIANG,
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


class DemoDays:
    """Working days counted back from the day the demo is loaded: staff act on working days."""

    def __init__(self, today: date, calendar: WorkingDayCalendar) -> None:
        self.today = today
        self.calendar = calendar

    def ago(self, count: int, before: date | None = None) -> date:
        """The ``count``-th working day before ``before`` (today by default); 0 gives ``before``
        itself if it is a working day, else the last working day before it."""
        day = before or self.today
        while not self.calendar.is_working_day(day):
            day -= _ONE_DAY
        return self.calendar.working_days_before(day, count)

    def first_open(self) -> date:
        """Today if it is a working day, else the next working day: the first day a deadline can
        fall on from today."""
        day = self.today
        while not self.calendar.is_working_day(day):
            day += _ONE_DAY
        return day

    def due_on_first_open(self, working_days: int) -> date:
        """The day from which a period of ``working_days`` ends on ``first_open``."""
        return self.ago(working_days, self.first_open())

    def publicity_over_by(self, day: date) -> date:
        """The last working day on which a 7-day publicity could be posted and be over by ``day``
        (the posting day not counted; a period ending on a rest day runs to the next working day)."""
        posted = self.ago(1, day)
        while self.calendar.add_calendar_days(posted, PUBLICITY_DAYS).due_on >= day:
            posted = self.ago(1, posted)
        return posted


@dataclass(frozen=True)
class DemoCase:
    """A demo case and the desk where it waits."""

    case_id: int
    applicant: str
    waiting_at: str  # the username who finds it in their queue


class _Replay:
    """Each act done on its own day, by the service functions staff use, at that day's time."""

    def __init__(self, db: Database, ids: dict[str, int]) -> None:
        self.db = db
        self.ids = ids
        self.steps = 0

    def _at(self, day: date) -> datetime:
        # Office hours, a minute a step, so that a day's acts keep their order.
        self.steps += 1
        return datetime.combine(day, time(9, 0), CHINA) + timedelta(minutes=self.steps)

    def file(
        self, day: date, user: str, procedure: str, village: str, household: dict[str, Any], **extra: Any
    ) -> int:
        payload = {
            "procedure": procedure,
            "village": village,
            "application_date": day.isoformat(),
            "economic_check_authorised": True,
            "commitment_signed": True,
            "household": household,
            **extra,
        }
        with replaying(self._at(day)):
            return file_case(self.db, self.ids[user], payload, day)[0]

    def act(self, day: date, user: str, case_id: int, action: str, **payload: Any) -> None:
        with replaying(self._at(day)):
            fire(self.db, self.ids[user], case_id, action, {"on": day.isoformat(), **payload}, day)


def _investigation(day: date, investigators: str, findings: str) -> dict[str, str]:
    return {
        "method": "home_visit",
        "conducted_on": day.isoformat(),
        "investigators": investigators,
        "findings": findings,
    }


def _lay_out_cases(db: Database, ids: dict[str, int], days: DemoDays) -> list[DemoCase]:
    replay = _Replay(db, ids)
    ago = days.ago
    edge, illness = "dibao_edge", "illness_poverty"
    cases: list[DemoCase] = []

    # Filed yesterday by the applicant; 北城街道 checks the materials.
    own = replay.file(ago(1), "wangjianguo", edge, "140802001001", dibao_edge_household())
    cases.append(DemoCase(own, "王建国", "beicheng"))

    # Filed by the 槐东社区 committee for a family; the county's information check is awaited.
    check = replay.file(
        ago(4),
        "huaidong",
        edge,
        "140802001001",
        dibao_edge_household("赵桂兰"),
        proxy_name="槐东社区居委会",
        proxy_authorisation="赵桂兰签署委托书（2026-盐北-委-015）",
    )
    replay.act(ago(3), "beicheng", check, "accept")
    replay.act(ago(3), "beicheng", check, "request_information_check")
    cases.append(DemoCase(check, "赵桂兰", "yanhu"))

    # A written application handed in at 北城街道's window, checked and investigated, posted in
    # 红旗社区 on the last working day: its 7 days run.
    posted = replay.file(ago(9), "beicheng", edge, "140802001002", dibao_edge_household("孙立平"))
    replay.act(ago(8), "beicheng", posted, "accept")
    replay.act(ago(8), "beicheng", posted, "request_information_check")
    replay.act(ago(6), "yanhu", posted, "record_check_qualified", findings="信息核对未发现超标收入和财产")
    replay.act(
        ago(4),
        "beicheng",
        posted,
        "record_investigation",
        **_investigation(ago(4), "张明、李华", "家庭成员三人，居住情况与申报一致"),
    )
    replay.act(ago(0), "beicheng", posted, "start_publicity", place="红旗社区公示栏")
    cases.append(DemoCase(posted, "孙立平", "beicheng"))

    # A patient in 西关村 whose case reached the county so that its review falls due today (or on
    # the next working day when today is a rest day): 65号 第十七条 gives the county 5 working days.
    sent = days.due_on_first_open(COUNTY_REVIEW.days)
    shown = days.publicity_over_by(sent)
    start = ago(5, shown)
    reviewed = replay.file(start, "chenzhiqiang", illness, "140802101001", illness_poverty_household(start))
    replay.act(ago(4, shown), "jiezhou", reviewed, "accept")
    replay.act(ago(3, shown), "jiezhou", reviewed, "start_investigation")
    replay.act(
        ago(2, shown),
        "xiguan",
        reviewed,
        "record_investigation",
        **_investigation(ago(2, shown), "西关村 王主任", "患者住院治疗，家庭收入主要来自配偶务工"),
    )
    replay.act(ago(1, shown), "yanhu", reviewed, "record_check_qualified", findings="信息核对符合条件")
    replay.act(shown, "jiezhou", reviewed, "start_publicity", place="西关村公示栏")
    replay.act(sent, "jiezhou", reviewed, "close_publicity")
    cases.append(DemoCase(reviewed, "陈志强", "yanhu"))

    # Filed by the 西关村 committee, accepted in 解州镇 on the last working day: the
    # investigation must start within 3 working days (65号 第十五条).
    fresh = replay.file(
        ago(2),
        "xiguan",
        illness,
        "140802101001",
        illness_poverty_household(ago(2), "周海燕"),
        proxy_name="西关村村委会",
        proxy_authorisation="周海燕签署委托书",
    )
    replay.act(ago(0), "jiezhou", fresh, "accept")
    cases.append(DemoCase(fresh, "周海燕", "jiezhou"))
    return cases


def _has_cases(db: Database) -> bool:
    with db.reading() as session:
        return bool(session.execute(sa.select(sa.func.count()).select_from(Case)).scalar_one())


def load_demo(db: Database, today: date) -> list[DemoCase] | None:
    """Demo areas, accounts and cases as of ``today``, in one transaction. ``None``, having changed
    nothing, when the database already holds cases."""
    if _has_cases(db):
        return None
    with db.all_or_nothing() as one:
        ids = seed_areas_and_accounts(one)
        with one.reading() as session:
            calendar = calendar_for(session)
        return _lay_out_cases(one, ids, DemoDays(today, calendar))


def is_demo_database(db: Database) -> bool:
    """Whether every demo account is there: a county's own database never holds the demo's
    applicants and the staff of two counties under these names."""
    names = [username for username, *_ in ACCOUNTS]
    with db.reading() as session:
        found = session.execute(sa.select(sa.func.count()).where(col(User.username).in_(names))).scalar_one()
    return bool(found == len(names))
