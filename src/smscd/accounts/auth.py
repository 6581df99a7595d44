"""Who is asking: login + password (or its MD5), an API key, and the allowed-IP list.

compat.md, "Authentication": ``login`` + ``psw`` where ``psw`` is the password or its
lowercase MD5; ``apikey``; or an empty ``login`` with the key in ``psw``. Any failure, and a
request from outside the account's allowed addresses, is error 2.

argon2 is deliberately slow, so a successful login+password check is remembered for
``auth_cache_seconds`` as an HMAC under a per-process random key (never the password), tied
to the stored hash: a password change invalidates it at once. Failures are never cached.
An unknown login is verified against a decoy hash, so that every refusal of a login and
password costs one argon2 verification, like a wrong password (no user enumeration by
timing).

With an :class:`~smscd.accounts.cache.AccountCache` (PostgreSQL), accepted credentials
skip the account's row too, while the database can tell this worker of every change to it
(accounts/cache.py). Only acceptances are remembered; the allowed addresses are checked on
every request, from the remembered list.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from smscd.accounts import apikeys
from smscd.accounts import queries as q
from smscd.accounts.cache import AccountCache
from smscd.accounts.model import Account
from smscd.accounts.passwords import Passwords
from smscd.addresses import networks, parse_address, within
from smscd.db.gateway import Reads
from smscd.errors import AuthorisationError

_CACHE_LIMIT = 50_000


def ip_allowed(allowed: str, client_ip: str | None) -> bool:
    """Is ``client_ip`` inside the account's list (an empty list allows everyone)?"""
    if not allowed:
        return True
    address = parse_address(client_ip) if client_ip else None
    if address is None:
        return False
    return within(address, networks(allowed))


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _account(row: Sequence[Any]) -> Account:
    return Account(
        id=row[0],
        login=row[1],
        timezone=_zone(row[4]),
        currency=row[5],
        language=row[6],
        parent_id=row[7],
        rate_limits=row[8],
    )


class Authenticator:
    def __init__(
        self,
        db: Reads,
        passwords: Passwords,
        cache_seconds: int,
        clock: Callable[[], float] = time.monotonic,
        accounts: AccountCache | None = None,
    ) -> None:
        self._db = db
        self._accounts = accounts
        self._passwords = passwords
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._cache_key = secrets.token_bytes(32)
        # Made once, when the worker starts: an unknown login is verified against it
        # (no user enumeration by timing, docs/security.md).
        self._decoy = passwords.decoy()
        self._verified: dict[bytes, float] = {}
        self._inflight: dict[bytes, asyncio.Future[bool]] = {}

    async def authenticate(self, login: str, psw: str, key: str, client_ip: str | None) -> Account:
        """The account of ``login`` + ``psw`` (the password or its MD5), of the API key
        ``key``, or of a key in ``psw`` with an empty ``login``; error 2 otherwise."""
        if key:
            return await self._by_key(key, client_ip)
        if not login and psw:
            return await self._by_key(psw, client_ip)
        if login and psw:
            return await self._by_password(login, psw, client_ip)
        raise AuthorisationError("no credentials")

    async def _by_key(self, key: str, client_ip: str | None) -> Account:
        if not apikeys.looks_like_key(key):
            raise AuthorisationError("malformed key")
        remembered = self._token("key", key)
        cached = self._cached(remembered, client_ip)
        if cached is not None:
            return cached
        generation = self._accounts.generation if self._accounts is not None else 0
        rows = await self._db.fetch_point(q.ACCOUNT_BY_KEY_PREFIX, (key[: apikeys.PREFIX_LEN],))
        for row in rows:
            if apikeys.matches(row[0], row[1], key):
                account_row = row[2:]
                account = _account(account_row)
                if self._accounts is not None:
                    self._accounts.put(remembered, account, account_row[3], generation)
                if not ip_allowed(account_row[3], client_ip):
                    raise AuthorisationError("address not allowed")
                return account
        raise AuthorisationError("unknown key")

    def _cached(self, remembered: bytes, client_ip: str | None) -> Account | None:
        """The account these credentials were accepted for, if the cache still holds it."""
        if self._accounts is None:
            return None
        entry = self._accounts.get(remembered)
        if entry is None:
            return None
        if not ip_allowed(entry.allowed_ips, client_ip):
            raise AuthorisationError("address not allowed")
        return entry.account

    async def _by_password(self, login: str, psw: str, client_ip: str | None) -> Account:
        # The account cache may skip argon2 only where a verified password may be kept.
        accounts = self._accounts if self._cache_seconds else None
        remembered = self._token("login", login, psw)
        if accounts is not None:
            cached = self._cached(remembered, client_ip)
            if cached is not None:
                return cached
        generation = accounts.generation if accounts is not None else 0
        # No login holds a NUL (service.py refuses one), and PostgreSQL refuses it in text.
        rows = [] if "\x00" in login else await self._db.fetch_point(q.ACCOUNT_BY_LOGIN, (login,))
        if not rows:
            # As slow as a wrong password: a quicker refusal would tell which logins exist.
            await self._verify_once(self._token("", login, psw), self._decoy, psw)
            raise AuthorisationError("unknown login")
        row = rows[0]
        stored_hash: str = row[2]
        token = self._token(str(row[0]), stored_hash, psw)
        now = self._clock()
        expires = self._verified.get(token)
        if expires is None or expires < now:
            if not await self._verify_once(token, stored_hash, psw):
                raise AuthorisationError("wrong password")
            if self._cache_seconds:
                if len(self._verified) >= _CACHE_LIMIT:
                    self._verified.clear()
                self._verified[token] = now + self._cache_seconds
        account = _account(row)
        if accounts is not None:
            accounts.put(remembered, account, row[3], generation)
        if not ip_allowed(row[3], client_ip):
            raise AuthorisationError("address not allowed")
        return account

    def _token(self, *parts: str) -> bytes:
        """The keyed hash that stands for these credentials in the cache and in flight."""
        text = "\x00".join(parts).encode("utf-8", "surrogatepass")
        return hmac.new(self._cache_key, text, hashlib.sha256).digest()

    async def _verify_once(self, token: bytes, stored_hash: str, psw: str) -> bool:
        """argon2 for these credentials, run once however many requests ask at the same time.

        Without this, a client that opens many connections to a freshly started worker sets
        off one slow argon2 check per request before the first one is cached (measured: 126
        checks of 0.2 s for one login, docs/performance.md).
        """
        running = self._inflight.get(token)
        if running is None:
            loop = asyncio.get_running_loop()
            running = loop.run_in_executor(None, self._passwords.verify, stored_hash, psw)
            self._inflight[token] = running
            running.add_done_callback(lambda _f: self._inflight.pop(token, None))
        return bool(await asyncio.shield(running))
