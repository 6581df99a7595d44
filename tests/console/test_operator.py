"""The operator's pages (docs/console.md, "For the operator"): an operator made by
``smscd admin create`` logs in; every page shows real data; changes go through the CLI's
own functions (a top-up is one ledger entry of exact hundredths); CSRF, the API's login
limits, and no account session opens them."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from smscd.accounts.operators import create_operator, operator_sessions, operators
from smscd.accounts.service import NewAccount, create_account
from smscd.app import create_app
from smscd.billing.tables import PAYMENT, ledger, ledger_balances
from smscd.cli.admin import admin_app
from smscd.console.endpoint import mount
from smscd.db.engine import sync_engine
from tests.api import call_json
from tests.conftest import START, TEST_PASSWORDS, FakeClock
from tests.console.browser import csrf, log_in, visitor
from tests.limits.conftest import LIMITERS, forget, limited_settings
from tests.limits.harness import new_address
from tests.sending import network

runner = CliRunner()
ROOT = "/console/operator"
PAGES = [
    f"{ROOT}/",
    f"{ROOT}/accounts",
    f"{ROOT}/tariffs",
    f"{ROOT}/connectors",
    f"{ROOT}/queue",
    f"{ROOT}/blocks",
]
PLAN = (
    "zone,name,country,mcc,mnc,api,mass,mms,hlr,call\n"
    "RU-MTS,МТС,Россия,250,01,4.50,4.50,9.90,0.20,2.60\n"
    "MAIL,E-mail,,,,0.15,,,,\n"
)


def make_operator(backend: Any) -> tuple[str, str]:
    login, password = f"op_{secrets.token_hex(4)}", f"pw-{secrets.token_hex(6)}"
    with backend.engine.begin() as conn:
        create_operator(conn, login, password, TEST_PASSWORDS)
    return login, password


def operator_log_in(browser: TestClient, login: str, password: str) -> str:
    """Log in through the operator form; the CSRF token of the session's forms."""
    page = browser.get(f"{ROOT}/login")
    assert page.status_code == 200
    reply = browser.post(
        f"{ROOT}/login", data={"login": login, "password": password, "csrf": csrf(page.text)}
    )
    assert reply.status_code == 303, reply.text
    assert reply.headers["location"] == f"{ROOT}/"
    return csrf(browser.get(f"{ROOT}/").text)


