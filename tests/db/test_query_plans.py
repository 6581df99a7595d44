"""Every history and incoming query is an index range scan: no full scan, no OFFSET.

SQLite: ``EXPLAIN QUERY PLAN`` shows only SEARCH steps on the tables. PostgreSQL: with
sequential scans priced out, the plan uses the indexes (proof that an index serves every
shape, whatever the planner picks for a tiny table).
"""

from __future__ import annotations

import pytest

from smscd.history.queries import NO_UPPER_BOUND, HistoryQuery, history
from smscd.incoming.queries import IncomingQuery, incoming
from tests.plans import assert_index_search

HISTORY_SHAPES = {
    "latest": HistoryQuery(1, False, [], None, NO_UPPER_BOUND, 100),
    "prev_id": HistoryQuery(1, False, [], None, 5000, 100),
    "one phone": HistoryQuery(1, False, ["79990000001"], None, NO_UPPER_BOUND, 100),
    "phones": HistoryQuery(1, False, ["79990000001", "79990000002"], None, 5000, 100),
    "period": HistoryQuery(1, False, [], (1_780_000_000, 1_790_000_000), NO_UPPER_BOUND, 100),
    "phone and period": HistoryQuery(1, True, ["a@b.c"], (1_780_000_000, 1_790_000_000), 77, 10),
}
INCOMING_SHAPES = {
    "window": IncomingQuery(1, 1_789_000_000, 0, None, 100),
    "after_id": IncomingQuery(1, 1_789_000_000, 500, None, 100),
    "to_phone": IncomingQuery(1, 1_789_000_000, 500, "79990000001", 100),
}
SHAPES = [(name, history(q)) for name, q in HISTORY_SHAPES.items()] + [
    (name, incoming(q)) for name, q in INCOMING_SHAPES.items()
]


@pytest.mark.parametrize("name,statement", SHAPES, ids=[name for name, _ in SHAPES])
def test_every_query_is_an_index_search(backend, name, statement):
    sql, args = statement
    assert_index_search(backend, sql, args)
