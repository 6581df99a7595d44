"""The worker's numbering service: lookups from memory, one version check per refresh, a
reload only when the version changed, the data kept when the database fails, and the
refresh job that runs it every ``numbering_refresh_seconds``."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from smscd.components import Periodic
from smscd.db.connect import open_database
from smscd.db.gateway import Reads
from smscd.numbering.service import NumberingService
from tests.numbering.helpers import EXTRA, Row, def_file, import_files, import_standard


class Counting(Reads):
    """A database that counts the queries it is asked, and can be made to fail."""

    def __init__(self, inner: Reads) -> None:
        self.inner = inner
        self.queries: list[str] = []
        self.failing = False

    async def fetch_all(self, sql: str, params: Sequence[Any]) -> list[Any]:
        self.queries.append("version" if "numbering_state" in sql else "ranges")
        if self.failing:
            raise OSError("database unreachable")
        return await self.inner.fetch_all(sql, params)


def run(backend, scenario) -> Any:
    async def main() -> Any:
        inner = await open_database(backend.url, 1, 1)
        db = Counting(inner)
        try:
            service = NumberingService(db)
            await service.start()
            return await scenario(service, db)
        finally:
            await inner.stop()

    return asyncio.run(main())


def test_lookups_ask_the_database_nothing_and_a_refresh_asks_the_version_once(backend):
    import_standard(backend.engine)

    async def scenario(service, db):
        db.queries.clear()
        for second in range(1000, 1030):
            for _ in range(100):
                assert service.directory.record("79160000001", "ru", second) is not None
        lookups = list(db.queries)
        await service.refresh()
        return lookups, db.queries

    lookups, queries = run(backend, scenario)
    assert lookups == []
    assert queries == ["version"]  # unchanged: nothing loaded


def test_a_changed_version_is_loaded_once(backend):
    import_standard(backend.engine)

    async def scenario(service, db):
        import_files(backend.engine, ("extra.csv", def_file(EXTRA)))
        db.queries.clear()
        await service.refresh()
        await service.refresh()
        return db.queries, len(service.directory.index)

    queries, ranges = run(backend, scenario)
    assert queries == ["version", "ranges", "version"]  # then the next refresh's check
    assert ranges == len(EXTRA)


def test_a_failing_database_keeps_the_loaded_data(backend):
    import_standard(backend.engine)

    async def scenario(service, db):
        version = service.directory.version
        db.failing = True
        await service.refresh()  # logged, not raised
        record = service.directory.record("79160000001", "ru", 0)
        same = service.directory.version == version
        db.failing = False
        import_files(backend.engine, ("one.csv", def_file([Row("999", 0, 9, "X", "Y")])))
        await service.refresh()
        return record, same, service.directory.version != version

    record, same, moved_on = run(backend, scenario)
    assert record is not None and record["operator"] == "МТС"
    assert same and moved_on


def test_a_worker_starts_without_data_when_it_cannot_load_it(tmp_path):
    async def main() -> Any:
        db = await open_database(f"sqlite:///{tmp_path}/empty.db", 1, 1)
        try:
            service = NumberingService(db)
            await service.start()  # no tables: logged, not raised
            record = service.directory.record("4915112345678", "en", 0)
            await service.stop()
            return service.directory.version, record
        finally:
            await db.stop()

    version, record = asyncio.run(main())
    assert version is None
    assert record is not None and record["country"] == "Germany"  # phonenumbers still answers


class Ticker:
    """A sleep the test controls: records each wait, returns when the test lets it."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.asked = asyncio.Event()
        self.go = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.asked.set()
        await self.go.wait()
        self.go.clear()

    async def tick(self) -> None:
        """Let one wait end and return once the job waits again (the tick ran between)."""
        self.asked.clear()
        self.go.set()
        await self.asked.wait()


def test_the_refresh_job_checks_every_interval_and_follows_an_import(backend):
    import_standard(backend.engine)
    ticker = Ticker()

    async def scenario(service, db):
        job = Periodic("numbering-refresh", 30, service.refresh, sleep=ticker.sleep)
        await job.start()
        try:
            await ticker.asked.wait()  # the first wait, before any check
            db.queries.clear()
            import_files(backend.engine, ("extra.csv", def_file(EXTRA)))
            await ticker.tick()
            loaded = list(db.queries), len(service.directory.index)
            await ticker.tick()
            return loaded, db.queries[len(loaded[0]) :], ticker.waits
        finally:
            await job.stop()

    (first, ranges), second, waits = run(backend, scenario)
    assert (first, ranges) == (["version", "ranges"], len(EXTRA))
    assert second == ["version"]
    assert waits == [30, 30, 30]
