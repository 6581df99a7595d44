"""compat.md "Authentication": every way in, and every way of being refused (error 2)."""

from __future__ import annotations

import hashlib

import pytest
from starlette.testclient import TestClient

from smscd.accounts.service import revoke_api_keys, set_password
from smscd.app import create_app
from smscd.settings import load_settings
from tests.api import call
from tests.conftest import TEST_PASSWORDS, TEST_SETTINGS
from tests.factories import add_sent, sent

SEND_TS = 1_789_999_400
REFUSED = "0,-2"


@pytest.fixture
def account(backend, make_account):
    account = make_account(password="s3cret")
    add_sent(backend.engine, [sent(account.id, SEND_TS, phone="79990000001")])
    return account


def history(client, **credentials) -> str:
    return call(client, None, get_messages=1, fmt=1, **credentials)


def test_login_and_plain_password(client, account):
    assert history(client, login=account.login, psw="s3cret") != REFUSED


def test_login_and_md5_of_the_password(client, account):
    md5 = hashlib.md5(b"s3cret").hexdigest()
    assert history(client, login=account.login, psw=md5) != REFUSED


def test_uppercase_md5_is_not_the_password(client, account):
    md5 = hashlib.md5(b"s3cret").hexdigest().upper()
    assert history(client, login=account.login, psw=md5) == REFUSED


def test_a_password_that_looks_like_an_md5_still_works(client, make_account):
    password = hashlib.md5(b"anything").hexdigest()
    account = make_account(password=password)
    assert history(client, login=account.login, psw=password) == "0,-3"


def test_apikey_parameter(client, account):
    assert history(client, apikey=account.key) != REFUSED


def test_empty_login_with_the_key_in_psw(client, account):
    assert history(client, login="", psw=account.key) != REFUSED


def test_missing_login_with_the_key_in_psw(client, account):
    assert history(client, psw=account.key) != REFUSED


@pytest.mark.parametrize(
    "credentials",
    [
        {"psw": "wrong"},
        {"psw": ""},
        {"login": "nobody-at-all", "psw": "s3cret"},
        {"apikey": "0" * 40},
        {"apikey": "short"},
        {},
    ],
)
def test_wrong_credentials_are_error_2(client, account, credentials):
    credentials.setdefault("login", account.login)
    assert history(client, **credentials) == REFUSED


def test_a_revoked_key_is_refused(client, backend, account):
    with backend.engine.begin() as conn:
        assert revoke_api_keys(conn, account.login) == 1
    assert history(client, apikey=account.key) == REFUSED


def test_a_changed_password_stops_working_at_once(client, backend, account):
    assert history(client, login=account.login, psw="s3cret") != REFUSED  # now cached
    with backend.engine.begin() as conn:
        set_password(conn, account.login, "new-one", TEST_PASSWORDS)
    assert history(client, login=account.login, psw="s3cret") == REFUSED
    assert history(client, login=account.login, psw="new-one") != REFUSED


@pytest.fixture
def client_from(backend, clock):
    """A client of the app whose requests come from ``address``."""
    opened = []

    def make(address: str) -> TestClient:
        settings = load_settings(database_url=backend.url, **TEST_SETTINGS)
        test_client = TestClient(create_app(settings, clock=clock), client=(address, 40000))
        opened.append(test_client.__enter__())
        return test_client

    yield make
    for test_client in opened:
        test_client.__exit__(None, None, None)


@pytest.mark.parametrize(
    "allowed,address,admitted",
    [
        ("203.0.113.7", "203.0.113.7", True),
        ("203.0.113.0/24", "203.0.113.99", True),
        ("198.51.100.1, 2001:db8::/32", "2001:db8::5", True),
        ("203.0.113.7", "203.0.113.8", False),
        ("2001:db8::/32", "203.0.113.8", False),
    ],
)
def test_the_allowed_ip_list(backend, make_account, client_from, allowed, address, admitted):
    account = make_account(password="s3cret", allowed_ips=allowed)
    add_sent(backend.engine, [sent(account.id, SEND_TS)])
    client = client_from(address)
    by_password = history(client, login=account.login, psw="s3cret")
    by_key = history(client, apikey=account.key)
    assert (by_password != REFUSED, by_key != REFUSED) == (admitted, admitted)


def test_one_account_never_sees_another_accounts_messages(client, backend, make_account):
    alice, bob = make_account(), make_account()
    add_sent(backend.engine, [sent(alice.id, SEND_TS, phone="79990000001", message="for alice")])
    add_sent(backend.engine, [sent(bob.id, SEND_TS, phone="79990000001", message="for bob")])
    seen_by_alice = call(client, alice, get_messages=1, phone="79990000001")
    seen_by_bob = call(client, bob, get_messages=1, phone="79990000001", login=bob.login)
    assert "for alice" in seen_by_alice and "for bob" not in seen_by_alice
    assert "for bob" in seen_by_bob and "for alice" not in seen_by_bob
    # prev_id from another account's range does not leak either
    assert "for bob" not in call(client, alice, get_messages=1, prev_id=2**62)
