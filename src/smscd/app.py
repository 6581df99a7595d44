"""The application factory: the API's action table, the routes built from it, and the
lifespan that runs a worker's components.

``create_app()`` is what ``smscd serve`` runs in each worker process; tests call it with
their own settings and clock. The route table is the API's public surface (a test pins it).
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from smscd import components, logs, metrics, runtime
from smscd.apidoc import openapi, page
from smscd.billing import balance
from smscd.billing import endpoint as billing
from smscd.console import endpoint as console
from smscd.delivery.intake import IntakeEndpoint
from smscd.delivery.queue import Delivery
from smscd.history import endpoint as history
from smscd.history import status
from smscd.http.endpoint import Action, Endpoint, Running, Unserved
from smscd.http.observe import Observed
from smscd.incoming import endpoint as incoming
from smscd.limits.policy import Limits
from smscd.links import endpoint as links
from smscd.links import redirect as link_redirect
from smscd.numbering import endpoint as numbering
from smscd.operations.health import ConnectorsHealth, Readiness
from smscd.operations.metrics_page import MetricsPage
from smscd.sending import endpoint as sending
from smscd.settings import Settings, load_settings
from smscd.tariffs import endpoint as tariffs

# The API: each path's actions, in the order their flags are tried (docs/api.md). The
# routes, /openapi.json, /docs and the hostile-input tests are all built from this table.
API: Mapping[str, tuple[Action, ...]] = {
    "/sys/get.php": (history.ACTION, incoming.ACTION, billing.ACTION, tariffs.ACTION),
    "/sys/info.php": (numbering.ACTION,),
    "/sys/tinyurls.php": (links.GET_ACTION, links.ADD_ACTION),
    "/sys/send.php": (sending.COST_ACTION, sending.ACTION),
    "/sys/status.php": (status.LIST_ACTION, status.ACTION),
    "/sys/balance.php": (balance.ACTION,),
}


def _static(body: bytes, media_type: str) -> Callable[[Request], Awaitable[Response]]:
    async def respond(_request: Request) -> Response:
        return Response(body, media_type=media_type)

    return respond


async def healthz(_request: Request) -> Response:
    """The trivial endpoint: no database, no authentication (for scale and probes)."""
    return PlainTextResponse("OK")


def routes(
    settings: Settings, running: Running, connectors: ConnectorsHealth = dict
) -> list[BaseRoute]:
    """The routes, in the order they are matched: the API's paths (any method: an API path
    answers in the API's own format, never with 405; endpoint.py reads a body only for
    POST), the service's own pages, and short URLs last, so that every other path wins
    over a link code."""
    openapi_json = json.dumps(openapi.document(API), ensure_ascii=False, indent=1).encode()
    docs_page = page.render(API, Limits(settings).defaults).encode()
    return [
        *(Route(path, Endpoint(running, actions)) for path, actions in API.items()),
        # Any other /sys/*.php: error 1 in the API's format, never a plain 404 (compat.md).
        Route("/sys/{name}.php", Unserved(running)),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", Readiness(running, connectors).respond, methods=["GET"], name="readyz"),
        Route("/metrics", MetricsPage(settings, running).respond, methods=["GET"], name="metrics"),
        Route(
            "/openapi.json",
            _static(openapi_json, "application/json"),
            methods=["GET"],
            name="openapi",
        ),
        Route(
            "/docs", _static(docs_page, "text/html; charset=utf-8"), methods=["GET"], name="docs"
        ),
        # Receipts and incoming messages from HTTP providers (docs/carriers.md).
        Route("/intake/{connector}", IntakeEndpoint(running), name="intake"),
        console.mount(running, connectors),  # the web console, /console/* (docs/console.md)
        # Every other path, slashes included, is a short URL's or nobody's: /<code>/ is 404
        # (405 for POST), and no path is redirected to another (docs/links.md).
        Route(
            "/{code:path}",
            link_redirect.Redirects(running).follow,
            methods=["GET", "HEAD"],
            name="redirect",
        ),
    ]


def create_app(
    settings: Settings | None = None,
    clock: Callable[[], float] = time.time,
    freeze_gc: bool = False,
) -> Starlette:
    settings = settings or load_settings()
    metrics.configure(settings.metrics_dir)  # before anything is counted (metrics.py)
    running = Running()
    worker = runtime.server(settings, clock)
    delivery = next((c for c in worker.components if isinstance(c, Delivery)), None)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        async with components.started(worker.components):
            running.services = worker.services
            if freeze_gc:
                # Everything made at start lives as long as the worker: keep the cyclic
                # garbage collector from walking it again on every collection (measured on
                # the redirect path: about 10 % less CPU per request, p99 80 ms -> 30 ms;
                # docs/performance.md).
                gc.freeze()
                # Requests make short-lived objects by the thousand: collect the young
                # generation less often (the default, 700 allocations, runs it many times
                # per request burst).
                gc.set_threshold(50_000, 20, 20)
            try:
                yield
            finally:
                running.services = None

    observed = Middleware(Observed, count=settings.metrics, log=settings.access_log,
                          trusted_proxies=settings.trusted_proxies)  # fmt: skip
    app = Starlette(
        routes=routes(settings, running, delivery.health if delivery is not None else dict),
        lifespan=lifespan,
        middleware=[observed],
    )
    # Starlette answers an unmatched path ending in "/" with a redirect built from the
    # request's Host header (an open redirect with a forged Host). The last route matches
    # every path anyway; this keeps it so if the routes change.
    app.router.redirect_slashes = False
    app.state.components = {component.name: component for component in worker.components}
    return app


def create_app_from_env() -> Starlette:
    """Entry point for the ASGI server (``smscd.app:create_app_from_env``, factory)."""
    settings = load_settings()
    logs.configure(settings.log_level)  # JSON lines on standard output (logs.py)
    return create_app(settings, freeze_gc=True)
