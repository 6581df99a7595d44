"""The numbering service a worker holds (placeholder until the numbering work lands)."""

from typing import Any

from smscd.db.gateway import Database
from smscd.settings import Settings


async def start(settings: Settings, db: Database) -> Any:
    return None


async def stop(service: Any) -> None:
    return None
