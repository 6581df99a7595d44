"""The worker's numbering service: lookups from memory, one version check per interval,
a reload only when the version changed, and the data kept when the database fails."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from smscd.db.connect import open_database
from smscd.db.gateway import Reads
from smscd.numbering.service import NumberingService, start, stop
from smscd.settings import load_settings
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
            service = NumberingService(db, refresh_seconds=30)
            await service.load()
            return await scenario(service, db)
        finally:
            await inner.stop()

    return asyncio.run(main())


def test_lookups_and_checks_within_the_interval_ask_the_database_nothing(backend):
    import_standard(backend.engine)

    async def scenario(service, db):
        db.queries.clear()
        await service.refresh(1000)  # the first check
        assert db.queries == ["version"]
        for second in range(1000, 1030):
            await service.refresh(second)
            for _ in range(100):
                assert service.directory.record("79160000001", "ru", second) is not None
        return db.queries

    assert run(backend, scenario) == ["version"]


def test_a_changed_version_is_loaded_once(backend):
    import_standard(backend.engine)

    async def scenario(service, db):
        await service.refresh(0)
        import_files(backend.engine, ("extra.csv", def_file(EXTRA)))
        db.queries.clear()
        await service.refresh(30)
        await service.refresh(60)
        return db.queries, len(service.directory.index)

    queries, ranges = run(backend, scenario)
    assert queries == ["version", "ranges", "version"]  # then the next interval's check
    assert ranges == len(EXTRA)


def test_a_failing_database_keeps_the_loaded_data(backend):
    import_standard(backend.engine)

    async def scenario(service, db):
        version = service.directory.version
        db.failing = True
        await service.refresh(0)  # logged, not raised
        record = service.directory.record("79160000001", "ru", 0)
        db.failing = False
        import_files(backend.engine, ("one.csv", def_file([Row("999", 0, 9, "X", "Y")])))
        await service.refresh(1)  # not due yet: checked at 0
        same = service.directory.version == version
        await service.refresh(30)
        return record, same, service.directory.version != version

    record, same, moved_on = run(backend, scenario)
    assert record is not None and record["operator"] == "МТС"
    assert same and moved_on


def test_a_worker_starts_without_data_when_it_cannot_load_it(tmp_path):
    async def main() -> Any:
        settings = load_settings(database_url=f"sqlite:///{tmp_path}/empty.db")
        db = await open_database(settings.database_url, 1, 1)
        try:
            service = await start(settings, db)  # no tables: logged, not raised
            record = service.directory.record("4915112345678", "en", 0)
            await stop(service)
            return service.directory.version, record
        finally:
            await db.stop()

    version, record = asyncio.run(main())
    assert version is None
    assert record is not None and record["country"] == "Germany"  # phonenumbers still answers
