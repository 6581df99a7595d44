"""Billing administration (the CLI's ``rates`` and ``account topup``): synchronous, on a
SQLAlchemy connection; cold paths."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, insert, select, update

from smscd.billing.rates import RateError, currency_code, parse_rate, rate_text
from smscd.billing.tables import currency_rates


@dataclass(frozen=True, slots=True)
class Rate:
    from_currency: str
    to_currency: str
    rate: Decimal
    updated_at: int


def set_rate(conn: Connection, from_text: str, to_text: str, rate: str, now: int) -> Rate:
    """Store (or replace) the rate of a pair; raises ``RateError`` on bad input."""
    source, target = currency_code(from_text), currency_code(to_text)
    if source == target:
        raise RateError(f"a rate needs two different currencies, not {source} twice")
    value = parse_rate(rate)
    key = (currency_rates.c.from_currency == source) & (currency_rates.c.to_currency == target)
    text = rate_text(value)
    if conn.execute(select(currency_rates.c.rate).where(key)).first():
        conn.execute(update(currency_rates).where(key).values(rate=text, updated_at=now))
    else:
        conn.execute(
            insert(currency_rates).values(
                from_currency=source, to_currency=target, rate=text, updated_at=now
            )
        )
    return Rate(source, target, Decimal(text), now)


def list_rates(conn: Connection) -> list[Rate]:
    rows = conn.execute(
        select(currency_rates).order_by(
            currency_rates.c.from_currency, currency_rates.c.to_currency
        )
    )
    return [Rate(r.from_currency, r.to_currency, Decimal(r.rate), r.updated_at) for r in rows]
