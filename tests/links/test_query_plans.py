"""Every short-link query of the request path is an index lookup: no full scan, no OFFSET
(the redirect's lookup by code, ``add``'s by URL hash, ``get`` by id and by link)."""

from __future__ import annotations

import pytest

from smscd.links import queries
from smscd.links.queries import Counters, StatsQuery
from smscd.links.urls import lookup_candidates, url_hash

TODAY = Counters(20260921, 20260920, (20260901, 20260931), (20260801, 20260831))
CANDIDATES = lookup_candidates("mywebsite.ru")
SHAPES = {
    "redirect by code": (queries.BY_CODE, ["Ab3dE6gH"]),
    "add by url hash": (queries.BY_URL_HASH, [1, url_hash("https://example.com/")]),
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
    with backend.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        if backend.name == "sqlite":
            plan = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", args).fetchall()]
            assert [step for step in plan if step.startswith("SCAN")] == [], plan
            searches = [step for step in plan if step.startswith("SEARCH")]
            assert searches and all(
                "INDEX" in step or "PRIMARY KEY" in step for step in searches
            ), plan
        else:
            cursor = raw.cursor()
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql.replace('?', '%s')}", args)
            plan = [row[0] for row in cursor.fetchall()]
            assert not any("Seq Scan" in step for step in plan), plan
            assert any("Index" in step for step in plan), plan
    assert "OFFSET" not in sql.upper()