def links(html: str) -> set[str]:
    return {link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', html)}


def unlabelled(html: str) -> list[str]:
    """The form fields of a page that have no <label for> of their own."""
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    missing = []
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if 'type="hidden"' in tag:
            continue
        found = re.search(r'id="([^"]+)"', tag)
        if found is None or found.group(1) not in labelled:
            missing.append(tag)
    return missing


def balance_of(backend: Any, account_id: int, balance: int = 1) -> int:
    with backend.engine.connect() as conn:
        found = conn.execute(
            select(ledger_balances.c.amount).where(
                ledger_balances.c.account_id == account_id, ledger_balances.c.balance == balance
            )
        ).scalar()
    return int(found or 0)


def payments_of(backend: Any, account_id: int) -> list[Any]:
    with backend.engine.connect() as conn:
        return conn.execute(
            select(ledger.c.amount, ledger.c.balance, ledger.c.note).where(
                ledger.c.account_id == account_id, ledger.c.kind == PAYMENT
            )
        ).all()


def test_admin_create_through_the_cli_then_log_in(backend, client):
    login, password = f"cli_op_{secrets.token_hex(3)}", "s3cret-operator"
    result = runner.invoke(
        admin_app,
        ["create", login, "--password-stdin", "--database", backend.url],
        input=f"{password}\n",
    )
    assert result.exit_code == 0, result.output
    assert password not in result.output
    with backend.engine.connect() as conn:
        stored = conn.execute(
            select(operators.c.password_hash).where(operators.c.login == login)
        ).scalar_one()
    assert stored.startswith("$argon2id$") and password not in stored
    listed = runner.invoke(admin_app, ["list", "--database", backend.url])
    assert login in listed.output
    again = runner.invoke(
        admin_app, ["create", login, "--password-stdin", "--database", backend.url], input="x\n"
    )
    assert again.exit_code == 1 and "exists" in again.output
    # No password on a pipe without --password-stdin: refused, nothing asked for.
    bare = runner.invoke(admin_app, ["create", f"{login}x", "--database", backend.url])
    assert bare.exit_code == 2
    browser = visitor(client)
    operator_log_in(browser, login, password)
    home = browser.get(f"{ROOT}/")
    assert login in home.text
    # A new password: the old one no longer works, and its sessions end.
    changed = runner.invoke(
        admin_app, ["passwd", login, "--password-stdin", "--database", backend.url],
        input="n3w-password\n",
    )  # fmt: skip
    assert changed.exit_code == 0, changed.output
    assert browser.get(f"{ROOT}/").headers["location"] == f"{ROOT}/login"
    old = visitor(client)
    page = old.get(f"{ROOT}/login")
    wrong = old.post(
        f"{ROOT}/login", data={"login": login, "password": password, "csrf": csrf(page.text)}
    )
    assert wrong.status_code == 401
    operator_log_in(browser, login, "n3w-password")
    # Removed: its session ends at once.
    removed = runner.invoke(admin_app, ["remove", login, "--database", backend.url])
    assert removed.exit_code == 0, removed.output
    assert browser.get(f"{ROOT}/").headers["location"] == f"{ROOT}/login"


def test_an_operator_is_not_an_api_account(backend, client):
    login, password = make_operator(backend)
    reply = client.get("/sys/balance.php", params={"login": login, "psw": password})
    assert reply.text.startswith("ERROR = 2")
    # ... nor an account holder of the console.
    browser = visitor(client)
    page = browser.get("/console/login")
    refused = browser.post(
        "/console/login", data={"login": login, "password": password, "csrf": csrf(page.text)}
    )
    assert refused.status_code == 401


def test_every_page_is_linked_from_the_landing_page_and_is_accessible(backend, client):
    login, password = make_operator(backend)
    browser = visitor(client)
    operator_log_in(browser, login, password)
    home = browser.get(f"{ROOT}/").text
    assert {p for p in PAGES} <= links(home)
    for path in PAGES:
        page = browser.get(path)
        assert page.status_code == 200, path
        text = page.text
        assert unlabelled(text) == [], path
        assert "<script>" not in text and " style=" not in text and "<style" not in text, path
        assert page.headers["content-security-policy"].startswith("default-src 'none'")
        assert {p for p in PAGES} <= links(text), path  # the navigation on every page


def test_every_get_route_is_among_the_pages_tested():
    [operator] = [r for r in mount(None).app._app.routes if r.path == "/operator"]  # type: ignore[arg-type]
    gets = {f"{ROOT}{r.path}" for r in operator.app.routes if "GET" in (r.methods or ())}
    assert gets <= {*PAGES, f"{ROOT}/login", f"{ROOT}/account"}


def test_accounts_and_sub_clients_with_their_money(backend, client, make_account):
    login, password = make_operator(backend)
    parent = make_account(prefix="opparent")
    child = make_account(prefix="opchild", parent=parent.login)
    browser = visitor(client)
    token = operator_log_in(browser, login, password)
    reply = browser.post(
        f"{ROOT}/account/topup",
        data={"login": parent.login, "amount": "1234.56", "balance": "1", "csrf": token},
    )
    assert reply.status_code == 303
    listing = browser.get(f"{ROOT}/accounts", params={"q": "opparent"}).text
    assert parent.login in listing and "1234.56" in listing
    assert child.login not in listing  # the filter is a login prefix
    page = browser.get(f"{ROOT}/account", params={"login": parent.login}).text
    assert child.login in page  # its sub-clients
    assert unlabelled(page) == []
    assert f"{ROOT}/account?login={child.login}" in links(page)
    assert "1234.56" in page
    child_page = browser.get(f"{ROOT}/account", params={"login": child.login}).text
    assert parent.login in child_page
    missing = browser.get(f"{ROOT}/account", params={"login": "no-such-account"})
    assert missing.status_code == 404
    # Whatever the filter, no 500: LIKE's wildcards are taken literally.
    for search in ("%", "_", "!", "'", "a" * 500):
        assert browser.get(f"{ROOT}/accounts", params={"q": search}).status_code == 200


@pytest.mark.parametrize(
    ("amount", "hundredths"), [("123.45", 12345), ("0.01", 1), ("7", 700), ("99999.9", 9999990)]
)
def test_a_top_up_changes_the_balance_exactly_by_one_ledger_entry(
    backend, client, make_account, amount, hundredths
):
    login, password = make_operator(backend)
    account = make_account()
    browser = visitor(client)
    token = operator_log_in(browser, login, password)
    before = balance_of(backend, account.id)
    reply = browser.post(
        f"{ROOT}/account/topup",
        data={
            "login": account.login,
            "amount": amount,
            "balance": "1",
            "note": "invoice 7",
            "csrf": token,
        },
    )
    assert reply.status_code == 303
    assert "done=topup" in reply.headers["location"]
    assert balance_of(backend, account.id) == before + hundredths
    assert payments_of(backend, account.id) == [(hundredths, 1, "invoice 7")]
    # The API sees the same balance.
    assert call_json(client, account, path="/sys/balance.php")["balance"] == (
        f"{(before + hundredths) // 100}.{(before + hundredths) % 100:02d}"
    )


def test_a_top_up_of_the_second_balance(backend, client, make_account):
    login, password = make_operator(backend)
    account = make_account()
    browser = visitor(client)
    token = operator_log_in(browser, login, password)
    browser.post(
        f"{ROOT}/account/topup",
        data={"login": account.login, "amount": "5", "balance": "2", "csrf": token},
    )
    assert balance_of(backend, account.id, 2) == 500
    assert balance_of(backend, account.id, 1) == 0


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "1.001", "NaN", "1e20", ""])
def test_a_wrong_amount_changes_nothing(backend, client, make_account, amount):
    login, password = make_operator(backend)
    account = make_account()
    browser = visitor(client)
    token = operator_log_in(browser, login, password)
    reply = browser.post(
        f"{ROOT}/account/topup", data={"login": account.login, "amount": amount, "csrf": token}
    )
    assert reply.status_code == 400
    assert 'role="alert"' in reply.text
    assert payments_of(backend, account.id) == []


