"""The short-link service a worker holds (placeholder until the links work lands)."""

from collections.abc import Callable
from typing import Any

from smscd.db.gateway import Database
from smscd.settings import Settings


async def start(settings: Settings, db: Database, clock: Callable[[], float]) -> Any:
    return None


async def stop(service: Any) -> None:
    return None
