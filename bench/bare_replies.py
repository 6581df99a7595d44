"""The smallest ASGI app that answers the history mix with smscd's own replies: for the
ceiling of bench/history_rounds.py (the most any server can reach on this machine).

``create()`` reads the replies recorded from smscd (a JSON file named by
``SMSCD_BENCH_REPLIES``: path with its query -> [content type, body as latin-1]) and
answers each request with its recorded body, the same bytes and headers, with no work of
its own: no parsing, no authentication, no database. ``/healthz`` answers 200. Served by
granian with smscd's workers and interface, it is the HTTP stack's cost (granian, the
kernel's loopback, wrk itself) alone, on the same two cores.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable
from typing import Any

Scope = dict[str, Any]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]
VARIABLE = "SMSCD_BENCH_REPLIES"


def create() -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    with open(os.environ[VARIABLE], encoding="utf-8") as file:
        recorded = json.load(file)
    replies = {
        path.encode(): (
            [(b"content-type", kind.encode()), (b"content-length", str(len(body)).encode())],
            body.encode("latin-1"),
        )
        for path, (kind, body) in recorded.items()
    }
    healthz = ([(b"content-type", b"text/plain"), (b"content-length", b"2")], b"ok")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan: nothing to open
            message = await receive()
            while message["type"] != "lifespan.shutdown":
                await send({"type": message["type"] + ".complete"})
                message = await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        query = scope["query_string"]
        path = scope["raw_path"] + (b"?" + query if query else b"")
        headers, body = replies.get(path, healthz)
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app
