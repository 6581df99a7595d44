"""The app in-process on an event loop of its own, for tests of limits: any client address
per request, and requests that run at the same time.

Starlette's TestClient gives every request the same peer and runs one request at a time;
limits need both to vary. :class:`LiveApp` runs ``create_app``'s lifespan on a loop in a
thread and sends requests through httpx's ASGI transport from whatever address a test names.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from collections.abc import Coroutine
from contextlib import AsyncExitStack
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx

from smscd.app import create_app
from smscd.settings import Settings

T = TypeVar("T")
TIMEOUT = 30.0  # a bound for a request that hangs: a failure, not a wait

DUPLICATE = "duplicate request, wait a minute"
CONCURRENT = "too many concurrent requests"
BLOCKED = "ip is blocked"
AUTHORISE = "authorise error"

_addresses = itertools.count(1)


def new_address() -> str:
    """An IPv4 address no other test uses."""
    n = next(_addresses)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def new_ipv6_network() -> str:
    """The first four groups of an IPv6 /64 no other test uses (the next /64 neither)."""
    return f"2001:db8:{2 * next(_addresses):x}:0"


def error_text(body: str) -> str | None:
    """The error text of a fmt=3 reply, or None when the reply is not an error."""
    reply = json.loads(body)
    return reply.get("error") if isinstance(reply, dict) else None


class LiveApp:
    def __init__(self, settings: Settings, clock: Any) -> None:
        self.app = create_app(settings, clock=clock)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._stack = AsyncExitStack()

    def __enter__(self) -> LiveApp:
        self._thread.start()
        self.run(self._stack.enter_async_context(self.app.router.lifespan_context(self.app)))
        return self

    def __exit__(self, *_exc: object) -> None:
        try:
            self.run(self._stack.aclose())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(TIMEOUT)
            self.loop.close()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the app's loop and wait for it."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(TIMEOUT)

    async def send(
        self,
        path: str = "/sys/get.php",
        client: str = "127.0.0.1",
        headers: dict[str, str] | None = None,
        **params: Any,
    ) -> str:
        """One GET from ``client`` (on the app's loop); the body, decoded as utf-8.

        ``params`` (fmt=3 and charset=utf-8 unless they say otherwise) make the query string,
        unless ``path`` has one of its own, which is then sent as it is.
        """
        if "?" not in path:
            params.setdefault("charset", "utf-8")
            params.setdefault("fmt", 3)
            path = f"{path}?{urlencode(params)}"
        transport = httpx.ASGITransport(app=self.app, client=(client, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://smscd") as http:
            reply = await http.get(path, headers=headers or {})
        assert reply.status_code == 200
        return reply.content.decode("utf-8")

    def get(self, *args: Any, **kwargs: Any) -> str:
        return self.run(self.send(*args, **kwargs))

    def history(self, account: Any, client: str = "127.0.0.1", **params: Any) -> str:
        """``get_messages`` as ``account`` (login and password; ``psw=`` overrides it)."""
        return self.get(client=client, get_messages=1, **(credentials(account) | params))


def credentials(account: Any) -> dict[str, str]:
    return {"login": account.login, "psw": account.password}
