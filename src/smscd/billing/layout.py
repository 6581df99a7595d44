"""The statistics record in the four formats (reference, "Getting statistics").

fmt 3 writes every value as a string, ``"sms": "<cnt>"`` included, as the reference shows.
"""

from __future__ import annotations

from smscd import money
from smscd.http.replies import Layout, Record

STAT = Layout(
    text=(
        ("login", "login"),
        ("sms", "sms"),
        ("credit", "credit"),
        ("debit", "debit"),
        ("currency", "currency"),
    ),
    csv=("login", "sms", "credit", "debit", "currency"),
    fields=("login", "sms", "credit", "debit", "currency"),
    numbers=frozenset(),
    xml_list="list",
    xml_item="stat",
)


def record(login: str, sms: int, credit: int, debit: int, currency: str) -> Record:
    """One login's statistics; ``credit`` and ``debit`` in hundredths of ``currency``."""
    return {
        "login": login,
        "sms": str(sms),
        "credit": money.to_text(credit),
        "debit": money.to_text(debit),
        "currency": currency,
    }
