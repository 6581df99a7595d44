"""One ``/sys/<name>.php`` route: parameters → address check → authentication → limits →
handler → reply.

Which handler runs is chosen by the flag parameter the request sets (``get_messages=1``,
``get_answers=1``, ...). Every failure becomes the documented error in the requested format
and charset, with HTTP 200 (compat.md, "Transport"): never a 500, never a traceback. Any
HTTP method is answered; only POST has its body read (as PHP does) **[ours]**.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from smscd import metrics
from smscd.errors import (
    ApiError,
    AuthorisationError,
    DuplicateRequestError,
    IpBlockedError,
    ParametersError,
    ServiceUnavailableError,
    TooManyConcurrentError,
)
from smscd.http import charsets, params, replies
from smscd.http.context import ApiRequest, Handler, Reply, Services
from smscd.http.contract import Parameter
from smscd.http.observe import Outcome, api_result, outcome_of
from smscd.http.params import Pairs, Params
from smscd.limits.guard import Admission
from smscd.limits.policy import Window

log = logging.getLogger("smscd.http")

# Which limit refused a request, by the error the limits raise (limits/guard.py).
REFUSED_BY: Mapping[type[ApiError], str] = {
    IpBlockedError: "ip_block",
    TooManyConcurrentError: "in_flight",
    DuplicateRequestError: "window",
}


async def body_pairs(request: Request, max_body_bytes: int, max_pairs: int) -> Pairs:
    """The pairs of a POST body (urlencoded or multipart); error 1 past ``max_body_bytes`` or
    ``max_pairs``, or when the body ends before it is whole."""
    pairs: Pairs = []
    if request.method != "POST":
        return pairs
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > max_body_bytes):
        raise ParametersError("body too large")
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_body_bytes:
                raise ParametersError("body too large")
    except ClientDisconnect:
        # The client hung up mid-body, or sent a malformed chunked body: the HTTP server
        # reports both the same way. Nothing unexpected, so no traceback: error 1, which a
        # client that is gone never reads. The request's log line says so (http/observe.py).
        outcome_of(request.scope).detail = "the request body ended before it was whole"
        log.debug("%s: the request body ended before it was whole", request.url.path)
        raise ParametersError("body ended early") from None
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "multipart/form-data":
        pairs += params.multipart_pairs(bytes(body), content_type, max_pairs)
    elif body:
        pairs += params.urlencoded_pairs(bytes(body), max_pairs)
    return pairs


@dataclass(slots=True)
class Answering:
    """The format and charset a reply is written in, as far as the request has said them:
    fmt 0 and windows-1251 until it names others; an unknown fmt is written as 0 and an
    unknown charset as windows-1251 (docs/api.md)."""

    fmt: int = 0
    charset: charsets.Charset = charsets.DEFAULT

    def follow(self, pairs: Pairs) -> None:
        self.fmt = params.fmt_of(pairs) or 0
        self.charset = params.charset_of(pairs) or charsets.DEFAULT

    def reply(self, body: str) -> Response:
        return Response(
            replies.encode(body, self.fmt, self.charset),
            headers={"content-type": replies.content_type(self.fmt, self.charset)},
        )

    def error(self, error: ApiError) -> Response:
        return self.reply(replies.render_error(error, self.fmt))


async def read_params(
    request: Request, services: Services, address: str | None, now: float, answering: Answering
) -> Params:
    """The request's parameters, query and body merged; ``answering`` follows the fmt and
    charset they ask for as soon as each part is read. A blocked ``address`` is refused
    (error 4) before any byte of the body is read: a body costs work to read, even
    bounded, and the block is what stops a client that spends it (docs/protection.md)."""
    # The query alone first: an error in reading the body is then already written in the
    # format and charset the query asks for.
    limit = services.settings.max_params
    query = request.scope.get("query_string", b"")
    pairs = params.urlencoded_pairs(query, limit)
    answering.follow(pairs)
    if len(query) > services.settings.max_query_bytes:
        raise ParametersError("query string too long")
    await services.guard.check_address(address, now)
    pairs += await body_pairs(request, services.max_body_bytes, limit - len(pairs))
    answering.follow(pairs)
    # docs/api.md: only the fmt and charset that win are judged.
    charset = params.charset_of(pairs)
    if charset is None or params.fmt_of(pairs) is None:
        raise ParametersError("unknown fmt or charset")
    return Params(params.decode(pairs, charset), answering.fmt, charset)


@dataclass(frozen=True, slots=True)
class Action:
    """What a request asks an endpoint to do: chosen by ``flag``; ``name`` is what the
    limits and the logs know it by; ``windows`` are the rate limits it counts against
    (limits/policy.py; the in-flight cap applies to every action). ``summary``,
    ``parameters`` and ``reply`` (the JSON Schema of its fmt=3 reply) are what the
    published API description says of it."""

    flag: str  # '' for a path's only action, or its last: taken when no flag chose another
    name: str
    handler: Handler
    summary: str
    parameters: tuple[Parameter, ...] = ()
    reply: Mapping[str, Any] = field(default_factory=dict)
    windows: tuple[Window, ...] = ()
    # Chooses the action by its parameters' shape where there is no flag (status.php's
    # list form); checked before the flag.
    when: Callable[[Params], bool] | None = None

    def chosen_by(self, params: Params) -> bool:
        if self.when is not None:
            return self.when(params)
        return not self.flag or params.flag(self.flag)


class Running:
    """The services of a started app: None before the lifespan opens them and after."""

    services: Services | None = None


class Endpoint:
    """The ASGI app of one ``/sys/*.php`` path.

    An ASGI app rather than a request function, so that Starlette's route passes it every
    method (a function route answers other methods with 405 itself).
    """

    def __init__(self, running: Running, actions: Sequence[Action]) -> None:
        self._running = running
        self._actions = tuple(actions)
        # What makes two requests of an action identical for the limits: its flag, fmt and
        # its declared parameters. Not the credentials or charset (compat.md), and not
        # names the action does not read, which would make every request a new one.
        self._compared = {
            action.name: frozenset(
                {action.flag, "fmt", *(p.name for p in action.parameters)} - {""}
            )
            for action in self._actions
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.respond(Request(scope, receive))
        await response(scope, receive, send)

    async def respond(self, request: Request) -> Response:
        answering = Answering()
        outcome = outcome_of(request.scope)
        outcome.action = self.unknown
        services = self._running.services
        try:
            if services is None:
                raise ServiceUnavailableError("not started")
            now = services.clock()
            address = outcome.client = services.addresses.of(request.scope)
            parsed = await read_params(request, services, address, now, answering)
            reply = await self._handle(services, parsed, address, now, outcome)
            outcome.result = "ok"
            return answering.reply(replies.render(reply, answering.fmt))
        except ApiError as error:
            outcome.result = api_result(error.code)
            refused_by = REFUSED_BY.get(type(error))
            if refused_by is not None and services is not None and services.settings.metrics:
                metrics.LIMIT_REFUSALS.labels(refused_by, outcome.action).inc()
            return answering.error(error)
        except Exception:
            log.exception("unexpected failure on %s", request.url.path)
            outcome.result = api_result(ServiceUnavailableError.code)
            return answering.error(ServiceUnavailableError())

    # The action a request is counted under before its parameters name one.
    unknown = "unknown"

    async def _handle(
        self, services: Services, parsed: Params, address: str | None, now: float,
        outcome: Outcome,
    ) -> Reply:  # fmt: skip
        guard = services.guard
        values = parsed.values
        # Chosen now for the log and the metrics; refused only after authentication, so that
        # an unauthenticated request learns nothing of the flags (error 2 first).
        action = next((action for action in self._actions if action.chosen_by(parsed)), None)
        if action is not None:
            outcome.action = action.name
        outcome.login = values.get("login", "")
        try:
            account = await services.authenticator.authenticate(
                values.get("login", ""), values.get("psw", ""), values.get("apikey", ""), address
            )
        except AuthorisationError:
            if services.settings.metrics:
                metrics.AUTH_FAILURES.labels(outcome.action).inc()
            await guard.failed(address, now)  # error 4 instead when the address is blocked
            raise
        outcome.login = account.login
        if action is None:
            raise ParametersError("no known action flag")
        names = self._compared[action.name]
        compared = {name: value for name, value in parsed.values.items() if name in names}
        admission = Admission(account.id, account.rate_limits, action.name, action.windows,
                              compared)  # fmt: skip
        slot = await guard.admit(admission, address, now)
        try:
            return await action.handler(ApiRequest(parsed, account, services.db, now, services))
        finally:
            await guard.release(slot)


class Unserved(Endpoint):
    """A ``/sys/<name>.php`` that smscd does not serve (compat.md, "Transport" [ours]): error 1
    in the requested format and charset, HTTP 200, since client libraries read a 404 body as
    data. Its parameters are read (that is where fmt and charset are), nobody is
    authenticated."""

    unknown = "unserved"

    def __init__(self, running: Running) -> None:
        super().__init__(running, ())

    async def _handle(
        self, services: Services, parsed: Params, address: str | None, now: float,
        outcome: Outcome,
    ) -> Reply:  # fmt: skip
        raise ParametersError("a path smscd does not serve")
