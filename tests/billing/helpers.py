"""Ledger rows for the billing tests, and the statistics as a client reads them."""

from __future__ import annotations

import itertools
import secrets
import string
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from smscd.billing import service, store
from smscd.billing.store import Charge
from tests.api import call_json
from tests.factories import read, write

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = 1_790_000_000  # the tests' clock: 21.09.2026 17:13:20 in Moscow

_int_ids = itertools.count(9_000_000_000)
_codes = ("Q" + a + b for a in string.ascii_uppercase for b in string.ascii_uppercase)


def currency() -> str:
    """A currency code no other test uses (rates are shared by the whole database)."""
    return next(_codes)


def local_ts(day: str, hms: str = "12:00:00", zone: ZoneInfo = MOSCOW) -> int:
    """Unix seconds of ``DD.MM.YYYY hh:mm:ss`` in ``zone``."""
    local = datetime.strptime(f"{day} {hms}", "%d.%m.%Y %H:%M:%S").replace(tzinfo=zone)
    return int(local.timestamp())


def charge(
    account_id: int,
    ts: int,
    amount: int = 144,
    sms_cnt: int = 1,
    mail: bool = False,
    balance: int = 1,
) -> Charge:
    return Charge(account_id, next(_int_ids), sms_cnt, mail, amount, balance, ts)


def add_charges(engine: Engine, charges: list[Charge]) -> None:
    write(engine, lambda tx: store.charge_messages(tx, charges))


def add_refunds(engine: Engine, int_ids: list[int]) -> None:
    write(engine, lambda tx: store.refund_messages(tx, int_ids))


def add_payment(
    engine: Engine, account_id: int, amount: int, ts: int, balance: int = 1, note: str = "test"
) -> None:
    write(engine, lambda tx: store.pay(tx, account_id, amount, balance, ts, note))


def balances(engine: Engine, account_id: int) -> dict[int, int]:
    return read(engine, lambda db: store.balances(db, account_id))


def set_rate(engine: Engine, source: str, target: str, rate: str) -> None:
    with engine.begin() as conn:
        service.set_rate(conn, source, target, rate, NOW)


def stat(client: Any, account: Any, **params: Any) -> list[dict[str, str]]:
    """get_stat in fmt 3."""
    found: list[dict[str, str]] = call_json(client, account, get_stat=1, **params)
    return found


def row(client: Any, account: Any, **params: Any) -> dict[str, str]:
    """The account's own row of get_stat."""
    return stat(client, account, **params)[0]


@contextmanager
def fresh_database(backend: Any, tmp_path: Any) -> Iterator[str]:
    """The URL of an empty database of the backend's kind, dropped afterwards."""
    if backend.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    admin = make_url(backend.url)
    name = f"smscd_billing_{secrets.token_hex(4)}"
    admin_dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
