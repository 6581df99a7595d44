"""``/readyz``: can this worker serve? (docs/operations.md, "Health").

``/healthz`` (app.py) says only that the process answers, without touching anything, for
liveness probes and load tests. ``/readyz`` checks what a request needs: the database (a
trivial query), Redis when the limits use it (PING), and each connector this process runs
(bound). Each check has ``SMSCD_READYZ_TIMEOUT_SECONDS``; the answer is 200 when all pass,
else 503, with a small JSON body naming each check and what failed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from smscd.http.endpoint import Running

log = logging.getLogger("smscd.operations")

ConnectorsHealth = Callable[[], Mapping[str, object]]  # name -> its health() (a mapping)


class Readiness:
    def __init__(self, running: Running, connectors: ConnectorsHealth) -> None:
        self._running = running
        self._connectors = connectors

    async def respond(self, _request: Request) -> Response:
        services = self._running.services
        if services is None:
            return _answer({"started": False})
        timeout = services.settings.readyz_timeout_seconds
        checks: dict[str, bool] = {}
        try:
            row = await asyncio.wait_for(services.db.fetch_one("SELECT 1", []), timeout)
            checks["database"] = row is not None and int(row[0]) == 1
        except Exception as error:
            log.warning("readyz: the database did not answer: %r", error)
            checks["database"] = False
        redis = await services.guard.ready(timeout)
        if redis is not None:
            checks["redis"] = redis
        for name, health in sorted(self._connectors().items()):
            bound = isinstance(health, Mapping) and bool(health.get("bound"))
            checks[f"connector:{name}"] = bound
        return _answer(checks)


def _answer(checks: Mapping[str, bool]) -> Response:
    failed = [name for name, ok in checks.items() if not ok]
    body = {
        "ready": not failed,
        "checks": {name: "ok" if ok else "failed" for name, ok in checks.items()},
        "failed": failed,
    }
    return JSONResponse(body, status_code=503 if failed else 200)
