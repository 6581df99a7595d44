"""What the delivery queue holds, read for ``/metrics`` on each scrape (docs/operations.md,
"Metrics"): bounded index scans, so that a scrape costs the same whatever the backlog."""

from __future__ import annotations

from dataclasses import dataclass

from smscd.db.gateway import Reads
from smscd.delivery import queries
from smscd.delivery.states import State

OPEN = (State.QUEUED, State.SENDING, State.SUBMITTED)
CAP = 100_000  # counts stop here: the gauge then says "at least"
NEAREST = 2_000  # the oldest is looked for among this many of a state, nearest expiry first


@dataclass(frozen=True, slots=True)
class StateBacklog:
    state: str
    messages: int  # at most CAP
    oldest_ts: int | None  # the oldest last status change (Unix s); None: no message


async def backlog(db: Reads) -> list[StateBacklog]:
    """Each open state's messages and oldest last change. Exact while a state holds at
    most ``NEAREST`` messages; beyond, the oldest of the ``NEAREST`` that expire first (the
    oldest of all when messages share a validity period, as they do by default)."""
    found = []
    for state in OPEN:
        row = await db.fetch_one(queries.backlog(state.value), [CAP, NEAREST])
        count, oldest = (row[0], row[1]) if row is not None else (0, None)
        found.append(StateBacklog(state.value, int(count), None if oldest is None else int(oldest)))
    return found
