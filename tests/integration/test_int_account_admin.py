"""Administering accounts (issue 20 item 2): the first administrator from the console; the
administrator edits, deactivates, reactivates and resets passwords by API, page and command line;
each ends the account's sessions where it should and goes to the security log; a reset password
must be changed before anything else."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from integration_support import ApiClient, copy_of, errors, logged, sign_in
from sqlmodel import select

from assistance.cli import main
from assistance.db import Database
from assistance.models import SecurityEvent, User

NEW_PASSWORD = "北城街道民政专干的新密码"


def account(db: Database, username: str) -> User:
    with db.reading() as session:
        return session.exec(select(User).where(User.username == username)).one()


@pytest.fixture
def console(database: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", database)
    return CliRunner()


def test_the_first_administrator_is_made_at_the_console(app: Flask, db: Database, console: CliRunner) -> None:
    made = console.invoke(
        main,
        ["users", "create-admin", "--username", "ops.admin", "--display-name", "运维管理员"],
        input="运城市民政局系统管理\n运城市民政局系统管理\n",
    )
    assert made.exit_code == 0, made.output
    client, signed_in = sign_in(app, "ops.admin", "运城市民政局系统管理")
    assert signed_in.status_code == 200 and signed_in.json["role"] == "admin"
    assert client.get("/api/v1/users").status_code == 200
    (created,) = [e for e in logged(db, "user_created") if e.subject_id == signed_in.json["id"]]
    assert created.detail["via"] == "命令行"

    weak = console.invoke(
        main,
        ["users", "create-admin", "--username", "ops2", "--display-name", "张三", "--password", "admin123"],
    )
    assert weak.exit_code == 2 and "密码至少10位" in weak.output
    taken = console.invoke(
        main,
        ["users", "create-admin", "--username", "ops.admin", "--display-name", "李四"],
        env={"ASSISTANCE_ADMIN_PASSWORD": "另一个足够长的管理员密码"},
    )
    assert taken.exit_code == 2 and "用户名已被使用" in taken.output


def test_deactivation_ends_every_session_and_reactivation_starts_afresh(
    app: Flask, db: Database, api: ApiClient
) -> None:
    staff, _ = sign_in(app, "beicheng")
    copied = copy_of(app, staff)
    target = account(db, "beicheng").id
    done = api.post("admin", f"/users/{target}/deactivate", {})
    assert done.status_code == 200 and done.json["active"] is False
    for client in (staff, copied):
        assert client.get("/api/v1/auth/me").status_code == 401
    assert sign_in(app, "beicheng")[1].status_code == 401

    again = api.post("admin", f"/users/{target}/reactivate", {})
    assert again.status_code == 200 and again.json["active"] is True
    # The cookie from before the deactivation stays ended; a new sign-in works.
    assert staff.get("/api/v1/auth/me").status_code == 401
    assert sign_in(app, "beicheng")[1].status_code == 200
    actions = [e.action for e in logged(db, "user_deactivated", "user_reactivated")]
    assert actions == ["user_deactivated", "user_reactivated"]


def test_the_administrators_cannot_lock_themselves_out(
    db: Database, api: ApiClient, console: CliRunner
) -> None:
    admin = account(db, "admin").id
    own = api.post("admin", f"/users/{admin}/deactivate", {})
    assert own.status_code == 409 and "自己" in own.json["message"]
    last = console.invoke(main, ["users", "deactivate", "admin"])
    assert last.exit_code == 2 and "至少要保留一个启用的系统管理员账号" in last.output
    demoted = api.as_("admin").patch(f"/api/v1/users/{admin}", json={"role": "county", "area": "140802"})
    assert demoted.status_code == 409
    assert account(db, "admin").active and account(db, "admin").role == "admin"


def test_only_the_administrator_administers_accounts(db: Database, api: ApiClient) -> None:
    target = account(db, "xiguan").id
    for who in ("yanhu", "beicheng", "wangjianguo"):
        assert api.post(who, f"/users/{target}/deactivate", {}).status_code == 403
        assert api.post(who, f"/users/{target}/reset-password", {}).status_code == 403
    assert account(db, "xiguan").active
    assert api.post("admin", "/users/999999/deactivate", {}).status_code == 404


def test_editing_moves_staff_and_keeps_applicants_bound(db: Database, api: ApiClient) -> None:
    staff = api.as_("jiezhou")
    target = account(db, "jiezhou").id
    wrong_level = api.as_("admin").patch(f"/api/v1/users/{target}", json={"area": "140802"})
    assert wrong_level.status_code == 422 and errors(wrong_level.json, "area")
    moved = api.as_("admin").patch(
        f"/api/v1/users/{target}", json={"area": "140802001", "display_name": "北城街道 民政专干二"}
    )
    assert moved.status_code == 200, moved.json
    assert moved.json["area"] == "140802001" and moved.json["display_name"] == "北城街道 民政专干二"
    assert staff.get("/api/v1/auth/me").status_code == 401  # moved: signs in again

    applicant = account(db, "wangjianguo").id
    refused = api.as_("admin").patch(f"/api/v1/users/{applicant}", json={"role": "township"})
    assert refused.status_code == 422 and errors(refused.json, "role")
    renamed = api.as_("admin").patch(f"/api/v1/users/{applicant}", json={"phone": "13800000000"})
    assert renamed.status_code == 200 and renamed.json["phone"] == "13800000000"
    (edited, *_) = logged(db, "user_edited")
    assert edited.detail["changed"]["area"] == "140802001"


def _must_change(client: FlaskClient) -> None:
    assert client.get("/api/v1/auth/me").json["must_change_password"] is True
    refused = client.get("/api/v1/cases")
    assert refused.status_code == 403 and errors(refused.json, "password")
    assert client.get("/queue").status_code == 302


def test_a_reset_password_must_be_changed_before_anything_else(
    app: Flask, db: Database, api: ApiClient
) -> None:
    staff, _ = sign_in(app, "beicheng")
    for _ in range(5):
        sign_in(app, "beicheng", "猜错的密码猜错的密码")
    assert account(db, "beicheng").locked_until is not None
    target = account(db, "beicheng").id

    reset = api.post("admin", f"/users/{target}/reset-password", {})
    assert reset.status_code == 200, reset.json
    temporary = reset.json["temporary_password"]
    assert len(temporary) == 12 and reset.json["user"]["must_change_password"] is True
    assert staff.get("/api/v1/auth/me").status_code == 401  # its sessions ended
    assert account(db, "beicheng").locked_until is None  # and the lock is lifted
    assert temporary not in str([e.detail for e in logged(db)])

    client, signed_in = sign_in(app, "beicheng", temporary)
    assert signed_in.status_code == 200 and signed_in.json["must_change_password"] is True
    _must_change(client)
    same = client.post(
        "/api/v1/auth/password", json={"current_password": temporary, "new_password": temporary}
    )
    assert same.status_code == 422 and errors(same.json, "new_password")
    changed = client.post(
        "/api/v1/auth/password", json={"current_password": temporary, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 204
    assert client.get("/api/v1/cases").status_code == 200
    assert client.get("/api/v1/auth/me").json["must_change_password"] is False

    given = api.post("admin", f"/users/{target}/reset-password", {"password": "123456"})
    assert given.status_code == 422 and errors(given.json, "password")


def test_the_pages_administer_an_account(app: Flask, db: Database) -> None:
    admin, _ = sign_in(app, "admin")
    target = account(db, "huaidong").id
    listing = admin.get("/admin/users").get_data(as_text=True)
    assert f"/admin/users/{target}" in listing
    page = admin.get(f"/admin/users/{target}").get_data(as_text=True)
    assert "槐东社区居委会" in page and "重置密码" in page and "停用账号" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None

    reset = admin.post(f"/admin/users/{target}/password", data={"csrf_token": token.group(1)})
    shown = re.search(r'id="temporary-password">([^<]+)<', reset.get_data(as_text=True))
    assert reset.status_code == 200 and shown is not None

    village = app.test_client()
    village.post("/api/v1/auth/login", json={"username": "huaidong", "password": shown.group(1)})
    led = village.get("/cases")
    assert led.status_code == 302 and led.headers["Location"].endswith("/account/password")
    form = village.get("/account/password").get_data(as_text=True)
    assert "管理员已为您重置密码" in form

    off = admin.post(f"/admin/users/{target}/active", data={"csrf_token": token.group(1), "active": "0"})
    assert off.status_code == 302
    after = admin.get(f"/admin/users/{target}").get_data(as_text=True)
    assert "重新启用账号" in after and "停用账号" in after  # the history names the deactivation
    assert not account(db, "huaidong").active
    with db.reading() as session:
        about = select(SecurityEvent).where(SecurityEvent.subject_id == target)
        actions = [e.action for e in session.exec(about)]
    assert actions == ["password_reset", "user_deactivated"]


def test_the_console_resets_a_password_when_no_administrator_can_sign_in(
    app: Flask, db: Database, console: CliRunner
) -> None:
    for _ in range(5):
        sign_in(app, "admin", "猜错的密码猜错的密码")
    reset = console.invoke(main, ["users", "reset-password", "admin"])
    assert reset.exit_code == 0, reset.output
    temporary = re.search(r"临时密码：(\S+)", reset.output)
    assert temporary is not None
    client, signed_in = sign_in(app, "admin", temporary.group(1))
    assert signed_in.status_code == 200
    _must_change(client)
    assert console.invoke(main, ["users", "reset-password", "nobody"]).exit_code == 2
