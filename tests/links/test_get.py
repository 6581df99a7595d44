"""``tinyurls.php?get=1``: one of the account's own links, by ``id`` or by its original
``link`` (reference "Getting data about a short link"; decisions in docs/links.md)."""

from __future__ import annotations

import pytest

from tests.api import call

from .helpers import add_link, follow, get_link

NOT_FOUND = {"error": "link not found", "error_code": 3}


def test_by_id_and_by_link_find_the_same_link(client, make_account):
    account = make_account()
    created = add_link(client, account, "https://example.com/x")
    by_id = get_link(client, account, id=created["id"])
    by_link = get_link(client, account, link="https://example.com/x")
    assert by_id == by_link
    assert (by_id["id"], by_id["link"]) == (created["id"], created["link"])


def test_every_value_is_a_string_in_json(client, make_account):
    account = make_account()
    created = add_link(client, account, "https://example.com/x")
    record = get_link(client, account, id=created["id"])
    assert list(record) == ["id", "cnt", "cnt_mon", "cnt_day", "cnt_yes", "cnt_pmon", "link"]
    assert all(isinstance(value, str) for value in record.values())


def test_a_link_without_a_scheme_finds_the_newest_of_http_and_https(client, make_account):
    """The reference's example asks for ``link=mywebsite.ru``."""
    account = make_account()
    add_link(client, account, "http://mywebsite.ru")
    newest = add_link(client, account, "https://mywebsite.ru")
    assert get_link(client, account, link="mywebsite.ru")["id"] == newest["id"]
    assert get_link(client, account, link="http://mywebsite.ru")["id"] != newest["id"]
    assert get_link(client, account, link="https://mywebsite.ru/") == NOT_FOUND


def test_a_link_stored_without_a_scheme_is_impossible_so_only_the_forms_match(client, make_account):
    account = make_account()
    only = add_link(client, account, "http://site.example/path?q=1")
    assert get_link(client, account, link="site.example/path?q=1")["id"] == only["id"]
    assert get_link(client, account, link="site.example/path") == NOT_FOUND


def test_id_wins_over_link(client, make_account):
    account = make_account()
    one = add_link(client, account, "https://example.com/1")
    add_link(client, account, "https://example.com/2")
    record = get_link(client, account, id=one["id"], link="https://example.com/2")
    assert record["id"] == one["id"]


@pytest.mark.parametrize(
    "params",
    [{}, {"id": ""}, {"link": ""}, {"id": "abc"}, {"id": "0"}, {"id": "-5"}, {"id": "1.5"}],
)
def test_without_a_usable_id_or_link_it_is_error_1(client, make_account_once, params):
    reply = call(client, make_account_once, path="/sys/tinyurls.php", get=1, **params)
    assert reply == "ERROR = 1 (parameters error)"


def test_unknown_id_or_link_is_error_3(client, make_account):
    account = make_account()
    assert get_link(client, account, id=10**17) == NOT_FOUND
    assert get_link(client, account, link="https://nowhere.example/") == NOT_FOUND
    assert get_link(client, account, link="x" * 5000) == NOT_FOUND


def test_one_account_never_sees_another_accounts_links(client, make_account):
    owner, stranger = make_account(), make_account()
    created = add_link(client, owner, "https://example.com/private")
    follow(client, created["link"])
    assert get_link(client, stranger, id=created["id"]) == NOT_FOUND
    assert get_link(client, stranger, link="https://example.com/private") == NOT_FOUND
    assert get_link(client, stranger, link="example.com/private") == NOT_FOUND
    # The stranger's own link to the same URL is a link of its own, with its own clicks.
    own = add_link(client, stranger, "https://example.com/private")
    assert own["id"] != created["id"]
    assert get_link(client, stranger, id=own["id"])["cnt"] == "0"
    assert get_link(client, owner, id=created["id"])["cnt"] == "1"


def test_a_sub_client_does_not_see_its_parents_links(client, make_account):
    parent = make_account()
    child = make_account(parent=parent.login)
    created = add_link(client, parent, "https://example.com/family")
    assert get_link(client, child, id=created["id"]) == NOT_FOUND
    assert get_link(client, parent, id=created["id"])["id"] == created["id"]


def test_wrong_credentials_are_error_2_before_anything_else(client, make_account):
    account = make_account()
    reply = call(client, account, path="/sys/tinyurls.php", get=1, id="abc", psw="wrong", fmt=3)
    assert reply == '{"error": "authorise error", "error_code": 2}'
