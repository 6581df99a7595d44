"""A worker's memory of the accounts it has authenticated, kept only while it can hear
every change to them.

On PostgreSQL every request's first round trip is the account's row (by login or by key
prefix), and for the cheapest requests that is half their cost (docs/performance.md). The
cache answers those requests from memory: credentials that were accepted, as a keyed hash
(never the password or key), map to the account, its allowed addresses and an expiry.

What a cached answer may not do is outlive a change. The database tells every worker of
every change that matters here: migration 0018's triggers announce, on the channel
``CHANNEL``, the id of an account whose login, password, allowed addresses, time zone,
currency, language, parent or limits changed, or whose API key was revoked or deleted,
in the changing transaction's commit, whichever process or tool made it. A notice drops
that account's entries. While the listening connection is down, or before it is up, the
cache keeps nothing (``on_gap`` empties it) and every request reads the row as before.
An entry also expires after ``seconds``, so one that a notice failed to reach cannot
live longer than that.

A request that reads the row while a change commits must not store what it read: the
:attr:`generation` taken before the read is compared when storing, and any notice or gap
in between makes the store a no-op.

On SQLite there is no listener (each read is a call within the process, cheaper than the
bookkeeping), and the cache stays off.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from smscd.accounts.model import Account
from smscd.db.gateway import Database, Listener

log = logging.getLogger("smscd.accounts")

CHANNEL = "smscd_accounts"
LIMIT = 50_000  # entries; a full cache starts again empty


@dataclass(frozen=True)
class Entry:
    account: Account
    allowed_ips: str
    expires: float


class AccountCache:
    """Accepted credentials -> account, while :attr:`listener` is live (a component)."""

    name = "account-cache"

    def __init__(
        self, db: Database, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._seconds = seconds
        self._clock = clock
        self._entries: dict[bytes, Entry] = {}
        self._of_account: dict[int, set[bytes]] = {}
        self.generation = 0
        self.listener: Listener | None = (
            db.listener(CHANNEL, self._notice, self.clear) if seconds > 0 else None
        )

    @property
    def live(self) -> bool:
        return self.listener is not None and self.listener.live

    async def start(self) -> None:
        if self.listener is not None:
            await self.listener.start()

    async def stop(self) -> None:
        if self.listener is not None:
            await self.listener.stop()
        self.clear()

    def get(self, token: bytes) -> Entry | None:
        entry = self._entries.get(token)
        if entry is None or not self.live:
            return None
        if entry.expires < self._clock():
            self._drop(token, entry)
            return None
        return entry

    def put(self, token: bytes, account: Account, allowed_ips: str, generation: int) -> None:
        """Remember ``token``'s account, unless anything changed since ``generation``."""
        if generation != self.generation or not self.live:
            return
        if len(self._entries) >= LIMIT:
            self.clear()
        self._entries[token] = Entry(account, allowed_ips, self._clock() + self._seconds)
        self._of_account.setdefault(account.id, set()).add(token)

    def forget(self, account_id: int) -> None:
        self.generation += 1
        for token in self._of_account.pop(account_id, ()):
            self._entries.pop(token, None)

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()
        self._of_account.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, token: bytes, entry: Entry) -> None:
        self._entries.pop(token, None)
        tokens = self._of_account.get(entry.account.id)
        if tokens is not None:
            tokens.discard(token)

    def _notice(self, payload: str) -> None:
        try:
            account_id = int(payload)
        except ValueError:
            log.warning("an account notice that is not an id; forgetting every account")
            self.clear()
            return
        self.forget(account_id)
