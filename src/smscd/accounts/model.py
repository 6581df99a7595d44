"""The account as request handlers see it."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    login: str
    timezone: ZoneInfo
    currency: str
    language: str  # "ru" or "en"
    parent_id: int | None
    rate_limits: str = ""  # overrides of the deployment's limits, as stored (limits/policy.py)
