"""The web console (issue 12, docs/console.md): server-rendered pages under ``/console`` for
an account holder. Only ``smscd.app`` (which mounts :func:`smscd.console.endpoint.mount`)
and ``smscd.schema`` (its tables) import it; nothing is exported."""
