"""Sent messages: ``get.php?get_messages=1``, ``status.php``, and the message rows that
are also the delivery queue.

Public surface for other domains: what this package exports below (writing accepted
messages). Its modules are its own (``tables``, ``queries``, ``store``, ...): only the
layers above the domains (app, runtime, cli, demo) import them; pyproject.toml's import
contracts check it.
"""

from smscd.history.store import NewMessage, mark_clicked, queue_messages

__all__ = ["NewMessage", "mark_clicked", "queue_messages"]
