"""Query plans: every request-path query must be an index search, on both databases.

SQLite: ``EXPLAIN QUERY PLAN`` shows no SCAN step, and every SEARCH step uses an index (or
the integer primary key). PostgreSQL: with sequential scans priced out (and, where the order
must come from the index, bitmap scans and sorts too), the plan uses an index: proof that an
index serves the query, whatever the planner picks for a tiny test table.
"""

from __future__ import annotations

from typing import Any

ORDER_FROM_INDEX = ("enable_seqscan", "enable_bitmapscan", "enable_sort")


def query_plan(backend: Any, sql: str, args: Any, priced_out: tuple[str, ...]) -> list[str]:
    with backend.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        if backend.name == "sqlite":
            return [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", args).fetchall()]
        cursor = raw.cursor()
        for setting in priced_out:
            cursor.execute(f"SET {setting} = off")
        cursor.execute(f"EXPLAIN {sql.replace('?', '%s')}", args)
        plan = [row[0] for row in cursor.fetchall()]
        cursor.execute("RESET ALL")
        return plan


def assert_index_search(backend: Any, sql: str, args: Any, *, no_sort: bool = False) -> None:
    """``sql`` runs as index searches only (``no_sort``: its order comes from the index)."""
    priced_out = ORDER_FROM_INDEX if no_sort else ("enable_seqscan",)
    plan = query_plan(backend, sql, args, priced_out)
    if backend.name == "sqlite":
        assert not any(step.startswith("SCAN") for step in plan), plan
        searches = [step for step in plan if step.startswith("SEARCH")]
        assert searches and all("USING" in step for step in searches), plan
        if no_sort:
            assert not any("TEMP B-TREE" in step for step in plan), plan
    else:
        assert not any("Seq Scan" in step for step in plan), plan
        assert any("Index" in step for step in plan), plan
        if no_sort:
            assert not any(step.lstrip(" ->").startswith("Sort") for step in plan), plan
    assert "OFFSET" not in sql.upper()
