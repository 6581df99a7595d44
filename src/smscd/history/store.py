"""Writing sent messages (send.php's accepted messages, the demo seeder's history), inside a
unit of work.

``send_ts`` is when the message is (or was) to be sent: written once, at acceptance, and
never changed, because history orders and pages by it (queries.py). Ids may be allocated in
any order relative to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from smscd.db.gateway import Transaction
from smscd.formats import EMAIL_FORMAT
from smscd.segments import crc

COLUMNS = (
    "account_id", "id", "mail", "phone", "format", "type", "status", "err", "send_ts",
    "last_ts", "mccmnc", "country", "operator", "region", "cost", "sender_id", "message",
    "sms_cnt", "crc",
)  # fmt: skip
INSERT = f"INSERT INTO messages ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"


async def insert_messages(tx: Transaction, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert sent-message rows (columns of ``messages`` but ``int_id`` and ``mail``)."""
    batch = [
        tuple(int(row["format"] == EMAIL_FORMAT) if column == "mail" else row[column]
              for column in COLUMNS)
        for row in rows
    ]  # fmt: skip
    if batch:
        await tx.execute_many(INSERT, batch)
    return len(batch)


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A message send.php accepts: a history row and its place in the delivery queue."""

    account_id: int
    id: int  # the send's id (0 with a textual ``ref``)
    ref: str  # the client's textual id, or ''
    phone: str  # digits, or an e-mail address (format 8)
    format: int
    status: int  # -1 waiting, or a final status for a message refused at once
    err: int
    send_ts: int  # when it is to be sent (history's order; never changes)
    last_ts: int  # when its status last changed: acceptance
    mccmnc: str
    country: str
    operator: str
    region: str
    cost: int  # hundredths of the account's currency
    sender_id: str
    message: str
    comment: str
    sms_cnt: int
    state: str  # "queued", or a final state
    valid_until: int  # not delivered by then: expired
    connector: str  # the route's connector chosen at acceptance ('' none)
    balance: int  # 1 main, 2 second
    subject: str = ""  # an e-mail's subject (send.php subj)


QUEUE_COLUMNS = (
    "int_id", "account_id", "id", "ref", "mail", "phone", "format", "type", "status", "err",
    "send_ts", "last_ts", "mccmnc", "country", "operator", "region", "cost", "sender_id",
    "message", "comment", "sms_cnt", "crc", "state", "run_at", "valid_until", "connector",
    "balance", "subject",
)  # fmt: skip
QUEUE_INSERT = (
    f"INSERT INTO messages ({', '.join(QUEUE_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(QUEUE_COLUMNS))})"
)
API_TYPE = 0  # history's ``type``: sent through the HTTP API (docs/api.md)


async def queue_messages(tx: Transaction, messages: Sequence[NewMessage]) -> list[int]:
    """Insert accepted messages, queued for delivery at their ``send_ts``; their int_ids,
    in the order given."""
    if not messages:
        return []
    int_ids = await tx.allocate_ids("messages", "int_id", len(messages))
    rows = [
        (int_id, m.account_id, m.id, m.ref, int(m.format == EMAIL_FORMAT), m.phone, m.format,
         API_TYPE, m.status, m.err, m.send_ts, m.last_ts, m.mccmnc, m.country, m.operator,
         m.region, m.cost, m.sender_id, m.message, m.comment, m.sms_cnt, crc(m.message),
         m.state, m.send_ts, m.valid_until, m.connector, m.balance, m.subject)
        for int_id, m in zip(int_ids, messages, strict=True)
    ]  # fmt: skip
    await tx.execute_many(QUEUE_INSERT, rows)
    return int_ids


async def continue_send_ids(tx: Transaction, account_ids: Sequence[int]) -> None:
    """Ids send.php gives continue after the largest id of the accounts' history (for
    history written by other means: the demo, an import)."""
    for account_id in account_ids:
        await tx.execute(
            "UPDATE accounts SET last_send_id = COALESCE("
            "(SELECT MAX(m.id) FROM messages m WHERE m.account_id = ?), 0) WHERE id = ?",
            [account_id, account_id],
        )


# A click on a message's link proves it was delivered: status 4, once (docs/links.md).
MARK_CLICKED = (
    "UPDATE messages SET state = 'delivered', status = 4, err = 0, last_ts = ?,"
    " lease_until = NULL, claimed_by = NULL"
    " WHERE int_id = ? AND state IN ('submitted', 'delivered') AND status <> 4"
)


async def mark_clicked(tx: Transaction, int_ids: Sequence[int], now: int) -> list[int]:
    """Set the messages whose link was clicked to status 4; those that changed."""
    changed = []
    for int_id in int_ids:
        if await tx.execute(MARK_CLICKED, [now, int_id]):
            changed.append(int_id)
    return changed
