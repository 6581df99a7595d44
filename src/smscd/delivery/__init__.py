"""Delivery: the queue on the message rows, its workers, routes and connectors
(docs/sending.md, "Delivery"; docs/simulator.md).

Public surface for other domains: what this package exports below (the routing table send.php
routes each message by). Its modules are its own: only the layers above the domains (app,
runtime, cli, demo) import them; pyproject.toml's import contracts check it.
"""

from smscd.delivery.backlog import StateBacklog, backlog
from smscd.delivery.routing import RouteTable
from smscd.delivery.routing import load as load_routes

__all__ = ["RouteTable", "StateBacklog", "backlog", "load_routes"]
