"""The account cache (accounts/cache.py): accepted credentials skip the account's row while
the database can tell the worker of every change, and never longer."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from smscd.accounts.auth import Authenticator
from smscd.accounts.cache import AccountCache
from smscd.accounts.passwords import Passwords
from smscd.errors import AuthorisationError

PASSWORDS = Passwords(time_cost=1, memory_kib=64)
HASH = PASSWORDS.hash("secret")
KEY_ROWS: list[Any] = []  # (salt, key_hash, *account row) rows of the prefix, set per test


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeListener:
    """What a PostgreSQL listener does, driven by the test."""

    name = "listener"

    def __init__(self, on_notice: Any, on_gap: Any) -> None:
        self.notice = on_notice
        self.gap = on_gap
        self.live = False

    async def start(self) -> None:
        self.gap()
        self.live = True

    async def stop(self) -> None:
        self.lose()

    def lose(self) -> None:
        self.live = False
        self.gap()


class Rows:
    """A database of one account ``acme`` (id 7) that counts its reads and can run a hook
    in the middle of one (a change committed while a request reads the row)."""

    def __init__(self) -> None:
        self.reads = 0
        self.allowed = ""
        self.during_read: Any = None

    def listener(self, channel: str, on_notice: Any, on_gap: Any) -> FakeListener:
        self.made = FakeListener(on_notice, on_gap)
        return self.made

    async def fetch_point(self, sql: str, params: Any) -> list[Any]:
        self.reads += 1
        row = (7, "acme", HASH, self.allowed, "Europe/Moscow", "RUB", "ru", None, "")
        if self.during_read is not None:
            hook, self.during_read = self.during_read, None
            hook()
        return [row] if params == ("acme",) else []


@pytest.fixture
def setup() -> Any:
    rows, clock = Rows(), Clock()
    cache = AccountCache(rows, 60, clock)  # type: ignore[arg-type]
    auth = Authenticator(rows, PASSWORDS, cache_seconds=300, clock=clock, accounts=cache)  # type: ignore[arg-type]
    asyncio.run(cache.start())
    return rows, clock, cache, auth


def login(auth: Authenticator, psw: str = "secret", address: str | None = "127.0.0.1") -> str:
    return asyncio.run(auth.authenticate("acme", psw, "", address)).login


def test_accepted_credentials_are_answered_without_reading_the_row(setup):
    rows, _clock, _cache, auth = setup
    assert [login(auth) for _ in range(5)] == ["acme"] * 5
    assert rows.reads == 1


def test_a_notice_for_the_account_makes_the_next_request_read_it_again(setup):
    rows, _clock, _cache, auth = setup
    login(auth)
    rows.made.notice("7")
    login(auth)
    assert rows.reads == 2


def test_a_notice_for_another_account_keeps_the_entry(setup):
    rows, _clock, _cache, auth = setup
    login(auth)
    rows.made.notice("8")
    login(auth)
    assert rows.reads == 1


def test_a_change_heard_while_the_row_is_read_is_not_stored(setup):
    rows, _clock, _cache, auth = setup
    rows.during_read = lambda: rows.made.notice("7")
    login(auth)
    login(auth)
    assert rows.reads == 2


def test_nothing_is_kept_while_the_listener_is_down(setup):
    rows, _clock, cache, auth = setup
    login(auth)
    rows.made.lose()
    assert len(cache) == 0
    login(auth)
    login(auth)
    assert rows.reads == 3


def test_an_entry_expires(setup):
    rows, clock, _cache, auth = setup
    login(auth)
    clock.now += 61
    login(auth)
    assert rows.reads == 2


def test_a_wrong_password_is_never_answered_from_memory(setup):
    rows, _clock, _cache, auth = setup
    login(auth)
    with pytest.raises(AuthorisationError):
        login(auth, psw="wrong")
    assert rows.reads == 2


def test_the_allowed_addresses_are_checked_on_every_cached_request(setup):
    rows, _clock, _cache, auth = setup
    rows.allowed = "10.0.0.0/8"
    assert login(auth, address="10.1.2.3") == "acme"
    with pytest.raises(AuthorisationError):
        login(auth, address="192.0.2.1")
    assert rows.reads == 1


def test_without_a_kept_verification_the_cache_never_skips_argon2():
    rows, clock = Rows(), Clock()
    cache = AccountCache(rows, 60, clock)  # type: ignore[arg-type]
    auth = Authenticator(rows, PASSWORDS, cache_seconds=0, clock=clock, accounts=cache)  # type: ignore[arg-type]
    asyncio.run(cache.start())
    login(auth)
    login(auth)
    assert rows.reads == 2 and len(cache) == 0


def test_a_notice_that_is_not_an_id_forgets_everything(setup):
    rows, _clock, cache, auth = setup
    login(auth)
    rows.made.notice("garbage")
    assert len(cache) == 0
