"""Sending messages: ``send.php``, sender names (docs/sending.md).

Public surface for other domains: this package itself, and nothing is exported yet. Its
modules are its own (``tables``, ``queries``, ``store``, ...): only the layers above the
domains (app, runtime, cli, demo) import them; pyproject.toml's import contracts check it.
"""
