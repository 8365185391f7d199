"""The web pages in a real browser: Debian's Chromium, headless, driven by Playwright.

For each procedure an applicant files an application on a phone, through the filing form; staff
at the village, the township and the county then take the case, at a desk PC, through the case
page's own action forms to the final decision; and the applicant finally sees the decision and
downloads the notice as a PDF. Full-page screenshots of the main pages go to build/screenshots/.

The service runs for real (werkzeug on a local port, a migrated SQLite database); its date is a
clock the test moves past each publicity's last day, as a user would wait for it.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from browser_support import (
    CHROMIUM,
    PARAMETERS,
    Clock,
    LiveServer,
    Values,
    act,
    case_id_from_url,
    day_after_publicity,
    fill_household,
    live_server,
    log_in,
    new_context,
    open_case,
    screenshot,
)
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from assistance.demo import CHEN_ZHIQIANG
from assistance.parameters import ENVIRONMENT_VARIABLE

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (not installed)", allow_module_level=True
    )

HUAIDONG = "140802001001"  # 盐湖区 北城街道 槐东社区 (demo)
XIGUAN = "140802101001"  # 盐湖区 解州镇 西关村 (demo)

# Playwright waits for elements and navigations by itself; this bounds each wait (issuing a
# notice renders a PDF inside the request).
TIMEOUT_MS = 15_000

# The demo families (assistance.demo), as the applicants type them into the filing form.
EDGE_TOP = {"hukou_type": "urban", "address": "盐湖区北城街道槐东社区3号楼2单元"}
EDGE_ROWS: dict[str, list[Values]] = {
    "members": [
        {"name": "王建国", "id_number": "140802198003151239", "relation": "self", "hukou_region": "140802"},
        {"name": "李秀英", "id_number": "140802198206111237", "relation": "spouse", "hukou_region": "140802"},
        {"name": "王小明", "id_number": "140802201209011236", "relation": "child", "hukou_region": "140802"},
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
ILLNESS_TOP = {"hukou_type": "rural", "address": "盐湖区解州镇西关村"}
ILLNESS_ROWS: dict[str, list[Values]] = {
    "members": [
        {
            "name": "陈志强",
            "id_number": CHEN_ZHIQIANG,
            "relation": "self",
            "hukou_region": "140802",
            "medical_insurance_scheme": "resident",
            "medical_insurance_region": "140802",
        },
        {"name": "刘美华", "id_number": "140802198206111237", "relation": "spouse", "hukou_region": "140802"},
    ],
    "incomes": [
        {"member": "m2", "kind": "wage", "amount": "26000.00", "note": "务工收入"},
        {"member": "m1", "kind": "business", "amount": "12000.00", "note": "患病前种植收入"},
    ],
    "assets": [{"owner": "m1", "kind": "deposit", "value": "8000.00"}],
    # In hospital 60 days before the application (2025-09-22).
    "medical_expenses": [
        {
            "date": "2025-07-24",
            "type": "inpatient",
            "institution": "运城市中心医院",
            "policy_scope_personal_burden": "30000.00",
            "mutual_aid": "2000.00",
            "out_of_pocket": "36000.00",
        }
    ],
}


@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def chromium(playwright_driver: Playwright) -> Iterator[Browser]:
    browser = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
    expect.set_options(timeout=TIMEOUT_MS)
    yield browser
    expect.set_options(timeout=5_000)
    browser.close()


@pytest.fixture
def clock() -> Clock:
    return Clock(date(2025, 9, 22))


@pytest.fixture
def server(tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    # The shipped parameters have no minimum wage or medical deductible; the demo values do.
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(PARAMETERS))
    with live_server(tmp_path / "browser.sqlite3", clock) as running:
        yield running


Desk = Callable[[str], Page]


@pytest.fixture
def desk(chromium: Browser, server: LiveServer) -> Iterator[Desk]:
    """``desk("beicheng")``: that user's page, signed in at a desk PC in a browser profile of
    their own (so the sessions of several users stay apart, as on their own computers)."""
    contexts: list[BrowserContext] = []
    pages: dict[str, Page] = {}

    def open_desk(username: str) -> Page:
        if username not in pages:
            context = new_context(chromium, server, phone=False)
            context.set_default_timeout(TIMEOUT_MS)
            contexts.append(context)
            page = context.new_page()
            log_in(page, username)
            pages[username] = page
        return pages[username]

    yield open_desk
    for context in contexts:
        context.close()


@pytest.fixture
def phone(chromium: Browser, server: LiveServer) -> Iterator[Page]:
    """A phone-sized browser for the applicant."""
    context = new_context(chromium, server, phone=True)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def start_application(page: Page, applicant: str, procedure_link: str, shot: str | None) -> None:
    """Sign in as the applicant and open the filing form from "我的申请"."""
    log_in(page, applicant, shot)
    expect(page).to_have_url(re.compile(r"/cases$"))
    expect(page.get_by_role("heading", name="我的申请")).to_be_visible()
    page.get_by_role("link", name=procedure_link).click()
    expect(page.locator("form[data-household-form]")).to_be_visible()


def sign_and_submit(page: Page, shot: str) -> int:
    """Tick the authorisation and the commitment, submit, and land on the new case's page."""
    page.locator("#economic_check_authorised").check()
    page.locator("#commitment_signed").check()
    screenshot(page, shot)
    page.locator(".form-actions").get_by_role("button", name="提交申请").click()
    problems = page.locator(".error-summary")
    flash = page.locator(".flash-success")
    expect(flash.or_(problems).first).to_be_visible()
    if problems.count():
        raise AssertionError(f"filing refused on {page.url}: {problems.first.inner_text()}")
    expect(flash).to_have_text("申请已提交。")
    return case_id_from_url(page)


