"""A CSV file of recipients read into send.php's ``list`` (lines ``phone:text``), so that
an upload is sent, priced and refused by send.php's own handler (docs/console.md, "Send").

A row is ``phone[,text[,name]]``, separated by semicolons, tabs or commas (the first of these
that leaves a phone number in a row's first cell); a row without a text gets the form's
text; ``#name#`` in a text becomes the row's name **[ours]**. A first row whose phone cell
has no digit is a header and is skipped. The file is UTF-8 (a BOM is allowed) or else
Windows-1251, the two encodings a spreadsheet in Russia writes.
"""

from __future__ import annotations

import csv
import io
import re

MAX_BYTES = 512 * 1024  # [ours]: ~1000 rows of long texts; send.php takes 1000 numbers
NAME = "#name#"
DELIMITERS = (";", "\t", ",")
_PHONE = re.compile(r"\+?[0-9 ()\-]*[0-9][0-9 ()\-]*")


class UploadError(ValueError):
    """A file that cannot be read as recipients; the message says where."""


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", "replace")


def delimiter(content: str) -> str:
    """The file's delimiter: the first of ``;``, tab and ``,`` that leaves a phone number in
    the first cell of a row (a phone holds none of them, so only the file's own delimiter
    can), looking from the first row that has a digit; ``,`` when none does."""
    for line in content.splitlines():
        if not any(c.isdigit() for c in line):
            continue
        for candidate in DELIMITERS:
            if _PHONE.fullmatch(line.partition(candidate)[0].strip().strip('"')):
                return candidate
        break
    return ","


def to_list(data: bytes, text: str) -> str:
    """send.php's ``list`` for the file ``data``, ``text`` for rows without one."""
    if len(data) > MAX_BYTES:
        raise UploadError(f"the file is over {MAX_BYTES // 1024} KB")
    content = decode(data)
    lines = []
    rows = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter(content))
    for number, row in enumerate(rows, 1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        phone = cells[0]
        if number == 1 and not any(c.isdigit() for c in phone):
            continue  # a header
        own = cells[1] if len(cells) > 1 else ""
        message = (own or text).replace(NAME, cells[2] if len(cells) > 2 else "")
        if not phone or ":" in phone:
            raise UploadError(f"row {number}: no phone number")
        if not message.strip():
            raise UploadError(f"row {number}: no text (in the file or the form)")
        if "\n" in message or "\r" in message:
            raise UploadError(f"row {number}: a text of one line, please")
        lines.append(f"{phone}:{message}")
    if not lines:
        raise UploadError("the file has no rows")
    return "\n".join(lines)


def phones_of(listed: str) -> str:
    """The numbers of a ``list``, comma-separated (the status fragment's filter)."""
    return ",".join(line.partition(":")[0].strip() for line in listed.splitlines() if ":" in line)
