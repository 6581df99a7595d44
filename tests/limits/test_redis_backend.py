"""The Redis backend on its own: leases of in-flight slots (a dead worker's are freed within
one lease, a live worker's are renewed), and serving on when Redis cannot be reached."""

from __future__ import annotations

import asyncio
import logging
import secrets
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from smscd.errors import TooManyConcurrentError
from smscd.limits.in_redis import RedisBackend
from smscd.limits.policy import Ticket
from smscd.limits.service import block_policy
from smscd.settings import Settings
from tests.conftest import START
from tests.limits.conftest import REDIS_URL, forget, limited_settings
from tests.limits.harness import LiveApp, error_text
from tests.servers import free_port

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs SMSCD_TEST_REDIS_URL")

LEASE = 30.0
CAP = 3


@pytest.fixture
def settings(backend) -> Iterator[Settings]:
    prefix = f"smscd-test-lease-{secrets.token_hex(4)}:"
    yield limited_settings(backend.url, prefix, limit_in_flight_lease_seconds=LEASE)
    forget(prefix)


def ticket(account_id: int = 1) -> Ticket:
    return Ticket(account_id, CAP, ())


async def admitted(settings: Settings, now: float, clock: float = START) -> bool:
    """Does a request of account 1 get a slot at ``now``?"""
    backend = RedisBackend(settings, block_policy(settings), lambda: clock)
    try:
        await backend.admit(ticket(), None, now)
    except TooManyConcurrentError:
        return False
    finally:
        await backend.stop()
    return True


WORKER = textwrap.dedent(
    """
    import asyncio, os, sys
    from smscd.limits.in_redis import RedisBackend
    from smscd.limits.policy import Ticket
    from smscd.limits.service import block_policy
    from smscd.settings import load_settings

    async def main():
        settings = load_settings(
            redis_url=sys.argv[1], redis_prefix=sys.argv[2],
            limit_in_flight_lease_seconds=float(sys.argv[3]),
        )
        backend = RedisBackend(settings, block_policy(settings), lambda: float(sys.argv[4]))
        for _ in range(int(sys.argv[5])):
            await backend.admit(Ticket(1, int(sys.argv[5]), ()), None, float(sys.argv[4]))
        print("holding", flush=True)
        sys.stdin.read()  # until killed

    asyncio.run(main())
    """
)


def test_the_slots_of_a_worker_that_died_are_freed_within_one_lease(settings):
    with subprocess.Popen(
        [sys.executable, "-c", WORKER, REDIS_URL, settings.redis_prefix, str(LEASE),
         str(START), str(CAP)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    ) as worker:  # fmt: skip
        try:
            assert worker.stdout is not None and worker.stdout.readline() == "holding\n"
        finally:
            worker.kill()  # SIGKILL: no clean-up of any kind
            worker.wait()
    assert asyncio.run(admitted(settings, START + 1)) is False  # still held
    assert asyncio.run(admitted(settings, START + LEASE - 0.001)) is False
    assert asyncio.run(admitted(settings, START + LEASE)) is True


def test_a_live_worker_renews_its_leases(settings):
    async def scenario() -> list[bool]:
        clock = [START]
        holder = RedisBackend(settings, block_policy(settings), lambda: clock[0])
        try:
            for _ in range(CAP):
                await holder.admit(ticket(), None, START)
            clock[0] = START + 20
            await holder.renew()  # leases now end at START + 50
            return [
                await admitted(settings, START + LEASE + 5),
                await admitted(settings, START + 20 + LEASE),
            ]
        finally:
            await holder.stop()

    assert asyncio.run(scenario()) == [False, True]


def test_a_released_slot_is_free_at_once(settings):
    async def scenario() -> bool:
        holder = RedisBackend(settings, block_policy(settings), lambda: START)
        try:
            slots = [await holder.admit(ticket(), None, START) for _ in range(CAP)]
            await holder.release(slots[0])
            return await admitted(settings, START)
        finally:
            await holder.stop()

    assert asyncio.run(scenario()) is True


def test_requests_are_served_when_redis_cannot_be_reached(backend, clock, make_account, caplog):
    settings = limited_settings(backend.url, "smscd-test-down:")
    settings = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    account = make_account()
    with caplog.at_level(logging.WARNING, logger="smscd.limits"), LiveApp(settings, clock) as api:
        answers = [error_text(api.history(account, cnt=5)) for _ in range(6)]
    assert answers == ["message not found"] * 6  # served, unlimited
    assert any("Redis" in record.getMessage() for record in caplog.records)
