"""Callbacks: an account's handler is told of status changes and incoming messages, from a
durable outbox (docs/callbacks.md).

Public surface for other domains: what this package exports below (queueing notifications
inside the unit of work that makes the change). Its modules are its own: only the layers
above the domains import them; pyproject.toml's import contracts check it.
"""

from smscd.callbacks.backlog import backlog
from smscd.callbacks.signing import new_secret
from smscd.callbacks.store import incoming_received, status_changed
from smscd.callbacks.target import CallbackUrlError, checked_url

__all__ = [
    "CallbackUrlError",
    "backlog",
    "checked_url",
    "incoming_received",
    "new_secret",
    "status_changed",
]
