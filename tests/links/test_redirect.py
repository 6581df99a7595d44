"""Following a short URL: a 302 to the original link, and the click counted exactly once,
committed before the redirect is answered (docs/links.md)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from smscd.app import create_app
from smscd.links import clicks
from smscd.links.tables import link_days
from smscd.settings import load_settings
from tests.conftest import TEST_SETTINGS

from .helpers import add_link, code_of, counters, follow, get_link


def test_a_short_url_redirects_to_the_link(client, make_account):
    created = add_link(client, make_account(), "https://example.com/a?b=1&c=%20#top")
    reply = follow(client, created["link"])
    assert reply.status_code == 302
    assert reply.headers["location"] == "https://example.com/a?b=1&c=%20#top"
    assert reply.headers["cache-control"] == "no-store"


def test_a_non_ascii_link_is_sent_in_its_ascii_form(client, make_account):
    created = add_link(client, make_account(), "https://пример.рф/путь?q=да")
    reply = follow(client, created["link"])
    assert reply.headers["location"] == (
        "https://xn--e1afmkfd.xn--p1ai/%D0%BF%D1%83%D1%82%D1%8C?q=%D0%B4%D0%B0"
    )


@pytest.mark.parametrize("times", [1, 3])
def test_each_get_counts_exactly_once(client, make_account, times):
    account = make_account()
    created = add_link(client, account, "https://example.com/")
    for _ in range(times):
        assert follow(client, created["link"]).status_code == 302
    # Visible as soon as the redirect has returned: no waiting, no retry.
    assert counters(get_link(client, account, id=created["id"])) == (times, times, times, 0, 0)


def test_head_redirects_without_counting(client, make_account):
    account = make_account()
    created = add_link(client, account, "https://example.com/")
    reply = follow(client, created["link"], method="HEAD")
    assert (reply.status_code, reply.headers["location"]) == (302, "https://example.com/")
    assert get_link(client, account, id=created["id"])["cnt"] == "0"


@pytest.mark.parametrize("path", ["/Zz9Zz9Zz", "/abc-def", "/" + "a" * 17, "/favicon.ico"])
def test_an_unknown_code_is_404(client, path):
    reply = client.get(path, follow_redirects=False)
    assert (reply.status_code, reply.text) == (404, "link not found")


def test_other_paths_are_not_link_codes(client):
    assert client.get("/healthz").text == "OK"
    assert client.get("/sys/tinyurls.php", params={"get": 1}).text == "ERROR = 2 (authorise error)"


def test_post_to_a_short_url_is_not_allowed(client, make_account):
    created = add_link(client, make_account(), "https://example.com/")
    assert client.post("/" + code_of(created["link"])).status_code == 405


def test_concurrent_clicks_are_all_counted(client, make_account):
    account = make_account()
    created = add_link(client, account, "https://example.com/many")
    with ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(lambda _: follow(client, created["link"]).status_code, range(50)))
    assert statuses == [302] * 50
    assert counters(get_link(client, account, id=created["id"])) == (50, 50, 50, 0, 0)


def _stored_counters(backend, link_id: int) -> dict[int, int]:
    """The link's rows of ``link_days``: day -> clicks (day 0: the total)."""
    with backend.engine.connect() as conn:
        rows = conn.execute(
            select(link_days.c.day, link_days.c.clicks).where(link_days.c.link_id == link_id)
        ).all()
    return dict(rows)  # type: ignore[arg-type]


def test_the_click_is_committed_before_the_redirect_is_answered(backend, clock, make_account):
    """A writer that waits long for company: an answer sent before its commit would find
    nothing in the database here."""
    settings = load_settings(
        database_url=backend.url,
        links_commit_wait_ms=300,
        links_commit_max_clicks=1000,
        **TEST_SETTINGS,
    )
    account = make_account()
    with TestClient(create_app(settings, clock=clock)) as slow:
        created = add_link(slow, account, "https://example.com/durable")
        assert follow(slow, created["link"]).status_code == 302
        assert _stored_counters(backend, int(created["id"])) == {0: 1, 20260921: 1}


def test_a_click_that_cannot_be_committed_gets_no_redirect(client, make_account, monkeypatch):
    account = make_account()
    created = add_link(client, account, "https://example.com/")

    def disk_full(_clicks):
        raise OSError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(clicks, "click_rows", disk_full)
        reply = follow(client, created["link"])
    assert (reply.status_code, reply.text) == (503, "service unavailable")
    assert get_link(client, account, id=created["id"])["cnt"] == "0"
    assert follow(client, created["link"]).status_code == 302
    assert get_link(client, account, id=created["id"])["cnt"] == "1"


def test_a_code_with_a_trailing_slash_is_404_not_a_redirect(client, make_account):
    created = add_link(client, make_account(), "https://example.com/")
    path = "/" + code_of(created["link"]) + "/"
    reply = client.get(path, follow_redirects=False)
    assert (reply.status_code, reply.text) == (404, "link not found")
    assert "location" not in reply.headers
    assert client.post(path, follow_redirects=False).status_code == 405
