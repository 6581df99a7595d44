"""``python -m smscd.cli``: the same as the ``smscd`` command."""

from smscd.cli.main import app

app()
