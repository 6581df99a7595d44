"""The numbering service each worker holds: the directory it answers from, kept current.

A component (smscd/components.py): every worker process loads the plan into memory when it
starts. Afterwards a background job (``Periodic``, every ``numbering_refresh_seconds``,
built in smscd/runtime.py) calls :meth:`NumberingService.refresh`, which reads the data's
version (one primary-key lookup); only when the version changed does it load the new
generation and swap the directory. So there is no database query per number, none per
request at all, and every worker follows an import within the refresh interval. Requests
answer from the current directory while a check or a load runs; a failed check or load is
logged and the worker keeps the data it has.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Sequence
from typing import Any

from smscd.db.gateway import Reads
from smscd.numbering import directory, queries
from smscd.numbering.directory import Directory

log = logging.getLogger("smscd.numbering")

LOAD_ATTEMPTS = 3  # a load that races an import's clean-up is retried


class NumberingService:
    name = "numbering"

    def __init__(self, db: Reads) -> None:
        self.directory = Directory.empty()
        self._db = db

    async def start(self) -> None:
        """Load the current data (or, if that fails, start with none: lookups fall back to
        phonenumbers and the next refresh tries again)."""
        try:
            await self.load()
        except Exception:
            log.exception("numbering data could not be loaded at start")

    async def stop(self) -> None:
        return None  # the directory is plain memory

    async def refresh(self) -> None:
        """Load the data again if its version changed (the refresh job's tick)."""
        try:
            await self._load_if_changed()
        except Exception:
            log.exception("numbering data could not be refreshed; keeping version %s",
                          self.directory.version)  # fmt: skip

    async def load(self) -> None:
        """Load the current data whatever the version."""
        await self._load_if_changed(force=True)

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