def open_from_queue(page: Page, case_number: str, shot: str | None = None) -> None:
    """Open the case from the user's work queue by its number."""
    page.goto("/queue")
    link = page.locator("table.data").get_by_role("link", name=case_number)
    expect(link).to_be_visible()
    if shot:
        screenshot(page, shot)
    link.click()
    expect(page.locator(".case-head h1")).to_contain_text(case_number)


def move_past_publicity(page: Page, clock: Clock) -> None:
    """Wait (on the service's clock) until the day after the newest publicity's last day."""
    clock.today = day_after_publicity(page)
    page.reload()
    expect(page.locator("footer")).to_contain_text(f"今天：{clock.today.isoformat()}")


def final_notice_pdf(page: Page, case_number: str, state: str, notice_title: str, shot: str) -> bytes:
    """The applicant's view of the decided case, opened from "我的申请", and the notice downloaded
    from it."""
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的申请").click()
    listed = page.locator("table.data tr").filter(has_text=case_number)
    expect(listed).to_contain_text(state)
    listed.get_by_role("link", name=case_number).click()
    badge = page.locator(".case-head .badge.state")
    expect(badge).to_have_text(state)
    expect(badge).to_have_class(re.compile(r"\bstate-final\b"))
    notices = page.locator("section#notices")
    expect(notices.get_by_role("heading", name="通知书与文书")).to_be_visible()
    row = notices.locator("tr").filter(has_text=notice_title)
    expect(row).to_have_count(1)
    screenshot(page, shot)
    link = row.get_by_role("link", name="PDF")
    expect(link).to_have_attribute("href", re.compile(r"^/documents/\d+\.pdf$"))
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    return Path(download.path()).read_bytes()


