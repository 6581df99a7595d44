"""The application factory: the route table and the services behind it.

``create_app()`` is what ``smscd serve`` runs in each worker process; tests call it with
their own settings and clock. The route table is the API's public surface (a test pins it).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from smscd.accounts.passwords import Passwords
from smscd.db.gateway import Database, open_database
from smscd.history.endpoint import get_messages
from smscd.http.auth import Authenticator
from smscd.http.endpoint import Endpoint, Running, Services
from smscd.incoming.endpoint import get_answers
from smscd.settings import Settings, load_settings

API_METHODS = ["GET", "POST"]


async def healthz(_request: Request) -> Response:
    """The trivial endpoint: no database, no authentication (for scale and probes)."""
    return PlainTextResponse("OK")


def create_app(
    settings: Settings | None = None, clock: Callable[[], float] = time.time
) -> Starlette:
    settings = settings or load_settings()
    running = Running()

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        db: Database = await open_database(
            settings.database_url, settings.sqlite_threads, settings.pg_pool_size
        )
        passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
        running.services = Services(
            db=db,
            authenticator=Authenticator(db, passwords, settings.auth_cache_seconds),
            clock=clock,
            max_body_bytes=settings.max_body_bytes,
        )
        try:
            yield
        finally:
            running.services = None
            await db.close()

    get_php = Endpoint(running, {"get_messages": get_messages, "get_answers": get_answers})
    routes = [
        Route("/sys/get.php", get_php.respond, methods=API_METHODS),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def create_app_from_env() -> Starlette:
    """Entry point for the ASGI server (``smscd.app:create_app_from_env``, factory)."""
    return create_app()
