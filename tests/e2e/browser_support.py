"""Helpers for the browser tests: the real service on a local port, and what a user does on its pages.

The service is the application from ``assistance.app.create_app`` over a freshly migrated SQLite
database, served by werkzeug in a background thread. Its date comes from a ``Clock`` the test
moves forward (past a publicity's last day), as the integration tests do.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect
from werkzeug.serving import BaseWSGIServer, make_server

from assistance.app import create_app
from assistance.db import Database
from assistance.demo import seed_areas_and_accounts
from assistance.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
PARAMETERS = ROOT / "examples" / "local-parameters"
SCREENSHOTS = ROOT / "build" / "screenshots"
PASSWORD = "demo12345"

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1366, "height": 900}


@dataclass
class Clock:
    """The service's today: ``TODAY`` is a callable reading this, so a test can move it."""

    today: date


@dataclass
class LiveServer:
    url: str
    app: Flask
    clock: Clock


@contextmanager
def live_server(database_path: Path, clock: Clock) -> Iterator[LiveServer]:
    """The application over a new migrated database, with the demo areas and accounts, serving
    on 127.0.0.1 on a free port until the block ends."""
    url = f"sqlite:///{database_path}"
    upgrade(url)
    # The browser tests sign in desk after desk from one address, faster than people do.
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "test",
            "TODAY": lambda: clock.today,
            "SIGN_IN_RATE_LIMIT": "1000 per minute",
        }
    )
    db: Database = app.extensions["assistance_db"]
    seed_areas_and_accounts(db, PASSWORD)
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app, clock)
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        db.engine.dispose()


def new_context(browser: Browser, server: LiveServer, *, phone: bool) -> BrowserContext:
    """A fresh browser profile (no cookies): a phone held upright, or a desk PC."""
    if phone:
        return browser.new_context(
            base_url=server.url,
            viewport=PHONE,
            device_scale_factor=2,
            # Not ``is_mobile``: Chromium's mobile emulation misplaces clicks on a page wider than
            # the screen (the layout viewport grows past the visual one), which no real tap does.
            has_touch=True,
            locale="zh-CN",
            accept_downloads=True,
        )
    return browser.new_context(
        base_url=server.url,
        viewport=DESKTOP,
        locale="zh-CN",
        accept_downloads=True,
    )


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page: Page, username: str, shot: str | None = None) -> None:
    """Sign in through the login page, as the user types it."""
    page.goto("/login")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    if shot:
        screenshot(page, shot)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator(".site-header .who")).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"/login"))


def open_case(page: Page, case_id: int) -> None:
    page.goto(f"/cases/{case_id}")
    expect(page.locator(".case-head h1")).to_be_visible()


Values = Mapping[str, str | bool]


def act(page: Page, action: str, values: Values | None = None, *, expect_state: str | None = None) -> None:
    """Open the action's form on the case page, fill it and press its button, as staff do.

    ``values`` maps a field name of the action's form to the text typed (or the option chosen,
    for a select; True ticks a box). Afterwards the page shows the success message, or the
    test fails with the form's error summary.
    """
    details = page.locator(f"details#action-{action}")
    expect(details).to_be_visible()
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    form = details.locator("form")
    for name, value in (values or {}).items():
        field = form.locator(f"#{action}-{name}")
        tag = field.evaluate("e => e.tagName.toLowerCase()")
        if isinstance(value, bool):
            field.set_checked(value)
        elif tag == "select":
            field.select_option(value)
        else:
            field.fill(value)
    button = form.locator("button[type=submit]")
    name = button.inner_text().strip()
    button.click()
    flash = page.locator(".flash-success")
    problems = page.locator(f"details#action-{action} .error-summary")
    expect(flash.or_(problems).first).to_be_visible()
    if problems.count():
        raise AssertionError(f"{action} ({name}) refused on {page.url}: {problems.inner_text()}")
    expect(flash).to_contain_text(f"已办理：{name}")
    if expect_state is not None:
        expect(page.locator(".case-head .badge.state")).to_have_text(expect_state)


def publicity_end(page: Page) -> date:
    """The last day of the newest publicity, as the case page's records list it."""
    record = page.locator("#records .record").filter(has_text="公示").last
    expect(record).to_be_visible()
    found = re.findall(r"至 (\d{4}-\d{2}-\d{2})", record.inner_text())
    assert found, record.inner_text()
    return date.fromisoformat(found[-1])


def day_after_publicity(page: Page) -> date:
    return publicity_end(page) + timedelta(days=1)


def fill_row(page: Page, section: str, row: int, cells: Values) -> None:
    """Fill one row card of the household form: ``members-0-name`` and so on."""
    for column, value in cells.items():
        field = page.locator(f"#{section}-{row}-{column}")
        while field.count() == 0:
            # The form starts with one empty row of each list: add another as a person would.
            page.locator(f'[data-add-row][value="{section}"]').click()
        tag = field.evaluate("e => e.tagName.toLowerCase()")
        kind = field.get_attribute("type") or ""
        if isinstance(value, bool) or kind == "checkbox":
            field.set_checked(bool(value))
        elif tag == "select":
            field.select_option(str(value))
        else:
            field.fill(str(value))


def fill_household(page: Page, top: Values, sections: Mapping[str, list[Values]]) -> None:
    """Fill the household part of the filing form: the top fields, then row by row."""
    for name, value in top.items():
        field = page.locator(f"#{name}")
        if field.evaluate("e => e.tagName.toLowerCase()") == "select":
            field.select_option(str(value))
        else:
            field.fill(str(value))
    for section, rows in sections.items():
        for row, cells in enumerate(rows):
            fill_row(page, section, row, cells)


def case_id_from_url(page: Page) -> int:
    found = re.search(r"/cases/(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))
