"""``GET /<code>``: the short URL itself. A 302 to the original link, once the click is
committed; 404 for a code nobody has.

Decisions [ours] (docs/links.md): ``HEAD`` answers the same redirect without counting a
click (link previews and crawlers probe with it). The redirect is not cacheable, so that
every click reaches the server. If the click cannot be committed, the answer is 503 and no
redirect: every 302 sent is a click counted.
"""

from __future__ import annotations

import logging
import time

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from smscd.http.endpoint import Running
from smscd.links import urls
from smscd.links.service import LinkService

log = logging.getLogger("smscd.links")


def not_found() -> Response:
    return PlainTextResponse("link not found", status_code=404)


class Redirects:
    """The ASGI endpoint of ``/{code}``, bound to the app's running services."""

    def __init__(self, running: Running) -> None:
        self._running = running

    async def follow(self, request: Request) -> Response:
        services = self._running.services
        if services is None:
            return PlainTextResponse("service unavailable", status_code=503)
        code = request.path_params["code"]
        if not urls.CODE.fullmatch(code):
            return not_found()
        try:
            links = services.of(LinkService)
            target = await links.target(code, time.monotonic())
            if target is None:
                return not_found()
            if request.method == "GET":
                await links.click(target)
        except Exception:
            log.exception("short link %s could not be followed", code)
            return PlainTextResponse("service unavailable", status_code=503)
        return Response(
            status_code=302, headers={"location": target.location, "cache-control": "no-store"}
        )
