"""The request path's view of the limits: what ``http/endpoint.py`` asks, in this order.

1. :meth:`Guard.check_address` before authentication: a blocked address gets error 4 whatever
   it sends, and costs no password check.
2. :meth:`Guard.failed` when authentication fails: the failure is counted (and may block the
   address); if the address was blocked already, error 4 instead of 2.
3. :meth:`Guard.admit` once the account and the action are known: error 9 when a window is
   full or the account has too many requests in flight; else a :class:`Slot`, given back by
   :meth:`Guard.release` when the request ends (a ``finally``: errors and cancellations too).

``SMSCD_RATE_LIMITS=off`` gives :class:`Unguarded`, which checks nothing.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from smscd.errors import IpBlockedError
from smscd.limits import blocks
from smscd.limits.backend import Backend, Failure, Slot
from smscd.limits.policy import Limits, Window

_FREE = Slot(0, None)


@dataclass(frozen=True, slots=True)
class Admission:
    """An authenticated request asking to run: who, which action, which of its parameters
    make it identical to another (compared), and the windows it counts in."""

    account_id: int
    overrides: str  # the account's stored limit overrides (policy.parse_overrides)
    action: str
    windows: Sequence[Window]
    values: Mapping[str, str]


class Guard(ABC):
    name = "limits"

    @abstractmethod
    async def check_address(self, address: str | None, now: float) -> None: ...

    @abstractmethod
    async def failed(self, address: str | None, now: float) -> None: ...

    @abstractmethod
    async def admit(self, request: Admission, address: str | None, now: float) -> Slot: ...

    @abstractmethod
    async def release(self, slot: Slot) -> None: ...

    async def ready(self, timeout: float) -> bool | None:
        """Does the limits' shared store (Redis) answer? None: there is none (``/readyz``)."""
        return None

    async def blocks(self, now: float) -> list[tuple[str, float]]:
        """The blocked addresses and when each block ends (the operator pages)."""
        return []

    @abstractmethod
    async def start(self) -> None:
        """Open the backend (a component: smscd/components.py)."""

    @abstractmethod
    async def stop(self) -> None:
        """Close the backend."""


class Unguarded(Guard):
    """Limits switched off: every request passes."""

    async def check_address(self, address: str | None, now: float) -> None:
        return None

    async def failed(self, address: str | None, now: float) -> None:
        return None

    async def admit(self, request: Admission, address: str | None, now: float) -> Slot:
        return _FREE

    async def release(self, slot: Slot) -> None:
        return None

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


class Guarded(Guard):
    def __init__(self, backend: Backend, limits: Limits, ipv6_prefix: int) -> None:
        self.backend = backend
        self.limits = limits
        self._ipv6_prefix = ipv6_prefix

    @lru_cache(maxsize=65536)  # noqa: B019 -- one guard per worker, held for its life
    def _subject(self, address: str | None) -> str | None:
        return blocks.subject(address, self._ipv6_prefix)

    async def check_address(self, address: str | None, now: float) -> None:
        subject = self._subject(address)
        if subject is not None and await self.backend.blocked(subject, now):
            raise IpBlockedError(f"{subject} is blocked")

    async def failed(self, address: str | None, now: float) -> None:
        subject = self._subject(address)
        if subject is None:
            return
        if await self.backend.failed(subject, now) is Failure.ALREADY_BLOCKED:
            raise IpBlockedError(f"{subject} is blocked")

    async def admit(self, request: Admission, address: str | None, now: float) -> Slot:
        ticket = self.limits.ticket(
            request.account_id, request.overrides, request.action, request.windows,
            request.values,
        )  # fmt: skip
        return await self.backend.admit(ticket, self._subject(address), now)

    async def release(self, slot: Slot) -> None:
        await self.backend.release(slot)

    async def ready(self, timeout: float) -> bool | None:
        return await self.backend.ready(timeout)

    async def blocks(self, now: float) -> list[tuple[str, float]]:
        return await self.backend.blocks(now)

    async def start(self) -> None:
        await self.backend.start()

    async def stop(self) -> None:
        await self.backend.stop()
