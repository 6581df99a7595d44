"""What an endpoint handler receives and returns, and the services a worker shares."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from smscd.accounts.model import Account
from smscd.db.gateway import Database
from smscd.http.auth import Authenticator
from smscd.http.client_ip import ClientAddresses
from smscd.http.params import Params
from smscd.http.replies import Reply
from smscd.limits.guard import Guard
from smscd.settings import Settings

__all__ = ["ApiRequest", "Handler", "Reply", "Services"]


@dataclass
class Services:
    """What every route shares within one worker, opened by the app's lifespan."""

    settings: Settings
    db: Database
    authenticator: Authenticator
    clock: Callable[[], float]
    guard: Guard  # rate limits and IP blocks (limits/guard.py)
    addresses: ClientAddresses  # the client's address, behind trusted proxies or not
    # Domain services the lifespan opens beside the database (see app.py).
    numbering: Any = None
    links: Any = None

    @property
    def max_body_bytes(self) -> int:
        return self.settings.max_body_bytes


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """One authenticated API call."""

    params: Params
    account: Account
    db: Database
    now: float  # Unix seconds, from the app's clock (tests inject one)
    services: Services


Handler = Callable[[ApiRequest], Awaitable[Reply]]
