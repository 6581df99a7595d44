"""What an endpoint handler receives and returns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from smscd.accounts.model import Account
from smscd.db.gateway import Database
from smscd.http.params import Params
from smscd.http.replies import Layout, Record


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """One authenticated API call."""

    params: Params
    account: Account
    db: Database
    now: float  # Unix seconds, from the app's clock (tests inject one)


@dataclass(frozen=True, slots=True)
class Reply:
    layout: Layout
    records: Sequence[Record]


Handler = Callable[[ApiRequest], Awaitable[Reply]]
