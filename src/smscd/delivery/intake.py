"""``POST /intake/{connector}``: where an HTTP provider (an ``http`` connector) posts
receipts and incoming messages (docs/carriers.md, "HTTP providers"; the JSON contract is
connectors/provider.py ``parse_intake``).

Each connector has its own secret, sent as ``Authorization: Bearer <secret>`` and checked
against the stored keyed hash in constant time (docs/security.md, "Intake and connector
secrets"). The providers' settings are read from the database at most once every
:data:`REFRESH_SECONDS` per process, whatever is posted: a stranger's post costs an HMAC,
never a query. An unknown connector and a wrong secret get the same 401, and each counts
as a failed authorisation of the address (the API's IP blocks apply: 403 once blocked).
Nothing of the body is read before the secret is right; then it is read up to
``SMSCD_INTAKE_MAX_BODY_BYTES`` (413 beyond). Every refusal is a 4xx with a JSON
``{"error": "..."}``; a post that is read is applied whole, receipts through the same sink
as every connector's (statuses never go backwards) and messages to the owner of the number
they were sent to, then answered 200 with what was applied. If the database cannot take
it, 503: the provider posts again (applying a post twice changes nothing more).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from smscd.db.gateway import Reads
from smscd.delivery import queries
from smscd.delivery.connectors import secrets
from smscd.delivery.connectors.base import Sink
from smscd.delivery.connectors.provider import (
    IntakeError,
    ProviderConfig,
    ProviderConfigError,
    parse_intake,
)
from smscd.errors import ApiError
from smscd.http.endpoint import Running

log = logging.getLogger("smscd.delivery.intake")

KIND = "http"
MAX_NAME = 64
# How long a process keeps the providers' settings: a new connector, a new secret or a
# removed connector takes effect within this many seconds [ours].
REFRESH_SECONDS = 5.0


_DECOY = ProviderConfig("http://decoy.invalid/", *secrets.hashed(secrets.new_secret()))


class Intake:
    """What the intake applies posts with (a domain service of the API's workers), and
    the providers' settings it checks secrets against."""

    def __init__(self, sink: Sink, max_body_bytes: int,
                 monotonic: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.sink = sink
        self.max_body_bytes = max_body_bytes
        self._monotonic = monotonic
        self._providers: dict[str, ProviderConfig] = {}
        self._loaded_at: float | None = None
        self._lock = asyncio.Lock()

    def forget(self) -> None:
        """Read the providers' settings again on the next post (tests; an operator's
        change otherwise waits out :data:`REFRESH_SECONDS`)."""
        self._loaded_at = None

    async def provider(self, db: Reads, name: str) -> ProviderConfig | None:
        """The settings of the ``http`` connector ``name``, or None."""
        if not 0 < len(name) <= MAX_NAME:
            return None
        async with self._lock:  # one read at a time, however many posts wait for it
            loaded = self._loaded_at
            if loaded is None or self._monotonic() - loaded >= REFRESH_SECONDS:
                self._providers = await _providers(db)
                self._loaded_at = self._monotonic()
        return self._providers.get(name)


async def _providers(db: Reads) -> dict[str, ProviderConfig]:
    found = {}
    for name, config in await db.fetch_all(queries.PROVIDERS, [KIND]):
        try:
            found[str(name)] = ProviderConfig.parse(str(config))
        except ProviderConfigError:
            log.error("connector %s has a configuration the intake cannot read", name)
    return found


def _error(status: int, text: str) -> JSONResponse:
    return JSONResponse({"error": text}, status_code=status)


class _TooLarge(Exception):
    pass


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _bearer(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


class IntakeEndpoint:
    """The ASGI app of ``/intake/{connector}`` (any method: others get a JSON 405)."""

    def __init__(self, running: Running) -> None:
        self._running = running

    @property
    def intake(self) -> Intake | None:
        """The running worker's intake (None before start)."""
        services = self._running.services
        return services.of(Intake) if services is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.respond(Request(scope, receive))
        await response(scope, receive, send)

    async def respond(self, request: Request) -> JSONResponse:
        services = self._running.services
        if services is None:
            return _error(503, "not started")
        if request.method != "POST":
            return JSONResponse({"error": "POST only"}, status_code=405,
                                headers={"allow": "POST"})  # fmt: skip
        try:
            intake = services.of(Intake)
            now = services.clock()
            address = services.addresses.of(request.scope)
            try:
                await services.guard.check_address(address, now)
            except ApiError:
                return _error(403, "address blocked")
            name = str(request.path_params.get("connector", ""))
            config = await intake.provider(services.db, name)
            secret = _bearer(request)
            # An unknown name costs the same HMAC as a wrong secret: the answer's time
            # does not tell which connectors exist.
            accepted = (config or _DECOY).accepts(secret) and config is not None
            if not secret or not accepted:
                try:
                    await services.guard.failed(address, now)
                except ApiError:  # this failure was one too many: blocked from now on
                    return _error(403, "address blocked")
                return _error(401, "unknown connector or wrong secret")
            try:
                body = await _body(request, intake.max_body_bytes)
            except _TooLarge:
                return _error(413, f"the body is larger than {intake.max_body_bytes} bytes")
            except ClientDisconnect:
                return _error(400, "the body ended early")
            try:
                receipts, replies = parse_intake(name, body, now)
            except IntakeError as exc:
                return _error(400, str(exc))
            taken = await intake.sink.receipts(receipts) if receipts else set()
            stored = await intake.sink.replies(replies) if replies else 0
        except Exception:
            log.exception("the intake of %s failed", request.url.path[:100])
            return _error(503, "try again later")
        return JSONResponse({
            "receipts": {"received": len(receipts), "applied": len(taken)},
            "messages": {"received": len(replies), "stored": stored},
        })  # fmt: skip