def test_the_credit_limit_is_what_send_php_allows(backend, client, make_account):
    login, password = make_operator(backend)
    account = make_account()
    browser = visitor(client)
    token = operator_log_in(browser, login, password)
    reply = browser.post(
        f"{ROOT}/account/credit", data={"login": account.login, "amount": "250.50", "csrf": token}
    )
    assert reply.status_code == 303
    page = browser.get(reply.headers["location"]).text
    assert "250.50" in page
    from smscd.accounts.tables import accounts

    with backend.engine.connect() as conn:
        credit = conn.execute(select(accounts.c.credit).where(accounts.c.id == account.id))
        assert credit.scalar_one() == 25050
    browser.post(
        f"{ROOT}/account/credit", data={"login": account.login, "amount": "0", "csrf": token}
    )
    with backend.engine.connect() as conn:
        credit = conn.execute(select(accounts.c.credit).where(accounts.c.id == account.id))
        assert credit.scalar_one() == 0


def test_a_tariff_plan_is_imported_all_or_nothing(backend, client):
    login, password = make_operator(backend)
    browser = visitor(client)
    token = operator_log_in(browser, login, password)
    name = f"op-plan-{secrets.token_hex(3)}"
    reply = browser.post(
        f"{ROOT}/tariffs/import",
        data={"plan": name, "csrf": token},
        files={"file": ("plan.csv", PLAN.encode("cp1251"), "text/csv")},
    )
    assert reply.status_code == 200, reply.text
    assert f"{name} (1)" in reply.text
    assert name in browser.get(f"{ROOT}/tariffs").text
    bad = PLAN.replace("2.60", "x")
    refused = browser.post(
        f"{ROOT}/tariffs/import",
        data={"plan": f"{name}-bad", "csrf": token},
        files={"file": ("plan.csv", bad.encode(), "text/csv")},
    )
    assert refused.status_code == 400
    assert "line 2" in refused.text and "nothing imported" in refused.text
    assert f"{name}-bad" not in browser.get(f"{ROOT}/tariffs").text
    empty = browser.post(
        f"{ROOT}/tariffs/import",
        data={"csrf": token},
        files={"file": ("plan.csv", b"", "text/csv")},
    )
    assert empty.status_code == 400


def queued(html: str, state: str) -> int:
    found = re.search(rf'id="queue-{state}">(\d+)<', html)
    assert found is not None, html
    return int(found.group(1))


def connector_row(html: str) -> str:
    found = re.search(rf"<tr><td>{network.CONNECTOR}</td>.*?</tr>", html, re.S)
    assert found is not None, html
    return found.group(0)


