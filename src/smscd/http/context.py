"""What an endpoint handler receives and returns, and the services a worker shares."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from smscd.accounts.auth import Authenticator
from smscd.accounts.model import Account
from smscd.db.gateway import Database
from smscd.errors import ServiceUnavailableError
from smscd.http.client_ip import ClientAddresses
from smscd.http.params import Params
from smscd.http.replies import Reply
from smscd.limits.guard import Guard
from smscd.settings import Settings

__all__ = ["ApiRequest", "Handler", "Reply", "Services"]

T = TypeVar("T")


@dataclass
class Services:
    """What every route shares within one worker, built by the app (smscd/runtime.py) and
    started by its lifespan."""

    settings: Settings
    db: Database
    authenticator: Authenticator
    clock: Callable[[], float]
    guard: Guard  # rate limits and IP blocks (limits/guard.py)
    addresses: ClientAddresses  # the client's address, behind trusted proxies or not
    # The domain services (numbering, links, ...) by their class: http/ cannot name the
    # domains above it, so a handler asks for its own with ``of``, typed.
    domain: Mapping[type, object] = field(default_factory=dict)

    @property
    def max_body_bytes(self) -> int:
        return self.settings.max_body_bytes

    def of(self, kind: type[T]) -> T:
        """The worker's service of class ``kind``; error 9 when this worker has none."""
        found = self.domain.get(kind)
        if not isinstance(found, kind):
            raise ServiceUnavailableError(f"no {kind.__name__} in this worker")
        return found


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """One authenticated API call."""

    params: Params
    account: Account
    db: Database
    now: float  # Unix seconds, from the app's clock (tests inject one)
    services: Services


Handler = Callable[[ApiRequest], Awaitable[Reply]]
