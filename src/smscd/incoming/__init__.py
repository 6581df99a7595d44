"""Incoming messages and ``get.php?get_answers=1``.

Public surface for other domains: what this package exports below (storing incoming
messages so that pollers never pass one; who owns the number a message was sent to). Its
modules are its own (``tables``, ``queries``, ``store``, ``numbers``, ...): only the layers
above the domains (app, runtime, cli, demo) import them; pyproject.toml's import contracts
check it.
"""

from smscd.incoming.numbers import owners
from smscd.incoming.store import receive

__all__ = ["owners", "receive"]
