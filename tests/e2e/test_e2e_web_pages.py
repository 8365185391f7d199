"""The server-rendered pages (``assistance.web``) used as a person uses them, through Flask's test
client against a database migrated with Alembic, on SQLite and on PostgreSQL.

Every form is read from the page that shows it (with its hidden CSRF token, version and defaults)
and submitted with the inputs a person would fill in; nothing is posted that the page did not
offer, except where a test checks that the server refuses exactly that.

ASSISTANCE_TEST_DATABASES picks the backends (default "sqlite,postgresql");
ASSISTANCE_TEST_POSTGRES is the maintenance database used to create a throw-away test database.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import unescape
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from database_support import BACKENDS, empty, migrated_database
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import func, select
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

import assistance.models  # noqa: F401  (registers the tables)
from assistance.app import create_app
from assistance.db import Database
from assistance.demo import CHEN_ZHIQIANG, seed_areas_and_accounts
from assistance.models import Case, Evidence, User
from assistance.parameters import ENTRY_DIR_VARIABLE, ENVIRONMENT_VARIABLE

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo12345"
TODAY = date(2025, 9, 22)  # a Monday
HUAIDONG = "140802001001"  # 盐湖区 北城街道 槐东社区 (township beicheng, village huaidong)
XIGUAN = "140802101001"  # 盐湖区 解州镇 西关村 (township jiezhou, village xiguan)
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = pytest.mark.integration


# ---------------------------------------------------------------------------------------------
# Database and application


@pytest.fixture(scope="module", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to head with Alembic, for this module."""
    yield from migrated_database(request.param, tmp_path_factory, "web")


@pytest.fixture
def app(database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    # The shipped parameters have no minimum wage or medical deductible; the demo values do.
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(ROOT / "examples" / "local-parameters"))
    application = create_app(
        {"TESTING": True, "DATABASE_URL": database, "SECRET_KEY": "test", "TODAY": lambda: TODAY}
    )
    db: Database = application.extensions["assistance_db"]
    empty(db)
    seed_areas_and_accounts(db, PASSWORD)
    yield application
    db.engine.dispose()


@pytest.fixture
def db(app: Flask) -> Database:
    found: Database = app.extensions["assistance_db"]
    return found


def count(db: Database, model: Any) -> int:
    with db.reading() as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


# ---------------------------------------------------------------------------------------------
# Reading pages and their forms, as a browser does


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    file_inputs: list[str] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    # Boxes and radio buttons, ticked or not: what a person could tick.
    tickable: set[str] = field(default_factory=set)

    def names(self) -> set[str]:
        return {name for name, _ in self.fields} | set(self.file_inputs) | self.tickable

    def value(self, name: str) -> str | None:
        return next((v for n, v in self.fields if n == name), None)


