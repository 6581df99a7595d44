"""The console in a real browser: Debian's Chromium driven by Playwright against a real
`smscd serve` on demo data (docs/console.md, "What the browser tests cover").

Pages are found by following the navigation, not listed here, so a page added to a menu is
walked, checked for errors and checked for accessibility without a change to this file.
Select these tests with ``-m browser``; they skip, saying why, where Debian's Chromium is
not installed (``.ci/run`` installs it and sets ``SMSCD_TEST_REQUIRE_BROWSER``, which turns
the skip into a failure).
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from smscd.console.words import WORDS
from smscd.db.engine import sync_engine
from smscd.demo import seed
from tests.conftest import BACKENDS, TEST_PASSWORDS, postgres_database
from tests.console.chromium import (
    CHROMIUM,
    Trouble,
    axe_violations,
    describe,
    launch,
    log_in,
    walk_navigation,
)
from tests.servers import smscd_serve

if not CHROMIUM.exists():
    reason = f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run does)"
    if os.environ.get("SMSCD_TEST_REQUIRE_BROWSER"):
        raise RuntimeError(reason)
    pytest.skip(reason, allow_module_level=True)

from playwright.sync_api import Browser, BrowserContext, Page, Response, expect, sync_playwright

pytestmark = pytest.mark.browser

# The demo's accounts (smscd/demo/seed.py): demo in Russian, demo2 in English.
ACCOUNTS = [("demo2", "demo2"), ("demo", "demo")]
OPERATOR = ("browser-operator", "operator-password-1")
# The simulator always fails numbers starting 7999000 (smscd/demo/sending.py), after its
# delay of a few seconds: a status that is certain to change from "waiting" to 20.
UNDELIVERABLE = "79990001234"
WAIT_MS = 30_000
EN = WORDS["en"]
PYTHON_REPR = re.compile(r"<(?:built-in|bound method|function) [^>]*>|object at 0x[0-9a-f]+")


@dataclass
class Demo:
    url: str
    database_url: str
    directory: Path


# Where each test runs: the pages that read and write data on both databases, the rest
# (the browser's side only) on SQLite. Every test names its server, so each server starts
# once for the tests that share it.
ON_BOTH = pytest.mark.parametrize("demo", BACKENDS, indirect=True)
ON_SQLITE = pytest.mark.parametrize("demo", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    """`smscd serve` on the demo's data, seeded now, on SQLite and PostgreSQL."""
    directory = tmp_path_factory.mktemp("browser")
    urls: Iterator[str]
    if request.param == "sqlite":
        urls = iter([f"sqlite:///{directory / 'demo.db'}"])
    else:
        urls = postgres_database()
    url = next(urls)
    engine = sync_engine(url)
    seed.seed(engine, TEST_PASSWORDS, messages=300, seed=3, now=int(time.time()))
    engine.dispose()
    with smscd_serve(url, directory, workers=1) as server:
        yield Demo(server.url, url, directory)
    for _ in urls:  # drops the PostgreSQL database
        pass


