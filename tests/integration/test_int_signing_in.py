"""Signing in and out (issue 18 items 7, 8, 10): failed sign-ins count per account in the database
and lock it; per address they are rate-limited; signing out and a password change end every
session, a copied cookie included; each goes to the security log, which only the administrator
reads."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from integration_support import ApiClient, copy_of, errors, logged, sign_in
from sqlmodel import select

from assistance.admin.signing_in import LOCK_AFTER
from assistance.clock import utcnow
from assistance.db import Database
from assistance.models import User

PASSWORD = "demo12345"
LOGIN = "/api/v1/auth/login"


def test_signing_out_ends_every_session_a_copied_cookie_too(app: Flask, db: Database) -> None:
    browser, response = sign_in(app, "beicheng")
    assert response.status_code == 200, response.json
    copied = copy_of(app, browser)
    other_device, _ = sign_in(app, "beicheng")
    assert copied.get("/api/v1/auth/me").status_code == 200

    assert browser.post("/api/v1/auth/logout", json={}).status_code == 204
    for client in (browser, copied, other_device):
        ended = client.get("/api/v1/auth/me")
        assert ended.status_code == 401
        assert ended.json["message"] in ("请先登录", "登录已失效，请重新登录")
    assert [e.action for e in logged(db, "sign_in", "sign_out")] == ["sign_in", "sign_in", "sign_out"]
    # Signing in again works.
    assert sign_in(app, "beicheng")[1].status_code == 200


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app: Flask, db: Database) -> None:
    browser, _ = sign_in(app, "yanhu")
    elsewhere, _ = sign_in(app, "yanhu")
    change = "/api/v1/auth/password"
    wrong = browser.post(
        change, json={"current_password": "nope", "new_password": "盐湖区审核员的新密码2026"}
    )
    assert wrong.status_code == 422 and errors(wrong.json or {}, "current_password") == ["当前密码不正确"]
    for weak, message in (
        ("short1", "密码至少10位"),
        ("password1234", "密码过于常见或简单，容易被猜中，请换一个"),
    ):
        refused = browser.post(change, json={"current_password": PASSWORD, "new_password": weak})
        assert errors(refused.json or {}, "new_password") == [message]
    named = browser.post(change, json={"current_password": PASSWORD, "new_password": "yanhu-2026-county"})
    assert errors(named.json or {}, "new_password") == ["密码不能包含用户名或身份证号码"]

    new = "盐湖区审核员的新密码2026"
    assert browser.post(change, json={"current_password": PASSWORD, "new_password": new}).status_code == 204
    assert browser.get("/api/v1/auth/me").status_code == 200
    assert elsewhere.get("/api/v1/auth/me").status_code == 401
    assert sign_in(app, "yanhu")[1].status_code == 401
    assert sign_in(app, "yanhu", new)[1].status_code == 200
    assert [e.action for e in logged(db, "password_changed", "password_change_failed")] == [
        "password_change_failed",
        "password_changed",
    ]


def test_failed_sign_ins_lock_the_account_for_a_while(app: Flask, db: Database) -> None:
    for attempt in range(1, LOCK_AFTER):
        _, response = sign_in(app, "jiezhou", "wrong-password")
        assert response.status_code == 401 and response.json["message"] == "用户名或密码错误", attempt
    _, locked = sign_in(app, "jiezhou", "wrong-password")
    assert locked.status_code == 429
    assert locked.json["message"].startswith(f"连续{LOCK_AFTER}次密码错误，账号已暂时锁定，请于")
    # While locked, even the right password is refused; other accounts are not affected.
    assert sign_in(app, "jiezhou")[1].status_code == 429
    assert sign_in(app, "beicheng")[1].status_code == 200

    with db.transaction() as session:
        user = session.exec(select(User).where(User.username == "jiezhou")).one()
        user.locked_until = utcnow() - timedelta(seconds=1)
    assert sign_in(app, "jiezhou")[1].status_code == 200
    with db.reading() as session:
        assert session.exec(select(User).where(User.username == "jiezhou")).one().failed_sign_ins == 0
    actions = [e.action for e in logged(db) if e.username == "jiezhou"]
    assert actions == [
        *["sign_in_failed"] * LOCK_AFTER,
        "locked_out",
        "sign_in_refused_locked",
        "sign_in",
    ]


def test_an_unknown_user_name_gets_the_same_answer(app: Flask, db: Database) -> None:
    _, unknown = sign_in(app, "nobody-here", "wrong-password")
    _, wrong = sign_in(app, "xiguan", "wrong-password")
    assert (unknown.status_code, unknown.json) == (wrong.status_code, wrong.json)
    failures = logged(db, "sign_in_failed")
    assert [(e.username, e.user_id is None, e.detail) for e in failures] == [
        ("nobody-here", True, {"known": False}),
        ("xiguan", False, {"failures": 1}),
    ]
    assert failures[0].address == "127.0.0.1"


def test_sign_ins_are_rate_limited_per_address(app: Flask) -> None:
    app.config["SIGN_IN_RATE_LIMIT"] = "3 per minute"
    answers = [sign_in(app, "nobody-here", "wrong-password")[1].status_code for _ in range(4)]
    assert answers == [401, 401, 401, 429]
    # The sign-in page counts on its own, and says so on a page of its own.
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert token is not None
    form = {"username": "nobody-here", "password": "wrong-password", "csrf_token": token.group(1)}
    pages = [client.post("/login", data=form) for _ in range(4)]
    assert [p.status_code for p in pages] == [401, 401, 401, 429]
    assert "请求过于频繁" in pages[-1].get_data(as_text=True)


def test_only_the_administrator_reads_the_security_log(api: ApiClient) -> None:
    set_window = api.as_("admin").put("/api/v1/areas/140802/backdating", json={"working_days": 2})
    assert set_window.status_code == 200, set_window.json
    assert api.login("yongji").status_code == 200
    for who in ("yanhu", "beicheng", "wangjianguo"):
        assert api.get(who, "/security-log").status_code == 403
    page = api.get("admin", "/security-log?limit=5")
    assert page.status_code == 200
    items = (page.json or {})["items"]
    assert [(e["action"], e["username"]) for e in items[:2]] == [
        ("sign_in", "yongji"),
        ("backdating_set", "admin"),
    ]
    assert items[1]["detail"]["backdating_working_days"] == 2 and items[1]["address"] == "127.0.0.1"


def test_the_pages_change_a_password_and_show_the_security_log(app: Flask) -> None:
    client, _ = sign_in(app, "xiguan")
    page = client.get("/account/password").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    form = {"csrf_token": token.group(1), "current_password": PASSWORD, "new_password": "123456789012"}
    refused = client.post("/account/password", data=form)
    assert refused.status_code == 422 and "密码过于常见或简单" in refused.get_data(as_text=True)
    done = client.post("/account/password", data={**form, "new_password": "西关村村委会的新密码"})
    assert done.status_code == 302
    assert client.get("/cases").status_code == 200  # still signed in here

    admin, _ = sign_in(app, "admin")
    log = admin.get("/admin/security-log").get_data(as_text=True)
    assert "修改密码" in log and "xiguan" in log
    assert sign_in(app, "xiguan")[0].get("/admin/security-log").status_code in (302, 403)
