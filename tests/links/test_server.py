"""End to end: short links through the real `smscd serve` with two worker processes, whose
click writers share the database (the turn-taking of docs/links.md, "group commit")."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.links.helpers import add_stored_link
from tests.servers import serving

CLICKS = 120


@pytest.fixture(scope="module")
def server(backend, tmp_path_factory) -> Iterator[str]:
    """`smscd serve --workers 2` on the test database (SQLite or PostgreSQL)."""
    with serving(backend.url, tmp_path_factory.mktemp("links-e2e")) as base_url:
        yield base_url


def test_concurrent_clicks_on_two_workers_are_all_counted(server, backend, make_account):
    account = make_account()
    link = add_stored_link(backend, account.id, "https://example.com/e2e", int(time.time()))
    short = f"{server}/{link.code}"

    def click(_: int) -> int:
        with httpx.Client() as http:  # a connection each: spread over both workers
            reply = http.get(short)
        assert reply.headers["location"] == "https://example.com/e2e"
        return reply.status_code

    with ThreadPoolExecutor(24) as pool:
        statuses = list(pool.map(click, range(CLICKS)))
    assert statuses == [302] * CLICKS
    assert httpx.head(short).status_code == 302  # not counted
    reply = httpx.get(
        f"{server}/sys/tinyurls.php",
        params={"get": 1, "apikey": account.key, "id": link.id, "fmt": 1},
    )
    link_id, cnt, _mon, day, yesterday, _pmon, short_url = reply.text.split(",")
    assert (link_id, short_url) == (str(link.id), f"http://127.0.0.1:8000/{link.code}")
    # The server runs on the real clock: the clicks may straddle a midnight.
    assert int(cnt) == int(day) + int(yesterday) == CLICKS
