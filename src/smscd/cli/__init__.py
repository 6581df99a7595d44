"""The ``smscd`` command."""
