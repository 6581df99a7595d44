"""The verified-password cache: argon2 runs once per credentials, not once per request."""

from __future__ import annotations

import asyncio
import threading

from smscd.accounts.auth import Authenticator
from smscd.accounts.passwords import Passwords
from smscd.db.gateway import Reads
from smscd.errors import AuthorisationError

ROW = (7, "acme", None, "", "Europe/Moscow", "RUB", "ru", None, "")


class OneAccount(Reads):
    def __init__(self, password_hash: str) -> None:
        self.row = (*ROW[:2], password_hash, *ROW[3:])

    async def fetch_all(self, sql, params):
        return [self.row] if params == ("acme",) else []


class CountingPasswords(Passwords):
    """Counts argon2 verifications; holds each one until released, as a slow hash would."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_kib=64)
        self.calls = 0
        self.release = threading.Event()

    def verify(self, stored: str, psw: str) -> bool:
        self.calls += 1
        self.release.wait(timeout=10)
        return super().verify(stored, psw)


def credentials(psw: str) -> tuple[str, str, str]:
    """login, psw, apikey"""
    return "acme", psw, ""


def test_concurrent_requests_share_one_argon2_check():
    passwords = CountingPasswords()
    auth = Authenticator(OneAccount(passwords.hash("secret")), passwords, cache_seconds=300)

    async def scenario() -> list[str]:
        tasks = [
            asyncio.create_task(auth.authenticate(*credentials("secret"), None)) for _ in range(20)
        ]
        await asyncio.sleep(0)  # let every request reach the check before it completes
        passwords.release.set()
        return [account.login for account in await asyncio.gather(*tasks)]

    assert asyncio.run(scenario()) == ["acme"] * 20
    assert passwords.calls == 1


def test_a_wrong_password_is_checked_every_time_and_never_cached():
    passwords = CountingPasswords()
    passwords.release.set()
    auth = Authenticator(OneAccount(passwords.hash("secret")), passwords, cache_seconds=300)

    async def attempts() -> int:
        refused = 0
        for _ in range(3):
            try:
                await auth.authenticate(*credentials("guess"), None)
            except AuthorisationError:
                refused += 1
        return refused

    assert asyncio.run(attempts()) == 3
    assert passwords.calls == 3
