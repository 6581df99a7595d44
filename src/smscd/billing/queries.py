"""Statistics SQL: index searches of the daily rollup, never a scan of the ledger.

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
