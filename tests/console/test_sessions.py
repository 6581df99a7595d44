"""Console sessions and their protection (docs/console.md, "Security"): login and logout,
hashed server-side sessions, CSRF on every form, the API's IP blocks on the login form,
security headers."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from smscd.app import create_app
from smscd.console.tables import console_sessions
from tests.console.browser import csrf, log_in, visitor
from tests.limits.conftest import limited_settings
from tests.limits.harness import new_address

PAGES = ["/console/history", "/console/incoming", "/console/send"]


def session_rows(backend, account_id):
    with backend.engine.connect() as conn:
        return conn.execute(
            select(console_sessions).where(console_sessions.c.account_id == account_id)
        ).all()


def test_login_opens_a_session_stored_only_as_a_hash(backend, client, make_account):
    account = make_account()
    browser = visitor(client)
    log_in(browser, account.login, account.password)
    token = browser.cookies.get("smscd_console")
    assert token
    [row] = session_rows(backend, account.id)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash
    for path in PAGES:
        page = browser.get(path)
        assert page.status_code == 200
        assert account.login in page.text


def test_the_session_cookie_is_httponly_lax_and_secure_over_https(client, make_account):
    account = make_account()
    for https in (False, True):
        browser = visitor(client, https=https)
        page = browser.get("/console/login")
        reply = browser.post(
            "/console/login",
            data={"login": account.login, "password": account.password, "csrf": csrf(page.text)},
        )
        [cookie] = [c for c in reply.headers.get_list("set-cookie") if "smscd_console=" in c]
        attributes = {part.strip().lower() for part in cookie.split(";")}
        assert "httponly" in attributes
        assert "samesite=lax" in attributes
        assert "path=/console" in attributes
        assert ("secure" in attributes) is https


def test_logout_deletes_the_session(backend, client, make_account):
    account = make_account()
    browser = visitor(client)
    token = log_in(browser, account.login, account.password)
    cookie = browser.cookies.get("smscd_console")
    reply = browser.post("/console/logout", data={"csrf": token})
    assert reply.status_code == 303
    assert reply.headers["location"] == "/console/login"
    assert session_rows(backend, account.id) == []
    # The old cookie, replayed, opens nothing.
    replay = visitor(client)
    replay.cookies.set("smscd_console", cookie, path="/console")
    for path in PAGES:
        assert replay.get(path).headers["location"] == "/console/login"


def test_a_wrong_password_opens_no_session(backend, client, make_account):
    account = make_account()
    browser = visitor(client)
    page = browser.get("/console/login")
    reply = browser.post(
        "/console/login", data={"login": account.login, "password": "nope", "csrf": csrf(page.text)}
    )
    assert reply.status_code == 401
    assert "Неверный логин или пароль" in reply.text
    assert "smscd_console=" not in " ".join(reply.headers.get_list("set-cookie"))
    assert session_rows(backend, account.id) == []
    assert browser.get("/console/history").headers["location"] == "/console/login"


def test_a_login_with_a_nul_is_a_wrong_login_not_a_server_error(client, make_account):
    """PostgreSQL refuses NUL in text: the login must never reach it (it was a 500 there)."""
    account = make_account()
    browser = visitor(client)
    page = browser.get("/console/login")
    reply = browser.post(
        "/console/login",
        data={"login": account.login + "\x00", "password": account.password,
              "csrf": csrf(page.text)},
    )  # fmt: skip
    assert reply.status_code == 401


def test_pages_without_a_session_send_to_the_login_form(client):
    browser = visitor(client)
    for path in PAGES:
        assert browser.get(path).headers["location"] == "/console/login"
    browser.cookies.set("smscd_console", "forged-token", path="/console")
    for path in PAGES:
        assert browser.get(path).headers["location"] == "/console/login"


def test_a_session_expires(client, clock, make_account):
    account = make_account()
    browser = visitor(client)
    log_in(browser, account.login, account.password)
    clock.now += 12 * 3600 - 1
    assert browser.get("/console/history").status_code == 200
    clock.now += 1
    assert browser.get("/console/history").headers["location"] == "/console/login"


@pytest.mark.parametrize("token", [None, "", "wrong"])
def test_every_form_without_its_csrf_token_is_403(backend, client, make_account, token):
    account = make_account()
    data = {} if token is None else {"csrf": token}
    # The login form.
    browser = visitor(client)
    browser.get("/console/login")
    reply = browser.post(
        "/console/login", data={"login": account.login, "password": account.password, **data}
    )
    assert reply.status_code == 403
    assert session_rows(backend, account.id) == []
    # The forms of a session.
    log_in(browser, account.login, account.password)
    send = browser.post("/console/send", data={"phones": "79991234567", "mes": "hi", **data})
    assert send.status_code == 403
    assert browser.post("/console/logout", data=data).status_code == 403
    assert len(session_rows(backend, account.id)) == 1


def test_another_sessions_token_is_not_this_ones(client, make_account):
    first, second = make_account(), make_account()
    a, b = visitor(client), visitor(client)
    log_in(a, first.login, first.password)
    token_b = log_in(b, second.login, second.password)
    assert a.post("/console/logout", data={"csrf": token_b}).status_code == 403


def test_every_response_carries_the_security_headers(client, make_account):
    account = make_account()
    browser = visitor(client)
    log_in(browser, account.login, account.password)
    for path in ["/console/login", *PAGES, "/console/static/console.css"]:
        headers = browser.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_the_pages_have_no_inline_script_or_style(client, make_account):
    account = make_account()
    browser = visitor(client)
    log_in(browser, account.login, account.password)
    for path in ["/console/login", *PAGES]:
        text = browser.get(path).text
        assert "<script>" not in text
        assert " style=" not in text
        assert "<style" not in text


def test_the_login_form_counts_failures_and_obeys_ip_blocks(backend, make_account):
    """compat.md "Authentication": 5 failures from one address block it, API or console."""
    account = make_account()
    address = new_address()
    app = create_app(limited_settings(backend.url))
    with TestClient(app, client=(address, 50000), follow_redirects=False) as browser:
        token = csrf(browser.get("/console/login").text)
        for _ in range(5):
            reply = browser.post(
                "/console/login",
                data={"login": account.login, "password": "wrong", "csrf": token},
            )
            assert reply.status_code == 401
        right = {"login": account.login, "password": account.password, "csrf": token}
        blocked = browser.post("/console/login", data=right)
        assert blocked.status_code == 429
        assert session_rows(backend, account.id) == []
        # The API refuses the address too (error 4).
        api = browser.get(
            "/sys/balance.php", params={"login": account.login, "psw": account.password}
        )
        assert api.text.startswith("ERROR = 4")


def test_the_login_page_follows_the_browsers_language(client):
    browser = visitor(client)
    english = browser.get("/console/login", headers={"accept-language": "en-GB,en;q=0.9"})
    assert 'lang="en"' in english.text
    assert "Log in" in english.text
    russian = browser.get("/console/login", headers={"accept-language": "ru,en;q=0.5"})
    assert "Войти" in russian.text
