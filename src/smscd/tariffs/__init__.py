"""Tariff plans, zones, individual prices, ``get_price``.

Public surface for other domains: what this package exports below (what a message costs an
account). Its modules are its own (``tables``, ``queries``, ``store``, ...): only the layers
above the domains (app, runtime, cli, demo) import them; pyproject.toml's import contracts
check it.
"""

# The plan import of `smscd tariffs import`, for the console's operator pages (the same
# reading of the CSV file and the same one-transaction import; docs/console.md).
from smscd.tariffs.csvfile import TariffFileError
from smscd.tariffs.csvfile import read as read_plan_file
from smscd.tariffs.pricing import PriceList, price_list
from smscd.tariffs.service import PlanSummary, default_plan_name, import_plan, list_plans

__all__ = [
    "PlanSummary",
    "PriceList",
    "TariffFileError",
    "default_plan_name",
    "import_plan",
    "list_plans",
    "price_list",
    "read_plan_file",
]
