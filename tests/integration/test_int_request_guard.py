"""A change through the API comes as JSON from this site: another site's form, which a browser posts
without asking, changes nothing. API answers are not cached, and the session cookie stays off
plain HTTP unless the development setting says otherwise."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from integration_support import ApiClient, Clock, dibao_edge_household

from assistance.app import create_app


def test_a_cross_site_form_post_changes_no_case(app: Flask, api: ApiClient, clock: Clock) -> None:
    clock.today = date(2025, 9, 22)
    case = api.file("wangjianguo", "dibao_edge", "140802001001", dibao_edge_household())
    client = api.as_("beicheng")
    path = f"/api/v1/cases/{case['id']}/actions/accept"
    # What <form method="post" action=".../accept"> on another site sends, with no fields.
    forged = client.post(
        path, content_type="application/x-www-form-urlencoded", headers={"Origin": "https://evil.example"}
    )
    assert forged.status_code == 403
    plain = client.post(path, content_type="application/x-www-form-urlencoded")
    assert plain.status_code == 415
    assert plain.json["errors"] == [{"field": "Content-Type", "message": "应为 application/json"}]
    multipart = client.post(path, data={"note": "x"}, content_type="multipart/form-data")
    assert multipart.status_code == 415
    assert api.case("beicheng", case["id"])["state"] == "filed"
    across = client.post(path, json={}, headers={"Origin": "https://evil.example"})
    assert across.status_code == 403
    ours = client.post(path, json={}, headers={"Origin": "http://localhost"})
    assert ours.status_code == 200 and ours.json["state"] == "accepted"


def test_api_answers_are_not_stored_by_caches(app: Flask, api: ApiClient, clock: Clock) -> None:
    case = api.file("wangjianguo", "dibao_edge", "140802001001", dibao_edge_household())
    answer = api.as_("wangjianguo").get(f"/api/v1/cases/{case['id']}")
    assert answer.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("setting", "secure"), [(None, True), ("1", True), ("0", False)])
def test_the_session_cookie_stays_off_plain_http_by_default(
    database: str, monkeypatch: pytest.MonkeyPatch, setting: str | None, secure: bool
) -> None:
    if setting is None:
        monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    else:
        monkeypatch.setenv("SESSION_COOKIE_SECURE", setting)
    application = create_app({"TESTING": True, "DATABASE_URL": database, "SECRET_KEY": "test"})
    assert application.config["SESSION_COOKIE_SECURE"] is secure
    application.extensions["assistance_db"].engine.dispose()