def test_dibao_edge_from_phone_filing_to_recognition_notice(phone: Page, desk: Desk, clock: Clock) -> None:
    # The applicant files on a phone.
    start_application(phone, "wangjianguo", "申请低保边缘家庭认定", shot="login")
    expect(phone.get_by_role("heading", name="低保边缘家庭认定申请")).to_be_visible()
    phone.locator("#village").select_option(HUAIDONG)
    phone.locator("#channel").select_option("self")
    fill_household(phone, EDGE_TOP, EDGE_ROWS)
    # On a 390 px phone the form fits the screen's width: nothing to scroll sideways (issue 19).
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    case_id = sign_and_submit(phone, "filing-form-dibao-edge")
    number = phone.locator(".case-head h1").inner_text().split()[0]
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(phone.locator(".case-head .badge.state")).to_have_text("已申请，待材料审查")
    expect(phone.locator("section#household")).to_contain_text("李秀英")
    screenshot(phone, "case-applicant-dibao-edge")

    # 北城街道 accepts and asks the county for the information check.
    township = desk("beicheng")
    open_from_queue(township, number, shot="queue-township")
    expect(township.locator("section#decision")).to_be_visible()
    expect(township.locator("section#decision .outcome")).to_have_class(re.compile(r"\boutcome-eligible\b"))
    screenshot(township, "case-township-rules-engine")
    act(township, "accept", expect_state="已受理，待提请信息核对")
    # The step after acceptance is timed (issue 19): a few days on, the queue flags it, with the
    # working days late, and the search finds the case by the applicant's last four digits.
    accepted_on = clock.today
    clock.today = accepted_on + timedelta(days=7)
    township.goto("/queue?overdue=1")
    late = township.locator("table.data tr").filter(has_text=number)
    expect(late).to_contain_text("王建国")
    expect(late.locator(".badge.status-overdue")).to_contain_text(re.compile(r"已逾期\d+个工作日"))
    township.get_by_label("查找").fill("1239")
    township.get_by_role("button", name="查找").click()
    expect(township.locator("table.data tr").filter(has_text=number)).to_be_visible()
    clock.today = accepted_on
    open_case(township, case_id)
    act(township, "request_information_check", expect_state="县级信息核对中")

    # 盐湖区 records the check's result.
    county = desk("yanhu")
    open_from_queue(county, number)
    act(county, "record_check_qualified", {"findings": "未发现超标收入和财产"}, expect_state="调查核实中")

    # 槐东社区 records the home visit.
    village = desk("huaidong")
    open_from_queue(village, number)
    act(
        village,
        "record_investigation",
        {
            "method": "home_visit",
            "conducted_on": clock.today.isoformat(),
            "investigators": "张明、李华",
            "findings": "共同生活三人，与申报一致",
        },
    )

    # 北城街道 publicises in the community, closes the publicity after it ends, and approves.
    open_case(township, case_id)
    act(township, "start_publicity", {"place": "槐东社区公示栏"}, expect_state="村（社区）公示中")
    move_past_publicity(township, clock)
    act(township, "close_publicity", expect_state="待乡镇提出初审意见")
    act(
        township,
        "give_initial_opinion",
        {"decision": "approve", "reasons": "人均收入在低保边缘区间"},
        expect_state="县级审查确认中",
    )

    # 盐湖区 confirms; the confirmation is publicised again, then the family is recognised.
    open_from_queue(county, number)
    act(
        county,
        "confirm",
        {"reasons": "经审查符合认定条件", "place": "槐东社区公示栏"},
        expect_state="确认后村（社区）公示中",
    )
    move_past_publicity(county, clock)
    act(county, "close_county_publicity", expect_state="已认定为低保边缘家庭")
    county.goto("/dashboard")
    expect(county.get_by_role("heading", name=re.compile("^统计"))).to_be_visible()
    expect(county.locator(".stat-tiles")).to_contain_text("案件总数")
    screenshot(county, "dashboard-county")

    # The applicant sees the decision and downloads the notice.
    pdf = final_notice_pdf(
        phone,
        number,
        "已认定为低保边缘家庭",
        "低保边缘家庭认定通知书",
        "case-applicant-dibao-edge-recognised",
    )
    assert pdf.startswith(b"%PDF"), pdf[:32]

    # The county downloads the whole file (一户一档), and anyone checks the printed notice by its
    # verification code on the public page (扫码验真; issue 19).
    archive = county.request.get(f"/cases/{case_id}/archive.zip")
    assert archive.ok and archive.body().startswith(b"PK")
    printed = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    code = re.search(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}", printed)
    assert code is not None, printed[-300:]
    phone.goto("/verify")
    phone.get_by_label("验真码").fill(code.group(0))
    phone.get_by_role("button", name="查验").click()
    expect(phone.locator("#verified")).to_contain_text("系统印发过这份文书")
    expect(phone.locator("#verified")).not_to_contain_text("王建国")


