"""Writing incoming messages so that pollers never pass one (docs/architecture.md, "Order
of ids").

``get_answers`` polling by ``after_id`` trusts that, within an account, a message that
becomes visible has a higher ``id`` than every message visible before it, and its hour
window trusts that ``id`` order is ``received_ts`` order. :func:`receive` makes both true:
the units of work that write one account's incoming messages take that account's lock
(db/locks.py) and so commit one after another, in the order of their ids; and a message's
``received_ts`` is never below the account's latest one (a host whose clock is behind
another's writes the latest time instead).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from smscd.db.gateway import Transaction
from smscd.db.locks import LockKind, hold
from smscd.incoming import queries


async def receive(tx: Transaction, rows: Iterable[Mapping[str, Any]]) -> int:
    """Store incoming messages (columns of ``incoming`` but ``id``), in the order given."""
    batch = list(rows)
    if not batch:
        return 0
    accounts = sorted({int(row["account_id"]) for row in batch})
    await hold(tx, LockKind.INCOMING, accounts)
    latest: dict[int, int] = {}
    for account_id in accounts:
        found = await tx.fetch_one(queries.LATEST_RECEIVED, [account_id])
        latest[account_id] = int(found[0]) if found and found[0] is not None else 0
    values = []
    for row in batch:
        account_id = int(row["account_id"])
        received = latest[account_id] = max(int(row["received_ts"]), latest[account_id])
        values.append((account_id, received, row["sent_ts"], row["phone"], row["to_phone"],
                       row["message"]))  # fmt: skip
    await tx.execute_many(queries.INSERT, values)
    return len(values)
