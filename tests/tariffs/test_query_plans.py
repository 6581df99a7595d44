"""Every get_price query is an index lookup: no full scan, no OFFSET, on both databases.

As tests/db/test_query_plans.py: SQLite's ``EXPLAIN QUERY PLAN`` shows only SEARCH steps;
PostgreSQL, with the alternatives priced out, uses the indexes. Neither sorts: each index
also gives the order the reply needs.
"""

from __future__ import annotations

import pytest

from smscd.tariffs import queries

SHAPES = {
    "plan": queries.plan(1),
    "zones": queries.zones(1),
    "codes": queries.codes(1),
}


@pytest.mark.parametrize("name", SHAPES)
def test_every_query_is_an_index_search(backend, name):
    sql, args = SHAPES[name]
    with backend.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        if backend.name == "sqlite":
            plan = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", args).fetchall()]
            assert [step for step in plan if step.startswith("SCAN")] == [], plan
            assert not any("TEMP B-TREE" in step for step in plan), plan  # no sort
            searches = [step for step in plan if step.startswith("SEARCH")]
            assert searches and all("USING" in step for step in searches), plan
        else:
            cursor = raw.cursor()
            # Sequential scans, bitmap scans and sorts priced out: what is left is an index
            # that finds the rows and gives their order.
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                cursor.execute(f"SET {setting} = off")
            cursor.execute(f"EXPLAIN {sql.replace('?', '%s')}", args)
            plan = [row[0] for row in cursor.fetchall()]
            cursor.execute("RESET ALL")
            assert not any("Seq Scan" in step for step in plan), plan
            assert not any(step.lstrip(" ->").startswith("Sort") for step in plan), plan
            assert any("Index" in step for step in plan), plan
    assert "OFFSET" not in sql.upper()
