"""Callbacks: every status change and incoming message is posted to the account's handler
(a real HTTP server on 127.0.0.1), signed, in order per message, retried until it is taken
(docs/callbacks.md)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from sqlalchemy import func, select, update

from smscd.accounts.tables import accounts
from smscd.callbacks import signing
from smscd.callbacks.relay import CallbackRelay
from smscd.callbacks.tables import callback_attempts, callbacks
from smscd.delivery.connectors.base import Reply
from tests.api import call
from tests.sending import network

DE = network.DELIVERED


@dataclass
class Receiver:
    """An account's handler: records what it is posted; answers ``failures`` 500s first."""

    url: str = ""
    posts: list[tuple[dict[str, str], str]] = field(default_factory=list)
    failures: int = 0


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"])).decode()
            state.posts.append(({k.lower(): v for k, v in self.headers.items()}, body))
            failing = state.failures > 0
            state.failures -= failing
            self.send_response(500 if failing else 204)
            self.end_headers()

        def log_message(self, *args: object) -> None:  # quiet
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/smsc/callback"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def notified(backend, sender, receiver):
    secret = signing.new_secret()
    with backend.engine.begin() as conn:
        conn.execute(
            update(accounts).where(accounts.c.id == sender.id)
            .values(callback_url=receiver.url, callback_secret=secret)
        )  # fmt: skip
    sender.secret = secret
    return sender


def relay(client) -> int:
    found = client.app.state.components["callbacks"]
    assert isinstance(found, CallbackRelay)
    return int(client.portal.call(found.relay_once))


def fields(body: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def test_status_changes_are_posted_signed_and_in_order(client, notified, receiver, clock):
    call(client, notified, "/sys/send.php", phones=DE, mes="Hi", id=77)
    network.deliver(client)  # handed over (0), then delivered (1)
    while relay(client):
        pass
    # The simulated network answers at once: its receipt may be applied before the
    # hand-over is recorded, and then there is no status 0 to report (statuses never go
    # back). What is posted is in the order it happened, and ends delivered.
    statuses = [fields(body)["status"] for _, body in receiver.posts]
    assert statuses in (["0", "1"], ["1"])
    ids = [headers["webhook-id"] for headers, _ in receiver.posts]
    assert ids == sorted(ids, key=lambda i: int(i.removeprefix("cb_")))
    headers, body = receiver.posts[-1]
    assert signing.verify(notified.secret, headers, body)
    assert not signing.verify(signing.new_secret(), headers, body)
    assert fields(body) == {
        "id": "77", "phone": DE, "status": "1", "err": "0", "time": "21.09.2026 17:13:20",
        "ts": str(int(clock.now)), "cnt": "1", "cost": "2.50", "sender": "SMSC.RU",
    }  # fmt: skip


def test_a_failed_post_is_retried_and_holds_back_the_next_notice(
    backend, client, notified, receiver, clock
):
    receiver.failures = 1
    call(client, notified, "/sys/send.php", phones=DE, mes="Hi", id=78)
    network.deliver(client)
    relay(client)  # the first notice: 500
    relay(client)
    [(first, _)] = receiver.posts  # a later notice waits behind it
    clock.now += 6  # the retry is due 5 s (+- 10 %) later
    while relay(client):
        pass
    ids = [headers["webhook-id"] for headers, _ in receiver.posts]
    assert ids[:2] == [first["webhook-id"]] * 2  # the same notice again, then the next
    assert fields(receiver.posts[-1][1])["status"] == "1"
    with backend.engine.connect() as conn:
        states = conn.execute(
            select(callbacks.c.state, func.count()).where(callbacks.c.account_id == notified.id)
            .group_by(callbacks.c.state)
        ).all()  # fmt: skip
        attempts = conn.execute(
            select(callback_attempts.c.http_status)
            .join(callbacks, callbacks.c.id == callback_attempts.c.callback_id)
            .where(callbacks.c.account_id == notified.id).order_by(callback_attempts.c.id)
        ).scalars()  # fmt: skip
        assert dict(states) == {"sent": len(set(ids))}
        assert list(attempts) == [500] + [204] * len(set(ids))


def test_incoming_messages_are_posted(client, notified, receiver, clock):
    reply = Reply(notified.id, "79161234567", "79991110001", "Да, спасибо", int(clock.now) - 2,
                  int(clock.now))  # fmt: skip
    client.portal.call(network.worker(client).replies, [reply])
    while relay(client):
        pass
    [(_, body)] = receiver.posts
    found = fields(body)
    assert (found["phone"], found["mes"], found["to"]) == ("79161234567", "Да, спасибо",
                                                         "79991110001")  # fmt: skip
    assert found["time"] == "21.09.2026 17:13:20"


def test_an_account_without_a_callback_gets_no_notices(backend, client, sender):
    call(client, sender, "/sys/send.php", phones=DE, mes="Hi")
    network.deliver(client)
    with backend.engine.connect() as conn:
        assert conn.execute(
            select(func.count()).where(callbacks.c.account_id == sender.id)
        ).scalar_one() == 0  # fmt: skip
