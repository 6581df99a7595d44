"""Fill a database with demo data: accounts ``demo`` and ``demo2``, their sent and incoming
messages. Deterministic: the same seed and the same ``now`` give the same rows (times are
laid out backwards from ``now``, which the CLI takes from the clock unless told).

Messages, incoming messages, the ledger and short links are written through the same
stores and units of work as the server's (``db.transaction()``); accounts, tariffs and the
numbering plan through the administration services the CLI uses.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine, select

from smscd import segments
from smscd.accounts.operators import create_operator
from smscd.accounts.passwords import Passwords
from smscd.accounts.service import NewAccount, create_account, create_api_key
from smscd.accounts.tables import accounts
from smscd.db import migrate
from smscd.db.connect import open_database
from smscd.db.gateway import Database, Transaction
from smscd.demo import billing as billing_demo
from smscd.demo import catalogue as cat
from smscd.demo import links as links_demo
from smscd.demo import numbering as numbering_demo
from smscd.demo import sending as sending_demo
from smscd.demo import tariffs as tariffs_demo
from smscd.errors import AdminError
from smscd.formats import EMAIL_FORMAT
from smscd.history.store import insert_messages
from smscd.incoming.store import receive

HISTORY_DAYS = 182
INCOMING_DAYS = 7
BATCH = 5000
DEMO_TO_PHONES = ("79991110001", "79991110002", "79991110003")

Progress = Callable[[int], None]
T = TypeVar("T")


class SeedError(AdminError):
    pass


@dataclass(frozen=True)
class DemoContext:
    """What the domain seeders (demo/billing.py, tariffs.py, numbering.py, links.py) get."""

    engine: Engine  # administration (accounts, tariffs, numbering)
    db: Database  # the runtime's write path (messages, ledger, links)
    passwords: Passwords
    accounts: dict[str, int]  # login -> id
    now: int
    seed: int
    progress: Progress | None

    async def add_messages(self, account_id: int, count: int) -> int:
        """Sent messages for another account (a sub-client, say), as the main ones."""
        rng = random.Random(f"{self.seed}-{account_id}")
        rows = _sent_rows(account_id, count, self.now, rng)
        return await _fill(self.db, rows, insert_messages, self.progress)


@dataclass(frozen=True)
class SeedReport:
    demo_key: str
    messages: dict[str, int]
    incoming: dict[str, int]


def demo_api_key(seed: int) -> str:
    """The demo account's key, derived from the seed so that ``smscd demo`` can print it
    again later. Demo data only: real keys are random (accounts/apikeys.py)."""
    return hashlib.sha256(f"smscd-demo-key-{seed}".encode()).hexdigest()[:40]


def _weighted(rng: random.Random, items: tuple[Any, ...], weights: list[int]) -> Any:
    return rng.choices(items, weights=weights, k=1)[0]


class _World:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.network_weights = [n.weight for n in cat.NETWORKS]
        self.status_weights = [s[1] for s in cat.STATUSES]

    def phone(self) -> tuple[str, cat.Network]:
        network: cat.Network = _weighted(self.rng, cat.NETWORKS, self.network_weights)
        prefix = self.rng.choice(network.prefixes)
        rest = network.length - len(prefix)
        # A few thousand numbers per prefix, so that phones repeat as real ones do.
        number = self.rng.randrange(10 ** (rest - 1), 10 ** (rest - 1) + 4000)
        return prefix + str(number), network

    def region(self, network: cat.Network) -> str:
        if network.country == "Россия":
            return self.rng.choice(cat.RUSSIAN_REGIONS)
        return self.rng.choice(cat.FOREIGN_REGIONS.get(network.country, ("",)))

    def text(self, templates: tuple[str, ...], ts: int) -> str:
        template = self.rng.choice(templates)
        return template.format(
            code=self.rng.randrange(1000, 9999),
            order=self.rng.randrange(10000, 99999),
            amount=self.rng.randrange(100, 20000),
            day=f"{self.rng.randrange(1, 28):02d}.{self.rng.randrange(1, 12):02d}",
        )


def _sent_rows(
    account_id: int, count: int, now: int, rng: random.Random
) -> Iterator[dict[str, Any]]:
    """``count`` sent-message rows over the last six months, in send order."""
    world = _World(rng)
    span = HISTORY_DAYS * 86400
    times = sorted(now - rng.randrange(60, span) for _ in range(count))
    send_id = 0
    remaining_in_send = 0
    for ts in times:
        if remaining_in_send == 0:
            send_id += 1
            remaining_in_send = rng.choice((1, 1, 1, 1, 2, 3))
            email = rng.random() < 0.06
            format_ = EMAIL_FORMAT if email else rng.choices((0, 1, 10), weights=(95, 3, 2))[0]
            sender = rng.choice(cat.SENDERS)
            text = world.text(cat.EMAIL_TEXTS if email else cat.TEXTS, ts)
            type_ = rng.choices((0, 1, 2, 3), weights=(80, 14, 3, 3))[0]
        remaining_in_send -= 1
        status, _, errs = _weighted(rng, cat.STATUSES, world.status_weights)
        last_ts = ts if status in (-1, -3) else min(now, ts + rng.randrange(2, 600))
        if format_ == EMAIL_FORMAT:
            user = f"user{rng.randrange(1, 5000)}"
            row = {
                "phone": f"{user}@{rng.choice(cat.EMAIL_DOMAINS)}",
                "mccmnc": "",
                "country": "",
                "operator": "",
                "region": "",
                "sms_cnt": 1,
                "cost": cat.EMAIL_PRICE,
            }
        else:
            phone, network = world.phone()
            parts = segments.parts(text)
            row = {
                "phone": phone,
                "mccmnc": network.mccmnc,
                "country": network.country,
                "operator": network.operator,
                "region": world.region(network),
                "sms_cnt": parts,
                "cost": parts * network.price,
            }
        if status in (22, 23, 24, -3):
            row["cost"] = 0
        row.update(
            account_id=account_id,
            id=send_id,
            format=format_,
            type=type_,
            status=status,
            err=rng.choice(errs),
            send_ts=ts,
            last_ts=last_ts,
            sender_id=sender,
            message=text,
            crc=segments.crc(text),
        )
        yield row


def _incoming_rows(
    account_id: int, count: int, now: int, rng: random.Random
) -> Iterator[dict[str, Any]]:
    world = _World(rng)
    times = sorted(now - rng.randrange(0, INCOMING_DAYS * 86400) for _ in range(count))
    for ts in times:
        phone, _network = world.phone()
        yield {
            "account_id": account_id,
            "received_ts": ts,
            "sent_ts": ts - rng.randrange(1, 30),
            "phone": phone,
            "to_phone": rng.choice(DEMO_TO_PHONES),
            "message": rng.choice(cat.ANSWERS),
        }


def _batched(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def _fill(
    db: Database,
    rows: Iterator[dict[str, Any]],
    insert: Callable[[Transaction, list[dict[str, Any]]], Awaitable[int]],
    progress: Progress | None,
) -> int:
    total = 0
    for batch in _batched(rows):
        async with db.transaction() as tx:
            total += await insert(tx, batch)
        if progress:
            progress(len(batch))
    return total


def seed(
    engine: Engine,
    passwords: Passwords,
    *,
    messages: int = 100_000,
    seed: int = 1,
    now: int,
    progress: Progress | None = None,
) -> SeedReport:
    """Create the schema if needed and the demo accounts with their data."""
    migrate.upgrade(engine)
    with engine.begin() as conn:
        if conn.execute(
            select(accounts.c.id).where(accounts.c.login.in_(["demo", "demo2"]))
        ).first():
            raise SeedError("the database already has demo accounts")
        demo_id = create_account(conn, NewAccount("demo", "demo"), passwords)
        demo2_id = create_account(conn, NewAccount("demo2", "demo2", language="en"), passwords)
        key = create_api_key(conn, "demo", demo_api_key(seed))
        # The console's operator pages (docs/console.md, "For the operator").
        create_operator(conn, "admin", "admin", passwords)
    plan = {"demo": (demo_id, messages, 3000), "demo2": (demo2_id, max(messages // 10, 1), 300)}

    async def fill(db: Database) -> tuple[dict[str, int], dict[str, int]]:
        rng = random.Random(seed)
        sent, received = {}, {}
        for login, (account_id, n_sent, n_in) in plan.items():
            rows = _sent_rows(account_id, n_sent, now, rng)
            sent[login] = await _fill(db, rows, insert_messages, progress)
            answers = _incoming_rows(account_id, n_in, now, rng)
            received[login] = await _fill(db, answers, receive, progress)
        context = DemoContext(
            engine, db, passwords, {"demo": demo_id, "demo2": demo2_id}, now, seed, progress
        )
        await tariffs_demo.seed(context)
        await billing_demo.seed(context)
        await numbering_demo.seed(context)
        await links_demo.seed(context)
        await sending_demo.seed(context)
        return sent, received

    sent, received = asyncio.run(_on_database(engine, fill))
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")  # fresh planner statistics for the new rows
    return SeedReport(demo_key=key, messages=sent, incoming=received)


async def _on_database(engine: Engine, work: Callable[[Database], Awaitable[T]]) -> T:
    """``work`` on the engine's database through the runtime's gateway."""
    db = await open_database(engine.url.render_as_string(hide_password=False), 1, 1)
    try:
        return await work(db)
    finally:
        await db.stop()


def total_rows(messages: int) -> int:
    """How many message rows ``seed`` writes (demo, demo2, demo-sub), for a progress bar."""
    return messages + max(messages // 10, 1) + max(messages // 20, 1) + 3000 + 300
