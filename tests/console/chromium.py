"""Debian's Chromium driven by Playwright, for the browser tests (test_browser.py) and
scripts/screenshots (docs/console.md, "What the browser tests cover").

Playwright's own browser download is never used: the tests launch ``/usr/bin/chromium``
(Debian's package, which .ci/run and scripts/_env.sh install), headless and without the
sandbox (the tests run as root in CI).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request, Response

CHROMIUM = Path(os.environ.get("SMSCD_TEST_CHROMIUM", "/usr/bin/chromium"))
VIEWPORT = {"width": 1280, "height": 800}
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# The impacts that fail a page (axe-core's scale: minor, moderate, serious, critical).
BLOCKING = ("serious", "critical")


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
    )


@dataclass
class Trouble:
    """What went wrong in the browser while a page loaded: console errors, uncaught
    exceptions, failed requests and HTTP errors (each a readable line)."""

    lines: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.lines.append(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        # Warnings too: Chromium reports a CSP violation as an error, a deprecation as a
        # warning; both are worth fixing.
        if message.type in ("error", "warning"):
            self.lines.append(f"console {message.type}: {message.text} ({message.location})")

    def _failed(self, request: Request) -> None:
        self.lines.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.lines.append(f"HTTP {response.status}: {response.request.method} {response.url}")


def log_in(
    page: Page, base_url: str, login: str, password: str, path: str = "/console/login"
) -> None:
    """Log in through the form (by mouse, as most users do) and wait for the landing page."""
    page.goto(base_url + path)
    page.get_by_label(re.compile("^(Login|Логин)$")).fill(login)
    page.locator("input[type=password]").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def walk_navigation(
    page: Page, start: str, leaving: Callable[[], None] | None = None
) -> Iterator[tuple[str, Response | None]]:
    """Visit every page reachable through the navigation (``nav a``) from ``start``,
    following the navigation of each page found: the console's pages as its menus offer
    them, so that a page added to a menu is walked without a change here. Each page is
    loaded once (some run rate-limited API actions, get_stat's 3 a minute); the walk yields
    its URL and response while the browser shows it. Before each page the browser leaves
    the last one for about:blank, then calls ``leaving``: what the last page was still
    doing (its polls, cut off by leaving) stays before that call."""
    origin = urlsplit(start)
    seen, queue = [start], [start]
    while queue:
        url = queue.pop(0)
        page.goto("about:blank")
        if leaving is not None:
            leaving()
        response = page.goto(url)
        hrefs = page.locator("nav a[href]").evaluate_all("links => links.map(a => a.href)")
        for href in hrefs:
            found = urlsplit(urljoin(url, href))._replace(fragment="")
            if (found.scheme, found.netloc) != (origin.scheme, origin.netloc):
                continue
            if not found.path.startswith("/console/"):
                continue
            absolute = found.geturl()
            if absolute not in seen:
                seen.append(absolute)
                queue.append(absolute)
        yield url, response


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now. axe is
    evaluated in the page (the console's CSP forbids inline scripts, and evaluation from
    the driver is not one)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(
        "async () => JSON.parse(JSON.stringify(await axe.run(document)))"
    )
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    """The violations, a line each with the elements they name (for an assertion message)."""
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        lines.append(f"{violation['impact']} {violation['id']}: {violation['help']} -> {targets}")
        lines += [f"    {node['failureSummary']}" for node in violation["nodes"][:3]]
    return "\n".join(lines)
