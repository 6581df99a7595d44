"""What an operator changes by hand, from the CLI (``smscd account topup|set-credit``) and
the console's operator pages alike: amounts as typed, and an account's credit limit.
Payments themselves are :func:`smscd.billing.store.pay`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from smscd import money
from smscd.db.gateway import Transaction
from smscd.errors import AdminError

TOPUP_MAX = Decimal(10) ** 13  # hundredths fit a BIGINT many times over

SET_CREDIT = "UPDATE accounts SET credit = ? WHERE id = ?"


class AmountError(AdminError):
    """Not an amount an operator may enter; the message says why."""


def amount(text: str) -> int:
    """A positive amount with at most two decimal places, in hundredths."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation as exc:
        raise AmountError(f"not an amount: {text!r}") from exc
    if not value.is_finite() or value <= 0 or value >= TOPUP_MAX:
        raise AmountError(f"an amount is above 0 and below {TOPUP_MAX}, not {text!r}")
    if value != value.quantize(Decimal("0.01")):
        raise AmountError(f"an amount has at most two decimal places, not {text!r}")
    return money.to_hundredths(value)


def credit_amount(text: str) -> int:
    """A credit limit: 0 (none) or an :func:`amount`."""
    return 0 if text.strip() in ("0", "0.00") else amount(text)


async def set_credit(tx: Transaction, account_id: int, hundredths: int) -> None:
    """Let the account's main balance go down to minus ``hundredths`` (send.php refuses
    past it: error 3)."""
    if hundredths < 0:
        raise AmountError("a credit limit is not negative")
    await tx.execute(SET_CREDIT, [hundredths, account_id])
