"""An HTTP provider for the tests: a real HTTP server on 127.0.0.1 (the standard library's
``ThreadingHTTPServer``, in a thread) that records what smscd posts to it and answers
what the test scripts; and the ``http`` connector pointed at it, routed for the numbers of
:data:`PREFIX`, with its intake secret."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select
from starlette.routing import Route
from starlette.testclient import TestClient

from smscd.delivery import routing
from smscd.delivery.connectors import registry
from smscd.delivery.connectors import secrets as stored_secrets
from smscd.delivery.intake import Intake, IntakeEndpoint
from smscd.delivery.tables import routes
from tests.sending import network

PREFIX = "7999555"  # numbers the provider's route carries (valid Russian mobiles)
PHONE = "79995550001"
TOKEN_VARIABLE = "SMSCD_TEST_PROVIDER_TOKEN"


@dataclass
class Post:
    headers: dict[str, str]
    body: Any  # the JSON it carried


@dataclass
class Answer:
    status: int
    body: bytes = b""


@dataclass
class Provider:
    """What the provider received, and what it answers next (first first; when none is
    scripted: 200 with the id ``p-<our id>``). An answer of status 0 holds the request
    until the test ends (no answer in time)."""

    url: str = ""
    posts: list[Post] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    # Called with each post before it is answered (a receipt sent before the answer).
    before_answer: Callable[[Post], None] | None = None
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, status: int, body: Any = None) -> None:
        raw = b"" if body is None else json.dumps(body).encode()
        self.answers.append(Answer(status, raw))


@pytest.fixture
def provider() -> Iterator[Provider]:
    with provider_server() as state:
        yield state


@contextmanager
def provider_server() -> Iterator[Provider]:
    """The provider, serving until the block ends."""
    state = Provider()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            post = Post({k.lower(): v for k, v in self.headers.items()}, body)
            with state.lock:
                state.posts.append(post)
                scripted = state.answers.pop(0) if state.answers else None
            if state.before_answer is not None:
                state.before_answer(post)
            answer = scripted or Answer(200, json.dumps({"id": f"p-{body['id']}"}).encode())
            if answer.status == 0:
                state.released.wait(timeout=60)  # the client gave up long before
                return
            self.send_response(answer.status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, *args: object) -> None:  # quiet
            return None

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            return None  # a client that gave up (the timeout test): nothing to report

    server = Server(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/messages"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    state.released.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@dataclass
class Connector:
    name: str
    secret: str  # the intake secret the provider presents


def add_connector(backend: Any, client: TestClient, url: str, prefix: str = PREFIX,
                  **settings: Any) -> Connector:  # fmt: skip
    """An ``http`` connector to ``url``, first in the routing table for ``prefix``."""
    name = f"prov-{secrets.token_hex(3)}"
    secret = stored_secrets.new_secret()
    salt, digest = stored_secrets.hashed(secret)
    config = {"url": url, "timeout": 5, "salt": salt, "digest": digest, **settings}
    with backend.engine.begin() as conn:
        registry.add(conn, name, "http", json.dumps(config))
        routing.add_route(conn, name, prefix=prefix, position=1)
    intake_of(client).forget()
    return Connector(name, secret)


def remove_connector(backend: Any, client: TestClient, name: str) -> None:
    with backend.engine.begin() as conn:
        for (position,) in conn.execute(
            select(routes.c.position).where(routes.c.connector == name)
        ):
            routing.remove_route(conn, position)
        registry.remove(conn, name)
    assert client.portal is not None
    client.portal.call(network.worker(client).refresh_connectors)
    intake_of(client).forget()


def intake_of(client: TestClient) -> Intake:
    for route in client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Route) and isinstance(route.app, IntakeEndpoint):
            found = route.app.intake
            assert found is not None
            return found
    raise AssertionError("no intake route")


@pytest.fixture
def http_connector(
    backend: Any, client: TestClient, provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Connector]:
    """An http connector to the test's provider, with the token ``tok-123`` (from the
    environment) on our posts; removed after."""
    monkeypatch.setenv(TOKEN_VARIABLE, "tok-123")
    connector = add_connector(backend, client, provider.url, token=f"env:{TOKEN_VARIABLE}")
    yield connector
    remove_connector(backend, client, connector.name)


def post_intake(client: TestClient, name: str, secret: str | None, body: Any = None,
                content: bytes | None = None, **headers: str) -> Any:  # fmt: skip
    """POST to the intake of ``name`` with ``secret`` as the Bearer (None: no header)."""
    if secret is not None:
        headers.setdefault("authorization", f"Bearer {secret}")
    if content is None:
        content = json.dumps(body).encode()
        headers.setdefault("content-type", "application/json")
    return client.post(f"/intake/{name}", content=content, headers=headers)
