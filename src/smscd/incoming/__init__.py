"""Incoming messages and ``get.php?get_answers=1``.

Public surface for other domains: what this package exports below (storing incoming
messages so that pollers never pass one). Its modules are its own (``tables``, ``queries``,
``store``, ...): only the layers above the domains (app, runtime, cli, demo) import them;
pyproject.toml's import contracts check it.
"""

from smscd.incoming.store import receive

__all__ = ["receive"]
