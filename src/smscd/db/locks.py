"""Locks that order writers of one key across transactions (and hosts).

Some writes must become visible in the order of the ids they get: a poller that has seen id
105 never looks below it again, so 103 must not commit after 105 (incoming messages,
docs/architecture.md "Order of ids"). :func:`hold` takes a lock on ``(kind, key)`` until the
unit of work ends, so that units of work on the same key run one after another.

PostgreSQL: a transaction-level advisory lock (released at commit, after the commit is
visible). SQLite: nothing to take, since the one writer of a database runs units of work
one at a time anyway (db/sqlite.py).
"""

from __future__ import annotations

import enum

from smscd.db.gateway import Transaction


class LockKind(enum.IntEnum):
    """The first key of smscd's advisory locks: one number per kind of lock, never reused."""

    INCOMING = 1  # an account's incoming messages (incoming/store.py)


async def hold(tx: Transaction, kind: LockKind, keys: list[int]) -> None:
    """Hold the locks of ``keys`` (32-bit integers) of ``kind`` until ``tx`` ends, taken in
    ascending order (two units that want the same keys never wait for each other)."""
    if tx.dialect != "postgresql":
        return
    for key in sorted(set(keys)):
        await tx.fetch_all("SELECT pg_advisory_xact_lock(?, ?)", [int(kind), key])
