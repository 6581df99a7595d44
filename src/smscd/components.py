"""Components: the parts of a process that are started and stopped (a database, a limits
backend, a domain service, a background job), and the one way they are run.

A process (``smscd serve``'s workers through the ASGI lifespan, ``smscd worker``) builds
its components without any I/O, then runs them with :func:`started`: each is started in
order and stopped in reverse order through one ``AsyncExitStack``. A start that fails stops
what was started before it (and the failed one itself: ``stop`` must accept a component
that is only half started); a stop that fails is logged and never keeps the others from
stopping. The first error is raised once everything has been stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Protocol

log = logging.getLogger("smscd.components")


class Component(Protocol):
    """Something a process starts and stops. ``stop`` may be called after a failed or
    partial ``start``, and must then undo what was done."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@asynccontextmanager
async def started(components: Sequence[Component]) -> AsyncIterator[None]:
    """Run ``components`` for the duration of the ``async with`` block."""
    async with AsyncExitStack() as stack:
        for component in components:
            stack.push_async_callback(_stop, component)
            await component.start()
            log.debug("%s started", component.name)
        yield


async def _stop(component: Component) -> None:
    try:
        await component.stop()
    except Exception:
        log.exception("%s failed to stop", component.name)
        raise
    log.debug("%s stopped", component.name)


Sleep = Callable[[float], Awaitable[object]]


async def cancel(task: asyncio.Task[None] | None) -> None:
    """Stop a component's loop task (if it has one) and wait until it has stopped."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class Periodic:
    """A background job: ``tick`` every ``seconds`` from start to stop.

    A tick that raises is logged and the next one comes on time. Ticks never overlap:
    :meth:`run_now` (an administrator's "now", a test's) waits for a running tick and then
    runs one more. ``first`` is the wait before the first tick (default: ``seconds``).
    ``sleep`` is how it waits; tests pass one they control.
    """

    def __init__(
        self,
        name: str,
        seconds: float,
        tick: Callable[[], Awaitable[object]],
        *,
        first: float | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.name = name
        self.seconds = seconds
        self._tick = tick
        self._first = seconds if first is None else first
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self.ticks = 0  # ticks run, failed ones included

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"smscd-{self.name}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancel(task)

    async def run_now(self) -> None:
        """Run one tick now (after the running one, if any) and return when it is done."""
        async with self._lock:
            await self._run_tick()

    async def _run(self) -> None:
        await self._sleep(self._first)
        while True:
            async with self._lock:
                await self._run_tick()
            await self._sleep(self.seconds)

    async def _run_tick(self) -> None:
        try:
            await self._tick()
        except Exception:
            log.exception("%s failed; next run in %g s", self.name, self.seconds)
        finally:
            self.ticks += 1
