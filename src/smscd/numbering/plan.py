"""Reading the Russian numbering plan: Rossvyaz's "ABC-3xx", "ABC-4xx", "ABC-8xx" and
"DEF-9xx" tables.

Each file is a ``;``-separated table, UTF-8 with a BOM or windows-1251, whose header is one
of three layouts (the columns Rossvyaz has published over the years)::

    АВС/ DEF;От;До;Емкость;Оператор;Регион
    АВС/ DEF;От;До;Емкость;Оператор;Регион;ИНН
    АВС/ DEF;От;До;Емкость;Оператор;Регион;Территория ГАР;ИНН

Columns are found by their names, so their order does not matter. Every row is checked
(a three-digit code, seven-digit bounds, ``Емкость`` equal to the size of the range), the
ranges of all the files read together must not overlap, and nothing is imported unless
every file is good: :class:`NumberingFileError` lists the problems with file names and line
numbers. A file that is not such a table at all is refused on its first line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

from smscd import textfiles
from smscd.errors import ProblemsError

MAX_PROBLEMS = 20  # reported at most

# Field -> the header cells that name it (compared after _header_key).
HEADERS = {
    "code": ("АВС/ DEF", "ABC/ DEF", "АВС/DEF", "ABC/DEF", "АВС", "ABC", "DEF"),
    "first": ("От",),
    "last": ("До",),
    "capacity": ("Емкость", "Ёмкость"),
    "operator": ("Оператор",),
    "region": ("Регион",),
    "territory": ("Территория ГАР",),
    "inn": ("ИНН",),
}
REQUIRED = ("code", "first", "last", "capacity", "operator", "region")
LAYOUT_TEXT = "АВС/ DEF;От;До;Емкость;Оператор;Регион[;Территория ГАР][;ИНН]"
_LATIN_LOOKALIKES = str.maketrans("abcehkmoptxy", "авсенкмортху")
_CODE = re.compile(r"[0-9]{3}")
_BOUND = re.compile(r"[0-9]{1,7}")
_CAPACITY = re.compile(r"[0-9]{1,8}")
_INN = re.compile(r"[0-9]{10}|[0-9]{12}")


def _header_key(cell: str) -> str:
    return "".join(cell.split()).lower().replace("ё", "е").translate(_LATIN_LOOKALIKES)


_FIELD_OF = {_header_key(name): field for field, names in HEADERS.items() for name in names}


class NumberingFileError(ProblemsError):
    """The files cannot be imported; ``problems`` say where and why."""

    outcome = "nothing imported: the previous plan stays"


@dataclass(frozen=True, slots=True)
class PlanRange:
    """One row of the plan, its bounds as full numbers (``7`` + code + seven digits)."""

    first: int
    last: int
    operator: str
    inn: str
    region: str
    territory: str
    file: str = ""  # where the range was read, for messages
    line: int = 0

    @property
    def where(self) -> str:
        return f"{self.file}, line {self.line}"


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without a BOM) or windows-1251 text; refused if it is neither."""
    if b"\x00" in data:
        raise NumberingFileError([f"{name}: not a text file"])
    try:
        return textfiles.decode(data)
    except UnicodeDecodeError as exc:
        raise NumberingFileError([f"{name}: neither UTF-8 nor windows-1251 text"]) from exc


def _columns(header: list[str], name: str) -> dict[str, int]:
    columns: dict[str, int] = {}
    for position, cell in enumerate(header):
        field = _FIELD_OF.get(_header_key(cell))
        if field is None and not cell.strip() and position == len(header) - 1:
            continue  # a trailing ";"
        if field is None or field in columns:
            break
        columns[field] = position
    else:
        if all(field in columns for field in REQUIRED):
            return columns
    raise NumberingFileError(
        [f"{name}: not a Rossvyaz numbering plan: the first line must be {LAYOUT_TEXT}"]
    )


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise NumberingFileError([f"line {reader.line_num}: {exc}"]) from exc
        if any(cell.strip() for cell in cells):
            yield reader.line_num, cells


