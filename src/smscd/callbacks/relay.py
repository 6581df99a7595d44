"""The relay: posts due notices from the outbox to each account's handler (a component of
the background jobs, beside the delivery worker).

At least once, in order per message: a notice is claimed under a lease, posted, and marked
sent only after a 2xx answer; a notice that is not answered 2xx is retried with backoff
(``callback_retry_seconds`` doubling, ±10 % jitter, up to ``callback_max_attempts``, then
given up). A later notice of the same message waits until the earlier one is sent or given
up. The relay never runs on an API request: a slow or dead handler delays only its own
notices. Every attempt is a row of ``callback_attempts``.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from smscd import components
from smscd.callbacks import queries, signing
from smscd.db.gateway import Database
from smscd.settings import Settings

log = logging.getLogger("smscd.callbacks")


@dataclass(frozen=True, slots=True)
class Outcome:
    status: int  # HTTP status, 0 when there was no answer
    error: str


class CallbackRelay:
    name = "callbacks"

    def __init__(self, settings: Settings, db: Database,
                 clock: Callable[[], float] = time.time) -> None:  # fmt: skip
        self._settings = settings
        self._db = db
        self._clock = clock
        self._client: httpx.AsyncClient | None = None
        self._task: asyncio.Task[None] | None = None
        self._rng = random.Random()
        self.sent = 0
        self.failed_attempts = 0

    async def start(self) -> None:
        self._client = httpx.AsyncClient(
            timeout=self._settings.callback_timeout_seconds, follow_redirects=False
        )
        self._task = asyncio.create_task(self._run(), name="smscd-callbacks")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await components.cancel(task)
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def _run(self) -> None:
        poll = self._settings.delivery_poll_seconds
        while True:
            moved = 0
            try:
                moved = await self.relay_once()
            except Exception:
                log.exception("callback round failed")
            if not moved:
                await asyncio.sleep(poll)

    async def relay_once(self) -> int:
        """Post the due notices (one batch); how many were claimed."""
        now = int(self._clock())
        lease = int(self._settings.callback_timeout_seconds * 2 + 30)
        sql, args = queries.claim(self._db.dialect, now, self._settings.delivery_batch,
                                  now + lease)  # fmt: skip
        async with self._db.transaction() as tx:
            await tx.execute(queries.RESCUE, [now])
            claimed = await tx.fetch_all(sql, args)
        if not claimed:
            return 0
        accounts = sorted({int(row[1]) for row in claimed})
        endpoints = {
            int(a): (str(url), str(secret))
            for a, url, secret in await self._db.fetch_all(
                queries.endpoints(len(accounts)), accounts
            )
        }
        outcomes = await asyncio.gather(
            *(self._post(int(cid), endpoints.get(int(aid), ("", "")), str(body), now)
              for cid, aid, body, _ in claimed)
        )  # fmt: skip
        async with self._db.transaction() as tx:
            for (callback_id, _, _, attempt), outcome in zip(claimed, outcomes, strict=True):
                attempt_row = [callback_id, int(self._clock()), outcome.status, outcome.error[:255]]
                await tx.execute(queries.ATTEMPT, attempt_row)
                if 200 <= outcome.status < 300:
                    await tx.execute(queries.SENT, [callback_id])
                    self.sent += 1
                elif int(attempt) >= self._settings.callback_max_attempts:
                    await tx.execute(queries.GIVE_UP, [callback_id])
                    log.warning("callback %s given up after %s attempts", callback_id, attempt)
                else:
                    self.failed_attempts += 1
                    await tx.execute(queries.RETRY, [self._retry_at(int(attempt)), callback_id])
        return len(claimed)

    def _retry_at(self, attempt: int) -> int:
        base = self._settings.callback_retry_seconds * 2 ** (attempt - 1)
        delay = min(base, self._settings.retry_max_seconds) * (1 + self._rng.uniform(-0.1, 0.1))
        return int(self._clock() + max(1.0, delay))

    async def _post(self, callback_id: int, endpoint: tuple[str, str], body: str,
                    now: int) -> Outcome:  # fmt: skip
        url, secret = endpoint
        if not url or self._client is None:
            return Outcome(0, "no callback URL any more")
        headers = signing.headers(secret, f"cb_{callback_id}", now, body)
        try:
            reply = await self._client.post(url, content=body.encode(), headers=headers)
        except httpx.HTTPError as exc:
            return Outcome(0, f"{type(exc).__name__}")
        return Outcome(reply.status_code, "" if reply.is_success else reply.text[:200])
