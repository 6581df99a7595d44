"""Phone numbers and e-mail addresses in requests (compat.md, "Dates and numbers").

Replies write digits only. Requests may carry ``+``, spaces, dashes, dots and parentheses,
and a Russian number may start with 8 instead of 7.
"""

from __future__ import annotations

import re

from smscd.errors import ParametersError

_DECORATION = re.compile(r"[\s+\-().]")
_DIGITS = re.compile(r"[0-9]{5,15}")
_EMAIL = re.compile(r"[^@\s,;]{1,64}@[^@\s,;]{1,255}")


def normalise_phone(text: str) -> str:
    """Digits only; ``8XXXXXXXXXX`` becomes ``7XXXXXXXXXX``; error 1 if not a number."""
    digits = _DECORATION.sub("", text)
    if not _DIGITS.fullmatch(digits):
        raise ParametersError("not a phone number")
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    return digits


def normalise_email(text: str) -> str:
    """An address, lower-cased; error 1 if it is not one."""
    address = text.strip()
    if not _EMAIL.fullmatch(address):
        raise ParametersError("not an e-mail address")
    return address.lower()
