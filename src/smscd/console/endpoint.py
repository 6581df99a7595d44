"""The console's routes, mounted at ``/console`` by the app, and the security headers every
console response carries (docs/console.md, "Security")."""

from __future__ import annotations

from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.routing import BaseRoute, Mount, Route, Router
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from smscd.console.account import AccountPages
from smscd.console.bulk import BulkSend
from smscd.console.operator.endpoint import router as operator_router
from smscd.console.operator.pages import ConnectorsHealth
from smscd.console.pages import Console
from smscd.http.endpoint import Running

STATIC = Path(__file__).parent / "static"

# No inline script or style anywhere: scripts and styles come only from /console/static.
HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


class SecurityHeaders:
    """Adds :data:`HEADERS` to every response of ``app``; pages are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        static = scope.get("path", "").startswith("/console/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if not static:
                    headers["cache-control"] = "no-store"
            await send(message)

        await self._app(scope, receive, with_headers)


def mount(running: Running, connectors: ConnectorsHealth = dict) -> Mount:
    console = Console(running)
    mine = AccountPages(console)
    bulk = BulkSend(console)
    return Mount(
        "/console",
        app=SecurityHeaders(
            _router(
                [
                    Route("/login", console.login_form, methods=["GET"]),
                    Route("/login", console.login, methods=["POST"]),
                    Route("/logout", console.logout, methods=["POST"]),
                    Route("/history", console.history, methods=["GET"]),
                    Route("/history/{int_id:int}", console.message, methods=["GET"]),
                    Route("/stats", console.stats, methods=["GET"]),
                    Route("/incoming", console.incoming, methods=["GET"]),
                    Route("/send", console.send_form, methods=["GET"]),
                    Route("/send", console.send, methods=["POST"]),
                    Route("/send/status", console.send_status, methods=["GET"]),
                    Route("/send/csv", bulk.upload, methods=["POST"]),
                    Route("/send/list", bulk.send_list, methods=["POST"]),
                    Route("/tariffs", mine.tariffs, methods=["GET"]),
                    Route("/links", mine.links, methods=["GET"]),
                    Route("/links", mine.add_link, methods=["POST"]),
                    Route("/senders", mine.senders, methods=["GET"]),
                    Route("/senders", mine.add_sender, methods=["POST"]),
                    Route("/senders/remove", mine.remove_sender, methods=["POST"]),
                    Route("/keys", mine.keys, methods=["GET"]),
                    Route("/keys", mine.create_key, methods=["POST"]),
                    Route("/keys/revoke", mine.revoke_key, methods=["POST"]),
                    Route("/settings", mine.settings, methods=["GET"]),
                    Route("/settings", mine.save_settings, methods=["POST"]),
                    Route("/settings/callback", mine.save_callback, methods=["POST"]),
                    Route("/", console.login_form, methods=["GET"]),
                    Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
                    # The operator's pages (console/operator/; docs/console.md).
                    Mount("/operator", app=operator_router(running, connectors)),
                ]
            )
        ),
    )


def _router(routes: list[BaseRoute]) -> Router:
    router = Router(routes=routes)
    router.redirect_slashes = False
    return router
