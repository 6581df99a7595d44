"""Writing the ledger: charges for messages and payments into an account.

Every write adds its ledger rows and adds the same amounts to the daily rollup
(``ledger_days``) in the caller's transaction, so the two never disagree: commit both or
neither. Amounts are integer hundredths of the account's currency. A message is charged at
most once (``ledger.int_id`` is unique): charging it again fails the whole transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, delete, insert, select, text

from smscd.accounts.tables import accounts
from smscd.billing.days import LocalDays
from smscd.billing.tables import BALANCES, CHARGE, PAYMENT, ledger, ledger_days
from smscd.dates import zone_clock

NOTE_MAX = 255


class LedgerError(ValueError):
    """A write the ledger refuses; the message says why."""


@dataclass(frozen=True, slots=True)
class Charge:
    """What one message cost, and which balance paid for it."""

    account_id: int
    int_id: int | None  # the message (None for a charge not tied to one)
    sms_cnt: int  # its parts
    mail: bool  # an e-mail message: counted in credit, not in sms
    amount: int  # hundredths of the account's currency, >= 0
    balance: int  # 1 the main balance, 2 the second
    ts: int  # the message's send time, Unix seconds


# (account_id, day, balance) -> [sms, credit, debit]
_Totals = dict[tuple[int, int, int], list[int]]

_LEDGER_COLUMNS = "account_id, kind, balance, amount, ts, int_id, sms_cnt, mail, note"

_ADD_TO_DAY = text(
    "INSERT INTO ledger_days (account_id, day, balance, sms, credit, debit)"
    " VALUES (:account_id, :day, :balance, :sms, :credit, :debit)"
    " ON CONFLICT (account_id, day, balance) DO UPDATE SET"
    " sms = ledger_days.sms + excluded.sms,"
    " credit = ledger_days.credit + excluded.credit,"
    " debit = ledger_days.debit + excluded.debit"
)


def _local_days(conn: Connection, account_ids: Iterable[int]) -> dict[int, LocalDays]:
    wanted = sorted(set(account_ids))
    rows = conn.execute(
        select(accounts.c.id, accounts.c.timezone).where(accounts.c.id.in_(wanted))
    ).all()
    found = {row.id: LocalDays(zone_clock(ZoneInfo(row.timezone))) for row in rows}
    missing = set(wanted) - set(found)
    if missing:
        raise LedgerError(f"no account with id {min(missing)}")
    return found


def _add_to_days(conn: Connection, totals: _Totals) -> None:
    # Sorted keys: concurrent writers lock rollup rows in one order (no deadlock).
    rows = [
        {"account_id": a, "day": d, "balance": b, "sms": s, "credit": c, "debit": p}
        for (a, d, b), (s, c, p) in sorted(totals.items())
    ]
    if rows:
        conn.execute(_ADD_TO_DAY, rows)


def _check_balance(balance: int) -> None:
    if balance not in BALANCES:
        raise LedgerError(f"balance must be 1 (main) or 2 (second), not {balance!r}")


def _insert_many(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    """Ledger rows in one driver executemany: the demo and the delivery pipeline write
    charges by the thousand, and SQLAlchemy's per-row parameter handling would double the
    cost of a batch."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    marks = ", ".join([mark] * len(_LEDGER_COLUMNS.split(",")))
    conn.exec_driver_sql(f"INSERT INTO ledger ({_LEDGER_COLUMNS}) VALUES ({marks})", rows)


def charge_messages(conn: Connection, charges: Iterable[Charge]) -> int:
    """Record what messages cost; how many charges were written."""
    batch = list(charges)
    if not batch:
        return 0
    days = _local_days(conn, (charge.account_id for charge in batch))
    totals: _Totals = defaultdict(lambda: [0, 0, 0])
    rows: list[tuple[Any, ...]] = []
    for charge in batch:
        _check_balance(charge.balance)
        if charge.amount < 0 or charge.sms_cnt < 0:
            raise LedgerError("a charge's amount and sms_cnt are never negative")
        total = totals[(charge.account_id, days[charge.account_id](charge.ts), charge.balance)]
        if not charge.mail:
            total[0] += charge.sms_cnt
        total[1] += charge.amount
        rows.append(
            (charge.account_id, CHARGE, charge.balance, charge.amount, charge.ts,
             charge.int_id, charge.sms_cnt, int(charge.mail), "")
        )  # fmt: skip
    _insert_many(conn, rows)
    _add_to_days(conn, totals)
    return len(rows)


def pay(conn: Connection, account_id: int, amount: int, balance: int, ts: int, note: str) -> int:
    """Record ``amount`` hundredths paid into ``balance`` of the account; the entry's id."""
    _check_balance(balance)
    if amount <= 0:
        raise LedgerError("a payment is a positive amount")
    if len(note) > NOTE_MAX:
        raise LedgerError(f"a note has at most {NOTE_MAX} characters")
    day = _local_days(conn, [account_id])[account_id](ts)
    result = conn.execute(
        insert(ledger).values(
            account_id=account_id,
            kind=PAYMENT,
            balance=balance,
            amount=amount,
            ts=ts,
            int_id=None,
            sms_cnt=0,
            mail=0,
            note=note,
        )
    )
    _add_to_days(conn, {(account_id, day, balance): [0, 0, amount]})
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


def rebuild_days(conn: Connection, account_id: int) -> None:
    """Recompute the account's rollup from its ledger rows.

    The rollup's days are local days in the account's time zone at the time of each write;
    after the zone of an account changes, this puts its days in the new zone.
    """
    days = _local_days(conn, [account_id])[account_id]
    totals: _Totals = defaultdict(lambda: [0, 0, 0])
    entries = conn.execute(
        select(
            ledger.c.kind, ledger.c.balance, ledger.c.amount, ledger.c.ts, ledger.c.sms_cnt,
            ledger.c.mail,
        ).where(ledger.c.account_id == account_id)
    )  # fmt: skip
    for kind, balance, amount, ts, sms_cnt, mail in entries:
        total = totals[(account_id, days(ts), balance)]
        if kind == PAYMENT:
            total[2] += amount
        else:
            total[0] += 0 if mail else sms_cnt
            total[1] += amount
    conn.execute(delete(ledger_days).where(ledger_days.c.account_id == account_id))
    _add_to_days(conn, totals)
