"""Nothing acknowledged is lost: send.php under load, the server killed with SIGKILL in the
middle, started again; then every id a client got back is there, charged once, and
delivered once by the simulated network; a send that was not acknowledged is there whole
or not at all. The same for a delivery worker killed mid-batch. On both databases."""

from __future__ import annotations

import itertools
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select

from smscd.accounts.service import NewAccount, create_account
from smscd.billing.tables import CHARGE, ledger
from smscd.db import migrate
from smscd.db.engine import sync_engine
from smscd.delivery import routing
from smscd.delivery.connectors import registry
from smscd.delivery.tables import simulated_messages
from smscd.history.tables import messages
from smscd.sending import senders
from tests.billing.helpers import add_payment
from tests.conftest import TEST_PASSWORDS, postgres_database
from tests.servers import _wait_for_workers, free_port

CLIENTS = 4
RECIPIENTS = 3  # per request
KILL_AFTER = 60  # acknowledged requests before the kill
SETTLE_TIMEOUT = 120  # seconds for everything to be delivered after the restart
RULES = {"delay": [0, 0.5], "mix": {"delivered": 1}, "tps": 2000}
ENV = {
    "SMSCD_RATE_LIMITS": "off",
    "SMSCD_ARGON2_TIME_COST": "1",
    "SMSCD_ARGON2_MEMORY_KIB": "64",
    "SMSCD_DELIVERY_LEASE_SECONDS": "5",
    "SMSCD_DELIVERY_MAINTENANCE_SECONDS": "1",
}


@pytest.fixture
def database(backend, tmp_path) -> Iterator[str]:
    urls: Iterator[str] = (
        iter([f"sqlite:///{tmp_path / 'crash.db'}"]) if backend.name == "sqlite"
        else postgres_database()
    )  # fmt: skip
    url = next(urls)
    engine = sync_engine(url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        account_id = create_account(conn, NewAccount("crash", "crash-pw"), TEST_PASSWORDS)
        senders.add(conn, account_id, "SMSC.RU", make_default=True)
        registry.add(conn, "sim", "simulator", json.dumps(RULES))
        routing.add_route(conn, "sim")
    add_payment(engine, account_id, 10**9, int(time.time()) - 60)
    engine.dispose()
    yield url
    for _ in urls:
        pass


@dataclass
class Load:
    """Clients sending until told to stop; what each request was and what came back."""

    url: str
    stop: threading.Event = field(default_factory=threading.Event)
    sent: dict[int, list[str]] = field(default_factory=dict)  # id -> its numbers
    acked: set[int] = field(default_factory=set)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self) -> None:
        while not self.stop.is_set():
            with self.lock:
                send_id = next(self.ids)
                numbers = [f"49151{send_id:05d}{n:03d}" for n in range(RECIPIENTS)]
                self.sent[send_id] = numbers
            query = urllib.parse.urlencode({
                "login": "crash", "psw": "crash-pw", "id": send_id,
                "phones": ",".join(numbers), "mes": f"crash test {send_id}", "fmt": 1,
            })  # fmt: skip
            try:
                body = httpx.get(f"{self.url}/sys/send.php?{query}", timeout=10).text
            except httpx.HTTPError:
                continue  # the server is gone: this request is not acknowledged
            if body == f"{send_id},{RECIPIENTS}":
                with self.lock:
                    self.acked.add(send_id)


@dataclass
class Server:
    process: subprocess.Popen[str]
    reader: threading.Thread
    output: list[str] = field(default_factory=list)  # every line it printed

    def end(self, sig: signal.Signals) -> None:
        os.killpg(self.process.pid, sig)
        self.process.wait(timeout=30)
        self.reader.join(timeout=30)  # it stops at the end of the output
        assert self.process.stdout is not None
        self.process.stdout.close()


