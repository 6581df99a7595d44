"""The application factory: the route table and the services behind it.

``create_app()`` is what ``smscd serve`` runs in each worker process; tests call it with
their own settings and clock. The route table is the API's public surface (a test pins it).
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from smscd.accounts.passwords import Passwords
from smscd.apidoc import openapi, page
from smscd.billing import endpoint as billing
from smscd.db.connect import open_database
from smscd.db.gateway import Database
from smscd.history import endpoint as history
from smscd.http.auth import Authenticator
from smscd.http.client_ip import ClientAddresses
from smscd.http.context import Services
from smscd.http.endpoint import Action, Endpoint, Running
from smscd.incoming import endpoint as incoming
from smscd.limits.policy import Limits
from smscd.limits.service import make_guard
from smscd.links import endpoint as links
from smscd.links import redirect as link_redirect
from smscd.links import service as link_service
from smscd.numbering import endpoint as numbering
from smscd.numbering import service as numbering_service
from smscd.settings import Settings, load_settings
from smscd.tariffs import endpoint as tariffs

# The API: each path's actions, in the order their flags are tried (docs/api.md).
API: dict[str, tuple[Action, ...]] = {
    "/sys/get.php": (history.ACTION, incoming.ACTION, billing.ACTION, tariffs.ACTION),
    "/sys/info.php": (numbering.ACTION,),
    "/sys/tinyurls.php": (links.GET_ACTION, links.ADD_ACTION),
}


def _static(body: bytes, media_type: str) -> Callable[[Request], Awaitable[Response]]:
    async def respond(_request: Request) -> Response:
        return Response(body, media_type=media_type)

    return respond


async def healthz(_request: Request) -> Response:
    """The trivial endpoint: no database, no authentication (for scale and probes)."""
    return PlainTextResponse("OK")


def create_app(
    settings: Settings | None = None,
    clock: Callable[[], float] = time.time,
    freeze_gc: bool = False,
) -> Starlette:
    settings = settings or load_settings()
    running = Running()

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        db: Database = await open_database(
            settings.database_url, settings.sqlite_threads, settings.pg_pool_size
        )
        passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
        guard = make_guard(settings, db, clock)
        await guard.start()
        services = Services(
            settings=settings,
            db=db,
            authenticator=Authenticator(db, passwords, settings.auth_cache_seconds),
            clock=clock,
            guard=guard,
            addresses=ClientAddresses(settings.trusted_proxies),
        )
        services.numbering = await numbering_service.start(settings, db)
        services.links = await link_service.start(settings, db, clock)
        running.services = services
        if freeze_gc:
            # Everything made at start lives as long as the worker: keep the cyclic garbage
            # collector from walking it again on every collection (measured on the redirect
            # path: about 10 % less CPU per request, p99 80 ms -> 30 ms; docs/performance.md).
            gc.freeze()
            # Requests make short-lived objects by the thousand: collect the young
            # generation less often (the default, 700 allocations, runs it many times per
            # request burst).
            gc.set_threshold(50_000, 20, 20)
        try:
            yield
        finally:
            running.services = None
            await link_service.stop(services.links)
            await numbering_service.stop(services.numbering)
            await guard.close()
            await db.stop()

    openapi_json = json.dumps(openapi.document(API), ensure_ascii=False, indent=1).encode()
    docs_page = page.render(API, Limits(settings).defaults).encode()
    get_php = Endpoint(running, API["/sys/get.php"])
    info_php = Endpoint(running, API["/sys/info.php"])
    tinyurls_php = Endpoint(running, API["/sys/tinyurls.php"])
    # Any method: an API path answers in the API's own format, never with 405 (endpoint.py
    # reads a body only for POST).
    routes = [
        Route("/sys/get.php", get_php),
        Route("/sys/info.php", info_php),
        Route("/sys/tinyurls.php", tinyurls_php),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/openapi.json", _static(openapi_json, "application/json"), methods=["GET"]),
        Route("/docs", _static(docs_page, "text/html; charset=utf-8"), methods=["GET"]),
        # Short URLs: last, so that every other path wins over a link code.
        Route("/{code}", link_redirect.Redirects(running).follow, methods=["GET", "HEAD"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def create_app_from_env() -> Starlette:
    """Entry point for the ASGI server (``smscd.app:create_app_from_env``, factory)."""
    return create_app(freeze_gc=True)
