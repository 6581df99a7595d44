"""Skewed data of realistic size on PostgreSQL, built in seconds with ``generate_series``.

What makes the planner's life hard in production (issue 9, item 1), on purpose:

- ``big``: 200,000 sent messages over 180 days (10% e-mail, 2% deleted), its ids not in
  send order (scheduled messages and concurrent writers); 10,000 incoming messages, one
  id in ten.
- ``newest``: 40,000 sent messages, all newer than ``big``'s and with the highest ids, so
  a scan that starts from the newest rows of the table meets them first; most incoming.
- ``small``: 300 sent messages spread over 180 days, 100 incoming (one id in 1,000).
- ``empty``: nothing at all; and 100 other accounts with 20 sent messages each and some
  incoming, so that the planner's estimate for "one account" is a small share of a table.

Then ``VACUUM ANALYZE``, as a deployment's autovacuum would have done.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

NOW = 1_790_000_000
DAY = 86_400
BIG_MESSAGES = 200_000
NEWEST_MESSAGES = 40_000
SMALL_MESSAGES = 300
INCOMING = 100_000  # big's one in 10, small's one in 1,000, newest's most of the rest
OTHERS = 100  # accounts with a few messages each
HISTORY_DAYS = 180
PHONES = 20_000  # distinct numbers of big's messages


@dataclass(frozen=True)
class Accounts:
    big: int
    newest: int
    small: int
    empty: int


_MESSAGE_COLUMNS = (
    "int_id, account_id, id, mail, phone, format, type, status, err, send_ts, last_ts,"
    " mccmnc, country, operator, region, cost, sender_id, message, sms_cnt, crc"
)
# One row per n; ``{ts}``, ``{account}`` and ``{mail}`` vary by block.
_MESSAGE_ROW = (
    "SELECT {int_id}, {account}, n, {mail}, {phone}, 0, 0, 1, 0, {ts}, {ts} + 5,"
    " '25001', 'Россия', 'МТС', 'г. Москва', 144, 'SMSC.RU',"
    " 'Hello, this is message ' || n, 1, 0 FROM generate_series(1, {count}) n"
)


def _accounts(conn: psycopg.Connection) -> Accounts:
    ids = []
    for name in ("big", "newest", "small", "empty"):
        row = conn.execute(
            "INSERT INTO accounts (login, password_hash, timezone, currency, created_at)"
            " VALUES (%s, 'x', 'Europe/Moscow', 'RUB', %s) RETURNING id",
            (f"skewed_{name}", NOW),
        ).fetchone()
        assert row is not None
        ids.append(row[0])
    conn.execute(
        "INSERT INTO accounts (login, password_hash, timezone, currency, created_at)"
        " SELECT 'skewed_other' || n, 'x', 'UTC', 'RUB', %s FROM generate_series(1, %s) n",
        (NOW, OTHERS),
    )
    return Accounts(*ids)


def _incoming_account(accounts: Accounts) -> str:
    """Whose incoming message id ``n`` is: interleaved, newest's most of them."""
    return (
        f"CASE WHEN n % 1000 = 500 THEN {accounts.small} WHEN n % 10 = 0 THEN {accounts.big}"
        f" WHEN n % 10 = 5 THEN {accounts.empty + 1} + n % {OTHERS}"
        f" ELSE {accounts.newest} END"
    )


def build(dsn: str) -> Accounts:
    """Fill the (migrated, empty) database at ``dsn``; the accounts' ids."""
    start = NOW - HISTORY_DAYS * DAY
    span = HISTORY_DAYS * DAY - 3 * DAY  # big's messages end three days before NOW
    with psycopg.connect(dsn, autocommit=True) as conn:
        accounts = _accounts(conn)
        blocks = [
            # big: send_ts rises with n but ids are shuffled within blocks of 1,000 (the
            # order of ids is not the order of sending).
            _MESSAGE_ROW.format(
                int_id="(n / 1000) * 1000 + (n * 389) % 1000 + 1",
                account=accounts.big,
                mail="CASE WHEN n % 10 = 0 THEN 1 WHEN n % 50 = 7 THEN 2 ELSE 0 END",
                phone=(
                    "CASE WHEN n % 10 = 0 THEN 'client' || (n % 500) || '@example.org'"
                    f" ELSE (79000000000 + (n * 7919) % {PHONES})::text END"
                ),
                ts=f"{start} + (n::bigint * {span}) / {BIG_MESSAGES}",
                count=BIG_MESSAGES,
            ),
            # small: a few messages across the whole history, ids among big's.
            _MESSAGE_ROW.format(
                int_id=f"{BIG_MESSAGES + 1000} + n",
                account=accounts.small,
                mail=0,
                phone="(79500000000 + n % 7)::text",
                ts=f"{start} + n * {HISTORY_DAYS * DAY // SMALL_MESSAGES}",
                count=SMALL_MESSAGES,
            ),
            # the others: a few each, across the history.
            _MESSAGE_ROW.format(
                int_id=f"{BIG_MESSAGES + 5000} + n",
                account=f"{accounts.empty + 1} + n % {OTHERS}",
                mail=0,
                phone="(79700000000 + n % 97)::text",
                ts=f"{start} + n * {HISTORY_DAYS * DAY // (OTHERS * 20)}",
                count=OTHERS * 20,
            ),
            # newest: the last three days, the highest ids.
            _MESSAGE_ROW.format(
                int_id=f"{BIG_MESSAGES + 10_000} + n",
                account=accounts.newest,
                mail=0,
                phone="(79600000000 + n % 5000)::text",
                ts=f"{NOW - 3 * DAY} + n * {3 * DAY // NEWEST_MESSAGES}",
                count=NEWEST_MESSAGES,
            ),
        ]
        for block in blocks:
            conn.execute(f"INSERT INTO messages ({_MESSAGE_COLUMNS}) {block}")
        # Incoming: every account's ids interleave with the others' over the last 7 days
        # (big: one id in 10, small: one in 1,000); within an account, ids follow receive
        # times (store.py). One of big's numbers gets one message in 50.
        to_phone = "CASE WHEN n % 500 = 0 THEN '79990000001' ELSE '79990000000' END"
        received = f"{NOW - 7 * DAY} + (n::bigint * {7 * DAY}) / {INCOMING}"
        conn.execute(
            "INSERT INTO incoming (id, account_id, received_ts, sent_ts, phone, to_phone,"
            f" message) SELECT n, {_incoming_account(accounts)}, {received}, {received} - 2,"
            f" '79161234567', {to_phone}, 'reply ' || n FROM generate_series(1, {INCOMING}) n"
        )
        for table, column in (("messages", "int_id"), ("incoming", "id")):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), 1000000)")
        for table in ("messages", "incoming", "accounts"):
            conn.execute(f"VACUUM ANALYZE {table}")
    return accounts
