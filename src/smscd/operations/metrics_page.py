"""``/metrics``: the Prometheus text of every worker's counters, and the gauges read from the
database for this scrape (docs/operations.md, "Metrics").

Who may read it **[ours]**: a client whose address is in ``SMSCD_METRICS_ALLOW`` (loopback
only by default), or any client with ``Authorization: Bearer TOKEN`` whose SHA-256 is
``SMSCD_METRICS_TOKEN_SHA256`` (the token itself is stored nowhere; the digests are compared
in constant time). The token is a random secret of 32 bytes or more, so one fast hash is
enough: there is nothing to guess that a slow hash would protect. Everyone else gets 401
(a token is configured) or 403. With ``SMSCD_METRICS=false`` the page is 404.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging

from prometheus_client.metrics_core import Metric
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from smscd import addresses, callbacks, delivery, metrics
from smscd.db.gateway import Reads
from smscd.http.endpoint import Running
from smscd.settings import Settings

log = logging.getLogger("smscd.operations")


class MetricsPage:
    def __init__(self, settings: Settings, running: Running) -> None:
        self._running = running
        self._enabled = settings.metrics
        self._allowed = addresses.networks(settings.metrics_allow)
        self._token_sha256 = settings.metrics_token_sha256
        self._timeout = settings.readyz_timeout_seconds

    def permitted(self, request: Request, address: str | None) -> bool:
        """Bearer token or allowed address (either is enough)."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if self._token_sha256 and scheme.lower() == "bearer" and token.strip():
            digest = hashlib.sha256(token.strip().encode()).hexdigest()
            if hmac.compare_digest(digest, self._token_sha256):
                return True
        parsed = addresses.parse_address(address) if address else None
        return parsed is not None and addresses.within(parsed, self._allowed)

    async def respond(self, request: Request) -> Response:
        services = self._running.services
        if not self._enabled:
            return PlainTextResponse("Not Found", status_code=404)
        if services is None:
            return PlainTextResponse("not started", status_code=503)
        if not self.permitted(request, services.addresses.of(request.scope)):
            if self._token_sha256:
                return PlainTextResponse(
                    "a bearer token is required", status_code=401,
                    headers={"www-authenticate": 'Bearer realm="smscd metrics"'},
                )  # fmt: skip
            return PlainTextResponse("forbidden", status_code=403)
        try:
            scraped = await asyncio.wait_for(scrape(services.db, services.clock()), self._timeout)
        except Exception as error:  # the counters are still worth serving
            log.warning("metrics: the database did not answer the scrape's reads: %r", error)
            scraped = []
        return Response(metrics.exposition(scraped), headers={"content-type": metrics.CONTENT_TYPE})


async def scrape(db: Reads, now: float) -> list[Metric]:
    """The gauges read from the database: the queue per open state, the callback outbox."""
    states = await delivery.backlog(db)
    pending, first_due = await callbacks.backlog(db)
    return [
        metrics.gauge("smscd_queue_messages", "state", [(s.state, s.messages) for s in states]),
        metrics.gauge(
            "smscd_queue_oldest_age_seconds",
            "state",
            [(s.state, _age(now, s.oldest_ts)) for s in states],
        ),
        metrics.gauge("smscd_callbacks_pending", "", [("", pending)]),
        metrics.gauge("smscd_callbacks_oldest_due_seconds", "", [("", _age(now, first_due))]),
    ]


def _age(now: float, since: int | None) -> float:
    return 0.0 if since is None else max(0.0, now - since)
