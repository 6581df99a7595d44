"""Every get_price query is an index lookup: no full scan, no OFFSET, on both databases.

As tests/db/test_query_plans.py: SQLite's ``EXPLAIN QUERY PLAN`` shows only SEARCH steps;
PostgreSQL, with the alternatives priced out, uses the indexes. Neither sorts: each index
also gives the order the reply needs.
"""

from __future__ import annotations

import pytest

from smscd.tariffs import queries
from tests.plans import assert_index_search

SHAPES = {
    "plan": queries.plan(1),
    "zones": queries.zones(1),
    "codes": queries.codes(1),
}


@pytest.mark.parametrize("name", SHAPES)
def test_every_query_is_an_index_search(backend, name):
    sql, args = SHAPES[name]
    assert_index_search(backend, sql, args, no_sort=True)