@pytest.fixture(scope="module")
def chromium(demo: Demo) -> Iterator[Browser]:
    """One browser per server. It depends on ``demo`` only to be stopped before the next
    server is seeded: Playwright's sync API keeps an event loop running in this thread, and
    the seeding runs one of its own (asyncio.run)."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def context(chromium: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) per test; the browser itself is shared."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(WAIT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


class Checks:
    """The checks of every page: it loads with 200, without console errors, failed requests
    or HTTP errors, shows no error message, and has no serious or critical accessibility
    violations."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.trouble = Trouble()
        self.trouble.watch(page)
        self.problems: list[str] = []

    def walk(self, start: str) -> list[str]:
        """Check every page of the navigation from ``start``; the URLs walked."""
        walked = []
        for url, response in walk_navigation(self.page, start, self.trouble.lines.clear):
            self.check(url, response)
            walked.append(url)
        return walked

    def visit(self, url: str) -> None:
        """Check one page (leaving the last one first, as the walk does)."""
        self.page.goto("about:blank")
        self.trouble.lines.clear()
        self.check(url, self.page.goto(url))

    def check(self, url: str, response: Response | None) -> None:
        assert response is not None
        if response.status != 200:
            self.problems.append(f"{url}: HTTP {response.status}")
        self.page.wait_for_load_state("networkidle")
        # A page reached from the menu, before any input, has nothing to complain about
        # (the stats page once did: its per-day get_stat calls overran the API's limit).
        alerts = self.page.locator("[role=alert]").all_inner_texts()
        self.problems += [f"{url}: shows an error: {text}" for text in alerts]
        # A template that printed a Python object: `w.keys` is the words dict's method, not
        # its "keys" word (the API keys link once read "<built-in method keys of dict ...>").
        shown = self.page.locator("body").inner_text()
        self.problems += [f"{url}: shows {found!r}" for found in PYTHON_REPR.findall(shown)]
        violations = axe_violations(self.page)
        if violations:
            self.problems.append(f"{url}: accessibility\n{describe(violations)}")
        self.problems += [f"{url}: {line}" for line in self.trouble.lines]

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@ON_SQLITE
@pytest.mark.parametrize(("login", "password"), ACCOUNTS)
def test_every_page_in_the_navigation_loads_cleanly(demo, page, login, password):
    walk_the_navigation(demo, page, login, password)


@pytest.mark.skipif("postgres" not in BACKENDS, reason="SMSCD_TEST_POSTGRES_URL is not set")
@pytest.mark.parametrize("demo", ["postgres"], indirect=True)
def test_every_page_in_the_navigation_loads_cleanly_on_postgresql(demo, page):
    walk_the_navigation(demo, page, *ACCOUNTS[0])


def walk_the_navigation(demo: Demo, page: Page, login: str, password: str) -> None:
    log_in(page, demo.url, login, password)
    assert page.url == f"{demo.url}/console/history"
    # One message's timeline, reached from the history (the landing page).
    timeline = page.locator("main table a[href^='/console/history/']").first
    message = demo.url + str(timeline.get_attribute("href"))
    checks = Checks(page)
    walked = checks.walk(page.url)
    # The menu has at least the first pages of the console.
    paths = {url.removeprefix(demo.url) for url in walked}
    assert {"/console/history", "/console/incoming", "/console/send", "/console/stats"} <= paths
    checks.visit(message)
    checks.assert_clean()


@ON_SQLITE
def test_the_login_page_is_clean_and_accessible(demo, page):
    checks = Checks(page)
    checks.visit(f"{demo.url}/console/login")
    checks.assert_clean()


@ON_BOTH
def test_sending_shows_the_cost_then_the_status_changes_without_reload(demo, page):
    trouble = Trouble()
    trouble.watch(page)
    log_in(page, demo.url, "demo2", "demo2")
    page.get_by_role("navigation").get_by_role("link", name=EN["send"], exact=True).click()
    phones = page.get_by_label(EN["phones"], exact=True)
    form = page.locator("form").filter(has=phones)  # the page has a CSV form too
    phones.fill(UNDELIVERABLE)
    form.get_by_label(EN["text"], exact=True).fill("Hello from the browser test")
    form.get_by_role("button", name=EN["get_cost"]).click()
    cost = page.locator("#quote-cost")
    expect(cost).to_have_text(re.compile(r"^\d+(\.\d+)?$"))
    assert not (violations := axe_violations(page)), describe(violations)
    form.get_by_role("button", name=EN["confirm"]).click()
    expect(page.locator("#send-id")).to_have_text(re.compile(r"^\d+$"))
    # A mark in this document: a reload would drop it.
    page.evaluate("() => { window.notReloaded = true; }")
    status = page.locator("#statuses td[data-status]")
    expect(status).to_have_attribute("data-status", re.compile(r"^(-1|0)$"))
    expect(status).to_have_attribute("data-status", "20", timeout=WAIT_MS)
    assert page.evaluate("() => window.notReloaded === true")
    # The states the walk never sees: the quote (above) and the table htmx filled in.
    assert not (violations := axe_violations(page)), describe(violations)
    assert not trouble.lines, trouble.lines


