"""Every history and incoming query is an index range scan: no full scan, no OFFSET.

SQLite: ``EXPLAIN QUERY PLAN`` shows only SEARCH steps on the tables. PostgreSQL: with
sequential scans priced out, the plan uses the indexes (proof that an index serves every
shape, whatever the planner picks for a tiny table).
"""

from __future__ import annotations

import pytest

from smscd.history.queries import HistoryQuery, history
from smscd.incoming.queries import IncomingQuery, incoming
from tests.plans import assert_index_search

PERIOD = (1_780_000_000, 1_790_000_000)
HISTORY_SHAPES = {
    "latest": HistoryQuery(1, False, [], None, None, 100),
    "prev_id": HistoryQuery(1, False, [], None, 5000, 100),
    "one phone": HistoryQuery(1, False, ["79990000001"], None, None, 100),
    "phones": HistoryQuery(1, False, ["79990000001", "79990000002"], None, 5000, 100),
    "period": HistoryQuery(1, False, [], PERIOD, None, 100),
    "period and prev_id": HistoryQuery(1, False, [], PERIOD, 5000, 100),
    "phone and period": HistoryQuery(1, True, ["a@b.c"], PERIOD, 77, 10),
}
# The shapes whose order comes from the index itself (no sort): all but several phones,
# whose index ranges are merged.
IN_INDEX_ORDER = {"latest", "prev_id", "one phone", "period", "period and prev_id",
                  "phone and period"}  # fmt: skip
INCOMING_SHAPES = {
    "window": IncomingQuery(1, 1_789_000_000, 0, None, 100),
    "after_id": IncomingQuery(1, 1_789_000_000, 500, None, 100),
    "to_phone": IncomingQuery(1, 1_789_000_000, 500, "79990000001", 100),
}
SHAPES = [
    (name, lambda dialect, q=q: history(dialect, q)) for name, q in HISTORY_SHAPES.items()
] + [(name, lambda dialect, q=q: incoming(dialect, q)) for name, q in INCOMING_SHAPES.items()]


@pytest.mark.parametrize("name,statement", SHAPES, ids=[name for name, _ in SHAPES])
def test_every_query_is_an_index_search(backend, name, statement):
    sql, args = statement("postgresql" if backend.name == "postgres" else "sqlite")
    assert_index_search(backend, sql, args, no_sort=name in IN_INDEX_ORDER)
