"""Every get_stat query is an index search: the rollup by its primary key, accounts by id
and parent, rates by their pair; never a scan, never the ledger.

SQLite: ``EXPLAIN QUERY PLAN`` shows only SEARCH steps on the tables. PostgreSQL: with
sequential scans priced out, the plan uses the indexes.
"""

from __future__ import annotations

import pytest

from smscd.billing.queries import StatQuery, rates, stat
from tests.plans import assert_index_search

SHAPES = {
    "both balances": stat(StatQuery(1, 20260321, 20260921, None)),
    "balance2": stat(StatQuery(1, 20260321, 20260921, 2)),
    "one rate": rates("RUB", ["USD"]),
    "rates": rates("RUB", ["EUR", "USD"]),
}


@pytest.mark.parametrize("name", list(SHAPES))
def test_every_stat_query_is_an_index_search(backend, name):
    sql, args = SHAPES[name]
    assert_index_search(backend, sql, args)
    assert "ledger " not in sql
