"""The numbering queries of the request path are index lookups (tests/db/test_query_plans.py
checks the other domains the same way): the version check is a primary-key point lookup,
loading a generation a primary-key range scan with a primary-key lookup of each operator."""

from __future__ import annotations

import pytest

from smscd.numbering import queries
from tests.plans import assert_index_search

SHAPES = {"version": (queries.STATE, [queries.STATE_ID]), "load": (queries.RANGES, [7])}


@pytest.mark.parametrize("name", SHAPES)
def test_every_query_is_an_index_search(backend, name):
    sql, args = SHAPES[name]
    assert_index_search(backend, sql, args)