def test_illness_poverty_from_phone_filing_to_recognition_notice(
    phone: Page, desk: Desk, clock: Clock
) -> None:
    # The patient files on a phone, with the hospital bills of the last twelve months.
    start_application(phone, "chenzhiqiang", "申请因病致贫重病患者认定", shot=None)
    expect(phone.get_by_role("heading", name="因病致贫重病患者认定申请")).to_be_visible()
    phone.locator("#village").select_option(XIGUAN)
    phone.locator("#channel").select_option("self")
    fill_household(phone, ILLNESS_TOP, ILLNESS_ROWS)
    expect(phone.locator("#members-0 input[name=patient]")).to_be_checked()
    expect(phone.locator("#medical_expenses-0-designated")).to_be_checked()
    case_id = sign_and_submit(phone, "filing-form-illness-poverty")
    number = phone.locator(".case-head h1").inner_text().split()[0]
    expect(phone.locator(".case-head .badge.state")).to_have_text("已申请，待材料审查")
    expect(phone.locator("section#household")).to_contain_text("运城市中心医院")
    screenshot(phone, "case-applicant-illness-poverty")

    # 解州镇 accepts and starts the investigation.
    township = desk("jiezhou")
    open_from_queue(township, number, shot="queue-township-illness-poverty")
    expect(township.locator("section#decision .outcome")).to_have_class(re.compile(r"\boutcome-eligible\b"))
    screenshot(township, "case-township-rules-engine-illness-poverty")
    act(township, "accept", expect_state="已受理，待启动调查")
    act(township, "start_investigation", expect_state="家庭经济状况调查中")

    # 西关村 visits the family; 盐湖区 records the information check.
    village = desk("xiguan")
    open_from_queue(village, number)
    act(
        village,
        "record_investigation",
        {
            "method": "home_visit",
            "conducted_on": clock.today.isoformat(),
            "investigators": "西关村 王主任",
            "findings": "患者住院，家庭收入主要来自配偶务工",
        },
    )
    county = desk("yanhu")
    open_from_queue(county, number)
    act(county, "record_check_qualified", {"findings": "信息核对符合条件"})

    # 解州镇 publicises its initial opinion and closes the publicity after it ends.
    open_case(township, case_id)
    act(
        township,
        "start_publicity",
        {"place": "西关村公示栏", "reasons": "医疗费用负担重，符合初审条件"},
        expect_state="初审意见公示中",
    )
    move_past_publicity(township, clock)
    act(township, "close_publicity", expect_state="县级审核中")

    # 盐湖区 confirms.
    open_from_queue(county, number)
    act(
        county,
        "confirm",
        {"reasons": "符合因病致贫重病患者认定条件"},
        expect_state="已认定为因病致贫重病患者",
    )
    county.goto("/dashboard")
    expect(county.locator(".stat-tiles")).to_contain_text("案件总数")
    screenshot(county, "dashboard-county-illness-poverty")

    pdf = final_notice_pdf(
        phone,
        number,
        "已认定为因病致贫重病患者",
        "因病致贫重病患者认定通知书",
        "case-applicant-illness-poverty-recognised",
    )
    assert pdf.startswith(b"%PDF"), pdf[:32]
