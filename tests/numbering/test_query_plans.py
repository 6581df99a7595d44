"""The numbering queries of the request path are index lookups (tests/db/test_query_plans.py
checks the other domains the same way): the version check is a primary-key point lookup,
loading a generation a primary-key range scan with a primary-key lookup of each operator."""

from __future__ import annotations

import pytest

from smscd.numbering import queries

SHAPES = {"version": (queries.STATE, [queries.STATE_ID]), "load": (queries.RANGES, [7])}


@pytest.mark.parametrize("name", SHAPES)
def test_every_query_is_an_index_search(backend, name):
    sql, args = SHAPES[name]
    with backend.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        if backend.name == "sqlite":
            plan = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}", args).fetchall()]
            assert not any(step.startswith("SCAN") for step in plan), plan
            assert not any("TEMP B-TREE" in step for step in plan), plan  # no sort
            assert all("USING" in step for step in plan if step.startswith("SEARCH")), plan
        else:
            cursor = raw.cursor()
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql.replace('?', '%s')}", args)
            plan = [row[0] for row in cursor.fetchall()]
            cursor.execute("RESET enable_seqscan")
            assert not any("Seq Scan" in step for step in plan), plan
            assert any("Index" in step for step in plan), plan
