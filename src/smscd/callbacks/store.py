"""Queueing notifications in the caller's unit of work: a change and the notice of it are
committed together, or neither (the transactional outbox).

Fields (sending.md, "Notifying the client"): a status change posts ``id``, ``phone``,
``status``, ``err``, ``time`` (``DD.MM.YYYY hh:mm:ss`` in the account's zone), ``ts``,
``cnt``, ``cost``, ``sender``; an incoming message ``id``, ``phone``, ``mes``, ``to``,
``sent``, ``time``. The body is fixed when the change happens, so a retry sends the same
bytes. Accounts without a callback URL cost one query per batch and write nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from smscd import money
from smscd.callbacks import queries
from smscd.dates import zone_clock
from smscd.db.gateway import Transaction


async def status_changed(tx: Transaction, int_ids: Sequence[int], now: int) -> int:
    """Queue a status notice for each of the messages (as they are now in ``tx``) whose
    account has a callback URL; how many were queued."""
    if not int_ids:
        return 0
    rows = await tx.fetch_all(queries.changed_messages(len(int_ids)), list(int_ids))
    notices = []
    for (int_id, account_id, zone, send_id, ref, phone, status, err, last_ts, sms_cnt, cost,
         sender) in rows:  # fmt: skip
        clock = zone_clock(ZoneInfo(zone))
        body = urlencode({
            "id": ref or send_id, "phone": phone, "status": status, "err": err,
            "time": clock.format(last_ts), "ts": last_ts, "cnt": sms_cnt,
            "cost": money.to_text(cost), "sender": sender,
        })  # fmt: skip
        notices.append((account_id, "status", int_id, body, now, now))
    if notices:
        await tx.execute_many(queries.ENQUEUE, notices)
    return len(notices)


async def incoming_received(tx: Transaction, account_id: int, count: int, now: int) -> int:
    """Queue a notice for each of the account's ``count`` newest incoming messages (those
    ``tx`` has just stored, under the account's incoming lock), if it has a callback URL."""
    rows = await tx.fetch_all(queries.NEWEST_INCOMING, [account_id, account_id, count])
    notices = []
    for incoming_id, zone, phone, text, to, sent_ts, received_ts in rows:
        clock = zone_clock(ZoneInfo(zone))
        body = urlencode({
            "id": incoming_id, "phone": phone, "mes": text, "to": to,
            "sent": clock.format(sent_ts), "time": clock.format(received_ts),
        })  # fmt: skip
        notices.append((account_id, "incoming", incoming_id, body, now, now))
    if notices:
        await tx.execute_many(queries.ENQUEUE, sorted(notices, key=lambda n: n[2]))
    return len(notices)
