"""The ledger (charges and payments, two balances), currency rates, ``get_stat``,
``balance.php``.

Public surface for other domains: what this package exports below (charging messages
within the account's means, refunding them, reading balances). Its modules are its own
(``tables``, ``queries``, ``store``, ...): only the layers above the domains (app, runtime,
cli, demo) import them; pyproject.toml's import contracts check it.
"""

from smscd.billing.store import (
    Charge,
    InsufficientFunds,
    balances,
    charge_messages,
    refund_messages,
)
from smscd.billing.tables import MAIN_BALANCE, SECOND_BALANCE

__all__ = [
    "MAIN_BALANCE",
    "SECOND_BALANCE",
    "Charge",
    "InsufficientFunds",
    "balances",
    "charge_messages",
    "refund_messages",
]
