"""The numbering service each worker holds: the directory it answers from, kept current.

Every worker process loads the plan into memory when it starts (``start``). Afterwards a
request asks the service to :meth:`NumberingService.refresh`: at most once every
``numbering_refresh_seconds`` of the app's clock this reads the data's version (one
primary-key lookup); only when the version changed does it load the new generation and
swap the directory. So there is no database query per number, nor per request beyond that
one check, and every worker follows an import within the refresh interval of its next
request. Requests that arrive while a check or a load runs answer from the current
directory; a failed check or load is logged and the worker keeps the data it has.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Sequence
from typing import Any

from smscd.db.gateway import Database, Reads
from smscd.numbering import directory, queries
from smscd.numbering.directory import Directory
from smscd.settings import Settings

log = logging.getLogger("smscd.numbering")

LOAD_ATTEMPTS = 3  # a load that races an import's clean-up is retried


class NumberingService:
    def __init__(self, db: Reads, refresh_seconds: float) -> None:
        self.directory = Directory.empty()
        self._db = db
        self._refresh_seconds = refresh_seconds
        self._checked_at: float | None = None
        self._busy = False

    def _due(self, now: float) -> bool:
        checked = self._checked_at
        # A clock that went backwards (tests move theirs freely) makes a check due too.
        return checked is None or not checked <= now < checked + self._refresh_seconds

    async def refresh(self, now: float) -> None:
        """Load the data again if its version changed; asks at most once per interval."""
        if self._busy or not self._due(now):
            return
        self._busy = True
        self._checked_at = now
        try:
            await self._load_if_changed()
        except Exception:
            log.exception("numbering data could not be refreshed; keeping version %s",
                          self.directory.version)  # fmt: skip
        finally:
            self._busy = False

    async def load(self) -> None:
        """Load the current data whatever the version (at start)."""
        self._busy = True
        try:
            await self._load_if_changed(force=True)
        finally:
            self._busy = False

    async def _load_if_changed(self, force: bool = False) -> None:
        for _ in range(LOAD_ATTEMPTS):
            state = await self._db.fetch_one(queries.STATE, [queries.STATE_ID])
            if state is None:
                raise RuntimeError("numbering_state has no row: run `smscd db upgrade`")
            version, generation, expected = (int(value) for value in state)
            if not force and version == self.directory.version:
                return
            rows = await self._db.fetch_all(queries.RANGES, [generation])
            if len(rows) == expected:
                self.directory = await _build(rows, version)
                log.info("numbering data version %s loaded: %s ranges", version, len(rows))
                # The rows (hundreds of MB for a full plan) stay reachable from a cycle of
                # the executor's futures until a full collection: free them now.
                del rows
                gc.collect()
                return
            # An import replaced this generation between the two queries: ask again.
        raise RuntimeError("numbering data kept changing while it was loaded")


async def _build(rows: Sequence[Any], version: int) -> Directory:
    # Building the arrays is CPU work of a second at most, and rare: keep it off the loop.
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, directory.build, rows, version)


async def start(settings: Settings, db: Database) -> NumberingService:
    """The worker's service, with the current data loaded (or, if that fails, with none:
    lookups fall back to phonenumbers and the next request tries again)."""
    service = NumberingService(db, settings.numbering_refresh_seconds)
    try:
        await service.load()
    except Exception:
        log.exception("numbering data could not be loaded at start")
    return service


async def stop(service: NumberingService | None) -> None:
    """Nothing runs in the background: a refresh happens inside a request."""
    return None
