"""What is seen of every HTTP request: one line of the request log and its metrics.

:class:`Observed` wraps the whole app (an ASGI middleware). It puts an :class:`Outcome`
into the request's scope; the route that answers fills in what only it knows (the API's
``Endpoint``: the action, the login, the API error), and when the reply has gone the
middleware counts the request (``smscd_requests_total``, ``smscd_request_duration_seconds``)
and writes one JSON line to ``smscd.access`` (logs.py). Other routes are named by their
route (``healthz``, ``redirect``, ...) and their result is their HTTP status.

The line holds the method, the path (never the query string, where passwords travel), the
action, the login, the result, the HTTP status, the duration and the client's address:
never ``psw``, ``apikey`` or a token, which nothing here reads. Health probes and scrapes
are written at DEBUG, the rest at INFO (docs/operations.md, "Logs").
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from smscd import metrics
from smscd.http.client_ip import ClientAddresses
from smscd.logs import ACCESS

KEY = "smscd.outcome"
QUIET = frozenset({"healthz", "readyz", "metrics"})  # probes and scrapes: DEBUG
_PATH_CHARS = 200  # the most of a path a line holds


@dataclass(slots=True)
class Outcome:
    """What the answering route says of a request."""

    action: str = ""  # empty: the route's name
    login: str = ""  # the authenticated login, or the one a failed request gave
    result: str = ""  # "ok" or "error_N"; empty: from the HTTP status
    client: str | None = None  # the client's address, if the route worked it out
    detail: str = ""  # a note for the log (a client that hung up, ...)


def outcome_of(scope: Scope) -> Outcome:
    """The request's outcome, to fill in (a fresh one when no middleware put one there)."""
    found = scope.get(KEY)
    return found if isinstance(found, Outcome) else Outcome()


def api_result(code: int) -> str:
    return f"error_{code}"


class Observed:
    """The middleware: counts (when ``count``) and logs (when ``log``) every HTTP request."""

    def __init__(self, app: ASGIApp, count: bool, log: bool, trusted_proxies: str) -> None:
        self._app = app
        self._count = count
        self._log = log
        self._addresses = ClientAddresses(trusted_proxies)
        self._children: dict[tuple[str, str], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not (self._count or self._log):
            await self._app(scope, receive, send)
            return
        outcome = Outcome()
        scope[KEY] = outcome
        status = 500  # unless a reply starts: an exception ends the request
        start = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self._app(scope, receive, sending)
        finally:
            self._observe(scope, outcome, status, time.perf_counter() - start)

    def _observe(self, scope: Scope, outcome: Outcome, status: int, seconds: float) -> None:
        action = outcome.action or getattr(scope.get("route"), "name", None) or "unmatched"
        result = outcome.result or ("ok" if status < 400 else f"http_{status}")
        if self._count:
            children = self._children.get((action, result))
            if children is None:
                children = (
                    metrics.REQUESTS.labels(action, result),
                    metrics.REQUEST_SECONDS.labels(action, result),
                )
                self._children[(action, result)] = children
            children[0].inc()
            children[1].observe(seconds)
        if not self._log:
            return
        level = logging.DEBUG if action in QUIET else logging.INFO
        if not ACCESS.isEnabledFor(level):
            return
        fields: dict[str, object] = {
            "method": scope.get("method", ""),
            "path": str(scope.get("path", ""))[:_PATH_CHARS],
            "action": action,
            "login": outcome.login,
            "result": result,
            "status": status,
            "duration_ms": round(seconds * 1000, 3),
            "client": outcome.client or self._addresses.of(scope),
        }
        if outcome.detail:
            fields["detail"] = outcome.detail
        ACCESS.log(level, "request", extra={"fields": fields})
