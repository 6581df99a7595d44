"""Every get_stat query is an index search: the rollup by its primary key, accounts by id
and parent, rates by their pair; never a scan, never the ledger.

SQLite: ``EXPLAIN QUERY PLAN`` shows only SEARCH steps on the tables. PostgreSQL: with
sequential scans priced out, the plan uses the indexes.
"""

from __future__ import annotations

import pytest

from smscd.billing.queries import StatQuery, rates, stat

SHAPES = {
    "both balances": stat(StatQuery(1, 20260321, 20260921, None)),
    "balance2": stat(StatQuery(1, 20260321, 20260921, 2)),
    "one rate": rates("RUB", ["USD"]),
    "rates": rates("RUB", ["EUR", "USD"]),
}


@pytest.mark.parametrize("name", list(SHAPES))
def test_every_stat_query_is_an_index_search(backend, name):
    sql, args = SHAPES[name]
    with backend.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        if backend.name == "sqlite":
            plan = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", args).fetchall()]
            scans = [step for step in plan if step.startswith("SCAN")]
            assert scans == [], plan
            assert any("USING" in step and "INDEX" in step for step in plan), plan
        else:
            cursor = raw.cursor()
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql.replace('?', '%s')}", args)
            plan = [row[0] for row in cursor.fetchall()]
            cursor.execute("RESET enable_seqscan")
            assert not any("Seq Scan" in step for step in plan), plan
            assert any("Index" in step for step in plan), plan
    assert "ledger " not in sql and "OFFSET" not in sql.upper()
