"""The in-memory lookup against a brute-force scan, on its own and after a real import and
load on each database."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smscd.db.connect import open_database
from smscd.numbering.index import Entry, RangeIndex
from smscd.numbering.service import NumberingService
from tests.numbering.helpers import Row, def_file, import_files

ENTRIES = [Entry(f"op{i}", f"op{i}", f"{i:02d}", f"region {i}", "") for i in range(5)]
DB_SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def disjoint_ranges(draw, low: int = 0, high: int = 10_000, max_ranges: int = 40):
    """Sorted disjoint ``(start, end, entry)`` ranges, with gaps and touching neighbours."""
    cuts = sorted(draw(st.sets(st.integers(low, high), max_size=2 * max_ranges)))
    ranges = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        ranges.append((start, end, draw(st.sampled_from(ENTRIES))))
    if draw(st.booleans()) and ranges:  # a range of a single number
        start, _, entry = ranges[-1]
        ranges[-1] = (start, start, entry)
    return ranges


def brute_force(ranges, number: int):
    return next((entry for start, end, entry in ranges if start <= number <= end), None)


@settings(max_examples=200, deadline=None)
@given(ranges=disjoint_ranges(), probes=st.lists(st.integers(-5, 10_005), max_size=60))
def test_find_agrees_with_a_scan(ranges, probes):
    index = RangeIndex.build(ranges)
    bounds = [n for start, end, _ in ranges for n in (start - 1, start, end, end + 1)]
    for number in probes + bounds:
        assert index.find(number) == brute_force(ranges, number)


def test_an_empty_index_finds_nothing():
    assert RangeIndex.empty().find(79160000000) is None


@pytest.mark.parametrize(
    "bad",
    [
        [(0, 10, ENTRIES[0]), (10, 20, ENTRIES[1])],  # overlapping
        [(5, 9, ENTRIES[0]), (0, 1, ENTRIES[0])],  # out of order
        [(9, 5, ENTRIES[0])],  # reversed
    ],
)
def test_overlapping_or_unsorted_ranges_are_refused(bad):
    with pytest.raises(ValueError, match="out of order or overlapping"):
        RangeIndex.build(bad)


OPERATORS = ('ПАО "МТС"', 'ПАО "МегаФон"', 'ООО "Рога и копыта"')
INNS = {'ПАО "МТС"': "7740000076", 'ПАО "МегаФон"': "7812014560", 'ООО "Рога и копыта"': ""}
BRANDS = {
    'ПАО "МТС"': "МТС",
    'ПАО "МегаФон"': "МегаФон",
    'ООО "Рога и копыта"': 'ООО "Рога и копыта"',
}


@DB_SETTINGS
@given(
    cuts=st.sets(st.integers(0, 9_999_999), min_size=2, max_size=30),
    owners=st.lists(st.sampled_from(OPERATORS), min_size=15, max_size=15),
    probes=st.lists(st.integers(0, 9_999_999), max_size=30),
)
def test_a_loaded_plan_answers_as_a_scan_of_the_file(backend, cuts, owners, probes):
    bounds = sorted(cuts)
    rows = [
        Row("958", first, last, owners[i], "Тульская обл.", INNS[owners[i]])
        for i, (first, last) in enumerate(zip(bounds[::2], bounds[1::2], strict=False))
    ]
    import_files(backend.engine, ("random.csv", def_file(rows, columns=7)))

    async def lookups() -> list[str]:
        db = await open_database(backend.url, 1, 1)
        try:
            service = NumberingService(db)
            await service.load()
            records = [service.directory.record(f"7958{n:07d}", "ru", 0) for n in probes]
            return [r["operator"] if r and r["region"] else "" for r in records]
        finally:
            await db.stop()

    expected = [
        next((BRANDS[r.operator] for r in rows if r.first <= n <= r.last), "") for n in probes
    ]
    assert asyncio.run(lookups()) == expected
