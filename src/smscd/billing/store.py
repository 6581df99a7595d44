"""Writing the ledger: charges for messages, refunds of them, and payments into an account.

Every write adds its ledger rows and adds the same amounts to the daily rollup
(``ledger_days``) and to the account's balance row (``ledger_balances``) inside the
caller's unit of work (``db.transaction()``), so the three never disagree: all are
committed or none. Amounts are integer hundredths of the account's
currency. A message is charged at most once and refunded at most once (``ledger`` is unique
by ``int_id`` and ``kind``): charging it again fails the whole unit of work.

A refund gives a message's whole charge back and is booked on the charge's own day, with
its parts: the period's ``credit`` (get_stat) is what the messages sent in it finally cost,
and a balance is payments - charges + refunds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from smscd.billing import queries
from smscd.billing.days import LocalDays
from smscd.billing.tables import BALANCES, CHARGE, MAIN_BALANCE, PAYMENT, REFUND
from smscd.dates import zone_clock
from smscd.db.gateway import Reads, Transaction
from smscd.errors import AdminError

NOTE_MAX = 255


class LedgerError(AdminError):
    """A write the ledger refuses; the message says why."""


class InsufficientFunds(Exception):
    """A charge would take the main balance below minus the account's credit limit; the
    caller's unit of work must roll back (send.php answers error 3)."""


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


async def _local_days(db: Reads, account_ids: Iterable[int]) -> dict[int, LocalDays]:
    wanted = sorted(set(account_ids))
    rows = await db.fetch_all(queries.zones(len(wanted)), wanted)
    found = {int(row[0]): LocalDays(zone_clock(ZoneInfo(row[1]))) for row in rows}
    missing = set(wanted) - set(found)
    if missing:
        raise LedgerError(f"no account with id {min(missing)}")
    return found


async def _add_to_days(tx: Transaction, totals: _Totals) -> None:
    # Sorted keys: concurrent writers lock rollup rows in one order (no deadlock).
    rows = [(a, d, b, s, c, p) for (a, d, b), (s, c, p) in sorted(totals.items())]
    if not rows:
        return
    await tx.execute_many(queries.ADD_TO_DAY, rows)
    balances: dict[tuple[int, int], int] = defaultdict(int)
    for account_id, _day, balance, _sms, credit, debit in rows:
        balances[(account_id, balance)] += debit - credit
    await tx.execute_many(
        queries.ADD_TO_BALANCE, [(a, b, amount) for (a, b), amount in sorted(balances.items())]
    )


def _check_balance(balance: int) -> None:
    if balance not in BALANCES:
        raise LedgerError(f"balance must be 1 (main) or 2 (second), not {balance!r}")


async def charge_messages(
    tx: Transaction, charges: Iterable[Charge], *, within_credit: bool = False
) -> int:
    """Record what messages cost; how many charges were written.

    ``within_credit``: raise :class:`InsufficientFunds` if afterwards the main balance of a
    charged account is below minus its credit limit (the caller's unit of work then rolls
    everything back). The check reads the balance row this charge has just updated, which
    on PostgreSQL stays locked until the commit: concurrent charges of one account are
    checked one after another, never against a stale balance.
    """
    batch = list(charges)
    if not batch:
        return 0
    days = await _local_days(tx, (charge.account_id for charge in batch))
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
    await tx.execute_many(queries.INSERT_ENTRY, rows)
    await _add_to_days(tx, totals)
    if within_credit:
        for account_id in sorted({charge.account_id for charge in batch}):
            if await spendable(tx, account_id) < 0:
                raise InsufficientFunds(f"account {account_id}")
    return len(rows)


async def spendable(db: Reads, account_id: int) -> int:
    """What the account may still spend from its main balance: the balance plus its
    credit limit, in hundredths (negative: already over the limit)."""
    row = await db.fetch_one(queries.SPENDABLE, [MAIN_BALANCE, account_id])
    if row is None:
        raise LedgerError(f"no account with id {account_id}")
    return int(row[0]) + int(row[1])


async def refund_messages(tx: Transaction, int_ids: Sequence[int]) -> int:
    """Give back the whole charge of each message of ``int_ids`` that was charged and not
    refunded yet (a message refunded already, or never charged, is left alone: refunding is
    idempotent); how many refunds were written."""
    if not int_ids:
        return 0
    charges = await tx.fetch_all(queries.refundable(len(int_ids)), [*int_ids, REFUND])
    if not charges:
        return 0
    days = await _local_days(tx, (int(row[0]) for row in charges))
    totals: _Totals = defaultdict(lambda: [0, 0, 0])
    rows: list[tuple[Any, ...]] = []
    for account_id, balance, amount, ts, int_id, sms_cnt, mail in charges:
        total = totals[(account_id, days[account_id](ts), balance)]
        if not mail:
            total[0] -= sms_cnt
        total[1] -= amount
        rows.append((account_id, REFUND, balance, amount, ts, int_id, sms_cnt, mail, ""))
    await tx.execute_many(queries.INSERT_ENTRY, rows)
    await _add_to_days(tx, totals)
    return len(rows)


async def pay(
    tx: Transaction, account_id: int, amount: int, balance: int, ts: int, note: str
) -> int:
    """Record ``amount`` hundredths paid into ``balance`` of the account; the entry's id."""
    _check_balance(balance)
    if amount <= 0:
        raise LedgerError("a payment is a positive amount")
    if len(note) > NOTE_MAX:
        raise LedgerError(f"a note has at most {NOTE_MAX} characters")
    day = (await _local_days(tx, [account_id]))[account_id](ts)
    row = await tx.fetch_one(
        f"{queries.INSERT_ENTRY} RETURNING id",
        [account_id, PAYMENT, balance, amount, ts, None, 0, 0, note],
    )
    assert row is not None
    await _add_to_days(tx, {(account_id, day, balance): [0, 0, amount]})
    return int(row[0])


async def rebuild_days(tx: Transaction, account_id: int) -> None:
    """Recompute the account's rollup from its ledger rows.

    The rollup's days are local days in the account's time zone at the time of each write;
    after the zone of an account changes, this puts its days in the new zone.
    """
    days = (await _local_days(tx, [account_id]))[account_id]
    totals: _Totals = defaultdict(lambda: [0, 0, 0])
    for kind, balance, amount, ts, sms_cnt, mail in await tx.fetch_all(
        queries.ENTRIES_OF_ACCOUNT, [account_id]
    ):
        total = totals[(account_id, days(ts), balance)]
        sign = -1 if kind == REFUND else 1
        if kind == PAYMENT:
            total[2] += amount
        else:
            total[0] += 0 if mail else sign * sms_cnt
            total[1] += sign * amount
    await tx.execute(queries.FORGET_DAYS, [account_id])
    await tx.execute(queries.FORGET_BALANCES, [account_id])
    await _add_to_days(tx, totals)


async def balances(db: Reads, account_id: int) -> dict[int, int]:
    """The account's balances in hundredths of its currency: payments - charges + refunds,
    from the balance rows (which hold the same sums as the ledger), ``{1: main, 2: second}``."""
    found = dict.fromkeys(BALANCES, 0)
    for balance, amount in await db.fetch_all(queries.BALANCES, [account_id]):
        found[int(balance)] = int(amount)
    return found


async def credit_limit(db: Reads, account_id: int) -> int:
    """How far below zero the account's main balance may go, in hundredths."""
    row = await db.fetch_one(queries.CREDIT, [account_id])
    return int(row[0]) if row is not None else 0