def start(url: str, port: int, cwd: Path, extra: dict[str, str]) -> Server:
    process = subprocess.Popen(
        [sys.executable, "-m", "smscd.cli", "serve", "--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=cwd,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "SMSCD_DATABASE_URL": url, **ENV, **extra},
        start_new_session=True,  # its own process group: SIGKILL reaches every worker
    )  # fmt: skip
    assert process.stdout is not None
    stdout = process.stdout
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []
    reader = threading.Thread(
        target=lambda: [(lines.put(line), output.append(line)) for line in stdout], daemon=True
    )
    reader.start()
    server = Server(process, reader, output)
    try:
        _wait_for_workers(process, lines, 1)
    except BaseException:
        server.end(signal.SIGKILL)
        raise
    return server


def worker(url: str, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "smscd.cli", "worker"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd,
        env={**os.environ, "SMSCD_DATABASE_URL": url, **ENV}, start_new_session=True,
    )  # fmt: skip


def end(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    os.killpg(process.pid, sig)
    process.wait(timeout=30)


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)  # polling a condition, bounded: not a wait for a fixed time


def undelivered(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(
            select(func.count()).where(messages.c.state != "delivered")
        ).scalar_one())  # fmt: skip


def check(engine: Engine, load: Load) -> None:
    with engine.connect() as conn:
        rows = conn.execute(select(messages.c.id, messages.c.phone, messages.c.int_id)).all()
        charges = dict(conn.execute(
            select(ledger.c.int_id, func.count()).where(ledger.c.kind == CHARGE)
            .group_by(ledger.c.int_id)
        ).all())  # fmt: skip
        received = dict(conn.execute(
            select(simulated_messages.c.int_id, simulated_messages.c.submissions)
        ).all())  # fmt: skip
    by_send: dict[int, list[str]] = {}
    for send_id, phone, _ in rows:
        by_send.setdefault(int(send_id), []).append(phone)
    # Every acknowledged send is there whole.
    for send_id in load.acked:
        assert sorted(by_send.get(send_id, [])) == sorted(load.sent[send_id]), send_id
    # An unacknowledged one is there whole or not at all.
    for send_id, phones in by_send.items():
        assert sorted(phones) == sorted(load.sent[send_id]), send_id
    # Each message charged once and received by the network once (a resubmission after the
    # crash window is counted in ``submissions``, never as a second message).
    assert all(charges.get(int_id) == 1 for _, _, int_id in rows)
    assert set(received) == {int_id for _, _, int_id in rows}
    resent = sum(1 for n in received.values() if n > 1)
    assert resent <= CLIENTS * RECIPIENTS + 100  # at most what was in flight at the kill
    assert undelivered(engine) == 0


def run_load(url: str) -> tuple[Load, list[threading.Thread]]:
    load = Load(url)
    threads = [threading.Thread(target=load.client, daemon=True) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    return load, threads


def test_a_server_killed_under_load_loses_nothing_it_acknowledged(database, tmp_path):
    port = free_port()
    server = start(database, port, tmp_path, {})
    load, threads = run_load(f"http://127.0.0.1:{port}")
    try:
        wait_until(lambda: len(load.acked) >= KILL_AFTER, "acknowledged sends")
        server.end(signal.SIGKILL)
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert len(load.acked) >= KILL_AFTER
    server = start(database, port, tmp_path, {})
    engine = sync_engine(database)
    try:
        wait_until(lambda: undelivered(engine) == 0, "every message delivered")
        check(engine, load)
    finally:
        server.end(signal.SIGTERM)
        engine.dispose()


def test_a_delivery_worker_killed_mid_batch_loses_nothing(database, tmp_path):
    port = free_port()
    server = start(database, port, tmp_path, {"SMSCD_BACKGROUND_IN_SERVE": "false"})
    load, threads = run_load(f"http://127.0.0.1:{port}")
    delivery = worker(database, tmp_path)
    engine = sync_engine(database)
    try:

        def delivering() -> bool:
            with engine.connect() as conn:
                count = conn.execute(select(func.count()).select_from(simulated_messages))
                return int(count.scalar_one()) >= 30

        wait_until(delivering, "the worker delivering")
        end(delivery, signal.SIGKILL)
        load.stop.set()
        for thread in threads:
            thread.join(timeout=30)
        delivery = worker(database, tmp_path)
        wait_until(lambda: undelivered(engine) == 0, "every message delivered")
        check(engine, load)
    finally:
        load.stop.set()
        if delivery.poll() is None:
            end(delivery, signal.SIGTERM)
        server.end(signal.SIGTERM)
        engine.dispose()