def test_the_queue_and_the_connectors_show_the_backlog(backend, client, sender):
    login, password = make_operator(backend)
    browser = visitor(client)
    operator_log_in(browser, login, password)
    network.deliver(client)  # nothing of earlier tests left waiting; the connector runs
    before = browser.get(f"{ROOT}/queue").text
    reply = call_json(
        client,
        sender,
        path="/sys/send.php",
        phones="79161234567,79161234568",
        mes="queued for the operator",
    )
    assert reply["cnt"] == 2
    after = browser.get(f"{ROOT}/queue").text
    assert queued(after, "queued") == queued(before, "queued") + 2
    row = connector_row(browser.get(f"{ROOT}/connectors").text)
    assert "<td>2 / 0 / 0</td>" in row
    assert ">yes<" in row or ">да<" in row  # bound: the simulator runs in this process
    network.deliver(client)
    delivered = browser.get(f"{ROOT}/queue").text
    assert queued(delivered, "queued") == queued(before, "queued")
    row = connector_row(browser.get(f"{ROOT}/connectors").text)
    assert "<td>0 / 0 / 0</td>" in row
    routes = browser.get(f"{ROOT}/connectors").text
    assert "prefix=7" in routes and "prefix=49" in routes


@pytest.mark.parametrize("token", [None, "", "wrong"])
def test_every_operator_form_without_its_csrf_token_is_403(backend, client, make_account, token):
    login, password = make_operator(backend)
    account = make_account()
    data = {} if token is None else {"csrf": token}
    browser = visitor(client)
    browser.get(f"{ROOT}/login")
    refused = browser.post(f"{ROOT}/login", data={"login": login, "password": password, **data})
    assert refused.status_code == 403
    operator_log_in(browser, login, password)
    forms = {
        f"{ROOT}/account/topup": {"login": account.login, "amount": "10"},
        f"{ROOT}/account/credit": {"login": account.login, "amount": "10"},
        f"{ROOT}/blocks/unblock": {"address": "10.9.9.9"},
        f"{ROOT}/tariffs/import": {"plan": "csrf-plan"},
        f"{ROOT}/logout": {},
    }
    for path, fields in forms.items():
        assert browser.post(path, data={**fields, **data}).status_code == 403, path
    assert payments_of(backend, account.id) == []
    assert browser.get(f"{ROOT}/").status_code == 200  # still logged in


def test_an_account_session_never_opens_an_operator_page(backend, client, make_account):
    account = make_account()
    before = balance_of(backend, account.id)
    browser = visitor(client)
    token = log_in(browser, account.login, account.password)
    for path in [*PAGES, f"{ROOT}/account?login={account.login}"]:
        page = browser.get(path)
        assert page.status_code == 303, path
        assert page.headers["location"] == f"{ROOT}/login"
    # Its CSRF token and cookie post nothing either.
    reply = browser.post(
        f"{ROOT}/account/topup", data={"login": account.login, "amount": "100", "csrf": token}
    )
    assert reply.headers["location"] == f"{ROOT}/login"
    assert balance_of(backend, account.id) == before
    # The account's session cookie, sent as the operator's, is not an operator session.
    forged = visitor(client)
    forged.cookies.set("smscd_operator", browser.cookies.get("smscd_console"), path=ROOT)
    assert forged.get(f"{ROOT}/").headers["location"] == f"{ROOT}/login"


def test_the_operator_cookie_is_its_own_and_stored_hashed(backend, client):
    login, password = make_operator(backend)
    browser = visitor(client, https=True)
    page = browser.get(f"{ROOT}/login")
    reply = browser.post(
        f"{ROOT}/login", data={"login": login, "password": password, "csrf": csrf(page.text)}
    )
    [cookie] = [c for c in reply.headers.get_list("set-cookie") if "smscd_operator=" in c]
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "secure", "samesite=strict", f"path={ROOT}"} <= attributes
    token = browser.cookies.get("smscd_operator")
    with backend.engine.connect() as conn:
        hashes = conn.execute(select(operator_sessions.c.token_hash)).scalars().all()
    assert token not in hashes
    # An operator's session opens no account page.
    assert browser.get("/console/history").headers["location"] == "/console/login"
    # Logout ends it.
    logout = browser.post(f"{ROOT}/logout", data={"csrf": csrf(browser.get(f"{ROOT}/").text)})
    assert logout.headers["location"] == f"{ROOT}/login"
    assert browser.get(f"{ROOT}/").headers["location"] == f"{ROOT}/login"


