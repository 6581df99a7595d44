"""Billing SQL: statistics (index searches of the daily rollup, never a scan of the
ledger) and the ledger's writes (store.py).

``stat`` finds the account and its sub-clients (the primary key and ``ix_accounts_parent_id``)
and sums each one's rollup rows of the period: a range of ``pk_ledger_days`` (account_id,
day, balance), a few hundred rows over six months however many messages were sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# Sums are cast: PostgreSQL's sum of a bigint is a numeric (a Decimal in asyncpg).
STAT_COLUMNS = (
    "a.id, a.login, a.currency,"
    " CAST(COALESCE(SUM(d.sms), 0) AS BIGINT),"
    " CAST(COALESCE(SUM(d.credit), 0) AS BIGINT),"
    " CAST(COALESCE(SUM(d.debit), 0) AS BIGINT)"
)


@dataclass(frozen=True, slots=True)
class StatQuery:
    account_id: int  # the account asking: its own row and its sub-clients' rows
    first_day: int  # YYYYMMDD, local, inclusive
    last_day: int  # YYYYMMDD, local, inclusive
    balance: int | None  # only this balance (balance2=1 asks for 2); None: both


def stat(query: StatQuery) -> tuple[str, list[Any]]:
    """One row per login: id, login, currency, sms, credit, debit (account currency)."""
    join = "d.account_id = a.id AND d.day >= ? AND d.day <= ?"
    args: list[Any] = [query.first_day, query.last_day]
    if query.balance is not None:
        join += " AND d.balance = ?"
        args.append(query.balance)
    sql = (
        f"SELECT {STAT_COLUMNS} FROM accounts a LEFT JOIN ledger_days d ON {join}"
        " WHERE a.id = ? OR a.parent_id = ?"
        " GROUP BY a.id, a.login, a.currency"
    )
    args += [query.account_id, query.account_id]
    return sql, args


def rates(target: str, currencies: Sequence[str]) -> tuple[str, list[Any]]:
    """The stored rates between ``target`` and each of ``currencies``, both directions:
    rows of from_currency, to_currency, rate."""
    marks = ", ".join("?" * len(currencies))
    sql = (
        "SELECT from_currency, to_currency, rate FROM currency_rates"
        f" WHERE from_currency IN ({marks}) AND to_currency = ?"
        " UNION ALL"
        " SELECT from_currency, to_currency, rate FROM currency_rates"
        f" WHERE from_currency = ? AND to_currency IN ({marks})"
    )
    return sql, [*currencies, target, target, *currencies]


def zones(accounts: int) -> str:
    """The time zones of ``accounts`` accounts: rows of id, timezone."""
    return f"SELECT id, timezone FROM accounts WHERE id IN ({', '.join('?' * accounts)})"


ENTRY_COLUMNS = "account_id, kind, balance, amount, ts, int_id, sms_cnt, mail, note"
INSERT_ENTRY = f"INSERT INTO ledger ({ENTRY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"

ADD_TO_DAY = (
    "INSERT INTO ledger_days (account_id, day, balance, sms, credit, debit)"
    " VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (account_id, day, balance) DO UPDATE SET"
    " sms = ledger_days.sms + excluded.sms,"
    " credit = ledger_days.credit + excluded.credit,"
    " debit = ledger_days.debit + excluded.debit"
)


def refundable(messages: int) -> str:
    """The charges of ``messages`` messages that have no refund yet (the last parameter is
    ``REFUND``): rows of account_id, balance, amount, ts, int_id, sms_cnt, mail."""
    marks = ", ".join("?" * messages)
    return (
        "SELECT c.account_id, c.balance, c.amount, c.ts, c.int_id, c.sms_cnt, c.mail"
        f" FROM ledger c WHERE c.kind = 1 AND c.int_id IN ({marks})"
        " AND NOT EXISTS (SELECT 1 FROM ledger r WHERE r.int_id = c.int_id AND r.kind = ?)"
        " ORDER BY c.int_id"
    )


ADD_TO_BALANCE = (
    "INSERT INTO ledger_balances (account_id, balance, amount) VALUES (?, ?, ?)"
    " ON CONFLICT (account_id, balance) DO UPDATE SET"
    " amount = ledger_balances.amount + excluded.amount"
)

# The main balance and the credit limit of an account, in one row: after the charge's
# ADD_TO_BALANCE in the same transaction (which locks the balance row on PostgreSQL until
# the commit), what the account may still spend.
SPENDABLE = (
    "SELECT COALESCE(b.amount, 0), a.credit FROM accounts a"
    " LEFT JOIN ledger_balances b ON b.account_id = a.id AND b.balance = ?"
    " WHERE a.id = ?"
)

ENTRIES_OF_ACCOUNT = (
    "SELECT kind, balance, amount, ts, sms_cnt, mail FROM ledger WHERE account_id = ?"
)
FORGET_DAYS = "DELETE FROM ledger_days WHERE account_id = ?"
FORGET_BALANCES = "DELETE FROM ledger_balances WHERE account_id = ?"

BALANCES = "SELECT balance, amount FROM ledger_balances WHERE account_id = ?"
CREDIT = "SELECT credit FROM accounts WHERE id = ?"
