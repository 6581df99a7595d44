"""The queue's maintenance and its /metrics backlog read only open messages, through a
partial index of them: never a scan of the whole history (which the message rows also
are), on either database."""

from __future__ import annotations

import pytest

from smscd.delivery import queries
from tests.plans import assert_index_search, query_plan

NOW = 1_790_000_000
STATEMENTS = {
    "rescue": (queries.RESCUE, [NOW, NOW]),
    "expire queued": (queries.EXPIRE_QUEUED, [NOW, NOW]),
    "expire submitted": (queries.EXPIRE_SUBMITTED, [NOW, NOW]),
    **{
        f"backlog {state}": (queries.backlog(state), [2000, 2000])
        for state in ("queued", "sending", "submitted")
    },
}


@pytest.mark.parametrize("name", list(STATEMENTS))
def test_maintenance_reads_the_open_messages_index(backend, name):
    sql, args = STATEMENTS[name]
    plan = query_plan(backend, sql, args, ("enable_seqscan",))
    if backend.name == "sqlite":
        # Scans of the statement's own subquery rows are fine; of the table, never.
        assert not any(step.startswith("SCAN messages") for step in plan), plan
        on_messages = [step for step in plan if " messages " in f"{step} "]
        assert on_messages and all("ix_messages_open" in step for step in on_messages), plan
    else:
        assert not any("Seq Scan" in step for step in plan), plan
        # Either partial index holds open messages only (ix_messages_queue: the queued ones).
        partial = ("ix_messages_open", "ix_messages_queue")
        assert any(index in step for step in plan for index in partial), plan


PARTS = {
    "a part by the peer's id": (queries.PART_OF_PEER, ["up", "P1"]),
    "a message's part finals": (queries.PART_FINALS, [7]),
    "a final message's parts": (queries.PARTS_OF.format(ids="?, ?"), [7, 8]),
    "parts left over": (queries.PARTS_BEFORE, [NOW]),
    "the message a part's receipt ends": (queries.LOCK_MESSAGE.replace(" FOR UPDATE", ""), [7]),
    "an incoming message's parts": (queries.INCOMING_PARTS, ["up", "7903", "7999", 77, 3]),
    "a stored incoming message's parts": (queries.INCOMING_DONE, ["up", "7903", "7999", 77, 3]),
    "incoming parts left over": (queries.INCOMING_STALE, ["up", NOW]),
}


@pytest.mark.parametrize("name", list(PARTS))
def test_the_parts_of_long_messages_are_index_searches(backend, name):
    sql, args = PARTS[name]
    assert_index_search(backend, sql, args)
