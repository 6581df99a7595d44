"""What a process of smscd runs: its components, built from the settings in one place.

``server`` is what each ``smscd serve`` worker runs (app.py starts it in the ASGI
lifespan): the database, the limits, the domain services the API's handlers use, and, unless
``SMSCD_BACKGROUND_IN_SERVE=false``, the background jobs. ``background`` is what
``smscd worker`` runs (worker.py): the database and the background jobs, no HTTP. Nothing
here does I/O: components open their connections when they are started
(smscd/components.py), in the order of the list, and stop in reverse.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from smscd.accounts.auth import Authenticator
from smscd.accounts.cache import AccountCache
from smscd.accounts.passwords import Passwords
from smscd.callbacks.relay import CallbackRelay
from smscd.components import Component, Periodic
from smscd.db.connect import database
from smscd.db.gateway import Database
from smscd.delivery.intake import Intake
from smscd.delivery.queue import Delivery
from smscd.http.client_ip import ClientAddresses
from smscd.http.context import Services
from smscd.limits import blocks
from smscd.limits.service import make_guard
from smscd.links.service import LinkService
from smscd.numbering.service import NumberingService
from smscd.settings import Settings

Clock = Callable[[], float]


@dataclass(frozen=True)
class Runtime:
    components: list[Component]  # in start order
    services: Services | None  # what the API's routes share (None: no HTTP)


def database_of(settings: Settings) -> Database:
    """The process's database (a component, not yet started)."""
    return database(
        settings.database_url,
        settings.sqlite_threads,
        settings.pg_pool_size,
        settings.sqlite_group_commit_max,
        settings.sqlite_inline_read_ms,
    )


def background_jobs(settings: Settings, db: Database, clock: Clock) -> list[Component]:
    """The jobs that serve no request: the delivery worker (delivery/queue.py), the
    callback relay (callbacks/relay.py) and maintenance."""

    async def prune() -> None:
        await blocks.prune_unblocks(db, clock(), settings.ip_block_seconds)

    return [
        Delivery(settings, db, clock),
        CallbackRelay(settings, db, clock),
        Periodic("maintenance", settings.maintenance_seconds, prune, first=0),
    ]


def server(settings: Settings, clock: Clock = time.time) -> Runtime:
    """An API worker: everything the routes need, and the background jobs (by default)."""
    db = database_of(settings)
    guard, guarding = make_guard(settings, db, clock)
    numbering = NumberingService(db)
    links = LinkService(settings, db, clock)
    jobs = background_jobs(settings, db, clock) if settings.background_in_serve else []
    # The HTTP intake applies what providers post through the delivery worker's sink (its
    # receipts and replies need only the database: an unstarted one serves without it).
    delivery = next((job for job in jobs if isinstance(job, Delivery)), None)
    intake = Intake(delivery or Delivery(settings, db, clock), settings.intake_max_body_bytes)
    accounts = AccountCache(db, settings.account_cache_seconds)
    services = Services(
        settings=settings,
        db=db,
        authenticator=Authenticator(
            db,
            Passwords(settings.argon2_time_cost, settings.argon2_memory_kib),
            settings.auth_cache_seconds,
            accounts=accounts,
        ),
        clock=clock,
        guard=guard,
        addresses=ClientAddresses(settings.trusted_proxies),
        domain={NumberingService: numbering, LinkService: links, Intake: intake},
    )
    components: list[Component] = [
        db,
        accounts,
        *guarding,
        numbering,
        Periodic("numbering-refresh", settings.numbering_refresh_seconds, numbering.refresh),
        links,
    ]
    components += jobs
    return Runtime(components, services)


def background(settings: Settings, clock: Clock = time.time) -> Runtime:
    """A background worker (``smscd worker``): the jobs, no HTTP."""
    db = database_of(settings)
    return Runtime([db, *background_jobs(settings, db, clock)], None)
