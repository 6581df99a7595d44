"""The operator pages' routes, mounted at ``/console/operator`` inside the console (so the
console's security headers apply)."""

from __future__ import annotations

from starlette.routing import Route, Router

from smscd.console.operator.pages import ConnectorsHealth, OperatorPages
from smscd.http.endpoint import Running


def router(running: Running, connectors: ConnectorsHealth) -> Router:
    pages = OperatorPages(running, connectors)
    found = Router(
        routes=[
            Route("/login", pages.login_form, methods=["GET"]),
            Route("/login", pages.login, methods=["POST"]),
            Route("/logout", pages.logout, methods=["POST"]),
            Route("/", pages.home, methods=["GET"]),
            Route("/accounts", pages.accounts, methods=["GET"]),
            Route("/account", pages.account, methods=["GET"]),
            Route("/account/topup", pages.topup, methods=["POST"]),
            Route("/account/credit", pages.credit, methods=["POST"]),
            Route("/tariffs", pages.tariffs, methods=["GET"]),
            Route("/tariffs/import", pages.tariffs_import, methods=["POST"]),
            Route("/connectors", pages.connectors, methods=["GET"]),
            Route("/queue", pages.queue, methods=["GET"]),
            Route("/blocks", pages.blocks, methods=["GET"]),
            Route("/blocks/unblock", pages.unblock, methods=["POST"]),
        ]
    )
    found.redirect_slashes = False
    return found
