"""``tinyurls.php?add=1`` [ours]: a short link for a valid http(s) URL, one per account and
URL; anything else is error 1 (docs/links.md)."""

from __future__ import annotations

import re

import idna
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from smscd.app import create_app
from smscd.errors import ParametersError
from smscd.links import urls
from smscd.links.urls import MAX_LINK
from smscd.settings import load_settings
from tests.api import call, call_json
from tests.conftest import TEST_SETTINGS

from .helpers import add_link, code_of, follow

DB_SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def add_error(client, account, **params) -> str:
    return call(client, account, path="/sys/tinyurls.php", add=1, **params)


@pytest.mark.parametrize(
    "link",
    [
        "",
        "example.com",
        "www.example.com/path",
        "ftp://example.com/file",
        "javascript:alert(1)",
        "mailto:a@example.com",
        "http:/example.com",
        "http:example.com",
        "https://",
        "https:///path",
        "https://exa mple.com/",
        "https://example.com/a b",
        "https://example.com/\tx",
        "https://example.com:99999/",
        "https://example.com:port/",
        "https://" + "a" * MAX_LINK,
        "https://пример..рф/",
    ],
)
def test_a_link_that_is_not_an_http_url_is_error_1(client, make_account_once, link):
    assert add_error(client, make_account_once, link=link) == "ERROR = 1 (parameters error)"


def test_a_missing_link_is_error_1(client, make_account_once):
    assert add_error(client, make_account_once) == "ERROR = 1 (parameters error)"


@pytest.mark.parametrize(
    "link",
    [
        "http://example.com",
        "HTTPS://Example.COM/Path?Q=1",
        "https://user:pw@example.com:8443/a/b;c?d=e&f=g#h",
        "http://127.0.0.1:8080/",
        "http://[::1]/x",
        "https://example.com/%D0%BF",
        "https://example.com/" + "a" * (MAX_LINK - 20),
    ],
)
def test_a_valid_link_is_accepted_as_given(client, make_account, link):
    created = add_link(client, make_account(), link)
    assert follow(client, created["link"]).headers["location"] == link


@DB_SETTINGS
@given(
    path=st.text(
        st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="#"),
        max_size=60,
    )
)
def test_any_printable_ascii_path_round_trips(client, make_account_once, path):
    link = f"https://example.com/{path}"
    created = add_link(client, make_account_once, link)
    assert follow(client, created["link"], method="HEAD").headers["location"] == link


def test_adding_the_same_link_again_returns_the_first(client, make_account):
    account = make_account()
    first = add_link(client, account, "https://example.com/same")
    assert add_link(client, account, "https://example.com/same") == first
    other = add_link(client, account, "https://example.com/same/")
    assert other["id"] != first["id"]


def test_two_accounts_get_two_links_for_one_url(client, make_account):
    one = add_link(client, make_account(), "https://example.com/shared")
    two = add_link(client, make_account(), "https://example.com/shared")
    assert one["id"] != two["id"] and one["link"] != two["link"]


def test_codes_are_eight_random_alphanumerics(client, make_account):
    account = make_account()
    codes = [
        code_of(add_link(client, account, f"https://example.com/{n}")["link"]) for n in range(30)
    ]
    assert all(re.fullmatch(r"[0-9A-Za-z]{8}", code) for code in codes)
    assert len(set(codes)) == 30
    ids = [int(add_link(client, account, f"https://example.com/{n}")["id"]) for n in range(30)]
    assert ids == sorted(ids)  # the same links again: the same ids, in creation order


def test_the_base_of_short_urls_is_configurable(backend, clock, make_account):
    settings_ = load_settings(
        database_url=backend.url, links_base_url="https://sms.example/s", **TEST_SETTINGS
    )
    account = make_account()
    with TestClient(create_app(settings_, clock=clock)) as other:
        created = add_link(other, account, "https://example.com/based")
        assert re.fullmatch(r"https://sms\.example/s/[0-9A-Za-z]{8}", created["link"])
        assert follow(other, created["link"]).status_code == 302


def test_add_works_with_post_and_an_api_key(client, make_account):
    account = make_account()
    reply = client.post(
        "/sys/tinyurls.php",
        data={"add": "1", "apikey": account.key, "link": "https://example.com/post", "fmt": "3"},
    )
    created = reply.json()
    found = call_json(client, account, path="/sys/tinyurls.php", get=1, id=created["id"])
    assert found["link"] == created["link"]


# Internationalised hosts are sent as browsers send them: IDNA 2008 with UTS 46 mapping,
# not the standard library's IDNA 2003 ("faß.de" would become another domain, "fass.de").
@pytest.mark.parametrize(
    "link,location",
    [
        ("https://faß.de/", "https://xn--fa-hia.de/"),
        ("https://пример.рф/", "https://xn--e1afmkfd.xn--p1ai/"),
        ("https://ПРИМЕР.РФ/", "https://xn--e1afmkfd.xn--p1ai/"),
        ("https://straße.example:8443/ä", "https://xn--strae-oqa.example:8443/%C3%A4"),
    ],
)
def test_an_international_host_is_sent_in_its_idna_2008_form(client, make_account, link, location):
    created = add_link(client, make_account(), link)
    assert follow(client, created["link"], method="HEAD").headers["location"] == location


@pytest.mark.parametrize("link", ["https://⒈.com/", "https://a\u200db.рф/", "https://xn--a.рф/"])
def test_a_host_idna_2008_refuses_is_error_1(client, make_account_once, link):
    assert add_error(client, make_account_once, link=link) == "ERROR = 1 (parameters error)"


@settings(max_examples=200)
@given(
    host=st.text(
        st.characters(min_codepoint=0xA0, exclude_categories=["Cs"]), min_size=1, max_size=12
    )
)
def test_hosts_are_accepted_exactly_when_uts_46_accepts_them(host):
    link = f"https://{host}.example/"
    try:
        expected = f"https://{idna.encode(host + '.example', uts46=True).decode()}/"
    except idna.IDNAError:
        expected = None
    try:
        assert urls.location(urls.checked_link(link)) == expected
    except ParametersError:
        assert expected is None
