"""The operators table as a file: the brand and MNC of each operator, keyed by its INN.

The plan names operators by legal name and tax id (``ООО "Т2 Мобайл"``, 7743895280); the
API answers with the brand subscribers know (``Tele2``) and its E.212 network code (20).
smscd ships a table of the operators it is sure of (``data/operators.csv``); the migration
loads it and ``smscd numbering operators`` exports, imports and edits it. An operator that
is not in the table keeps the plan's name and an empty MNC.

The file is ``;``-separated UTF-8 (a BOM and windows-1251 are accepted on reading) with the
header ``inn;brand;brand_en;mnc;legal_name``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

from smscd.errors import AdminError
from smscd.textfiles import decode

COLUMNS = ("inn", "brand", "brand_en", "mnc", "legal_name")
_INN = re.compile(r"[0-9]{10}|[0-9]{12}")
_MNC = re.compile(r"[0-9]{2,3}")
_LEGAL_FORMS = re.compile(r"\b(пао|оао|зао|ао|ооо|гуп|фгуп|муп|ип)\b")
_NOT_WORD = re.compile(r"[^\w]+")


class OperatorsFileError(AdminError):
    """The operators file cannot be loaded; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Operator:
    inn: str
    brand: str
    brand_en: str
    mnc: str
    legal_name: str

    def as_row(self) -> dict[str, str]:
        return {column: getattr(self, column) for column in COLUMNS}


def legal_key(name: str) -> str:
    """A legal name reduced for matching: ``ПАО "МегаФон"`` and ``ПАО МЕГАФОН`` agree."""
    lowered = name.lower().replace("ё", "е")
    return _NOT_WORD.sub(" ", _LEGAL_FORMS.sub(" ", lowered)).strip()


def read(text: str, name: str = "operators file") -> list[Operator]:
    """Every operator of the file; :class:`OperatorsFileError` on the first problem."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header = next(reader, None)
    if header is None or tuple(cell.strip().lower() for cell in header) != COLUMNS:
        raise OperatorsFileError(f"{name}: the header must be {';'.join(COLUMNS)}")
    operators: list[Operator] = []
    seen: set[str] = set()
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(COLUMNS):
            raise OperatorsFileError(f"{name}, line {line}: {len(COLUMNS)} cells expected")
        operator = Operator(*(cell.strip() for cell in cells))
        if not _INN.fullmatch(operator.inn):
            raise OperatorsFileError(f"{name}, line {line}: the INN has 10 or 12 digits")
        if operator.inn in seen:
            raise OperatorsFileError(f"{name}, line {line}: INN {operator.inn} given twice")
        if operator.mnc and not _MNC.fullmatch(operator.mnc):
            raise OperatorsFileError(f"{name}, line {line}: the MNC has 2 or 3 digits")
        if not operator.brand:
            raise OperatorsFileError(f"{name}, line {line}: the brand is empty")
        seen.add(operator.inn)
        operators.append(operator)
    return operators


def write(operators: Iterable[Operator]) -> str:
    """The file text of ``operators`` (reads back as the same operators)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(COLUMNS)
    for operator in operators:
        writer.writerow([getattr(operator, column) for column in COLUMNS])
    return out.getvalue()


def shipped() -> list[Operator]:
    """The operators table smscd ships (``smscd/numbering/data/operators.csv``)."""
    data = resources.files("smscd.numbering").joinpath("data/operators.csv").read_bytes()
    return read(decode(data), "data/operators.csv")


def by_inn(operators: Sequence[Operator]) -> dict[str, Operator]:
    return {operator.inn: operator for operator in operators}


def by_legal_name(operators: Sequence[Operator]) -> dict[str, Operator]:
    return {legal_key(operator.legal_name): operator for operator in operators}
