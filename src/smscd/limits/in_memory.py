"""Limits kept in this process's memory: the default, for a server of one process.

Every check-and-count runs on the worker's event loop with no ``await`` in between, so it is
atomic for the process. With several workers each counts on its own (``smscd serve`` says so
at start); Redis (``in_redis.py``) shares the counts. A worker that dies takes its in-flight
slots with it: nothing can leak.

Sliding windows are exact: a window keeps the times of the requests it counted, at most
``limit`` of them (a refused request is not kept), and forgets those older than its length.
Windows, failure logs and blocks that have run out are swept once a minute.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass

from smscd.db.gateway import Reads
from smscd.errors import DuplicateRequestError, IpBlockedError, TooManyConcurrentError
from smscd.limits import queries
from smscd.limits.backend import (
    BLOCKS_LISTED,
    RECHECK_SECONDS,
    Backend,
    BlockPolicy,
    Failure,
    Slot,
)
from smscd.limits.policy import Ticket

SWEEP_SECONDS = 60.0


@dataclass(slots=True)
class _Window:
    seconds: float
    times: deque[float]

    def forget(self, now: float) -> int:
        """Drop the times that have left the window; how many remain."""
        times, horizon = self.times, now - self.seconds
        while times and times[0] <= horizon:
            times.popleft()
        return len(times)


@dataclass(slots=True)
class _Block:
    until: float
    unblock_mark: int | None  # unblock requests up to this id are older (None: being read)
    recheck: float  # when to look for an unblock request again


class MemoryBackend(Backend):
    def __init__(self, db: Reads, policy: BlockPolicy) -> None:
        self._db = db
        self._policy = policy
        self._windows: dict[str, _Window] = {}
        self._in_flight: dict[int, int] = {}
        self._failures: dict[str, _Window] = {}
        self._blocks: dict[str, _Block] = {}
        self._swept = 0.0
        self._tokens = itertools.count(1)

    async def start(self) -> None:
        return None  # nothing to open: the state is this object

    async def stop(self) -> None:
        return None

    async def admit(self, ticket: Ticket, subject: str | None, now: float) -> Slot:
        self._sweep_if_due(now)
        # Checked again: failed guesses sent together with this request may have blocked
        # the address while its password was checked. It is answered 4 then, like every
        # later request, so that a burst of guesses learns nothing past the threshold.
        if subject is not None and self._blocked_now(subject, now):
            raise IpBlockedError(f"{subject} blocked")
        account = ticket.account_id
        held = self._in_flight.get(account, 0)
        if ticket.in_flight and held >= ticket.in_flight:
            raise TooManyConcurrentError(f"account {account}: {held} in flight")
        windows = []
        for counter in ticket.counters:
            window = self._windows.get(counter.key)
            if window is None:
                window = self._windows[counter.key] = _Window(counter.seconds, deque())
            if window.forget(now) >= counter.limit:
                raise DuplicateRequestError(f"account {account}: {counter.key} full")
            windows.append(window)
        for window in windows:
            window.times.append(now)
        if not ticket.in_flight:
            return Slot(account, None)
        self._in_flight[account] = held + 1
        return Slot(account, str(next(self._tokens)))

    async def release(self, slot: Slot) -> None:
        if slot.token is None:
            return
        held = self._in_flight.get(slot.account_id, 0) - 1
        if held > 0:
            self._in_flight[slot.account_id] = held
        else:
            self._in_flight.pop(slot.account_id, None)

    def _blocked_now(self, subject: str, now: float) -> bool:
        block = self._blocks.get(subject)
        return block is not None and now < block.until

    async def blocked(self, subject: str, now: float) -> bool:
        block = self._blocks.get(subject)
        if block is None:
            return False
        if now >= block.until:
            del self._blocks[subject]
            return False
        if now >= block.recheck and block.unblock_mark is not None:
            block.recheck = now + RECHECK_SECONDS
            row = await self._db.fetch_one(queries.UNBLOCKED_AFTER, (subject, block.unblock_mark))
            if row is not None:
                self._blocks.pop(subject, None)
                self._failures.pop(subject, None)
                return False
        return True

    async def blocks(self, now: float) -> list[tuple[str, float]]:
        """This process's blocks (another worker's are its own: one process, one view)."""
        found = []
        for subject in list(self._blocks):
            if not await self.blocked(subject, now):  # an unblock request lifts it here too
                continue
            block = self._blocks.get(subject)  # (another request may have lifted it since)
            if block is not None:
                found.append((subject, block.until))
            if len(found) >= BLOCKS_LISTED:
                break
        return sorted(found)

    async def failed(self, subject: str, now: float) -> Failure:
        self._sweep_if_due(now)
        if await self.blocked(subject, now):
            return Failure.ALREADY_BLOCKED
        policy = self._policy
        if not policy.failures:
            return Failure.COUNTED
        log = self._failures.get(subject)
        if log is None:
            log = self._failures[subject] = _Window(policy.window, deque())
        log.forget(now)
        log.times.append(now)
        if len(log.times) < policy.failures:
            return Failure.COUNTED
        del self._failures[subject]
        # Blocked before anything is awaited, so that guesses finishing meanwhile see it;
        # which unblock requests are older than the block is read after.
        block = self._blocks[subject] = _Block(now + policy.seconds, None, now + RECHECK_SECONDS)
        mark = await self._db.fetch_one(queries.LAST_UNBLOCK, ())
        block.unblock_mark = int(mark[0]) if mark else 0
        return Failure.BLOCKED_NOW

    def _sweep_if_due(self, now: float) -> None:
        if now >= self._swept + SWEEP_SECONDS:
            self._sweep(now)

    def _sweep(self, now: float) -> None:
        self._swept = now
        for store in (self._windows, self._failures):
            for key in [key for key, window in store.items() if not window.forget(now)]:
                del store[key]
        for key in [key for key, block in self._blocks.items() if now >= block.until]:
            del self._blocks[key]
