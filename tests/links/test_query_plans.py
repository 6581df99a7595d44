"""Every short-link query of the request path is an index lookup: no full scan, no OFFSET
(the redirect's lookup by code, ``add``'s by URL hash, ``get`` by id and by link)."""

from __future__ import annotations

import pytest

from smscd.links import queries
from smscd.links.queries import Counters, StatsQuery
from smscd.links.urls import lookup_candidates, url_hash
from tests.plans import assert_index_search

TODAY = Counters(20260921, 20260920, (20260901, 20260931), (20260801, 20260831))
CANDIDATES = lookup_candidates("mywebsite.ru")
SHAPES = {
    "redirect by code": (queries.BY_CODE, ["Ab3dE6gH"]),
    "add by url hash": (queries.LINK_BY_URL_HASH, [1, url_hash("https://example.com/")]),
    "get by id": queries.stats(StatsQuery(1, TODAY, link_id=5)),
    "get by link": queries.stats(
        StatsQuery(1, TODAY, urls=["https://a.example/"], url_hashes=[77])
    ),
    "get by link without scheme": queries.stats(
        StatsQuery(1, TODAY, urls=CANDIDATES, url_hashes=[url_hash(c) for c in CANDIDATES])
    ),
}


@pytest.mark.parametrize("name", list(SHAPES))
def test_every_query_is_an_index_search(backend, name):
    sql, args = SHAPES[name]
    assert_index_search(backend, sql, args)