def test_an_operator_session_expires(backend, client, clock):
    login, password = make_operator(backend)
    browser = visitor(client)
    operator_log_in(browser, login, password)
    clock.now += 8 * 3600 - 1
    assert browser.get(f"{ROOT}/").status_code == 200
    clock.now += 1
    assert browser.get(f"{ROOT}/").headers["location"] == f"{ROOT}/login"


@pytest.mark.parametrize("limiter", LIMITERS)
def test_wrong_operator_passwords_block_the_address_like_the_apis(backend, make_account, limiter):
    """compat.md "Authentication": 5 failures from one address block it, for the API and
    both login forms; the operator unblocks it from the blocks page (in memory: this
    worker's blocks; in Redis: every worker's)."""
    login, password = make_operator(backend)
    account = make_account()
    address = new_address()
    clock = FakeClock(START)
    prefix = f"smscd-test-op-{secrets.token_hex(4)}:" if limiter == "redis" else None
    app = create_app(limited_settings(backend.url, prefix), clock=clock)
    with TestClient(app, client=(address, 50000), follow_redirects=False) as guessing:
        token = csrf(guessing.get(f"{ROOT}/login").text)
        for wrong in (password + "x", "", "nope", password.upper()):
            reply = guessing.post(
                f"{ROOT}/login", data={"login": login, "password": wrong, "csrf": token}
            )
            assert reply.status_code == 401
        unknown = guessing.post(
            f"{ROOT}/login", data={"login": "no-such-op", "password": "x", "csrf": token}
        )
        assert unknown.status_code == 401  # the same answer as a wrong password
        right = {"login": login, "password": password, "csrf": token}
        assert guessing.post(f"{ROOT}/login", data=right).status_code == 429
        api = guessing.get(
            "/sys/balance.php", params={"login": account.login, "psw": account.password}
        )
        assert api.text.startswith("ERROR = 4")
        # Another operator, from another address, sees the block and lifts it.
        admin = visitor(guessing, address=new_address())
        admin_token = operator_log_in(admin, login, password)
        blocks = admin.get(f"{ROOT}/blocks").text
        assert f"<td>{address}</td>" in blocks
        lifted = admin.post(
            f"{ROOT}/blocks/unblock", data={"address": address, "csrf": admin_token}
        )
        assert lifted.status_code == 200 and f"{address}" in lifted.text
        clock.now += 1  # workers look for unblock requests every second (limits/backend.py)
        assert f"<td>{address}</td>" not in admin.get(f"{ROOT}/blocks").text
        assert guessing.post(f"{ROOT}/login", data=right).status_code == 303
        bad = admin.post(
            f"{ROOT}/blocks/unblock", data={"address": "nonsense", "csrf": admin_token}
        )
        assert bad.status_code == 400
    if prefix is not None:
        forget(prefix)


def test_the_operator_pages_follow_the_browsers_language(backend, client):
    login, password = make_operator(backend)
    browser = visitor(client)
    operator_log_in(browser, login, password)
    english = browser.get(f"{ROOT}/", headers={"accept-language": "en-GB,en;q=0.9"}).text
    assert 'lang="en"' in english and "Delivery queue" in english
    russian = browser.get(f"{ROOT}/", headers={"accept-language": "ru"}).text
    assert "Очередь доставки" in russian


def test_admin_create_asks_for_the_password_on_a_terminal(backend, client, monkeypatch):
    from smscd.cli import common

    monkeypatch.setattr(common, "interactive", lambda: True)
    login = f"ask_op_{secrets.token_hex(3)}"
    result = runner.invoke(
        admin_app, ["create", login, "--database", backend.url], input="t3rm pw\nt3rm pw\n"
    )
    assert result.exit_code == 0, result.output
    assert "t3rm" not in result.output  # hidden
    operator_log_in(visitor(client), login, "t3rm pw")
    mismatch = runner.invoke(
        admin_app, ["create", f"{login}2", "--database", backend.url], input="one\ntwo\n"
    )
    assert mismatch.exit_code != 0


