"""Tariff plans, zones, individual prices, ``get_price``."""