class _FormParser(HTMLParser):
    """The forms of a page with what a browser would send unchanged: hidden and text inputs' values,
    checked boxes, selected options (or a select's first); nothing inside <template>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._template_depth = 0
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._option: list[str] | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "template":
            self._template_depth += 1
        if self._template_depth:
            return
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                form.tickable.add(name)
                if "checked" in a:
                    form.fields.append((name, a.get("value") or "on"))
            elif kind == "file":
                form.file_inputs.append(name)
            elif kind in ("submit", "button", "image", "reset"):
                form.buttons.append((name, a.get("value", "")))
            else:
                form.fields.append((name, a.get("value", "")))
        elif tag == "button" and name:
            form.buttons.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = (name, [])
        elif tag == "option" and self._select is not None:
            self._option = [a["value"]] if "value" in a else []
            self._select[1].append(("", "selected" in a))
            if "value" in a:
                self._select[1][-1] = (a["value"], "selected" in a)
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._template_depth -= 1
            return
        if self._template_depth or self._form is None:
            return
        if tag == "select" and self._select is not None:
            name, options = self._select
            chosen = next((v for v, selected in options if selected), options[0][0] if options else None)
            if chosen is not None:
                self._form.fields.append((name, chosen))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.fields.append((self._textarea[0], "".join(self._textarea[1])))
            self._textarea = None
        elif tag == "form":
            self._form = None


def html(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def text(response: TestResponse | str) -> str:
    """The page's visible text, tags removed and white space collapsed."""
    source = response if isinstance(response, str) else html(response)
    source = re.sub(r"<(script|style|template)\b.*?</\1>", " ", source, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", source))).strip()


def forms_of(response: TestResponse) -> list[Form]:
    parser = _FormParser()
    parser.feed(html(response))
    return parser.forms


def form_of(response: TestResponse, action: str) -> Form:
    """The page's form that posts to ``action`` (a path, without a query)."""
    found = [f for f in forms_of(response) if f.action.split("?")[0] == action]
    assert len(found) == 1, (action, [f.action for f in forms_of(response)])
    return found[0]


def field_error(response: TestResponse, input_id: str) -> str:
    """The message shown right after an input (``<p class="field-error" id="…-error">``)."""
    found = re.search(
        rf'<p class="field-error" id="{re.escape(input_id)}-error">(.*?)</p>', html(response), re.S
    )
    assert found, f"no error beside {input_id}"
    return text(found.group(1)).removeprefix("错误：").strip()


def error_summary(response: TestResponse) -> str:
    """The text of the box above a form that lists what was refused."""
    found = re.search(r'<div class="error-summary".*?</div>', html(response), re.S)
    assert found, "no error summary on the page"
    return text(found.group(0))


def section(response: TestResponse, section_id: str) -> str:
    """The HTML of a case page's ``<section id=…>``."""
    found = re.search(rf'<section [^>]*id="{re.escape(section_id)}".*?</section>', html(response), re.S)
    assert found, f"no section {section_id}"
    return found.group(0)


class Browser:
    """One person's browser: a cookie jar and the pages it was shown."""

    def __init__(self, app: Flask) -> None:
        self.client: FlaskClient = app.test_client()

    def get(self, path: str, expect: int = 200) -> TestResponse:
        response = self.client.get(path)
        assert response.status_code == expect, (path, response.status_code, text(response)[:400])
        return response

    def submit(
        self,
        form: Form,
        changes: Mapping[str, str | list[str] | None] | None = None,
        *,
        files: Mapping[str, tuple[bytes, str, str]] | None = None,
        button: tuple[str, str] | None = None,
    ) -> TestResponse:
        """Submit ``form`` with some inputs changed: a string sets an input (ticks a box), a list
        sets a group of boxes, None clears it (unticks a box); ``files`` are (bytes, name, type)."""
        data: MultiDict[str, Any] = MultiDict(form.fields)
        for name, value in (changes or {}).items():
            row = re.match(r"^(members|incomes|assets|medical_expenses|county_findings)-(\d+)-", name)
            if row is not None and name not in form.names() and f"{row.group(1)}-count" in form.names():
                # A row the form does not have yet: added as the page's "增加一行" adds it.
                counted = f"{row.group(1)}-count"
                data[counted] = str(max(int(data.get(counted) or 0), int(row.group(2)) + 1))
                if value is not None:
                    data[name] = value
                continue
            assert name in form.names(), f"the form to {form.action} has no input {name}"
            data.poplist(name)
            if isinstance(value, list):
                for item in value:
                    data.add(name, item)
            elif value is not None:
                data[name] = value
        for name, (content, filename, mimetype) in (files or {}).items():
            assert name in form.file_inputs, f"the form to {form.action} has no file input {name}"
            data[name] = (BytesIO(content), filename, mimetype)
        if button is not None:
            assert button in form.buttons, (button, form.buttons)
            data.add(*button)
        if form.method == "get":
            return self.client.get(form.action, query_string=data)
        return self.client.post(form.action, data=data)


def redirected_to(response: TestResponse) -> str:
    assert response.status_code in (302, 303), (response.status_code, text(response)[:600])
    return response.headers["Location"]


def sign_in(app: Flask, username: str, password: str = PASSWORD) -> Browser:
    browser = Browser(app)
    page = browser.get("/login")
    redirected_to(browser.submit(form_of(page, "/login"), {"username": username, "password": password}))
    return browser


# ---------------------------------------------------------------------------------------------
# Filing and acting through the pages


def dibao_edge_inputs() -> dict[str, str | list[str] | None]:
    """The demo family of three in 槐东社区 (assistance.demo.dibao_edge_household), as typed."""
    return {
        "village": HUAIDONG,
        "hukou_type": "urban",
        "address": "盐湖区北城街道槐东社区3号楼2单元",
        "members-0-name": "王建国",
        "members-0-id_number": "140802198003151239",
        "members-0-hukou_region": "140802",
        "members-1-name": "李秀英",
        "members-1-id_number": "140802198206111237",
        "members-1-relation": "spouse",
        "members-1-hukou_region": "140802",
        "members-2-name": "王小明",
        "members-2-id_number": "140802201209011236",
        "members-2-relation": "child",
        "members-2-hukou_region": "140802",
        "incomes-0-member": "m1",
        "incomes-0-kind": "wage",
        "incomes-0-amount": "24000.00",
        "incomes-0-note": "劳动合同工资",
        "incomes-1-member": "m2",
        "incomes-1-kind": "business",
        "incomes-1-amount": "8400.00",
        "incomes-1-note": "摆摊经营净收入",
        "assets-0-owner": "m1",
        "assets-0-kind": "deposit",
        "assets-0-value": "20000.00",
        "assets-1-owner": "m1",
        "assets-1-kind": "house",
        "assets-1-description": "自住住房一套",
        "economic_check_authorised": "on",
        "commitment_signed": "on",
    }


def illness_poverty_inputs() -> dict[str, str | list[str] | None]:
    """The demo rural family in 西关村 whose breadwinner was in hospital, as typed."""
    return {
        "village": XIGUAN,
        "hukou_type": "rural",
        "address": "盐湖区解州镇西关村",
        "patient": "m1",
        "members-0-name": "陈志强",
        "members-0-id_number": CHEN_ZHIQIANG,
        "members-0-hukou_region": "140802",
        "members-0-medical_insurance_scheme": "resident",
        "members-0-medical_insurance_region": "140802",
        "members-1-name": "刘美华",
        "members-1-id_number": "140802198206111237",
        "members-1-relation": "spouse",
        "members-1-hukou_region": "140802",
        "incomes-0-member": "m2",
        "incomes-0-kind": "wage",
        "incomes-0-amount": "26000.00",
        "incomes-1-member": "m1",
        "incomes-1-kind": "business",
        "incomes-1-amount": "12000.00",
        "assets-0-owner": "m1",
        "assets-0-kind": "deposit",
        "assets-0-value": "8000.00",
        "medical_expenses-0-date": "2025-07-24",
        "medical_expenses-0-type": "inpatient",
        "medical_expenses-0-institution": "运城市中心医院",
        "medical_expenses-0-policy_scope_personal_burden": "30000.00",
        "medical_expenses-0-mutual_aid": "2000.00",
        "medical_expenses-0-out_of_pocket": "36000.00",
        "economic_check_authorised": "on",
        "commitment_signed": "on",
    }


def case_id_of(location: str) -> int:
    found = re.fullmatch(r"(?:https?://[^/]+)?/cases/(\d+)", location)
    assert found, location
    return int(found.group(1))


def file_case(browser: Browser, procedure: str, inputs: Mapping[str, str | list[str] | None]) -> int:
    page = browser.get(f"/cases/new?procedure={procedure}")
    response = browser.submit(form_of(page, "/cases/new"), inputs)
    return case_id_of(redirected_to(response))


def act(
    browser: Browser, case_id: int, action: str, inputs: Mapping[str, str | list[str] | None] | None = None
) -> TestResponse:
    """Open the case page, submit the action's form, and follow to the case page again."""
    page = browser.get(f"/cases/{case_id}")
    response = browser.submit(form_of(page, f"/cases/{case_id}/actions/{action}"), inputs)
    assert redirected_to(response).endswith(f"/cases/{case_id}")
    return browser.get(f"/cases/{case_id}")


def document_links(page: TestResponse) -> dict[str, int]:
    """The documents listed on a case page: title → id of its PDF."""
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", section(page, "notices"), re.S)
    found: dict[str, int] = {}
    for row in rows:
        link = re.search(r'href="/documents/(\d+)\.pdf"', row)
        if link:
            found[text(row.split("</td>", 1)[0])] = int(link.group(1))
    return found


def state_badge(page: TestResponse) -> str:
    found = re.search(r'<span class="badge state[^"]*">(.*?)</span>', html(page))
    assert found, "no state badge"
    return text(found.group(1))


@pytest.fixture
def filed(app: Flask) -> int:
    """A 低保边缘 application filed by wangjianguo in 槐东社区 through the web form."""
    return file_case(sign_in(app, "wangjianguo"), "dibao_edge", dibao_edge_inputs())


@pytest.fixture
def accepted(app: Flask, filed: int) -> int:
    """… and accepted by 北城街道 (beicheng) through the action form on the case page."""
    act(sign_in(app, "beicheng"), filed, "accept")
    return filed


# ---------------------------------------------------------------------------------------------
# Signing in and out, registering


def test_sign_in_goes_to_the_home_of_the_role_and_sign_out_ends_the_session(app: Flask) -> None:
    browser = Browser(app)
    assert redirected_to(browser.client.get("/")).endswith("/login")
    assert redirected_to(browser.client.get("/queue")).startswith("/login?next=")

    page = browser.get("/login")
    response = browser.submit(form_of(page, "/login"), {"username": "beicheng", "password": PASSWORD})
    assert redirected_to(response) == "/queue"
    queue = browser.get("/queue")
    assert "北城街道 民政专干" in text(queue) and "待办" in text(queue)

    response = browser.submit(form_of(queue, "/logout"))
    assert redirected_to(response) == "/login"
    assert "您已退出登录" in text(browser.get("/login"))
    assert redirected_to(browser.client.get("/queue")).startswith("/login")


def test_sign_in_comes_back_to_the_page_asked_for(app: Flask) -> None:
    browser = Browser(app)
    target = redirected_to(browser.client.get("/dashboard"))
    page = browser.get(target)
    response = browser.submit(form_of(page, "/login"), {"username": "yanhu", "password": PASSWORD})
    assert redirected_to(response) == "/dashboard"


def test_wrong_password_is_shown_beside_the_field_and_signs_no_one_in(app: Flask) -> None:
    browser = Browser(app)
    page = browser.get("/login")
    response = browser.submit(form_of(page, "/login"), {"username": "beicheng", "password": "wrong-password"})
    assert response.status_code == 401
    # Beside the password (the same words for an unknown user: no account enumeration), and
    # linked from the summary above the form.
    assert field_error(response, "password") == "用户名或密码错误"
    assert 'aria-describedby="password-error" aria-invalid="true"' in html(response)
    assert "用户名或密码错误" in error_summary(response) and 'href="#password"' in html(response)
    # The user name typed stays; the password is never sent back.
    again = form_of(response, "/login")
    assert again.value("username") == "beicheng" and again.value("password") == ""
    assert "wrong-password" not in html(response)
    assert redirected_to(browser.client.get("/queue")).startswith("/login")


def test_an_applicant_registers_and_can_file(app: Flask, db: Database) -> None:
    browser = Browser(app)
    page = browser.get("/register")
    inputs = {
        "username": "zhangsan",
        "display_name": "张三",
        "phone": "13800000000",
        "password": "secret123abc",
        "password_again": "secret123abd",
    }
    response = browser.submit(form_of(page, "/register"), inputs)
    assert response.status_code == 422
    assert field_error(response, "password_again") == "两次输入的密码不一致"
    # The account is bound to the ID number it registers with (issue 18 item 3).
    response = browser.submit(form_of(response, "/register"), {**inputs, "password_again": "secret123abc"})
    assert response.status_code == 422
    assert field_error(response, "id_number") == "必填"
    taken = {**inputs, "password_again": "secret123abc", "id_number": "140802198003151239"}
    response = browser.submit(form_of(response, "/register"), taken)
    assert response.status_code == 422
    assert "一人只能注册一个申请人账号" in field_error(response, "id_number")
    inputs["id_number"] = "14080219900101100x"  # a lower-case check character is the same number
    assert form_of(response, "/register").value("display_name") == "张三"
    assert count(db, User) == 10

    response = browser.submit(form_of(response, "/register"), {**inputs, "password_again": "secret123abc"})
    assert redirected_to(response) == "/cases"
    cases = browser.get("/cases")
    assert "注册成功" in text(cases) and "您还没有提出申请" in text(cases)
    with db.reading() as session:
        registered = session.exec(select(User).where(User.username == "zhangsan")).one()
    assert registered.id_number == "14080219900101100X"
    assert "张三" in text(cases)
    assert browser.get("/cases/new").status_code == 200

    # The new account signs in with its password.
    assert redirected_to(sign_in(app, "zhangsan", "secret123abc").client.get("/")) == "/cases"


def test_registering_a_taken_user_name_is_refused_beside_the_field(app: Flask, db: Database) -> None:
    browser = Browser(app)
    page = browser.get("/register")
    inputs = {"username": "wangjianguo", "display_name": "王建国", "password": "secret123abc",
              "password_again": "secret123abc", "id_number": "140802199001011245"}  # fmt: skip
    response = browser.submit(form_of(page, "/register"), inputs)
    assert 400 <= response.status_code < 500
    assert re.search(r"[\u4e00-\u9fff]", field_error(response, "username"))
    assert count(db, User) == 10


# ---------------------------------------------------------------------------------------------
# Filing


def test_without_authorisation_and_commitment_the_township_cannot_accept(app: Flask, db: Database) -> None:
    """The form files an application whose boxes are unticked (the page says so: 64号 第十七条); the
    township cannot accept it and tells the applicant once what to hand in (65号 第十四条)."""
    applicant = sign_in(app, "wangjianguo")
    page = applicant.get("/cases/new?procedure=dibao_edge")
    form = form_of(page, "/cases/new")
    assert {"economic_check_authorised", "commitment_signed"} <= form.tickable
    assert form.value("economic_check_authorised") is None and form.value("commitment_signed") is None
    assert "乡镇不能受理" in text(section(page, "section-commitment"))
    inputs = {**dibao_edge_inputs(), "economic_check_authorised": None, "commitment_signed": None}
    case_id = case_id_of(redirected_to(applicant.submit(form, inputs)))
    filing = text(section(applicant.get(f"/cases/{case_id}"), "filing"))
    assert "家庭经济状况核对授权 未签署" in filing and "书面承诺 未作出" in filing

    staff = sign_in(app, "beicheng")
    page = staff.get(f"/cases/{case_id}")
    assert f"/cases/{case_id}/actions/accept" not in {f.action for f in forms_of(page)}
    blocked = re.search(r'<div class="action blocked" id="action-accept">.*?</div>', html(page), re.S)
    assert blocked and "申请材料缺少：家庭经济状况核对授权书、书面承诺" in text(blocked.group(0))
    # Posting the act anyway (a stale page) is refused, and the case stays where it was.
    other = form_of(page, f"/cases/{case_id}/actions/request_materials")
    response = staff.client.post(
        f"/cases/{case_id}/actions/accept",
        data={"csrf_token": other.value("csrf_token"), "version": other.value("version")},
    )
    assert response.status_code == 409
    assert "申请材料缺少：家庭经济状况核对授权书、书面承诺" in error_summary(response)
    assert state_badge(staff.get(f"/cases/{case_id}")) == state_badge(page)

    # The one-time notice of what is missing, from the form on the case page.
    notice = form_of(page, f"/cases/{case_id}/actions/request_materials")
    assert "missing" in notice.tickable
    page = act(staff, case_id, "request_materials",
               {"missing": ["economic_check_authorisation", "commitment"]})  # fmt: skip
    assert "补齐申请材料一次性告知书" in document_links(page)
    shown = text(applicant.get(f"/cases/{case_id}"))
    assert "请补齐以下材料" in shown and "家庭经济状况核对授权书" in shown


def test_a_household_error_is_shown_beside_the_row_typed(app: Flask, db: Database) -> None:
    browser = sign_in(app, "wangjianguo")
    page = browser.get("/cases/new?procedure=dibao_edge")
    response = browser.submit(
        form_of(page, "/cases/new"), {**dibao_edge_inputs(), "members-1-id_number": "12345"}
    )
    assert response.status_code == 422
    assert re.search(r"[\u4e00-\u9fff]", field_error(response, "members-1-id_number"))
    # The summary above the form links to the input.
    assert 'href="#members-1-id_number"' in html(response)
    assert count(db, Case) == 0


def test_adding_a_row_without_script_comes_back_one_row_longer(app: Flask, db: Database) -> None:
    browser = sign_in(app, "wangjianguo")
    page = browser.get("/cases/new?procedure=dibao_edge")
    form = form_of(page, "/cases/new")
    # One empty row to start with (issue 19: the phone form was 10,777 px tall).
    assert form.value("members-count") == "1" and "members-1-name" not in form.names()
    response = browser.submit(form, {"members-0-name": "王建国"}, button=("add_row", "members"))
    assert response.status_code == 200
    longer = form_of(response, "/cases/new")
    assert longer.value("members-count") == "2" and "members-1-name" in longer.names()
    assert longer.value("members-0-name") == "王建国"
    assert count(db, Case) == 0


def test_the_applicant_reads_what_happens_next_and_what_to_bring(app: Flask, filed: int) -> None:
    """Issue 19: after filing, the big button led only to 撤回申请, and nothing said what to bring."""
    applicant = sign_in(app, "wangjianguo")
    page = applicant.get(f"/cases/{filed}")
    next_steps = text(section(page, "next"))
    assert "乡镇（街道）正在审查您的申请材料" in next_steps
    assert "家庭经济状况核对授权书" in next_steps and "材料审查（受理）期限" in next_steps
    assert 'href="#actions">去办理' not in html(page)


def test_the_applicant_files_and_the_case_page_shows_state_and_household(app: Flask, db: Database) -> None:
    browser = sign_in(app, "wangjianguo")
    assert "低保边缘家庭认定" in text(browser.get("/cases/new"))  # the choice of procedure
    case_id = file_case(browser, "dibao_edge", dibao_edge_inputs())

    page = browser.get(f"/cases/{case_id}")
    assert state_badge(page) == "已申请，待材料审查"
    # The material review is timed from the filing (issue 19): it shows with its due date.
    assert "材料审查（受理）期限" in text(section(page, "deadlines"))
    household = text(section(page, "household"))
    for shown in ("王建国", "李秀英", "王小明", "140802201209011236", "24000.00", "8400.00", "20000.00"):
        assert shown in household, shown
    filing = text(section(page, "filing"))
    assert "已签署" in filing and "已作出" in filing and "槐东社区" in filing
    # Applicants never see the rules engine's verdict; no documents until accepted.
    assert 'id="decision"' not in html(page)
    assert document_links(page) == {}

    cases = browser.get("/cases")
    assert f'href="/cases/{case_id}"' in html(cases)
    with db.reading() as session:
        stored = session.get(Case, case_id)
        assert stored is not None and stored.procedure == "dibao_edge"


def test_submitting_the_same_form_twice_files_once(app: Flask, db: Database) -> None:
    browser = sign_in(app, "wangjianguo")
    page = browser.get("/cases/new?procedure=dibao_edge")
    form = form_of(page, "/cases/new")
    first = case_id_of(redirected_to(browser.submit(form, dibao_edge_inputs())))
    second = case_id_of(redirected_to(browser.submit(form, dibao_edge_inputs())))
    assert first == second and count(db, Case) == 1
    assert "未重复立案" in text(browser.get(f"/cases/{second}"))


def test_staff_and_the_village_file_with_their_own_choices(app: Flask) -> None:
    village = sign_in(app, "huaidong")
    form = form_of(village.get("/cases/new?procedure=dibao_edge"), "/cases/new")
    # The village committee files for its own village, on the applicant's behalf.
    assert form.value("village") == HUAIDONG and form.value("channel") == "village_committee"
    page = village.get("/cases/new?procedure=dibao_edge")
    assert XIGUAN not in html(page)
    # A villager picks a county by its name for a 6-digit code (issue 19).
    assert 'list="regions"' in html(page) and '<option value="140802" label="运城市盐湖区">' in html(page)
    county = sign_in(app, "yanhu")
    assert county.get("/cases/new?procedure=dibao_edge", expect=403).status_code == 403


# ---------------------------------------------------------------------------------------------
# Accepting, documents, the decision, evidence


def test_township_sees_the_application_in_its_queue_and_accepts_it(app: Flask, filed: int) -> None:
    staff = sign_in(app, "beicheng")
    queue = staff.get("/queue")
    assert f'href="/cases/{filed}"' in html(queue)
    # The applicant's name on the line, the material review's date, and a search (issue 19).
    assert "王建国" in text(queue) and "材料审查（受理）期限" in text(queue)
    assert f'href="/cases/{filed}"' in html(staff.get("/queue?q=1239"))
    assert f'href="/cases/{filed}"' not in html(staff.get("/queue?q=没有这个人"))
    assert f'href="/cases/{filed}"' not in html(staff.get("/queue?overdue=1"))

    page = staff.get(f"/cases/{filed}")
    assert state_badge(page) == "已申请，待材料审查"
    accept = form_of(page, f"/cases/{filed}/actions/accept")
    assert accept.value("csrf_token") and (accept.value("version") or "").isdigit()
    page = act(staff, filed, "accept")
    assert "已办理：受理申请" in text(page)
    assert state_badge(page) == "已受理，待提请信息核对"
    # 30 working days from Monday 22 September 2025, over the National Day holidays.
    deadlines = text(section(page, "deadlines"))
    assert "认定办理期限 64号 第二十四条 2025-09-22 30个工作日 2025-11-07 进行中" in deadlines
    assert "下一期限：提请信息核对期限， 2025-09-24 到期" in text(page)
    assert "受理日期 2025-09-22" in text(section(page, "filing"))
    # The whole file in one archive, for the township (一户一档, issue 19).
    archive = staff.get(f"/cases/{filed}/archive.zip")
    assert archive.status_code == 200 and archive.data.startswith(b"PK")
    assert f"/cases/{filed}/archive.zip" in html(page)
    # The accept form is gone: the same act cannot be done twice from the page.
    assert not [f for f in forms_of(page) if f.action == f"/cases/{filed}/actions/accept"]


def test_an_outdated_action_form_is_refused_with_a_message(app: Flask, filed: int) -> None:
    staff = sign_in(app, "beicheng")
    stale = form_of(staff.get(f"/cases/{filed}"), f"/cases/{filed}/actions/accept")
    act(staff, filed, "accept")
    response = staff.submit(stale)
    assert response.status_code == 409
    assert "案件已被他人更新" in error_summary(response)
    assert state_badge(response) == "已受理，待提请信息核对"


def test_after_accept_the_application_form_is_issued_and_downloadable(app: Flask, accepted: int) -> None:
    staff = sign_in(app, "beicheng")
    page = staff.get(f"/cases/{accepted}")
    links = document_links(page)
    assert "低保边缘家庭认定申请书" in links, links
    document_id = links["低保边缘家庭认定申请书"]
    assert re.search(r"盐民边申〔2025〕1号", text(section(page, "notices")))

    pdf = staff.get(f"/documents/{document_id}.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")

    # The application form is addressed to the applicant, who sees it and downloads it too.
    applicant = sign_in(app, "wangjianguo")
    mine = applicant.get(f"/cases/{accepted}")
    assert document_links(mine).get("低保边缘家庭认定申请书") == document_id
    again = applicant.get(f"/documents/{document_id}.pdf")
    assert again.mimetype == "application/pdf" and again.data == pdf.data
    # No such format.
    applicant.get(f"/documents/{document_id}.xlsx", expect=404)


def test_staff_see_the_engines_explained_decision_beside_the_evidence(app: Flask, accepted: int) -> None:
    staff = sign_in(app, "beicheng")
    page = staff.get(f"/cases/{accepted}")
    source = html(page)
    assert source.index('id="evidence"') < source.index('id="decision"')
    decision = section(page, "decision")
    assert "规则引擎结论" in text(decision)
    assert 'class="outcome outcome-eligible"' in decision
    explained = text(decision)
    assert "符合认定条件：一般程序" in explained
    assert len(re.findall(r'<li class="criterion result-pass', decision)) >= 5
    # Each criterion with its article and the figures it was decided on.
    assert "家庭人均月收入900.00元低于低保标准的1.5倍1072.50元" in explained
    assert "64号 第十四条（一）" in explained
    assert "年收入合计 32400.00 元，家庭人口 3 人" in explained

    # Keeping the verdict on record.
    response = staff.submit(form_of(page, f"/cases/{accepted}/evaluations"))
    assert redirected_to(response).endswith(f"/cases/{accepted}#decision")
    kept = staff.get(f"/cases/{accepted}")
    assert "已留存规则引擎评估" in text(kept) and "最近留存的评估" in text(section(kept, "decision"))

    # The applicant cannot ask for it.
    applicant = sign_in(app, "wangjianguo")
    page = applicant.get(f"/cases/{accepted}")
    assert 'id="decision"' not in html(page)
    token = form_of(page, f"/cases/{accepted}/evidence").value("csrf_token")
    response = applicant.client.post(f"/cases/{accepted}/evaluations", data={"csrf_token": token})
    assert response.status_code == 403


def test_uploaded_evidence_appears_on_the_case_page(app: Flask, db: Database, filed: int) -> None:
    applicant = sign_in(app, "wangjianguo")
    page = applicant.get(f"/cases/{filed}")
    form = form_of(page, f"/cases/{filed}/evidence")
    response = applicant.submit(
        form,
        {"kind": "hukou_book", "title": "户口簿首页"},
        files={"file": (TINY_PDF, "hukou.pdf", "application/pdf")},
    )
    assert redirected_to(response).endswith(f"/cases/{filed}#evidence")
    page = applicant.get(f"/cases/{filed}")
    listed = section(page, "evidence")
    assert "户口簿首页" in text(listed) and "家庭成员户口簿" in text(listed)
    assert count(db, Evidence) == 1
    link = re.search(rf'href="(/cases/{filed}/evidence/\d+)"', listed)
    assert link
    download = applicant.get(link.group(1))
    assert download.data == TINY_PDF and download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    # Staff of the area see it beside the decision.
    assert "户口簿首页" in text(section(sign_in(app, "beicheng").get(f"/cases/{filed}"), "evidence"))


def test_an_upload_that_is_not_a_pdf_is_refused_beside_the_field(
    app: Flask, db: Database, filed: int
) -> None:
    applicant = sign_in(app, "wangjianguo")
    form = form_of(applicant.get(f"/cases/{filed}"), f"/cases/{filed}/evidence")
    response = applicant.submit(
        form,
        {"kind": "hukou_book", "title": "户口簿"},
        files={"file": (b"hello", "a.pdf", "application/pdf")},
    )
    assert response.status_code == 422
    assert re.search(r"PDF", field_error(response, "upload-file"))
    assert form_of(response, f"/cases/{filed}/evidence").value("title") == "户口簿"
    assert count(db, Evidence) == 0


# ---------------------------------------------------------------------------------------------
# CSRF


def test_a_post_without_the_form_token_is_refused(app: Flask, db: Database, filed: int) -> None:
    staff = sign_in(app, "beicheng")
    page = staff.get(f"/cases/{filed}")
    accept = form_of(page, f"/cases/{filed}/actions/accept")
    response = staff.submit(accept, {"csrf_token": None})
    assert response.status_code == 400
    assert "防伪令牌" in text(response)
    assert staff.submit(accept, {"csrf_token": "forged"}).status_code == 400
    assert state_badge(staff.get(f"/cases/{filed}")) == "已申请，待材料审查"
    staff_token = accept.value("csrf_token")

    # Nor can another site sign someone out or file in their name.
    applicant = sign_in(app, "wangjianguo")
    cases = applicant.get("/cases")
    assert applicant.submit(form_of(cases, "/logout"), {"csrf_token": None}).status_code == 400
    assert applicant.get("/cases").status_code == 200
    form = form_of(applicant.get("/cases/new?procedure=dibao_edge"), "/cases/new")
    inputs = {**dibao_edge_inputs(), "idempotency_key": uuid.uuid4().hex}
    assert applicant.submit(form, {**inputs, "csrf_token": None}).status_code == 400
    # A token from another session is not this session's.
    assert applicant.submit(form, {**inputs, "csrf_token": staff_token}).status_code == 400
    assert count(db, Case) == 1

    # The same forms with their tokens go through.
    case_id_of(redirected_to(applicant.submit(form, inputs)))
    assert count(db, Case) == 2
    redirected_to(staff.submit(accept))
    assert state_badge(staff.get(f"/cases/{filed}")) == "已受理，待提请信息核对"


def test_the_login_form_needs_its_token_too(app: Flask) -> None:
    browser = Browser(app)
    browser.get("/login")
    response = browser.client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400
    assert redirected_to(browser.client.get("/admin")).startswith("/login")


# ---------------------------------------------------------------------------------------------
# Area scope


@pytest.mark.parametrize("outsider", ["yongji", "chengxi", "jiezhou", "xiguan", "chenzhiqiang"])
def test_no_page_shows_a_case_outside_the_users_area(app: Flask, accepted: int, outsider: str) -> None:
    document_id = document_links(sign_in(app, "beicheng").get(f"/cases/{accepted}"))["低保边缘家庭认定申请书"]
    browser = sign_in(app, outsider)
    page = browser.get(f"/cases/{accepted}", expect=404)
    assert "没有找到" in text(page) and "王建国" not in text(page)
    browser.get(f"/documents/{document_id}.pdf", expect=404)
    browser.get(f"/cases/{accepted}/household", expect=404)
    assert f'href="/cases/{accepted}"' not in html(browser.get("/cases"))
    role_home = redirected_to(browser.client.get("/"))
    if role_home == "/queue":
        assert f'href="/cases/{accepted}"' not in html(browser.get("/queue"))
    # Nor can they act on it or add to it.
    token = re.search(r'name="csrf_token" value="([^"]+)"', html(page))
    assert token
    response = browser.client.post(f"/cases/{accepted}/actions/accept", data={"csrf_token": token.group(1)})
    assert response.status_code == 404
    upload = browser.client.post(
        f"/cases/{accepted}/evidence",
        data={
            "csrf_token": token.group(1),
            "kind": "other",
            "title": "x",
            "file": (BytesIO(TINY_PDF), "x.pdf"),
        },
    )
    assert upload.status_code == 404


def test_the_county_and_the_village_of_the_area_see_the_case(app: Flask, accepted: int) -> None:
    county = sign_in(app, "yanhu")
    assert f'href="/cases/{accepted}"' in html(county.get("/cases"))
    assert "王建国" in text(county.get(f"/cases/{accepted}"))
    village = sign_in(app, "huaidong")
    assert f'href="/cases/{accepted}"' in html(village.get("/cases"))
    page = village.get(f"/cases/{accepted}")
    assert "低保边缘家庭认定申请书" in document_links(page)


def test_the_other_applicant_has_no_such_case(app: Flask, filed: int) -> None:
    other = sign_in(app, "chenzhiqiang")
    assert "您还没有提出申请" in text(other.get("/cases"))
    other.get(f"/cases/{filed}", expect=404)
    other.get(f"/cases/{filed}/evidence/1", expect=404)


# ---------------------------------------------------------------------------------------------
# Dashboard and administration


def test_the_county_dashboard_counts_the_cases(app: Flask, accepted: int) -> None:
    file_case(sign_in(app, "chenzhiqiang"), "illness_poverty", illness_poverty_inputs())
    page = sign_in(app, "yanhu").get("/dashboard")
    tiles = dict(
        (label, int(value))
        for value, label in re.findall(
            r'<span class="tile-value">(\d+)</span><span class="tile-label">(.*?)</span>', html(page)
        )
    )
    assert tiles["案件总数"] == 2 and tiles["办理中"] == 2, tiles
    assert "<svg" in html(page)
    source = html(page)
    for township in ("北城街道", "解州镇"):  # open, closed
        assert f'<tr><td>{township}</td><td class="num">1</td><td class="num">0</td></tr>' in source
    assert '<tr><td>2025年9月</td><td class="num">2</td><td class="num">0</td></tr>' in source

    # 永济市 counts only its own: nothing.
    other = sign_in(app, "yongji").get("/dashboard")
    assert re.search(
        r'<span class="tile-value">0</span><span class="tile-label">案件总数</span>', html(other)
    )


@pytest.mark.parametrize("username", ["wangjianguo", "huaidong"])
def test_the_dashboard_is_refused_to_applicants_and_villages(app: Flask, username: str) -> None:
    page = sign_in(app, username).get("/dashboard", expect=403)
    assert "没有权限" in text(page)


# Each page with its heading and something only it shows.
ADMIN_PAGES = {
    "/admin": ("系统管理", "计算工作日期限所用的各年节假日安排"),
    "/admin/areas": ("行政区域", "解州镇 140802101 （2个村、社区） 西关村 140802101001"),
    "/admin/users": ("账号与角色", "chenzhiqiang 陈志强 申请人或代理人"),
    "/admin/holidays": ("节假日安排", "2025 chinesecalendar 软件包"),
    "/admin/parameters": ("认定参数", "运民发〔2023〕65号 第八条（四）"),
}


def test_the_administration_pages_render_for_the_administrator(app: Flask) -> None:
    admin = sign_in(app, "admin")
    for path, (heading, shown) in ADMIN_PAGES.items():
        page = admin.get(path)
        assert f"<h1>{heading}" in html(page) and shown in text(page), path


@pytest.mark.parametrize("username", ["wangjianguo", "beicheng", "huaidong", "yanhu"])
def test_the_administration_pages_are_refused_to_others(app: Flask, username: str) -> None:
    browser = sign_in(app, username)
    for path in ADMIN_PAGES:
        if path == "/admin/parameters" and username == "yanhu":
            # The county reads the parameters in force (its own dibao standard among them).
            assert "<h1>认定参数" in html(browser.get(path))
            continue
        assert "没有权限" in text(browser.get(path, expect=403)), path
    # Posting to an administration form is refused as well.
    token = form_of(browser.get("/cases"), "/logout").value("csrf_token") or ""
    response = browser.client.post(
        "/admin/areas",
        data={
            "csrf_token": token,
            "code": "140802001999",
            "name": "新村",
            "level": "village",
            "parent": "140802001",
        },
    )
    assert response.status_code == 403


def test_the_administrator_adds_an_area_through_the_form(app: Flask) -> None:
    admin = sign_in(app, "admin")
    page = admin.get("/admin/areas")
    inputs = {"code": "140802001009", "name": "新建社区", "level": "village", "parent": "140802001"}
    response = admin.submit(form_of(page, "/admin/areas"), inputs)
    assert redirected_to(response) == "/admin/areas"
    assert "新建社区" in text(admin.get("/admin/areas"))
    # The same code again is refused beside the field.
    response = admin.submit(form_of(admin.get("/admin/areas"), "/admin/areas"), inputs)
    assert 400 <= response.status_code < 500
    assert field_error(response, "code")


# ---------------------------------------------------------------------------------------------
# 因病致贫重病患者认定


def test_illness_poverty_filed_with_a_medical_expense_and_accepted_by_the_township(
    app: Flask, db: Database
) -> None:
    applicant = sign_in(app, "chenzhiqiang")
    page = applicant.get("/cases/new?procedure=illness_poverty")
    form = form_of(page, "/cases/new")
    assert form.value("patient") == "m1" and "medical_expenses-0-out_of_pocket" in form.names()
    case_id = file_case(applicant, "illness_poverty", illness_poverty_inputs())
    page = applicant.get(f"/cases/{case_id}")
    household = text(section(page, "household"))
    assert "运城市中心医院" in household and "36000.00" in household and "患者 陈志强" in household

    staff = sign_in(app, "jiezhou")
    assert f'href="/cases/{case_id}"' in html(staff.get("/queue"))
    assert f'href="/cases/{case_id}"' not in html(sign_in(app, "beicheng").get("/queue"))
    page = act(staff, case_id, "accept")
    assert "已办理" in text(page)
    assert "受理日期 2025-09-22" in text(section(page, "filing"))
    assert "65号" in text(section(page, "decision"))
    # 附件1 is an internal form: staff read it, the applicant does not.
    links = document_links(page)
    assert "因病致贫重病患者申请审核确认表" in links, links
    pdf = staff.get(f"/documents/{links['因病致贫重病患者申请审核确认表']}.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    mine = applicant.get(f"/cases/{case_id}")
    assert "因病致贫重病患者申请审核确认表" not in document_links(mine)
    applicant.get(f"/documents/{links['因病致贫重病患者申请审核确认表']}.pdf", expect=404)


# ---------------------------------------------------------------------------------------------
# Lists to other agencies (64号 第二十五条; 65号 第十七条)


def test_the_county_makes_the_monthly_list_and_downloads_it(app: Flask) -> None:
    county = sign_in(app, "yanhu")
    page = county.get("/lists")
    assert "报送名单" in text(page) and re.search(r"待推送：\s*0\s*人", text(page))
    form = form_of(page, "/lists/edge_medical_monthly")
    # By the 10th, the month before (64号 第二十五条): the form proposes it.
    previous = TODAY.replace(day=1) - timedelta(days=1)
    assert form.value("period") == f"{previous.year}-{previous.month:02d}"

    refused = county.submit(form, {"period": "2025-13"})
    assert refused.status_code == 422
    assert field_error(refused, "monthly-period") == "月份应写作 YYYY-MM，如 2025-10"

    made = county.submit(form_of(county.get("/lists"), "/lists/edge_medical_monthly"), {"period": "2025-08"})
    listing = county.get(redirected_to(made))
    assert "已生成《2025年8月低保边缘家庭新增和退出名单》盐民边医〔2025〕1号" in text(listing)
    links = [href for href in re.findall(r'href="(/documents/\d+\.(?:pdf|xlsx))"', html(listing))]
    assert {link.rsplit(".", 1)[1] for link in links} == {"pdf", "xlsx"}
    pdf = county.get(next(link for link in links if link.endswith(".pdf")))
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    xlsx = county.get(next(link for link in links if link.endswith(".xlsx")))
    assert xlsx.data.startswith(b"PK")

    again = county.submit(form_of(county.get("/lists"), "/lists/edge_medical_monthly"), {"period": "2025-08"})
    assert "本期名单没有变化" in text(county.get(redirected_to(again)))


@pytest.mark.parametrize("username", ["beicheng", "wangjianguo", "huaidong", "admin"])
def test_the_lists_page_is_the_countys(app: Flask, username: str) -> None:
    browser = sign_in(app, username)
    browser.get("/lists", expect=403)


# ---------------------------------------------------------------------------------------------
# Parameters: a new dated value with its source document


def test_the_county_enters_a_new_dibao_standard_on_the_parameters_page(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENTRY_DIR_VARIABLE, str(tmp_path / "entered"))
    county = sign_in(app, "yanhu")
    page = county.get("/admin/parameters?county=140802&on=2025-09-22")
    form = form_of(page, "/admin/parameters/entries")
    assert form.value("county") == "140802"

    refused = county.submit(form, {"kind": "dibao_standard", "area": "urban", "effective_from": "2025-07-01",
                                   "amount": "七百六", "source": ""})  # fmt: skip
    assert refused.status_code == 422
    assert field_error(refused, "entry-amount") == "应为金额，以元为单位，最多两位小数，如 760.00"
    assert "来源文件" in field_error(refused, "entry-source")

    source = "运城市民政局《关于调整城乡低保标准的通知》（测试用）"
    entry = {"kind": "dibao_standard", "area": "urban", "amount": "760.00", "source": source}
    done = county.submit(
        form_of(county.get("/admin/parameters"), "/admin/parameters/entries"),
        {**entry, "effective_from": "2025-10-01"},
    )
    shown = county.get(redirected_to(done) + "&on=2025-10-10")
    assert "已录入城乡最低生活保障标准：140802 城市 760.00元，自2025-10-01起施行（录入第" in text(shown)
    assert source in text(shown) and "760.00" in text(shown)
    assert "施行中" in text(shown)
    assert not (tmp_path / "entered").exists()  # a record, not a file

    # Effective before today: it waits for an administrator, who is someone else.
    backdated = county.submit(
        form_of(county.get("/admin/parameters"), "/admin/parameters/entries"),
        {**entry, "effective_from": "2025-07-01", "amount": "750.00"},
    )
    assert "待另一名管理员批准后施行" in text(county.get(redirected_to(backdated)))
    admin = sign_in(app, "admin")
    page = admin.get("/admin/parameters")
    approve = next(f for f in forms_of(page) if f.action.endswith("/approve"))
    approved = admin.submit(approve)
    assert "已批准参数录入第" in text(admin.get(redirected_to(approved)))


@pytest.mark.parametrize("username", ["wangjianguo", "huaidong"])
def test_the_rechecks_page_is_for_township_and_county_staff(app: Flask, username: str) -> None:
    sign_in(app, username).get("/rechecks", expect=403)
    page = sign_in(app, "beicheng").get("/rechecks?within=366")
    assert "低保边缘家庭定期核查" in text(page) and "366日内没有到期的定期核查" in text(page)


# ---------------------------------------------------------------------------------------------
# Reports (64号 第三十条)


def test_a_real_name_report_is_recorded_checked_and_answered_through_the_pages(app: Flask) -> None:
    county = sign_in(app, "yanhu")
    page = county.get("/reports")
    form = form_of(page, "/reports/new")
    refused = county.submit(
        form, {"real_name": "yes", "subject": "反映低保边缘家庭隐瞒收入", "content": "见附件"}
    )
    assert refused.status_code == 422 and field_error(refused, "reporter_name") == "必填"

    created = county.submit(
        form_of(county.get("/reports"), "/reports/new"),
        {"real_name": "yes", "reporter_name": "张某", "reporter_contact": "13800000000",
         "subject": "反映低保边缘家庭隐瞒收入", "content": "该户有经营收入未申报"},
    )  # fmt: skip
    report_path = redirected_to(created)
    report = county.get(report_path)
    assert "已登记，待分派" in text(report)
    assigned = county.submit(form_of(report, f"{report_path}/assign"), {"assignee": "beicheng"})
    township = sign_in(app, "beicheng")
    page = township.get(redirected_to(assigned))
    assert "已分派，核查中" in text(page)
    verified = township.submit(
        form_of(page, f"{report_path}/verify"), {"substantiated": "no", "findings": "经核实无经营收入"}
    )
    page = township.get(redirected_to(verified))
    answered = township.submit(
        form_of(page, f"{report_path}/answer"), {"method": "phone", "answer": "经核实不属实"}
    )
    assert "已反馈举报人" in text(township.get(redirected_to(answered)))
    sign_in(app, "jiezhou").get(report_path, expect=404)
    sign_in(app, "wangjianguo").get("/reports", expect=403)


# ---------------------------------------------------------------------------------------------
# Monitoring households from the 乡村振兴 bureau (64号 第十五条、第二十五条)


def test_the_county_imports_the_monitoring_list_and_the_township_files_from_it(app: Flask) -> None:
    county = sign_in(app, "yanhu")
    page = county.get("/referrals")
    bad = county.submit(form_of(page, "/referrals/import"), files={"file": (b"x", "list.txt", "text/plain")})
    assert bad.status_code == 422 and field_error(bad, "file") == "请上传 .csv 或 .xlsx 文件"
    csv = (
        "户主姓名,身份证号码,监测类别,识别日期,识别部门,村（社区）代码\n"
        f"王建国,140802198003151239,脱贫不稳定户,2025-09-01,盐湖区乡村振兴局,{HUAIDONG}\n"
    ).encode("utf-8-sig")
    done = county.submit(form_of(county.get("/referrals"), "/referrals/import"),
                         files={"file": (csv, "监测户.csv", "text/csv")})  # fmt: skip
    assert done.status_code == 200 and "已导入 1 户" in text(done)

    township = sign_in(app, "beicheng")
    listing = township.get("/referrals")
    link = re.search(r'href="(/cases/new\?procedure=dibao_edge&amp;referral=\d+)"', html(listing))
    assert link is not None
    form_page = township.get(unescape(link.group(1)))
    form = form_of(form_page, "/cases/new")
    assert (form.value("members-0-name"), form.value("monitoring_household_category")) == (
        "王建国",
        "unstable",
    )
    assert form.value("referral_id") is not None and "直接认定（64号 第十五条）" in text(form_page)
    inputs = {k: v for k, v in dibao_edge_inputs().items() if k != "village"}
    case_id = case_id_of(redirected_to(township.submit(form, {**inputs, "channel": "self"})))
    case_page = township.get(f"/cases/{case_id}")
    assert "脱贫不稳定户" in text(case_page)
    assert "没有待办理的名单对象" in text(township.get("/referrals"))


# ---------------------------------------------------------------------------------------------
# Batch jobs


def test_the_county_runs_a_what_if_from_the_jobs_page(app: Flask) -> None:
    app.config["JOBS_RUN"] = "inline"
    county = sign_in(app, "yanhu")
    page = county.get("/jobs")
    refused = county.submit(form_of(page, "/jobs/what_if"), {"urban": "八百"})
    assert refused.status_code == 422 and field_error(refused, "urban")
    done = county.submit(form_of(county.get("/jobs"), "/jobs/what_if"), {"urban": "800.00"})
    result = county.get(redirected_to(done))
    assert "政策测算 · 盐湖区" in text(result) and "已完成" in text(result)
    assert "Refresh" not in result.headers
    sign_in(app, "beicheng").get("/jobs", expect=403)


def test_a_medical_alert_is_set_aside_by_the_township_with_its_reason(app: Flask) -> None:
    county = sign_in(app, "yanhu")
    csv = (
        "姓名,身份证号码,预警日期,预警原因,村（社区）代码\n"
        f"王小明,140802201209011236,2025-09-12,住院自付费用高,{HUAIDONG}\n"
    )
    done = county.submit(
        form_of(county.get("/referrals"), "/referrals/import"),
        {"kind": "medical_alerts"},
        files={"file": (csv.encode("utf-8-sig"), "医保预警.csv", "text/csv")},
    )
    assert done.status_code == 200 and "已导入 1 户" in text(done)
    township = sign_in(app, "beicheng")
    listing = township.get("/referrals")
    assert "登记因病致贫申请" in text(listing) and "住院自付费用高" in text(listing)
    dismiss = next(f for f in forms_of(listing) if f.action.endswith("/dismiss"))
    after = township.get(redirected_to(township.submit(dismiss, {"reason": "已纳入低保，医疗救助已落实"})))
    assert "已记录核查情况，不予登记申请" in text(after)
    assert "已纳入低保，医疗救助已落实" in text(township.get("/referrals?status=dismissed"))


def test_the_administrator_enters_a_holiday_notice_by_its_dates(app: Flask) -> None:
    admin = sign_in(app, "admin")
    form = form_of(admin.get("/admin/holidays"), "/admin/holidays/dates")
    done = admin.submit(
        form,
        {
            "year": "2027",
            "source": "国务院办公厅关于2027年部分节假日安排的通知",
            "holidays": "2027-01-01\n2027-02-10至2027-02-16",
            "workdays": "2027-02-06",
        },
    )
    listing = admin.get(redirected_to(done))
    assert "已录入2027年节假日安排" in text(listing)
    assert "国务院办公厅关于2027年部分节假日安排的通知" in text(listing)
    refused = admin.submit(
        form_of(admin.get("/admin/holidays"), "/admin/holidays/dates"),
        {"year": "2027", "source": "x", "holidays": "春节"},
    )
    assert refused.status_code == 422 and "春节" in field_error(refused, "holidays")


def test_the_state_filter_names_its_procedure(app: Flask, filed: int) -> None:
    """Both procedures have a 已申请 state: the filter's choice says whose (issue 19)."""
    county = sign_in(app, "yanhu")
    assert f'href="/cases/{filed}"' in html(county.get("/cases?state=dibao_edge:filed"))
    assert f'href="/cases/{filed}"' not in html(county.get("/cases?state=illness_poverty:filed"))
    assert 'value="illness_poverty:filed"' in html(county.get("/cases"))
