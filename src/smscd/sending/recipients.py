"""Who a send goes to: ``phones`` (or the lines of ``list``) read into numbers that
``phonenumbers`` holds valid, or e-mail addresses for ``mail=1`` (sending.md).

Numbers may be written in any common notation (``+7 (999) 123-45-67``, ``8999...`` for
Russia); the result is digits with the country code. A number that is not valid is kept
aside with ``err`` 249 (invalid number format) for ``err=1``/``op=1``; the rest are sent.
A number given twice in one ``phones`` is sent once **[ours]**.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from smscd.errors import ParametersError
from smscd.phones import normalise_email

MAX_RECIPIENTS = 1000  # [ours]: one request; larger lists go in several requests
INVALID_FORMAT_ERR = 249  # compat.md, "Delivery error codes"

_SEPARATORS = re.compile(r"[,;\r\n]+")
_DECORATION = re.compile(r"[\s\-().]")


@dataclass(frozen=True, slots=True)
class Refused:
    """A recipient that will not be sent: as the client wrote it, and why."""

    written: str
    status: int  # history status it would have: 22 invalid number, 20 no route
    err: int


def split(text: str) -> list[str]:
    """The items of ``phones``: separated by ``,``, ``;`` or line breaks."""
    return [item.strip() for item in _SEPARATORS.split(text) if item.strip()]


def phone(written: str) -> str | None:
    """Digits with the country code, or None when it is not a valid number."""
    digits = _DECORATION.sub("", written)
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit() or not 5 <= len(digits) <= 15:
        return None
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]  # a Russian number written with the trunk prefix
    try:
        parsed = phonenumbers.parse("+" + digits)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return digits


def email(written: str) -> str | None:
    try:
        return normalise_email(written)
    except ParametersError:
        return None


def check_count(count: int) -> None:
    if count == 0:
        raise ParametersError("no recipients")
    if count > MAX_RECIPIENTS:
        raise ParametersError("too many recipients")
