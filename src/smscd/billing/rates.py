"""Currency rates: what ``smscd rates set`` accepts, and converting statistics with them.

A rate says what one unit of ``from`` is worth in ``to`` (``RUB USD 0.0108``). Statistics
are summed in each account's own currency, exactly, and each sum is converted once, rounded
half up to hundredths. A conversion uses the rate of the pair, or else the inverse of the
opposite pair's rate; with neither, there is no conversion (the caller decides what then:
docs/billing.md, "Currencies").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext

from smscd.errors import AdminError

RATE_MAX = Decimal(1_000_000_000)
RATE_PLACES = 12
_CODE = re.compile(r"[A-Z]{3}")
# Room for 18-digit amounts times 22-digit rates without rounding before the last step.
_EXACT = Context(prec=80)


class RateError(AdminError):
    """A currency code or rate that cannot be stored; the message says why."""


def currency_code(text: str) -> str:
    """``usd`` → ``USD``; three Latin letters, else :class:`RateError`."""
    code = text.strip().upper()
    if not _CODE.fullmatch(code):
        raise RateError(f"a currency is three Latin letters, not {text!r}")
    return code


def parse_rate(text: str) -> Decimal:
    """A positive decimal of at most 12 places and below a billion."""
    try:
        rate = Decimal(text.strip())
    except InvalidOperation as exc:
        raise RateError(f"not a number: {text!r}") from exc
    if not rate.is_finite() or rate <= 0 or rate > RATE_MAX:
        raise RateError(f"a rate is above 0 and at most {RATE_MAX}, not {text!r}")
    exponent = rate.normalize().as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    if -exponent > RATE_PLACES:
        raise RateError(f"a rate has at most {RATE_PLACES} decimal places")
    return rate


def rate_text(rate: Decimal) -> str:
    """The stored form: plain digits, no exponent, no trailing zeros (``0.0108``)."""
    return format(rate.normalize(), "f")


@dataclass(frozen=True)
class Converter:
    """Converts hundredths of any currency into ``target`` with the rates it was given."""

    target: str
    rates: Mapping[tuple[str, str], Decimal]  # (from, to) -> rate, as stored

    def convert(self, amount: int, currency: str) -> int | None:
        """``amount`` hundredths of ``currency`` in hundredths of the target; None without
        a rate (zero needs none: it is zero in every currency)."""
        if currency == self.target or amount == 0:
            return amount
        with localcontext(_EXACT):
            direct = self.rates.get((currency, self.target))
            if direct is not None:
                value = Decimal(amount) * direct
            else:
                inverse = self.rates.get((self.target, currency))
                if inverse is None:
                    return None
                value = Decimal(amount) / inverse
            return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
