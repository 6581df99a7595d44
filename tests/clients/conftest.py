"""A real `smscd serve` for the client libraries to talk to, on a database of its own
(SQLite, and PostgreSQL when configured), with the simulated network of tests/sending
delivering every message at once; and an account per test with money and sender names.

The libraries run unchanged: each is pointed at the server only through what it offers
for that (a constructor argument, a documented option, or the one attribute that holds
its base URL), as docs/clients.md shows.
"""

from __future__ import annotations

import secrets
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from smscd.accounts.service import NewAccount, create_account
from smscd.db import migrate
from smscd.db.engine import sync_engine
from smscd.sending import senders
from tests.billing.helpers import add_payment
from tests.conftest import TEST_PASSWORDS, postgres_database
from tests.sending import network
from tests.servers import smscd_serve
from tests.tariffs.helpers import add_plan, assign, zone

PART = 250  # 2.50 a part, everywhere
START_BALANCE = 10_000  # 100.00
PHONE = network.DELIVERED  # routed to the simulator, delivered at once
STATUS_TIMEOUT = 30  # seconds for a message to be delivered by the server's own worker
ENV = {
    "SMSCD_RATE_LIMITS": "off",
    "SMSCD_ARGON2_TIME_COST": "1",
    "SMSCD_ARGON2_MEMORY_KIB": "64",
}


@dataclass
class Smscd:
    url: str  # http://127.0.0.1:PORT
    database: str
    engine: Any

    @property
    def root(self) -> str:
        """The API's root, what the libraries call their base URL."""
        return f"{self.url}/sys/"


@dataclass
class Account:
    id: int
    login: str
    password: str


# Package scope: the server stops when the clients' tests are done, not at the end of the
# whole run, so that its worker does not poll beside the rest of the suite.
@pytest.fixture(scope="package")
def smscd(backend: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Smscd]:
    directory: Path = tmp_path_factory.mktemp("clients")
    urls: Iterator[str] = (
        iter([f"sqlite:///{directory / 'clients.db'}"]) if backend.name == "sqlite"
        else postgres_database()
    )  # fmt: skip
    url = next(urls)
    engine = sync_engine(url)
    migrate.upgrade(engine)
    network.install(engine)
    try:
        with smscd_serve(url, directory, workers=1, env=ENV) as server:
            yield Smscd(server.url, url, engine)
    finally:
        engine.dispose()
        for _ in urls:  # runs the PostgreSQL clean-up
            pass


@pytest.fixture
def account(smscd: Smscd) -> Account:
    """A fresh account: 100.00, every part 2.50, the sender names ``SMSC.RU`` (its
    default) and ``Shop``."""
    login, password = f"client_{secrets.token_hex(4)}", f"pw-{secrets.token_hex(4)}"
    with smscd.engine.begin() as conn:
        account_id = create_account(conn, NewAccount(login, password), TEST_PASSWORDS)
        senders.add(conn, account_id, "SMSC.RU", make_default=True)
        senders.add(conn, account_id, "Shop")
    created = Account(account_id, login, password)
    assign(smscd.engine, created, add_plan(smscd.engine, zone("WORLD", mcc="", api=PART)))
    add_payment(smscd.engine, account_id, START_BALANCE, int(time.time()) - 60)
    return created


def wait_for(read: Callable[[], Any], done: Callable[[Any], bool], what: str) -> Any:
    """Call ``read`` until ``done`` holds for what it returns (bounded); that value."""
    deadline = time.monotonic() + STATUS_TIMEOUT
    while not done(value := read()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; last: {value!r}")
        time.sleep(0.1)  # polling a condition, bounded: not a wait for a fixed time
    return value


def status_of(smscd: Smscd, account: Account, send_id: object, phone: str = PHONE) -> Any:
    """The message's status record as smscd itself reports it (fmt 3), to check what a
    library parsed against."""
    query = {"login": account.login, "psw": account.password, "phone": phone, "id": send_id}
    reply = httpx.get(
        f"{smscd.root}status.php", params={**query, "fmt": 3, "all": 1, "charset": "utf-8"}
    )
    return reply.json()


def closed_port() -> int:
    """A loopback port nothing listens on: smscd is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Egress:
    """Every address a library tried to resolve or connect to while smscd was down."""

    tried: list[str]


@pytest.fixture
def no_egress(monkeypatch: pytest.MonkeyPatch) -> Egress:
    """Refuse, and record, any name resolution or connection beyond the loopback: a library
    that falls back to a hard-coded host of the real service is seen trying and cannot
    reach it (the sandbox has no internet either; tests must not try)."""
    egress = Egress([])
    loopback = {"127.0.0.1", "::1", "localhost"}
    getaddrinfo, connect = socket.getaddrinfo, socket.socket.connect

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        egress.tried.append(str(host))
        if str(host) not in loopback:
            raise socket.gaierror(socket.EAI_NONAME, f"no_egress: {host} refused")
        return getaddrinfo(host, *args, **kwargs)

    def guarded_connect(sock: socket.socket, address: Any) -> None:
        host = str(address[0]) if isinstance(address, tuple) else str(address)
        egress.tried.append(host)
        if sock.family in (socket.AF_INET, socket.AF_INET6) and host not in loopback:
            raise ConnectionRefusedError(f"no_egress: {host} refused")
        connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    return egress
