"""get_price SQL: point and range lookups bound to the authenticated account.

The plan is the account's own (``account_plans``, by its key) or else the default one
(``ix_tariff_plans_is_default_id``); its zones are a range of ``(plan_id, position)``, in the
order they were imported; the account's individual prices a range of
``(account_id, mccmnc)``.
"""

from __future__ import annotations

from typing import Any

ZONE_COLUMNS = "zone, name, api, mass, mms, hlr, call"


def plan(account_id: int) -> tuple[str, list[Any]]:
    """(id, mail_price) of the plan that prices the account; no row when there is none."""
    sql = (
        "SELECT id, mail_price FROM tariff_plans WHERE id = COALESCE("
        "(SELECT plan_id FROM account_plans WHERE account_id = ?),"
        " (SELECT id FROM tariff_plans WHERE is_default = 1 ORDER BY id LIMIT 1))"
    )
    return sql, [account_id]


def zones(plan_id: int) -> tuple[str, list[Any]]:
    sql = f"SELECT {ZONE_COLUMNS} FROM tariff_zones WHERE plan_id = ? ORDER BY position"
    return sql, [plan_id]


def codes(account_id: int) -> tuple[str, list[Any]]:
    """The account's individual prices, in mccmnc order."""
    sql = "SELECT mccmnc, cost FROM account_prices WHERE account_id = ? ORDER BY mccmnc"
    return sql, [account_id]


def pricing_zones(plan_id: int) -> tuple[str, list[Any]]:
    """The plan's zones as pricing needs them: mcc, mnc, then a price per channel."""
    sql = (
        "SELECT mcc, mnc, api, mass, mms, hlr, call FROM tariff_zones WHERE plan_id = ?"
        " ORDER BY position"
    )
    return sql, [plan_id]
