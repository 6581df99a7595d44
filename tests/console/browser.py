"""A console user in tests: a TestClient of its own (its own cookies) on the suite's running
app, logging in through the login form as a browser does."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, "the page has no CSRF field"
    return found.group(1)


def visitor(client: TestClient, address: str = "127.0.0.1", https: bool = False) -> TestClient:
    """A fresh browser on the app ``client`` has started (not started again)."""
    base = "https://testserver" if https else "http://testserver"
    browser = TestClient(client.app, base_url=base, client=(address, 50000),
                         follow_redirects=False)  # fmt: skip
    # The started app's event loop: its database pool lives there (asyncpg's is bound to it).
    browser.portal = client.portal
    return browser


def log_in(browser: TestClient, login: str, password: str) -> str:
    """Log in through the form; the CSRF token of the session's pages."""
    page = browser.get("/console/login")
    reply = browser.post(
        "/console/login", data={"login": login, "password": password, "csrf": csrf(page.text)}
    )
    assert reply.status_code == 303, reply.text
    assert reply.headers["location"] == "/console/history"
    return csrf(browser.get("/console/history").text)
