"""What an operator's tools read of a running server: ``/metrics`` (metrics_page.py) and
``/readyz`` (health.py); docs/operations.md. Above the domains, whose public surfaces
(the queue's and the callback outbox's backlog) they read."""
