"""Numbering plans and operator lookup, ``info.php?get_operator=1``.

Public surface for other domains: what this package exports below (the worker's numbering
service, whose directory describes a number). Its modules are its own (``tables``,
``queries``, ``store``, ...): only the layers above the domains (app, runtime, cli, demo)
import them; pyproject.toml's import contracts check it.
"""

from smscd.numbering.service import NumberingService

__all__ = ["NumberingService"]
