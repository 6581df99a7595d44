"""Screenshots of the web console for the README and docs/console.md: docs/console/*.png.

Run `scripts/screenshots` (it installs the project first). It seeds a demo database in a
temporary directory, starts `smscd serve` on it, logs in as ``demo2`` (English) with
Debian's Chromium (the browser tests' own, tests/console/chromium.py), and saves a
1280x800 PNG of the login page, of every page of the navigation, of one message's status
timeline and of a send whose status has come back; then the operator's pages, when this
smscd has them (`smscd admin create`). Old PNGs are removed first: the folder holds what
the console has now.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402
from tests.console.chromium import VIEWPORT, launch, log_in, walk_navigation  # noqa: E402
from tests.servers import demo_server  # noqa: E402

OUT = ROOT / "docs" / "console"
MESSAGES = 20_000  # enough for full charts and pages of history
OPERATOR = ("operator", "operator-password-1")
WAIT_MS = 30_000


def name_of(url: str) -> str:
    """/console/history -> history; /console/operator/accounts -> operator-accounts."""
    path = urlsplit(url).path.removeprefix("/console/").strip("/")
    return re.sub(r"[^a-z0-9]+", "-", path.lower()) or "login"


def shoot(page: Page, name: str) -> None:
    page.wait_for_load_state("networkidle")
    target = OUT / f"{name}.png"
    page.screenshot(path=str(target))
    print(f"  {target.relative_to(ROOT)}")


def account_pages(page: Page, base: str) -> None:
    page.goto(f"{base}/console/login")
    shoot(page, "login")
    log_in(page, base, "demo2", "demo2")
    for url, _ in walk_navigation(page, page.url):
        shoot(page, name_of(url))
    page.goto(f"{base}/console/history")
    page.locator("main table a[href^='/console/history/']").first.click()
    shoot(page, "message")
    # A send whose status has come back: a number the simulator delivers.
    page.goto(f"{base}/console/send")
    page.locator("#phones").fill("79161234567")
    page.locator("#mes").fill("Your order 1042 is on its way")
    page.locator("button[value=cost]").click()
    page.locator("button[value=send]").click()
    expect(page.locator("#statuses td[data-status]")).not_to_have_attribute(
        "data-status", re.compile(r"^(-1|0)$"), timeout=WAIT_MS
    )
    shoot(page, "sent")


def operator_pages(page: Page, base: str, database_url: str, directory: Path) -> None:
    smscd = [sys.executable, "-m", "smscd.cli"]
    found = subprocess.run([*smscd, "admin", "--help"], capture_output=True, check=False)  # noqa: S603
    if found.returncode != 0:
        print("  (no operator pages in this smscd)")
        return
    login, password = OPERATOR
    subprocess.run(  # noqa: S603
        [*smscd, "admin", "create", login, "--password", password, "--database", database_url],
        check=True, capture_output=True, cwd=directory,
    )  # fmt: skip
    page.context.clear_cookies()
    log_in(page, base, login, password, path="/console/operator/login")
    for url, _ in walk_navigation(page, page.url):
        name = name_of(url)
        shoot(page, name if name.startswith("operator") else f"operator-{name}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        print(f"seeding {MESSAGES} demo messages and starting smscd serve ...")
        with (
            demo_server(directory, MESSAGES, 1, workers=1) as server,
            sync_playwright() as playwright,
        ):
            browser = launch(playwright)
            page = browser.new_context(viewport=VIEWPORT).new_page()  # type: ignore[arg-type]
            page.set_default_timeout(WAIT_MS)
            account_pages(page, server.url)
            database_url = f"sqlite:///{directory / 'demo.db'}"
            operator_pages(page, server.url, database_url, directory)
            browser.close()


if __name__ == "__main__":
    main()
