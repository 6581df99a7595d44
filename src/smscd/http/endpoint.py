"""One ``/sys/<name>.php`` route: parameters → authentication → handler → reply.

Which handler runs is chosen by the flag parameter the request sets (``get_messages=1``,
``get_answers=1``, ...). Every failure becomes the documented error in the requested format
and charset, with HTTP 200 (compat.md, "Transport"): never a 500, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response

from smscd.errors import ApiError, ParametersError, ServiceUnavailableError
from smscd.http import charsets, params, replies
from smscd.http.context import ApiRequest, Handler, Reply, Services
from smscd.http.params import Pairs, Params

log = logging.getLogger("smscd.http")


async def body_pairs(request: Request, max_body_bytes: int) -> Pairs:
    """The pairs of a POST body (urlencoded or multipart); error 1 past ``max_body_bytes``."""
    pairs: Pairs = []
    if request.method != "POST":
        return pairs
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > max_body_bytes):
        raise ParametersError("body too large")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_body_bytes:
            raise ParametersError("body too large")
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "multipart/form-data":
        pairs += params.multipart_pairs(bytes(body), content_type)
    elif body:
        pairs += params.urlencoded_pairs(bytes(body))
    return pairs


def _reply(body: str, fmt: int, charset: charsets.Charset) -> Response:
    return Response(
        replies.encode(body, fmt, charset),
        headers={"content-type": replies.content_type(fmt, charset)},
    )


class Running:
    """The services of a started app: None before the lifespan opens them and after."""

    services: Services | None = None


class Endpoint:
    """The ASGI endpoint of one ``/sys/*.php`` path."""

    def __init__(self, running: Running, handlers: Mapping[str, Handler]) -> None:
        self._running = running
        self._handlers = handlers

    async def respond(self, request: Request) -> Response:
        fmt, charset = 0, charsets.DEFAULT
        try:
            services = self._running.services
            if services is None:
                raise ServiceUnavailableError("not started")
            # The query alone first: an error in reading the body is then already written
            # in the format and charset the query asks for.
            pairs = params.urlencoded_pairs(request.scope.get("query_string", b""))
            fmt = params.fmt_of(pairs) or 0
            charset = params.charset_of(pairs) or charsets.DEFAULT
            pairs += await body_pairs(request, services.max_body_bytes)
            fmt = params.fmt_of(pairs) or 0
            found_charset = params.charset_of(pairs)
            if found_charset is None or params.fmt_of(pairs) is None:
                raise ParametersError("unknown fmt or charset")
            charset = found_charset
            parsed = Params(params.decode(pairs, charset), fmt, charset)
            reply = await self._handle(services, parsed, request)
            return _reply(replies.render(reply, fmt), fmt, charset)
        except ApiError as error:
            return _reply(replies.render_error(error, fmt), fmt, charset)
        except Exception:
            log.exception("unexpected failure on %s", request.url.path)
            return _reply(replies.render_error(ServiceUnavailableError(), fmt), fmt, charset)

    async def _handle(self, services: Services, parsed: Params, request: Request) -> Reply:
        client_ip = request.client.host if request.client else None
        account = await services.authenticator.authenticate(parsed, client_ip)
        handler = next(
            (handler for flag, handler in self._handlers.items() if parsed.flag(flag)), None
        )
        if handler is None:
            raise ParametersError("no known action flag")
        return await handler(ApiRequest(parsed, account, services.db, services.clock(), services))
