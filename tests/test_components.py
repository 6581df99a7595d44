"""Components start in order and stop in reverse; a failing start or stop never keeps the
others from stopping; a periodic job survives its failures and never overlaps itself."""

from __future__ import annotations

import asyncio
import logging

import pytest

from smscd.components import Periodic, started


class Part:
    def __init__(self, name: str, log: list[str], fail_start: bool = False,
                 fail_stop: bool = False) -> None:  # fmt: skip
        self.name = name
        self._log = log
        self._fail_start = fail_start
        self._fail_stop = fail_stop

    async def start(self) -> None:
        self._log.append(f"start {self.name}")
        if self._fail_start:
            raise RuntimeError(f"{self.name} cannot start")

    async def stop(self) -> None:
        self._log.append(f"stop {self.name}")
        if self._fail_stop:
            raise RuntimeError(f"{self.name} cannot stop")


def run(parts: list[Part], body: list[str]) -> None:
    async def main() -> None:
        async with started(parts):
            body.append("running")

    asyncio.run(main())


def test_components_start_in_order_and_stop_in_reverse():
    log: list[str] = []
    run([Part("db", log), Part("limits", log), Part("links", log)], log)
    assert log == [
        "start db", "start limits", "start links", "running",
        "stop links", "stop limits", "stop db",
    ]  # fmt: skip


def test_a_failing_start_stops_itself_and_everything_before_it():
    log: list[str] = []
    parts = [Part("db", log), Part("limits", log, fail_start=True), Part("links", log)]
    with pytest.raises(RuntimeError, match="limits cannot start"):
        run(parts, log)
    assert log == ["start db", "start limits", "stop limits", "stop db"]


def test_a_failing_stop_does_not_keep_the_others_from_stopping(caplog):
    log: list[str] = []
    parts = [Part("db", log), Part("limits", log, fail_stop=True), Part("links", log)]
    with caplog.at_level(logging.ERROR, "smscd.components"), pytest.raises(RuntimeError):
        run(parts, log)
    assert log[-3:] == ["stop links", "stop limits", "stop db"]
    assert "limits failed to stop" in caplog.text


def test_a_periodic_job_goes_on_after_a_failing_tick(caplog):
    ticks: list[int] = []
    waited = asyncio.Queue[float]()

    async def sleep(seconds: float) -> None:
        waited.put_nowait(seconds)
        await asyncio.sleep(0)

    async def tick() -> None:
        ticks.append(len(ticks))
        if len(ticks) == 1:
            raise OSError("database away")

    async def main() -> None:
        job = Periodic("job", 7.0, tick, first=0, sleep=sleep)
        await job.start()
        while job.ticks < 3:
            await waited.get()
        await job.stop()

    with caplog.at_level(logging.ERROR, "smscd.components"):
        asyncio.run(asyncio.wait_for(main(), 10))
    assert ticks[:3] == [0, 1, 2]
    assert "job failed; next run in 7 s" in caplog.text


def test_run_now_waits_for_a_running_tick_and_never_overlaps():
    running = 0
    most = 0
    release = asyncio.Event()

    async def tick() -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await release.wait()
        running -= 1

    async def main() -> int:
        job = Periodic("job", 3600.0, tick)
        first = asyncio.create_task(job.run_now())
        second = asyncio.create_task(job.run_now())
        await asyncio.sleep(0)
        release.set()
        await asyncio.gather(first, second)
        return job.ticks

    assert asyncio.run(main()) == 2
    assert most == 1
