"""Money: integers of hundredths in storage, two-place decimal strings on the wire."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def to_text(hundredths: int) -> str:
    """``144`` → ``"1.44"``; ``-5`` → ``"-0.05"``."""
    sign = "-" if hundredths < 0 else ""
    whole, cents = divmod(abs(hundredths), 100)
    return f"{sign}{whole}.{cents:02d}"


def to_hundredths(amount: str | Decimal) -> int:
    """``"1.445"`` → ``145`` (half up); rejects what is not a number."""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return int(value * 100)
