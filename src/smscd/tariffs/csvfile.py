"""A tariff plan as a CSV file a person edits in a spreadsheet (docs/tariffs.md, "The plan file").

Reading is lenient about what spreadsheets write and strict about what the plan says:
UTF-8 with or without a BOM (a file that is not UTF-8 is read as windows-1251, what a
Russian-locale Excel saves); ``,``, ``;`` or tab between cells (the one the header uses);
a decimal point or a decimal comma; header names in any order and case. Every problem is
reported with its line number and nothing is imported unless the whole file is good.

Writing gives one canonical form (``,``, decimal point, ``\\n``), which reads back as the
same plan: ``read(write(plan)) == plan``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from smscd import money, textfiles
from smscd.errors import ProblemsError
from smscd.tariffs import model
from smscd.tariffs.model import CHANNELS, MAIL_ZONE, Plan, Zone

COLUMNS = ("zone", "name", "country", "mcc", "mnc", *CHANNELS)
REQUIRED = ("zone", "name", *CHANNELS)
MAIL_NAME = "E-mail"
MAX_PROBLEMS = 50  # reported at most; a wholly wrong file does not need a thousand lines


class TariffFileError(ProblemsError):
    """The file cannot be imported; ``problems`` are ``line N: ...`` texts."""

    outcome = "nothing imported"


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped); a file that is not valid UTF-8 is read as windows-1251."""
    try:
        return textfiles.decode(data)
    except UnicodeDecodeError as exc:
        raise TariffFileError(["the file is neither UTF-8 nor windows-1251 text"]) from exc


def _delimiter(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: (counts[sep], sep == ","))


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) of each non-blank record."""
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=_delimiter(text),
        skipinitialspace=True,
        strict=True,
    )
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise TariffFileError([f"line {line}: {exc}"]) from exc
        cells = [cell.strip() for cell in cells]
        if any(cells):
            yield line, cells


Problems = list[tuple[int, str]]  # (line number, what is wrong); line 0: the whole file


def _header(line: int, cells: list[str]) -> tuple[dict[str, int], Problems]:
    columns: dict[str, int] = {}
    problems: Problems = []
    for index, cell in enumerate(cells):
        name = cell.lower()
        if not name:
            continue  # an unnamed column: must stay empty (checked on each row)
        if name not in COLUMNS:
            problems.append((line, f"unknown column {cell!r}"))
        elif name in columns:
            problems.append((line, f"column {cell!r} twice"))
        columns.setdefault(name, index)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        problems.append((line, f"missing column(s): {', '.join(missing)}"))
    return columns, problems


def _cells(row: list[str], columns: dict[str, int]) -> dict[str, str]:
    """The row's value of each known column; a short row's missing cells are empty."""
    return {
        name: row[columns[name]] if name in columns and columns[name] < len(row) else ""
        for name in COLUMNS
    }


def _zone(cells: dict[str, str]) -> tuple[Zone | None, list[str]]:
    """The row's zone (None when a price cannot be read) and its problems, in column order."""
    unreadable = []
    prices: dict[str, int] = {}
    for channel in CHANNELS:
        try:
            prices[channel] = model.parse_price(cells[channel])
        except ValueError as exc:
            unreadable.append(f"{channel}: {exc}")
            prices[channel] = 0
    zone = Zone(
        zone=cells["zone"],
        name=cells["name"],
        country=cells["country"],
        mcc=cells["mcc"],
        mnc=tuple(cells["mnc"].split()),
        **prices,
    )
    return (None if unreadable else zone), model.zone_problems(zone) + unreadable


def _mail_price(cells: dict[str, str]) -> tuple[int | None, list[str]]:
    problems = []
    if any(cells[channel] for channel in CHANNELS if channel != "api"):
        problems.append(f"the {MAIL_ZONE} row has its price in 'api' and no other price")
    try:
        return model.parse_price(cells["api"]), problems
    except ValueError as exc:
        return None, [*problems, f"api: {exc}"]


def read(data: bytes, mail_price: int | None = None) -> Plan:
    """The plan in ``data``; TariffFileError listing every problem, by line.

    The e-mail price comes from the file's ``MAIL`` row or from ``mail_price``: exactly one.
    """
    records = _records(decode(data))
    first = next(records, None)
    if first is None:
        raise TariffFileError(["the file is empty"])
    columns, problems = _header(*first)
    if problems:
        raise _error(problems)
    zones: list[Zone] = []
    zone_lines: list[int] = []
    mail_lines: list[int] = []
    mail: int | None = None
    for line, row in records:
        if any(cell for i, cell in enumerate(row) if i not in columns.values()):
            problems.append((line, "a value in a column without a header"))
        cells = _cells(row, columns)
        if cells["zone"].upper() == MAIL_ZONE:
            mail_lines.append(line)
            mail, found = _mail_price(cells)
            problems += [(line, problem) for problem in found]
            continue
        zone, found = _zone(cells)
        problems += [(line, problem) for problem in found]
        if zone is not None:
            zones.append(zone)
            zone_lines.append(line)
    problems += [(zone_lines[i], problem) for i, problem in model.conflicts(zones)]
    problems += [(line, f"a second {MAIL_ZONE} row") for line in mail_lines[1:]]
    if mail_lines and mail_price is not None:
        problems.append((mail_lines[0], "the e-mail price is both in the file and given apart"))
    if not problems and not zones:
        problems.append((0, "the file has no zones"))
    if not problems and not mail_lines and mail_price is None:
        problems.append((0, f"no {MAIL_ZONE} row with the price of an e-mail message"))
    if problems:
        raise _error(problems)
    mail = mail if mail_lines else mail_price
    assert mail is not None
    return Plan(tuple(zones), mail)


def _error(problems: Problems) -> TariffFileError:
    ordered = sorted(problems, key=lambda problem: problem[0])[:MAX_PROBLEMS]
    return TariffFileError([f"line {line}: {text}" if line else text for line, text in ordered])


def write(plan: Plan) -> str:
    """The canonical CSV text of ``plan``: header, zones in order, then the ``MAIL`` row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for zone in plan.zones:
        writer.writerow(
            [zone.zone, zone.name, zone.country, zone.mcc, " ".join(zone.mnc)]
            + [money.to_text(price) for price in zone.prices()]
        )
    writer.writerow([MAIL_ZONE, MAIL_NAME, "", "", "", money.to_text(plan.mail), "", "", "", ""])
    return out.getvalue()
