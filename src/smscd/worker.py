"""``smscd worker``: the background components of a deployment, without HTTP.

Runs what smscd/runtime.py ``background`` builds (the database and the background jobs)
until SIGTERM or SIGINT, then stops every component (components.py) and exits 0. Several
workers, on several hosts, may share one PostgreSQL database; ``smscd serve`` runs the same
jobs itself unless ``SMSCD_BACKGROUND_IN_SERVE=false``.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import time
from collections.abc import Callable

from smscd import components, runtime
from smscd.settings import Settings

log = logging.getLogger("smscd.worker")


async def run(
    settings: Settings, stopping: asyncio.Event, clock: Callable[[], float] = time.time
) -> None:
    """Run the background components until ``stopping`` is set."""
    worker = runtime.background(settings, clock)
    names = ", ".join(component.name for component in worker.components)
    async with components.started(worker.components):
        # As in a server worker (app.py): what start made lives as long as the process, so
        # the cyclic collector need not walk it again; the delivery loop makes short-lived
        # objects by the thousand a second (PDUs, rows, tasks), so the young generation is
        # collected less often (docs/carriers.md, "Speed").
        gc.freeze()
        gc.set_threshold(50_000, 20, 20)
        log.info("worker started: %s", names)
        await stopping.wait()
        log.info("worker stopping")
    log.info("worker stopped")


def main(settings: Settings) -> None:
    """The process: logs to stderr at ``SMSCD_LOG_LEVEL``, stops cleanly on a signal."""
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )

    async def serve() -> None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stopping.set)
        await run(settings, stopping)

    asyncio.run(serve())
