"""The callback outbox's backlog, read for ``/metrics`` on each scrape (docs/operations.md):
one bounded index read."""

from __future__ import annotations

from smscd.callbacks import queries
from smscd.db.gateway import Reads

CAP = 100_000  # counts stop here


async def backlog(db: Reads) -> tuple[int, int | None]:
    """Pending notices (at most ``CAP``) and the earliest due time among them (None: none)."""
    row = await db.fetch_one(queries.BACKLOG, [CAP])
    if row is None:
        return 0, None
    return int(row[0]), None if row[1] is None else int(row[1])
