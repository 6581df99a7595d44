"""compat.md "Rate limits": fifteen or more requests of one login at once are refused
(``SMSCD_LIMIT_IN_FLIGHT``: 14 run together), under real concurrency: requests held inside
their handler until the test lets them go, in one worker and in two sharing Redis."""

from __future__ import annotations

import asyncio
import concurrent.futures
import secrets
from dataclasses import dataclass, field
from typing import Any

import pytest

from smscd.db.postgres import PostgresDatabase
from smscd.db.sqlite import SqliteDatabase
from tests.limits.conftest import REDIS_URL, forget, limited_settings
from tests.limits.harness import CONCURRENT, TIMEOUT, LiveApp, credentials, error_text

CAP = 14


@dataclass
class _Held:
    open: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    count: int = 0


class HistoryGate:
    """Holds every history query, in every app of the test, until :meth:`open`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._held: dict[asyncio.AbstractEventLoop, _Held] = {}
        for gateway in (SqliteDatabase, PostgresDatabase):
            original = gateway.fetch_all

            async def gated(db: Any, sql: str, params: Any, _original: Any = original) -> Any:
                if "FROM messages" in sql:
                    held = self._at(asyncio.get_running_loop())
                    held.count += 1
                    held.arrived.set()
                    await held.open.wait()
                return await _original(db, sql, params)

            monkeypatch.setattr(gateway, "fetch_all", gated)

    def _at(self, loop: asyncio.AbstractEventLoop) -> _Held:
        return self._held.setdefault(loop, _Held())

    def holding(self, app: LiveApp, count: int) -> None:
        """Return once ``count`` history queries wait at the gate in ``app``."""

        async def arrivals() -> None:
            held = self._at(app.loop)
            while held.count < count:
                held.arrived.clear()
                await held.arrived.wait()

        app.run(arrivals())

    def open(self, *apps: LiveApp) -> None:
        for app in apps:
            app.loop.call_soon_threadsafe(self._at(app.loop).open.set)


def start_history(app: LiveApp, account: Any, count: int, first_cnt: int) -> list[Any]:
    """``count`` different history requests on ``app``'s loop, running at once."""
    return [
        asyncio.run_coroutine_threadsafe(
            app.send(get_messages=1, cnt=first_cnt + n, **credentials(account)), app.loop
        )
        for n in range(count)
    ]


def settle(
    futures: list[Any], gate: HistoryGate, apps: list[LiveApp], refusals: int
) -> list[str | None]:
    """Wait for the ``refusals`` requests that cannot get a slot, then let the rest finish;
    every answer's error text (None: a reply), the refusals first."""
    pending = set(futures)
    early: list[str | None] = []
    while len(early) < refusals:
        done, pending = concurrent.futures.wait(
            pending, timeout=TIMEOUT, return_when=concurrent.futures.FIRST_COMPLETED
        )
        assert done, "requests neither refused nor finished"
        early += [error_text(future.result()) for future in done]
    gate.open(*apps)
    late = [error_text(future.result(TIMEOUT)) for future in pending]
    return early + late


def test_the_fifteenth_request_at_once_is_refused(api, make_account, monkeypatch):
    gate = HistoryGate(monkeypatch)
    account = make_account()
    answers = settle(start_history(api, account, 20, 1), gate, [api], refusals=6)
    assert answers[:6] == [CONCURRENT] * 6
    assert CONCURRENT not in answers[6:] and len(answers) == 20


def test_finished_requests_give_their_slot_back(api, make_account):
    account = make_account()
    # Sequential requests, errors among them (cnt=0 is error 1): never more than one at once.
    answers = [error_text(api.history(account, cnt=n % 25)) for n in range(25)]
    assert CONCURRENT not in answers


def test_a_cancelled_request_gives_its_slot_back(api, make_account, monkeypatch):
    gate = HistoryGate(monkeypatch)
    account = make_account()
    abandoned = start_history(api, account, CAP, 1)
    gate.holding(api, CAP)  # every one holds a slot
    for future in abandoned:  # the clients went away: their requests are cancelled
        future.cancel()
    answers = settle(start_history(api, account, CAP + 1, 101), gate, [api], refusals=1)
    assert answers.count(CONCURRENT) == 1


def test_other_logins_are_not_held_up(api, make_account, monkeypatch):
    gate = HistoryGate(monkeypatch)
    busy, other = make_account(), make_account()
    futures = start_history(api, busy, CAP + 1, 1)
    answers = settle(futures + start_history(api, other, 3, 1), gate, [api], refusals=1)
    assert answers.count(CONCURRENT) == 1 and len(answers) == CAP + 4


@pytest.mark.skipif(not REDIS_URL, reason="needs SMSCD_TEST_REDIS_URL (two workers share Redis)")
def test_two_workers_sharing_redis_share_the_cap(backend, clock, make_account, monkeypatch):
    prefix = f"smscd-test-flight-{secrets.token_hex(4)}:"
    gate = HistoryGate(monkeypatch)
    account = make_account()
    try:
        settings = limited_settings(backend.url, prefix)
        with LiveApp(settings, clock) as first, LiveApp(settings, clock) as second:
            futures = start_history(first, account, 10, 1) + start_history(second, account, 10, 11)
            answers = settle(futures, gate, [first, second], refusals=6)
    finally:
        forget(prefix)
    assert answers[:6] == [CONCURRENT] * 6
    assert CONCURRENT not in answers[6:]
