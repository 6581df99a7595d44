"""Tariff plans, zones, individual prices, ``get_price``.

Public surface for other domains: what this package exports below (what a message costs an
account). Its modules are its own (``tables``, ``queries``, ``store``, ...): only the layers
above the domains (app, runtime, cli, demo) import them; pyproject.toml's import contracts
check it.
"""

from smscd.tariffs.pricing import PriceList, price_list

__all__ = ["PriceList", "price_list"]
