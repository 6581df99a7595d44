"""Limits shared through Redis by two real server processes (granian), whichever of them
serves each request: the windows, IP blocks and unblocking of test_windows.py and
test_ip_blocks.py, across processes, on a clock both read from a file the test moves."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from smscd.limits.backend import RECHECK_SECONDS
from smscd.limits.blocks import unblock
from tests.conftest import START
from tests.limits.clocked_app import FileClock
from tests.limits.conftest import REDIS_URL, forget, limited_settings
from tests.limits.harness import AUTHORISE, BLOCKED, DUPLICATE, error_text, new_address
from tests.servers import free_port, server_process

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs SMSCD_TEST_REDIS_URL")

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Cluster:
    urls: list[str]
    clock: FileClock
    settings: object

    def ask(self, server: int, account, address: str, **params) -> str | None:
        """A history request by ``account`` to server ``server`` on behalf of ``address``
        (the servers trust the loopback peer as a proxy, so each test can be its own client)."""
        query = {"get_messages": 1, "login": account.login, "psw": account.password}
        query |= {"fmt": 3, "charset": "utf-8", **params}
        reply = httpx.get(
            f"{self.urls[server]}/sys/get.php",
            params=query,
            headers={"x-forwarded-for": address},
            timeout=30,
        )
        assert reply.status_code == 200
        return error_text(reply.text)


@pytest.fixture(scope="module")
def cluster(backend, tmp_path_factory) -> Iterator[Cluster]:
    prefix = f"smscd-test-two-{secrets.token_hex(4)}:"
    clock = FileClock(tmp_path_factory.mktemp("clock") / "now")
    clock.set(START)
    env = {
        "SMSCD_DATABASE_URL": backend.url,
        "SMSCD_REDIS_URL": REDIS_URL,
        "SMSCD_REDIS_PREFIX": prefix,
        "SMSCD_RATE_LIMITS": "on",
        "SMSCD_TRUSTED_PROXIES": "127.0.0.1",
        "SMSCD_ARGON2_TIME_COST": "1",
        "SMSCD_ARGON2_MEMORY_KIB": "64",
        "SMSCD_TEST_CLOCK_FILE": str(clock.path),
        "PYTHONPATH": str(ROOT),
    }
    urls = []
    try:
        with ExitStack() as stack:
            for _ in range(2):
                port = free_port()
                argv = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory"]
                argv += ["--port", str(port), "tests.limits.clocked_app:create"]
                urls.append(stack.enter_context(server_process(argv, port, ROOT, env, 1)).url)
            yield Cluster(urls, clock, limited_settings(backend.url, prefix))
    finally:
        forget(prefix)


@pytest.fixture(autouse=True)
def _clock_at_start(cluster):
    cluster.clock.set(START)


def test_identical_requests_are_counted_across_processes(cluster, make_account):
    account, address = make_account(), new_address()
    answers = [cluster.ask(server, account, address, cnt=5) for server in (0, 1, 0, 1)]
    assert DUPLICATE not in answers[:3] and answers[3] == DUPLICATE
    assert cluster.ask(0, account, address, cnt=5) == DUPLICATE


def test_the_window_expires_for_every_process(cluster, make_account):
    account, address = make_account(), new_address()
    for server in (0, 1, 0):
        cluster.ask(server, account, address, cnt=6)
    cluster.clock.set(START + 59.5)
    assert cluster.ask(1, account, address, cnt=6) == DUPLICATE
    cluster.clock.set(START + 60)
    assert cluster.ask(1, account, address, cnt=6) != DUPLICATE
    assert cluster.ask(0, account, address, cnt=6) != DUPLICATE
    assert cluster.ask(1, account, address, cnt=6) != DUPLICATE
    assert cluster.ask(0, account, address, cnt=6) == DUPLICATE


def test_thirty_history_requests_an_hour_across_processes(cluster, make_account):
    account, address = make_account(), new_address()
    answers = [cluster.ask(n % 2, account, address, cnt=n + 1) for n in range(31)]
    assert DUPLICATE not in answers[:30] and answers[30] == DUPLICATE
    cluster.clock.set(START + 3600)
    assert cluster.ask(1, account, address, cnt=1) != DUPLICATE


def test_failures_on_both_processes_block_on_both(cluster, make_account):
    account, address = make_account(), new_address()
    answers = [cluster.ask(n % 2, account, address, psw="wrong") for n in range(5)]
    assert answers == [AUTHORISE] * 5
    assert cluster.ask(1, account, address) == BLOCKED
    assert cluster.ask(0, account, address) == BLOCKED
    cluster.clock.set(START + 1800)
    assert cluster.ask(0, account, address) != BLOCKED
    assert cluster.ask(1, account, address) != BLOCKED


def test_unblock_reaches_both_processes(cluster, make_account, backend):
    account, address = make_account(), new_address()
    for n in range(5):
        cluster.ask(n % 2, account, address, psw="wrong")
    assert [cluster.ask(server, account, address) for server in (0, 1)] == [BLOCKED] * 2
    unblock(cluster.settings, backend.engine, address)
    cluster.clock.set(START + RECHECK_SECONDS)
    assert [cluster.ask(server, account, address) for server in (0, 1)] == ["message not found"] * 2
