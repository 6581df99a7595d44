"""The account holder's own pages (docs/console.md): tariffs, short links, sender names,
API keys and settings. Each is checked against what the API does for the same account."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from smscd.accounts.tables import accounts
from tests.accounts import test_account_notices as notices
from tests.api import call, call_json
from tests.console.browser import log_in, visitor
from tests.links.helpers import code_of, follow, get_link

# PostgreSQL with the account cache on (tests/accounts/test_account_notices.py's fixtures).
server, postgres = notices.server, notices.postgres
a_change_is_heard, balance = notices.a_change_is_heard, notices.balance

KEY = re.compile(r'id="new-key" readonly value="([0-9a-f]{40})"')
SECRET = re.compile(r'id="secret" readonly value="([^"]+)"')


def logged_in(client, account, address="127.0.0.1"):
    browser = visitor(client, address)
    return browser, log_in(browser, account.login, account.password)


def account_row(backend, account_id):
    with backend.engine.connect() as conn:
        return conn.execute(select(accounts).where(accounts.c.id == account_id)).one()


def test_the_tariffs_page_shows_get_prices_numbers(client, sender):
    browser, _ = logged_in(client, sender)
    page = browser.get("/console/tariffs").text
    api = call_json(client, sender, get_price=1)
    [zone] = api["zones"]
    assert f"<td>{zone['zone']}</td><td>{html.escape(zone['name'])}</td>" in page
    assert f"<td>{zone['api']}</td>" in page and zone["api"] == "2.50"
    assert f'<strong id="mail-price">{api["mail"]}</strong>' in page


def test_a_link_is_made_listed_and_its_clicks_charted(client, make_account):
    account = make_account()
    browser, token = logged_in(client, account)
    made = browser.post("/console/links", data={"link": "https://example.org/a", "csrf": token})
    assert made.status_code == 200
    short = re.search(r'<strong id="new-link">([^<]+)</strong>', made.text)
    assert short is not None
    # The API's link: tinyurls.php get=1 finds it by its original URL.
    record = get_link(client, account, link="https://example.org/a")
    assert code_of(short.group(1)) in record.get("link", short.group(1))
    for _ in range(3):
        assert follow(client, short.group(1)).status_code in (301, 302, 307)
    page = browser.get("/console/links").text
    assert f"<td>{short.group(1)}</td>" in page
    assert "<td>3</td>" in page
    chart = re.search(r'data-chart="([^"]+)"', page)
    assert chart is not None
    data = json.loads(html.unescape(chart.group(1)))
    assert sum(data["sms"]) == 3 and data["sms"][-1] == 3
    assert len(data["labels"]) == 14
    # The API's refusals, the API's words.
    bad = browser.post("/console/links", data={"link": "ftp://nope", "csrf": token})
    assert bad.status_code == 400
    assert 'role="alert"' in bad.text


def test_sender_names_are_added_made_default_and_removed(backend, client, make_account):
    account = make_account()
    browser, token = logged_in(client, account)
    added = browser.post("/console/senders", data={"name": "MyShop", "default": "1",
                                                   "csrf": token})  # fmt: skip
    assert added.status_code == 303
    page = browser.get("/console/senders").text
    assert "<tr><td>MyShop</td><td>да</td>" in page
    assert account_row(backend, account.id).default_sender == "MyShop"
    # The CLI's rules.
    bad = browser.post("/console/senders", data={"name": "Ab" * 10, "csrf": token})
    assert bad.status_code == 400
    assert "sender name is up to 11" in bad.text
    removed = browser.post("/console/senders/remove", data={"name": "MyShop", "csrf": token})
    assert removed.status_code == 303
    assert "MyShop" not in browser.get("/console/senders").text
    assert account_row(backend, account.id).default_sender == ""
    again = browser.post("/console/senders/remove", data={"name": "MyShop", "csrf": token})
    assert again.status_code == 400


def test_a_key_is_shown_once_works_and_is_revoked(client, make_account):
    account = make_account()
    browser, token = logged_in(client, account)
    made = browser.post("/console/keys", data={"csrf": token})
    assert made.status_code == 200
    found = KEY.search(made.text)
    assert found is not None
    key = found.group(1)
    assert call(client, path="/sys/balance.php", apikey=key) == "0.00"
    page = browser.get("/console/keys").text
    assert key not in page
    assert f"<code>{key[:12]}…</code>" in page
    key_id = re.search(
        rf'name="id" value="(\d+)">\s*<button type="submit" aria-label="[^"]+ {key[:12]}"', page
    )
    assert key_id is not None
    revoked = browser.post("/console/keys/revoke", data={"id": key_id.group(1), "csrf": token})
    assert revoked.status_code == 303
    assert call(client, path="/sys/balance.php", apikey=key).startswith("ERROR = 2")
    # The account's other key (made by the CLI) still works.
    assert call(client, path="/sys/balance.php", apikey=account.key) == "0.00"
    for bad in (key_id.group(1), "x", "99999999999999999999"):
        assert browser.post("/console/keys/revoke",
                            data={"id": bad, "csrf": token}).status_code == 404  # fmt: skip


def test_another_accounts_key_cannot_be_revoked(client, make_account):
    owner, other = make_account(), make_account()
    mine, token = logged_in(client, owner)
    mine.post("/console/keys", data={"csrf": token})
    key_id = re.search(r'name="id" value="(\d+)"', mine.get("/console/keys").text)
    assert key_id is not None
    theirs, their_token = logged_in(client, other)
    refused = theirs.post("/console/keys/revoke", data={"id": key_id.group(1),
                                                        "csrf": their_token})  # fmt: skip
    assert refused.status_code == 404
    assert "Отозван" not in mine.get("/console/keys").text


def test_settings_language_zone_and_allowed_addresses(backend, client, make_account):
    account = make_account()
    browser, token = logged_in(client, account)
    form = {"allowed_ips": "127.0.0.0/8, 10.1.2.3", "timezone": "Asia/Tokyo",
            "language": "en", "csrf": token}  # fmt: skip
    saved = browser.post("/console/settings", data=form)
    assert saved.status_code == 303
    row = account_row(backend, account.id)
    assert (row.allowed_ips, row.timezone, row.language) == (
        "127.0.0.0/8,10.1.2.3", "Asia/Tokyo", "en",
    )  # fmt: skip
    page = browser.get("/console/settings?saved=1").text
    assert 'lang="en"' in page and "Saved." in page
    assert "<option selected>Asia/Tokyo</option>" in page
    # The API honours the list: another address is refused (error 2).
    elsewhere = visitor(client, "192.0.2.7")
    reply = elsewhere.get("/sys/balance.php", params={"apikey": account.key})
    assert reply.text.startswith("ERROR = 2")


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("allowed_ips", "10.0.0.300", "not an address or network"),
        ("allowed_ips", "192.0.2.0/24", "your own address"),
        ("timezone", "Mars/Base", "unknown time zone"),
        ("language", "de", "language must be one of"),
    ],
)
def test_settings_refuse_bad_values(backend, client, make_account, field, value, says):
    account = make_account(language="en")
    browser, token = logged_in(client, account)
    form = {"allowed_ips": "", "timezone": "Europe/Moscow", "language": "en", "csrf": token}
    reply = browser.post("/console/settings", data={**form, field: value})
    assert reply.status_code == 400
    assert says in reply.text
    row = account_row(backend, account.id)
    assert (row.allowed_ips, row.language) == ("", "en")


def test_a_session_from_an_address_no_longer_allowed_ends(backend, client, make_account):
    account = make_account()
    browser, _ = logged_in(client, account, "10.9.9.9")
    assert browser.get("/console/settings").status_code == 200
    with backend.engine.begin() as conn:
        conn.execute(accounts.update().where(accounts.c.id == account.id)
                     .values(allowed_ips="192.0.2.0/24"))  # fmt: skip
    assert browser.get("/console/settings").headers["location"] == "/console/login"


def test_the_callback_url_is_checked_and_its_key_shown_once(backend, client, make_account):
    account = make_account()
    browser, token = logged_in(client, account)
    for bad in ("ftp://example.org/cb", "example.org", "http://", "http://a b/"):
        reply = browser.post("/console/settings/callback",
                             data={"callback_url": bad, "csrf": token})  # fmt: skip
        assert reply.status_code == 400, bad
    assert account_row(backend, account.id).callback_url == ""
    done = browser.post(
        "/console/settings/callback",
        data={"callback_url": "https://hooks.example.org/sms", "csrf": token},
    )
    assert done.status_code == 200
    secret = SECRET.search(done.text)
    assert secret is not None
    row = account_row(backend, account.id)
    assert (row.callback_url, row.callback_secret) == (
        "https://hooks.example.org/sms", secret.group(1),
    )  # fmt: skip
    page = browser.get("/console/settings").text
    assert secret.group(1) not in page
    assert 'value="https://hooks.example.org/sms"' in page
    cleared = browser.post("/console/settings/callback", data={"callback_url": "", "csrf": token})
    assert cleared.status_code == 200
    assert account_row(backend, account.id).callback_secret == ""


FORMS = [
    ("/console/links", {"link": "https://example.org/x"}),
    ("/console/senders", {"name": "Forged"}),
    ("/console/senders/remove", {"name": "Forged"}),
    ("/console/keys", {}),
    ("/console/keys/revoke", {"id": "1"}),
    ("/console/settings", {"allowed_ips": "", "timezone": "UTC", "language": "en"}),
    ("/console/settings/callback", {"callback_url": "https://evil.example/"}),
]


@pytest.mark.parametrize("token", [None, "", "wrong"])
def test_every_account_form_without_its_csrf_token_is_403(backend, client, make_account, token):
    account = make_account()
    browser, _ = logged_in(client, account)
    data = {} if token is None else {"csrf": token}
    before = account_row(backend, account.id)
    for path, fields in FORMS:
        assert browser.post(path, data={**fields, **data}).status_code == 403, path
    assert account_row(backend, account.id) == before
    assert "Forged" not in browser.get("/console/senders").text
    assert browser.get("/console/keys").text.count("<code>") == 1  # the CLI's key only


def test_the_pages_without_a_session_send_to_the_login_form(client):
    browser = visitor(client)
    for path in ("/console/tariffs", "/console/links", "/console/senders", "/console/keys",
                 "/console/settings"):  # fmt: skip
        assert browser.get(path).headers["location"] == "/console/login"
    for path, fields in FORMS:
        assert browser.post(path, data=fields).headers["location"] == "/console/login"


NASTY = ["", " ", "\x00", "a" * 5000, "١٢", "-1", "http://[::1", "http://a:99999/", "../../etc",
         "'; DROP TABLE accounts; --", "💥", "10.0.0.0/33", "Europe/../../x"]  # fmt: skip


def test_no_form_answers_500_to_hostile_values(client, make_account):
    account = make_account()
    browser, token = logged_in(client, account)
    for path, fields in FORMS:
        for value in NASTY:
            data = {name: value for name in fields} | {"csrf": token}
            reply = browser.post(path, data=data)
            assert reply.status_code < 500, (path, value)
    for body, kind in [(b"--x\r\nbroken", "multipart/form-data; boundary=x"),
                       (b"csrf=" + token.encode(), "application/x-www-form-urlencoded"),
                       (b"\xff\xfe" * 100, "multipart/form-data")]:  # fmt: skip
        reply = browser.post("/console/send/csv", content=body, headers={"content-type": kind})
        assert reply.status_code < 500, kind
    for query in ("start=x", "start=01.01.2020&end=01.01.2026", "end=01.01.2026", "start=💥"):
        assert browser.get(f"/console/links?{query}").status_code == 200
    # Still this account's settings, unharmed by any of it.
    assert browser.get("/console/settings").status_code == 200


class Fields(HTMLParser):
    """The form fields of a page without a label (by ``for`` or around them)."""

    def __init__(self) -> None:
        super().__init__()
        self.labelled: set[str] = set()
        self.fields: list[tuple[str, str]] = []
        self.in_label = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "label":
            self.in_label += 1
            self.labelled.add(found.get("for") or "")
        elif tag in ("input", "select", "textarea") and found.get("type") != "hidden":
            self.fields.append((found.get("id") or "", "wrapped" if self.in_label else ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label -= 1

    def unlabelled(self) -> list[str]:
        return [id_ for id_, wrapped in self.fields if not wrapped and id_ not in self.labelled]


def test_every_field_of_every_page_has_a_label(client, sender):
    browser, token = logged_in(client, sender)
    browser.post("/console/links", data={"link": "https://example.org/l", "csrf": token})
    shown = {
        path: browser.get(path).text
        for path in (
            "/console/history",
            "/console/incoming",
            "/console/send",
            "/console/stats",
            "/console/tariffs",
            "/console/links",
            "/console/senders",
            "/console/keys",
            "/console/settings",
        )
    }
    shown["key made"] = browser.post("/console/keys", data={"csrf": token}).text
    shown["list"] = browser.post("/console/send/csv", data={"csrf": token, "mes": "hi"},
                                 files={"file": ("l.csv", b"79991234567\n")}).text  # fmt: skip
    for name, page in shown.items():
        fields = Fields()
        fields.feed(page)
        assert fields.unlabelled() == [], name
        assert f'<a href="/console/{name.split("/")[-1]}"' in page or "/" not in name, name
        assert "<script>" not in page and " style=" not in page, name


def test_with_the_account_cache_a_console_change_reaches_the_api_once_heard(server, make_account):
    """PostgreSQL's account cache (accounts/cache.py) drops the account when the console's
    revoke or settings change commits (migration 0018's notices)."""
    account = make_account()
    assert balance(server, apikey=account.key) == "0.00"
    assert balance(server, login=account.login, psw=account.password) == "0.00"
    browser, token = logged_in(server, account)
    key_id = re.search(
        rf'name="id" value="(\d+)">\s*<button type="submit" aria-label="[^"]+ {account.key[:12]}"',
        browser.get("/console/keys").text,
    )
    assert key_id is not None
    a_change_is_heard(server, lambda: browser.post(
        "/console/keys/revoke", data={"id": key_id.group(1), "csrf": token}))  # fmt: skip
    assert balance(server, apikey=account.key).startswith("ERROR = 2")
    settings = {"allowed_ips": "127.0.0.1", "timezone": "Europe/Moscow", "language": "ru"}
    a_change_is_heard(server, lambda: browser.post(
        "/console/settings", data={**settings, "csrf": token}))  # fmt: skip
    elsewhere = visitor(server, "192.0.2.9")
    reply = elsewhere.get("/sys/balance.php",
                          params={"login": account.login, "psw": account.password})  # fmt: skip
    assert reply.text.startswith("ERROR = 2")
