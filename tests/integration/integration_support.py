"""Helpers for driving cases through the HTTP API in integration tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from assistance.demo import dibao_edge_household, illness_poverty_household


@dataclass
class Clock:
    today: date


class ApiClient:
    """One signed-in browser session per username, so tests can switch between desks."""

    def __init__(self, app: Flask, password: str) -> None:
        self.app = app
        self.password = password
        self._clients: dict[str, FlaskClient] = {}

    def as_(self, username: str) -> FlaskClient:
        if username not in self._clients:
            client = self.app.test_client()
            response = client.post(
                "/api/v1/auth/login", json={"username": username, "password": self.password}
            )
            assert response.status_code == 200, response.json
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


def deadline(case: dict[str, Any], kind: str) -> dict[str, Any]:
    found = [d for d in case["deadlines"] if d["kind"] == kind]
    assert found, f"no {kind} deadline in {case['deadlines']}"
    return dict(found[-1])


__all__ = ["ApiClient", "Clock", "deadline", "dibao_edge_household", "illness_poverty_household"]