def test_the_demo_has_an_operator(tmp_path, monkeypatch):
    from smscd.cli.main import app as cli

    monkeypatch.setenv("SMSCD_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("SMSCD_ARGON2_MEMORY_KIB", "64")
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    seeded = runner.invoke(cli, ["seed-demo", "--database", url, "--messages", "50"])
    assert seeded.exit_code == 0, seeded.output
    engine = sync_engine(url)
    with engine.connect() as conn:
        assert conn.execute(select(operators.c.login)).scalars().all() == ["admin"]
    engine.dispose()


def test_every_word_the_operator_pages_use_exists_in_both_languages():
    from pathlib import Path

    from smscd.console.words import OPERATOR_WORDS, operator_words

    assert set(OPERATOR_WORDS["en"]) == set(OPERATOR_WORDS["ru"])
    templates = Path(mount.__code__.co_filename).parent / "templates" / "operator"
    used = set()
    for template in templates.glob("*.html"):
        used |= set(re.findall(r"\bw\.(\w+)", template.read_text()))
    # Chosen by state or outcome: w['op_' ~ ...].
    used |= {f"op_{state}" for state in ("queued", "sending", "submitted", "failed", "expired")}
    used |= {"op_done_topup", "op_done_credit"}
    for language in ("en", "ru"):
        assert used - set(operator_words(language)) == set(), language


def test_every_operator_login_costs_one_argon2_verification(backend):
    """An unknown login is verified against a decoy: its refusal takes what a wrong
    password's takes (docs/security.md), with no timed assertion."""
    import asyncio

    from smscd.accounts.operators import OperatorLogins
    from smscd.db.connect import open_database

    login, password = make_operator(backend)
    verified: list[str] = []

    class Counting(type(TEST_PASSWORDS)):  # type: ignore[misc]
        def verify(self, stored: str, psw: str) -> bool:
            verified.append(stored)
            return super().verify(stored, psw)

    async def attempts() -> list[Any]:
        db = await open_database(backend.url, 1, 1)
        try:
            logins = OperatorLogins(Counting(time_cost=1, memory_kib=64))
            return [
                await logins.verify(db, name, psw)
                for name, psw in [("no-such-op", "x"), (login, "wrong"), (login, password),
                                  ("", "x"), ("x" * 200, "x")]
            ]  # fmt: skip
        finally:
            await db.stop()

    found = asyncio.run(attempts())
    assert [f is not None for f in found] == [False, False, True, False, False]
    assert found[2].login == login
    assert len(verified) == 5  # one each, whatever was wrong
    assert all(stored.startswith("$argon2id$") for stored in verified)


@pytest.fixture(scope="session")
def hostile_operator(backend, client):
    """One operator, logged in once, for the hostile-input examples."""
    login, password = make_operator(backend)
    account = f"hostile_{secrets.token_hex(4)}"
    with backend.engine.begin() as conn:
        create_account(conn, NewAccount(account, "pw"), TEST_PASSWORDS)
    browser = visitor(client)
    return browser, operator_log_in(browser, login, password), account


FIELD = st.text(alphabet=st.characters(codec="utf-8"), max_size=80) | st.sampled_from(
    ["0", "-1", "1e999", "NaN", "%", "_", "'; DROP TABLE accounts; --", "10.0.0.1", "::1/64"]
)


@settings(
    max_examples=40, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(login=FIELD, amount=FIELD, balance=FIELD, note=FIELD, address=FIELD)
def test_no_form_input_is_a_server_error(hostile_operator, login, amount, balance, note, address):
    browser, token, account = hostile_operator
    for path, data in [
        ("/account/topup", {"login": login, "amount": amount, "balance": balance, "note": note}),
        ("/account/topup", {"login": account, "amount": amount, "note": note}),
        ("/account/credit", {"login": account, "amount": amount}),
        ("/blocks/unblock", {"address": address}),
    ]:
        reply = browser.post(f"{ROOT}{path}", data={**data, "csrf": token})
        assert reply.status_code in (200, 303, 400, 404), (path, reply.text)
    for path, params in [("/accounts", {"q": login}), ("/account", {"login": login})]:
        assert browser.get(f"{ROOT}{path}", params=params).status_code in (200, 404)
    stranger = visitor(browser)
    form = csrf(stranger.get(f"{ROOT}/login").text)
    reply = stranger.post(f"{ROOT}/login", data={"login": login, "password": note, "csrf": form})
    assert reply.status_code in (400, 401), reply.text
