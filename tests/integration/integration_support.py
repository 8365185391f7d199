"""Helpers for driving cases through the HTTP API in integration tests."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select
from werkzeug.test import TestResponse

from assistance.db import Database
from assistance.demo import dibao_edge_household, illness_poverty_household
from assistance.http import SESSION_EPOCH, SESSION_USER
from assistance.models import SecurityEvent, User


@dataclass
class Clock:
    today: date


class ApiClient:
    """One signed-in browser session per username, so tests can switch between desks."""

    def __init__(self, app: Flask, password: str) -> None:
        self.app = app
        self.password = password
        self._clients: dict[str, FlaskClient] = {}

    def login(self, username: str, password: str | None = None) -> TestResponse:
        """Sign in through POST /auth/login, as a browser does."""
        client = self.app.test_client()
        response = client.post(
            "/api/v1/auth/login", json={"username": username, "password": password or self.password}
        )
        if response.status_code == 200:
            self._clients[username] = client
        return response

    def as_(self, username: str) -> FlaskClient:
        """A client signed in as ``username``.

        The session is written the way POST /auth/login writes it, without checking the password:
        a password hash costs a tenth of a second, and most tests switch between five or more desks.
        ``login`` goes through the endpoint itself.
        """
        if username not in self._clients:
            db: Database = self.app.extensions["assistance_db"]
            with db.reading() as session:
                user = session.exec(select(User).where(User.username == username)).one()
            client = self.app.test_client()
            with client.session_transaction() as cookie:
                cookie[SESSION_USER] = user.id
                cookie[SESSION_EPOCH] = user.session_epoch
                cookie.permanent = True
            self._clients[username] = client
        return self._clients[username]

    def file(
        self, username: str, procedure: str, village: str, household: dict[str, Any], **extra: Any
    ) -> dict[str, Any]:
        payload = {
            "procedure": procedure,
            "village": village,
            "economic_check_authorised": True,
            "commitment_signed": True,
            "household": household,
            **extra,
        }
        response = self.as_(username).post("/api/v1/cases", json=payload)
        assert response.status_code == 201, response.json
        return dict(response.json or {})

    def act(
        self, username: str, case_id: int, action: str, expect: int = 200, **payload: Any
    ) -> dict[str, Any]:
        data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in payload.items()}
        response = self.as_(username).post(f"/api/v1/cases/{case_id}/actions/{action}", json=data)
        assert response.status_code == expect, (action, response.status_code, response.json)
        return dict(response.json or {})

    def case(self, username: str, case_id: int) -> dict[str, Any]:
        response = self.as_(username).get(f"/api/v1/cases/{case_id}")
        assert response.status_code == 200, response.json
        return dict(response.json or {})

    def post(self, username: str, path: str, body: Any, **kwargs: Any) -> TestResponse:
        """A raw POST under /api/v1, for the answers ``file`` and ``act`` would refuse."""
        return self.as_(username).post(f"/api/v1{path}", json=body, **kwargs)

    def get(self, username: str, path: str) -> TestResponse:
        return self.as_(username).get(f"/api/v1{path}")

    def investigate(
        self, username: str, case_id: int, on: date, expect: int = 200, **extra: Any
    ) -> dict[str, Any]:
        """A home visit on ``on`` (64号 第二十一条, 65号 第十五条)."""
        payload: dict[str, Any] = {
            "method": "home_visit",
            "conducted_on": on,
            "investigators": "张明、李华",
            "findings": "共同生活家庭成员、收入和财产与申报一致",
            **extra,
        }
        return self.act(username, case_id, "record_investigation", expect, **payload)


def deadline(case: dict[str, Any], kind: str) -> dict[str, Any]:
    found = [d for d in case["deadlines"] if d["kind"] == kind]
    assert found, f"no {kind} deadline in {case['deadlines']}"
    return dict(found[-1])


def errors(response: dict[str, Any], field: str) -> list[str]:
    """The messages of an error answer for one field ("guard", "state", a payload field)."""
    return [e["message"] for e in response["errors"] if e["field"] == field]


# The demo areas (assistance/demo.py).
HUAIDONG = "140802001001"  # 盐湖区 北城街道 槐东社区
XIGUAN = "140802101001"  # 盐湖区 解州镇 西关村
CHENGXI = "140881001001"  # 永济市 城西街道 城西社区


def high_income(household: dict[str, Any]) -> dict[str, Any]:
    """The demo 低保边缘 or 因病致贫 family with a wage that takes it over the upper limit."""
    changed = copy.deepcopy(household)
    for income in changed["incomes"]:
        if income["kind"] == "wage":
            income["amount"] = "90000.00"
    return changed


def monitoring_household() -> dict[str, Any]:
    """A 防返贫监测对象 outside dibao and 特困: direct recognition (64号 第十五条)."""
    household = dibao_edge_household()
    household["monitoring_household"] = {
        "category": "unstable",
        "identified_on": "2025-06-01",
        "identified_by": "盐湖区乡村振兴局",
    }
    return household


def leaving_dibao_household() -> dict[str, Any]:
    """A dibao family whose income now lies in the edge band: the simplified path (64号 第十五条)."""
    household = dibao_edge_household()
    household["current_assistance"] = "dibao"
    household["assistance_transition"] = "leaving_dibao"
    return household


def after_publicity(case: dict[str, Any]) -> date:
    """The first day on which the latest publicity may be closed."""
    return date.fromisoformat(case["publicities"][-1]["ends_on"]) + timedelta(days=1)


def dibao_edge_to_investigation(
    api: ApiClient, clock: Clock, household: dict[str, Any] | None = None, applicant: str = "wangjianguo"
) -> int:
    """File, accept and check a 低保边缘 application in 槐东社区 today: the case awaits investigation."""
    cid = int(api.file(applicant, "dibao_edge", HUAIDONG, household or dibao_edge_household())["id"])
    api.act("beicheng", cid, "accept")
    api.act("beicheng", cid, "request_information_check")
    case = api.act("yanhu", cid, "record_check_qualified", findings="未发现超标收入和财产")
    assert case["state"] == "investigation"
    return cid


def dibao_edge_to_publicity(
    api: ApiClient, clock: Clock, household: dict[str, Any] | None = None
) -> dict[str, Any]:
    """As above, investigated and publicised in the village from today."""
    cid = dibao_edge_to_investigation(api, clock, household)
    api.investigate("huaidong", cid, clock.today)
    case = api.act("beicheng", cid, "start_publicity", place="槐东社区公示栏")
    assert case["state"] == "publicity"
    return case


def dibao_edge_to_county_review(
    api: ApiClient, clock: Clock, household: dict[str, Any] | None = None
) -> dict[str, Any]:
    """As above, publicity closed without objections and the township's approving initial opinion
    sent to the county. Moves the clock past the publicity."""
    case = dibao_edge_to_publicity(api, clock, household)
    clock.today = after_publicity(case)
    api.act("beicheng", case["id"], "close_publicity")
    case = api.act(
        "beicheng", case["id"], "give_initial_opinion", decision="approve", reasons="人均收入在低保边缘区间"
    )
    assert case["state"] == "county_review"
    return case


def illness_poverty_to_investigation(
    api: ApiClient, clock: Clock, household: dict[str, Any] | None = None
) -> int:
    """File and accept a 因病致贫 application in 西关村 today and start the investigation."""
    data = household or illness_poverty_household(clock.today)
    cid = int(api.file("chenzhiqiang", "illness_poverty", XIGUAN, data)["id"])
    api.act("jiezhou", cid, "accept")
    case = api.act("jiezhou", cid, "start_investigation")
    assert case["state"] == "investigation"
    return cid


__all__ = [
    "CHENGXI",
    "HUAIDONG",
    "XIGUAN",
    "ApiClient",
    "Clock",
    "after_publicity",
    "deadline",
    "dibao_edge_household",
    "dibao_edge_to_county_review",
    "dibao_edge_to_investigation",
    "dibao_edge_to_publicity",
    "errors",
    "high_income",
    "illness_poverty_household",
    "illness_poverty_to_investigation",
    "leaving_dibao_household",
    "monitoring_household",
]


PASSWORD = "demo12345"
LOGIN = "/api/v1/auth/login"


# Signing in through the endpoint itself, with the password checked (``ApiClient.as_`` skips it).
def sign_in(app: Flask, username: str, password: str = PASSWORD) -> tuple[FlaskClient, Any]:
    client = app.test_client()
    response = client.post(LOGIN, json={"username": username, "password": password})
    return client, response


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding the same cookie, as someone who copied it would."""
    other = app.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    other.set_cookie("session", cookie.value)
    return other


def logged(db: Database, *actions: str) -> list[SecurityEvent]:
    with db.reading() as session:
        query = select(SecurityEvent).order_by(SecurityEvent.id)
        return [e for e in session.exec(query).all() if not actions or e.action in actions]
