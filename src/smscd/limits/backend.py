"""What a limits backend does, whichever keeps the state: process memory or Redis.

Each request asks the backend three things (``guard.py`` asks them): is the client's address
blocked; may this authenticated request run (its sliding windows and the account's in-flight
cap, checked and counted in one atomic step, so that two workers never both take the last
place); and, after a failed authorisation, count the failure and perhaps block the address.
A refused request counts nowhere (compat.md, "Rate limits").
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from dataclasses import dataclass

from smscd.limits.policy import Ticket


class Failure(enum.Enum):
    """What counting one failed authorisation did."""

    COUNTED = "counted"  # one more failure; the address is not blocked
    BLOCKED_NOW = "blocked now"  # this failure reached the threshold: blocked from now on
    ALREADY_BLOCKED = "already blocked"  # the address was blocked before it (error 4)


@dataclass(frozen=True, slots=True)
class BlockPolicy:
    """When an address is blocked (compat.md, "Authentication": 5 in 30 minutes, for 30)."""

    failures: int  # failed authorisations that block; 0: never
    window: float  # seconds over which they are counted
    seconds: float  # how long the block lasts


@dataclass(frozen=True, slots=True)
class Slot:
    """An admitted request's place among its account's requests in flight."""

    account_id: int
    token: str | None  # None: nothing to give back (no cap, or the backend was unreachable)


# How often a worker that knows an address is blocked asks again whether it still is (an
# unblock, `smscd ip unblock`, takes effect within this many seconds of the app's clock).
RECHECK_SECONDS = 1.0

BLOCKS_LISTED = 1000  # the most blocks :meth:`Backend.blocks` lists


class Backend(ABC):
    @abstractmethod
    async def admit(self, ticket: Ticket, subject: str | None, now: float) -> Slot:
        """Check and count one request; raise the error 4 or 9 that refuses it."""

    @abstractmethod
    async def release(self, slot: Slot) -> None:
        """The request of ``slot`` has finished."""

    @abstractmethod
    async def blocked(self, subject: str, now: float) -> bool:
        """Is the address (or IPv6 network) ``subject`` blocked, as far as this worker knows
        without asking anyone? ``admit`` and ``failed`` have the final word."""

    @abstractmethod
    async def failed(self, subject: str, now: float) -> Failure:
        """Count a failed authorisation from ``subject``."""

    async def blocks(self, now: float) -> list[tuple[str, float]]:
        """The blocked addresses (or IPv6 networks) this backend can see, with when each
        block ends, at most :data:`BLOCKS_LISTED` (the console's operator pages)."""
        return []

    async def ready(self, timeout: float) -> bool | None:
        """Does the shared store answer within ``timeout`` seconds (``/readyz``)? None: this
        backend has no store outside the process."""
        return None

    @abstractmethod
    async def start(self) -> None:
        """Open connections (the guard's start calls it)."""

    @abstractmethod
    async def stop(self) -> None:
        """Close connections (also after a failed or partial start)."""
