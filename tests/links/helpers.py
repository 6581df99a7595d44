"""Calling ``tinyurls.php`` and following short URLs from the links tests."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from smscd.links import store
from tests.api import call
from tests.factories import write


def add_link(client: TestClient, account: Any, link: str, **params: Any) -> dict[str, str]:
    """``add=1``: the reply as a dict (fmt 3); asserts it is not an error."""
    reply = json.loads(
        call(client, account, path="/sys/tinyurls.php", add=1, link=link, fmt=3, **params)
    )
    assert "error" not in reply, reply
    return reply


def get_link(client: TestClient, account: Any, **params: Any) -> dict[str, Any]:
    """``get=1`` (fmt 3): the record, or the error object."""
    return json.loads(call(client, account, path="/sys/tinyurls.php", get=1, fmt=3, **params))


def code_of(short_url: str) -> str:
    return short_url.rsplit("/", 1)[1]


def follow(client: TestClient, short_url: str, method: str = "GET") -> Any:
    """Request the short URL's path without following the redirect."""
    return client.request(method, "/" + code_of(short_url), follow_redirects=False)


def counters(record: dict[str, Any]) -> tuple[int, ...]:
    """``(cnt, cnt_mon, cnt_day, cnt_yes, cnt_pmon)`` of a ``get`` record."""
    return tuple(int(record[key]) for key in ("cnt", "cnt_mon", "cnt_day", "cnt_yes", "cnt_pmon"))


def add_stored_link(backend: Any, account_id: int, url: str, now: int = 0) -> store.StoredLink:
    """A link made through the store (as ``smscd links add`` makes it)."""
    found: list[store.StoredLink] = []

    async def add(tx: Any) -> None:
        found.append(await store.add_link(tx, account_id, url, now))

    write(backend.engine, add)
    return found[0]
