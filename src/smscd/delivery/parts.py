"""The parts of long messages: the carrier's id of each, and each part's final word, kept
in ``delivery_parts`` so that a receipt for any part is matched, and a long message
becomes final when every part has, across restarts of the process (issue 11).

Written in the transaction that records the message ``submitted`` (delivery/queue.py),
so a message the queue shows as handed over always has its parts' ids; a part's receipt
that came before that writes its own row with its final (the connector knew the message
from the ``submit_sm_resp``). A part's final is stored before the connector answers the
receipt, so a crash loses none. Rows go when their message is final (receipt, expiry,
failure), and any left over (a receipt repeated after the end) PARTS_KEPT after they were
written: past the longest validity (24 hours), a receipt changes nothing anyway.
"""

from __future__ import annotations

from collections.abc import Sequence

from smscd.db.gateway import Transaction
from smscd.delivery import queries
from smscd.delivery.connectors.base import Final, Receipt

PARTS_KEPT = 2 * 86400  # seconds


def combine(finals: Sequence[tuple[Final, int]]) -> tuple[Final, int]:
    """A long message's final from its parts': delivered when all are, else the first
    part's failure (undeliverable before expired)."""
    for wanted in (Final.UNDELIVERABLE, Final.EXPIRED):
        for final, err in finals:
            if final == wanted:
                return final, err
    return Final.DELIVERED, 0


async def submitted(tx: Transaction, connector: str, int_id: int, peer_ids: Sequence[str],
                    now: int) -> None:  # fmt: skip
    """Keep the ids of a message's parts (nothing for a message of one part: its id is
    ``messages.peer_id``)."""
    if len(peer_ids) < 2:
        return
    await tx.execute_many(queries.PART_SUBMITTED, [
        [connector, peer_id, int_id, part, len(peer_ids), now]
        for part, peer_id in enumerate(peer_ids)
    ])  # fmt: skip


async def received(tx: Transaction, receipt: Receipt,
                   now: int) -> tuple[int, tuple[Final, int] | None] | None:  # fmt: skip
    """A receipt for a part of a long message: its final is kept, and the answer is the
    message and its final once every part has one (else None: it waits for the others).
    None when the receipt is for no part kept here (a message of one part, or one sent
    before parts were kept): the caller matches it by ``messages.peer_id``."""
    if receipt.int_id is not None:
        if receipt.parts < 2:
            return None
        int_id, parts = receipt.int_id, receipt.parts
    else:
        rows = await tx.fetch_point(queries.PART_OF_PEER, [receipt.connector, receipt.peer_id])
        if not rows:
            return None
        int_id, parts = int(rows[0][0]), int(rows[0][1])
    # The message first, then its parts: the order of the queue's own transaction
    # (submitted, then the parts), so the two never wait for each other in a circle.
    if tx.dialect == "postgresql":
        await tx.fetch_all(queries.LOCK_MESSAGE, [int_id])
    await tx.execute(queries.PART_FINAL, [
        receipt.connector, receipt.peer_id, int_id, receipt.part, parts,
        receipt.final.value, receipt.err, now,
    ])  # fmt: skip
    finals = {int(p): (Final(str(f)), int(e))
              for p, f, e in await tx.fetch_all(queries.PART_FINALS, [int_id])}  # fmt: skip
    if len(finals) < parts:
        return int_id, None
    return int_id, combine([finals[part] for part in sorted(finals)])


async def forget(tx: Transaction, int_ids: Sequence[int]) -> None:
    """The parts of messages that are final."""
    for start in range(0, len(int_ids), 500):
        chunk = list(int_ids[start : start + 500])
        await tx.execute(queries.PARTS_OF.format(ids=", ".join("?" * len(chunk))), chunk)


async def prune(tx: Transaction, now: int) -> int:
    """Parts left over past any message's lifetime; how many."""
    return await tx.execute(queries.PARTS_BEFORE, [now - PARTS_KEPT])
