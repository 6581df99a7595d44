"""Reading Rossvyaz files and importing them: layouts, encodings, refusals, and an import
that fails or loses a race leaving the plan in force untouched."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from smscd.numbering import plan, store
from smscd.numbering.plan import NumberingFileError
from smscd.numbering.tables import numbering_ranges
from tests.numbering.helpers import SAMPLE, Row, def_file, import_files, import_standard

ROWS = (
    Row(
        "900",
        0,
        61_999,
        'ООО "Т2 МОБАЙЛ"',
        "Краснодарский край",
        "7743895280",
        "Краснодарский край",
    ),
    Row("958", 5_000_000, 5_000_099, 'ООО "СБЕРБАНК-ТЕЛЕКОМ"', "Свердловская обл.", "7736264044"),
)


def test_the_real_sample_reads_as_15_ranges_of_full_numbers():
    ranges = plan.read_table(SAMPLE.read_bytes(), "sample.csv")
    assert len(ranges) == 15
    first = ranges[0]
    assert (first.first, first.last) == (79000000000, 79000061999)
    assert (first.operator, first.inn) == ('ООО "Т2 МОБАЙЛ"', "7743895280")
    assert (first.region, first.territory) == ("Краснодарский край",) * 2


@pytest.mark.parametrize("columns", [6, 7, 8])
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1251"])
def test_every_layout_in_every_encoding(columns, encoding):
    ranges = plan.read_table(def_file(ROWS, columns, encoding), "def.csv")
    assert [(r.first, r.last, r.operator, r.region) for r in ranges] == [
        (79000000000, 79000061999, 'ООО "Т2 МОБАЙЛ"', "Краснодарский край"),
        (79585000000, 79585000099, 'ООО "СБЕРБАНК-ТЕЛЕКОМ"', "Свердловская обл."),
    ]
    assert [r.inn for r in ranges] == (["", ""] if columns == 6 else ["7743895280", "7736264044"])
    assert ranges[0].territory == ("Краснодарский край" if columns == 8 else "")


def test_columns_are_found_by_name_in_any_order():
    text = "ИНН;Регион;Оператор;Емкость;До;От;ABC/DEF\n7740000076;Тульская обл.;МТС;10;9;0;910\n"
    [only] = plan.read_table(text.encode(), "reordered.csv")
    assert (only.first, only.last, only.inn, only.region) == (
        79100000000,
        79100000009,
        "7740000076",
        "Тульская обл.",
    )


def refused(data: bytes, name: str = "bad.csv") -> list[str]:
    with pytest.raises(NumberingFileError) as caught:
        plan.read_files([(name, data)])
    return caught.value.problems


def test_a_file_with_another_header_is_refused_on_its_first_line():
    [problem] = refused("Код;Начало;Конец\n900;0;9\n".encode())
    assert problem.startswith("bad.csv: not a Rossvyaz numbering plan: the first line must be")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",  # binary
        b'{"ranges": [1, 2, 3]}',  # JSON
        "Привет, это просто текст.\nВторая строка.".encode("cp1251"),
        b"",
    ],
)
def test_what_is_not_such_a_table_is_refused(data):
    [problem] = refused(data)
    assert problem.startswith("bad.csv: ")


def test_a_capacity_that_is_not_the_range_size_is_refused_with_its_line():
    rows = (*ROWS, Row("901", 0, 99, "АО МТТ", "Алтайский край", "7705017253", capacity=99))
    assert refused(def_file(rows)) == [
        "bad.csv, line 4: Емкость 99 is not the size of the range (100)"
    ]


@pytest.mark.parametrize(
    "cells,problem",
    [
        ("90;0;9;10;X;Y;Z;", "the code '90' is not three digits"),
        ("900;0;12345678;12345679;X;Y;Z;", "От and До must be numbers of up to seven digits"),
        ("900;9;0;10;X;Y;Z;", "От 9 is above До 0"),
        ("900;0;9;ten;X;Y;Z;", "Емкость 'ten' is not a number"),
        ("900;0;9;10;;Y;Z;", "Оператор is empty"),
        ("900;0;9;10;X;Y;Z;12345", "ИНН '12345' is not 10 or 12 digits"),
        ("900;0;9;10", "4 cells, 8 expected"),
    ],
)
def test_malformed_rows_are_refused(cells, problem):
    data = (def_file(ROWS).decode("utf-8-sig") + cells + "\r\n").encode()
    assert refused(data) == [f"bad.csv, line 4: {problem}"]


def test_overlapping_ranges_are_refused_across_files():
    other = def_file([Row("900", 61_000, 70_000, "X", "Y", "1234567890")])
    with pytest.raises(NumberingFileError) as caught:
        plan.read_files([("a.csv", def_file(ROWS)), ("b.csv", other)])
    assert caught.value.problems == ["b.csv, line 2 overlaps a.csv, line 2"]


def test_problems_of_every_file_are_listed_together():
    with pytest.raises(NumberingFileError) as caught:
        plan.read_files([("a.csv", b"nonsense"), ("b.csv", b"\x00\x01")])
    assert [p.split(":")[0] for p in caught.value.problems] == ["a.csv", "b.csv"]


def current_ranges(backend) -> int:
    with backend.engine.connect() as conn:
        return store.state(conn).ranges


def test_an_import_replaces_the_whole_plan_and_leaves_one_generation(backend):
    import_standard(backend.engine)
    report = import_files(backend.engine, ("def.csv", def_file(ROWS)))
    assert (report.ranges, report.numbers) == (2, 62_100)
    with backend.engine.connect() as conn:
        state = store.state(conn)
        generations = conn.execute(
            select(numbering_ranges.c.generation, func.count()).group_by(
                numbering_ranges.c.generation
            )
        ).all()
    assert generations == [(state.generation, 2)]
    assert (state.version, state.sources) == (report.version, "def.csv")


def test_an_import_that_fails_while_writing_keeps_the_plan_in_force(backend):
    import_standard(backend.engine)
    with backend.engine.connect() as conn:
        before = store.state(conn)
    good = plan.read_table(def_file(ROWS), "def.csv")
    duplicated = [good[0], good[1], good[1]]  # a primary-key violation in the first batch
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        store.import_plan(backend.engine, duplicated, ["dup.csv"], 0)
    with backend.engine.connect() as conn:
        assert store.state(conn) == before
        counts = conn.execute(select(func.count()).select_from(numbering_ranges)).scalar_one()
    assert counts == before.ranges


def test_an_import_overtaken_by_a_later_one_is_refused(backend, monkeypatch):
    import_standard(backend.engine)
    with backend.engine.connect() as conn:
        before = store.state(conn)
    # As if this import had started before the one now in force.
    monkeypatch.setattr(store, "_allocate_generation", lambda _engine: before.generation - 1)
    with pytest.raises(store.SupersededError):
        import_files(backend.engine, ("late.csv", def_file(ROWS)))
    with backend.engine.connect() as conn:
        assert store.state(conn) == before
        left = conn.execute(
            select(func.count())
            .select_from(numbering_ranges)
            .where(numbering_ranges.c.generation != before.generation)
        ).scalar_one()
    assert left == 0


def test_rows_without_an_inn_find_their_operator_by_legal_name(backend):
    rows = (Row("926", 0, 99, 'ПАО "МЕГАФОН"', "г. Москва * Московская область"),)
    report = import_files(backend.engine, ("old.csv", def_file(rows, columns=6)))
    assert report.operators_known == 1
    with backend.engine.connect() as conn:
        assert conn.execute(select(numbering_ranges.c.inn)).scalars().all() == ["7812014560"]


def test_the_import_report_names_regions_it_found_no_zone_for(backend):
    rows = (Row("900", 0, 9, "X", "Атлантида", "1234567890"), *ROWS[1:])
    report = import_files(backend.engine, ("x.csv", def_file(rows)))
    assert report.unknown_regions == ("Атлантида",)