@ON_SQLITE
def test_logging_out_ends_the_session(demo, page):
    log_in(page, demo.url, "demo2", "demo2")
    page.get_by_role("button", name=EN["sign_out"]).click()
    expect(page).to_have_url(re.compile(r"/console/login$"))
    page.goto(f"{demo.url}/console/history")
    expect(page).to_have_url(re.compile(r"/console/login$"))
    expect(page.locator("input[type=password]")).to_be_visible()


@ON_SQLITE
def test_the_login_form_works_with_the_keyboard_alone(demo, page):
    page.goto(f"{demo.url}/console/login")
    # The login field has the focus on arrival; before it, only the skip link.
    expect(page.locator("#login")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.locator(".skip")).to_be_focused()
    box = page.locator(".skip").bounding_box()  # moved into view while focused (console.css)
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, box
    page.keyboard.press("Tab")
    expect(page.locator("#login")).to_be_focused()
    page.keyboard.type("demo2")
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type("demo2")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/console/history$"))


KEY = re.compile(r"\b[0-9a-f]{40}\b")


def api_keys_link(page: Page) -> str | None:
    """The navigation's link to the API keys page, if the console has one."""
    for link in page.locator("nav a[href]").all():
        href = link.get_attribute("href") or ""
        if "key" in href.lower():
            return href
    return None


@ON_BOTH
def test_an_api_key_created_in_the_console_works_on_the_api(demo, page):
    log_in(page, demo.url, "demo2", "demo2")
    href = api_keys_link(page)
    if href is None:
        pytest.skip("the console has no API keys page in its navigation yet (issue 12)")
    page.goto(demo.url + href)
    before = set(KEY.findall(page.content()))
    # The create form: the page's POST form outside the list of keys (whose rows carry
    # their own revoke forms).
    form = page.locator("main form[method=post]:not(table form)").first
    for field in form.locator("input[type=text]:visible, input:not([type]):visible").all():
        field.fill("browser test")
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    created = set(KEY.findall(page.content())) - before
    assert len(created) == 1, page.content()
    [key] = created
    assert not (violations := axe_violations(page)), describe(violations)  # the key shown once
    reply = httpx.get(f"{demo.url}/sys/balance.php", params={"apikey": key, "fmt": 3})
    assert "balance" in reply.json(), reply.text


@functools.cache
def operators_supported() -> bool:
    """Whether this smscd has operators (`smscd admin create`, issue 12)."""
    run = subprocess.run([sys.executable, "-m", "smscd.cli", "admin", "--help"],
                         capture_output=True, check=False)  # fmt: skip
    return run.returncode == 0


@ON_BOTH
def test_every_operator_page_loads_cleanly(demo, page):
    if not operators_supported():
        pytest.skip("this smscd has no operator pages yet (`smscd admin create`, issue 12)")
    login, password = OPERATOR
    subprocess.run(
        [sys.executable, "-m", "smscd.cli", "admin", "create", login, "--password", password,
         "--database", demo.database_url],
        check=True, capture_output=True, cwd=demo.directory,
    )  # fmt: skip
    log_in(page, demo.url, login, password, path="/console/operator/login")
    landing = page.url
    assert "/console/operator" in landing, landing
    checks = Checks(page)
    checks.walk(landing)
    checks.assert_clean()


@ON_SQLITE
def test_the_checks_themselves_find_what_they_look_for(demo, page):
    """The walk's checks can fail: an unlabelled field and an image without text are
    serious violations for axe, and an inline script (refused by the CSP) is a console
    error."""
    trouble = Trouble()
    trouble.watch(page)
    page.goto(f"{demo.url}/console/login")
    with page.expect_console_message(lambda message: message.type == "error") as refused:
        page.evaluate("""() => {
            document.querySelector('main').insertAdjacentHTML('beforeend',
                '<input id="unlabelled"><img src="data:," id="bare">');
            const script = document.createElement('script');
            script.textContent = 'window.inlineRan = true';
            document.body.append(script);
        }""")
    assert "Content Security Policy" in refused.value.text
    assert any("Content Security Policy" in line for line in trouble.lines), trouble.lines
    assert page.evaluate("() => window.inlineRan === undefined")
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"label", "image-alt"} <= found, found