class _Interned(dict[str, str]):
    """One string object per distinct text: a plan repeats few names many times."""

    def __missing__(self, key: str) -> str:
        self[key] = key
        return key


def read_table(data: bytes, name: str) -> list[PlanRange]:
    """The ranges of one file; :class:`NumberingFileError` if anything in it is wrong."""
    records = _records(decode(data, name))
    try:
        first_line = next(records, None)
        if first_line is None:
            raise NumberingFileError([f"{name}: the file is empty"])
        columns = _columns(first_line[1], name)
        ranges, problems = _rows(records, columns, name)
    except NumberingFileError as error:
        if error.problems[0].startswith("line "):
            raise NumberingFileError([f"{name}, {error.problems[0]}"]) from error
        raise
    if not ranges and not problems:
        problems.append(f"{name}: the file has no ranges")
    if problems:
        raise NumberingFileError(problems)
    return ranges


def _rows(
    records: Iterator[tuple[int, list[str]]], columns: dict[str, int], name: str
) -> tuple[list[PlanRange], list[str]]:
    width = max(columns.values()) + 1
    text = _Interned()
    ranges: list[PlanRange] = []
    problems: list[str] = []
    for line, cells in records:
        if len(problems) >= MAX_PROBLEMS:
            break
        where = f"{name}, line {line}"
        if len(cells) < width:
            problems.append(f"{where}: {len(cells)} cells, {width} expected")
            continue
        cell = {field: cells[position].strip() for field, position in columns.items()}
        problem = _problem(cell)
        if problem:
            problems.append(f"{where}: {problem}")
            continue
        code = cell["code"]
        first = int(f"7{code}{int(cell['first']):07d}")
        last = int(f"7{code}{int(cell['last']):07d}")
        ranges.append(
            PlanRange(
                first,
                last,
                text[cell["operator"]],
                text[cell.get("inn", "")],
                text[cell["region"]],
                text[cell.get("territory", "")],
                name,
                line,
            )
        )
    return ranges, problems


def _problem(cell: dict[str, str]) -> str:
    if not _CODE.fullmatch(cell["code"]):
        return f"the code {cell['code']!r} is not three digits"
    if not (_BOUND.fullmatch(cell["first"]) and _BOUND.fullmatch(cell["last"])):
        return "От and До must be numbers of up to seven digits"
    first, last = int(cell["first"]), int(cell["last"])
    if first > last:
        return f"От {first} is above До {last}"
    if not _CAPACITY.fullmatch(cell["capacity"]):
        return f"Емкость {cell['capacity']!r} is not a number"
    if int(cell["capacity"]) != last - first + 1:
        return f"Емкость {int(cell['capacity'])} is not the size of the range ({last - first + 1})"
    if not cell["operator"]:
        return "Оператор is empty"
    inn = cell.get("inn", "")
    if inn and not _INN.fullmatch(inn):
        return f"ИНН {inn!r} is not 10 or 12 digits"
    return ""


def merge(tables: Iterable[list[PlanRange]]) -> list[PlanRange]:
    """The ranges of several files in number order; refused if any two overlap."""
    ranges = sorted((r for table in tables for r in table), key=lambda r: r.first)
    problems = [
        f"{current.where} overlaps {previous.where}"
        for previous, current in pairwise(ranges)
        if current.first <= previous.last
    ]
    if problems:
        raise NumberingFileError(problems[:MAX_PROBLEMS])
    return ranges


def read_files(files: Sequence[tuple[str, bytes]]) -> list[PlanRange]:
    """Every range of ``files`` ((name, content) pairs), checked, in number order."""
    tables: list[list[PlanRange]] = []
    problems: list[str] = []
    for name, data in files:
        try:
            tables.append(read_table(data, name))
        except NumberingFileError as error:
            problems += error.problems
    if problems:
        raise NumberingFileError(problems[:MAX_PROBLEMS])
    return merge(tables)
