"""The parts of incoming long messages, held until the last comes.

An SMSC sends a long message as several ``deliver_sm``, each answered as it comes; it
never sends an answered part again. So each part is stored (``incoming_parts``) before
its ``deliver_sm_resp``: a crash or restart between a message's first part and its last
loses nothing, and the part that completes the message, in whichever process, finds the
others. Parts whose message does not complete within INCOMING_WAIT are dropped (the
SMSC's references are 8 or 16 bits and come round again). docs/carriers.md, "What a lost
connection can and cannot do".
"""

from __future__ import annotations

from dataclasses import dataclass

from smscd.db.gateway import Database
from smscd.delivery import queries

INCOMING_WAIT = 600  # seconds the parts of an incoming message wait for the others


@dataclass(frozen=True, slots=True)
class Key:
    source: str
    dest: str
    reference: int
    total: int


class HeldParts:
    def __init__(self, connector: str, db: Database) -> None:
        self._connector = connector
        self._db = db

    def _key(self, key: Key) -> list[object]:
        return [self._connector, key.source, key.dest, key.reference, key.total]

    async def add(self, key: Key, seq: int, data_coding: int, data: bytes,
                  now: int) -> tuple[int, bytes] | None:  # fmt: skip
        """Hold one part; the whole message (the first part's data_coding, the parts'
        octets in order) once every part is here, else None."""
        async with self._db.transaction() as tx:
            if tx.dialect == "postgresql":
                await tx.fetch_all(queries.INCOMING_LOCK, ["\x1f".join(map(str, self._key(key)))])
            await tx.execute(queries.INCOMING_PART, [*self._key(key), seq, data_coding, data, now])
            rows = await tx.fetch_all(queries.INCOMING_PARTS, self._key(key))
        if len(rows) < key.total:
            return None
        return int(rows[0][1]), b"".join(bytes(row[2]) for row in rows)

    async def done(self, key: Key) -> None:
        """The message is stored: its parts go."""
        async with self._db.transaction() as tx:
            await tx.execute(queries.INCOMING_DONE, self._key(key))

    async def prune(self, now: int) -> int:
        """Parts whose message did not complete in time; how many."""
        async with self._db.transaction() as tx:
            return await tx.execute(queries.INCOMING_STALE, [self._connector, now - INCOMING_WAIT])
