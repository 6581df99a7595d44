"""Numbering plans for tests: Rossvyaz files in their three layouts and two encodings, and
apps started after an import (a worker loads the plan when it starts)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from starlette.testclient import TestClient

from smscd.app import create_app
from smscd.numbering import plan, store
from smscd.settings import load_settings
from tests.conftest import TEST_SETTINGS

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "rossvyaz-def-sample.csv"  # 15 real rows of the official DEF-9xx file
HEADERS = {
    6: "АВС/ DEF;От;До;Емкость;Оператор;Регион",
    7: "АВС/ DEF;От;До;Емкость;Оператор;Регион;ИНН",
    8: "АВС/ DEF;От;До;Емкость;Оператор;Регион;Территория ГАР;ИНН",
}


@dataclass(frozen=True)
class Row:
    code: str
    first: int
    last: int
    operator: str
    region: str
    inn: str = ""
    territory: str = ""
    capacity: int | None = None  # None: the right one

    def cells(self, columns: int) -> list[str]:
        capacity = self.capacity if self.capacity is not None else self.last - self.first + 1
        cells = [self.code, f"{self.first:07d}", f"{self.last:07d}", str(capacity)]
        cells += [self.operator, self.region]
        if columns == 8:
            cells.append(self.territory or self.region)
        if columns >= 7:
            cells.append(self.inn)
        return cells


# Regions with fixed offsets all year (Russia has no daylight saving time).
EXTRA = (
    Row("916", 0, 999_999, 'ПАО "МТС"', "г. Москва * Московская область", "7740000076"),
    Row("927", 1_000_000, 1_999_999, 'ПАО "МегаФон"', "Саратовская обл.", "7812014560"),
    Row("913", 0, 999_999, 'ПАО "ВымпелКом"', "Новосибирская обл.", "7713076301"),
    Row("911", 4_000_000, 4_999_999, 'ПАО "МТС"', "Калининградская обл.", "7740000076"),
)


def def_file(rows: Sequence[Row], columns: int = 8, encoding: str = "utf-8-sig") -> bytes:
    """A DEF table as Rossvyaz publishes it: ``;``-separated, CRLF line ends."""
    lines = [HEADERS[columns], *(";".join(row.cells(columns)) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def import_files(engine: Engine, *files: tuple[str, bytes], now: int = 1_790_000_000) -> Any:
    """Import ``(name, content)`` files as ``smscd numbering import`` does."""
    return store.import_plan(engine, plan.read_files(list(files)), [n for n, _ in files], now)


def import_standard(engine: Engine) -> Any:
    """The tests' plan: the real sample and the EXTRA rows."""
    return import_files(
        engine, ("rossvyaz-def-sample.csv", SAMPLE.read_bytes()), ("extra.csv", def_file(EXTRA))
    )


@contextmanager
def started(backend: Any, clock: Any = None, **settings: Any) -> Iterator[TestClient]:
    """A running app (its workers' numbering service loads the plan as it starts)."""
    app = create_app(
        load_settings(database_url=backend.url, **{**TEST_SETTINGS, **settings}),
        clock=clock or time.time,
    )
    with TestClient(app, client=("127.0.0.1", 50000)) as client:
        yield client


def refresh(client: TestClient) -> None:
    """Run the app's numbering refresh job now (as its interval would) and wait for it."""
    job = client.app.state.components["numbering-refresh"]  # type: ignore[attr-defined]
    assert client.portal is not None
    client.portal.call(job.run_now)
