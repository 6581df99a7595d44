"""The HTTP provider connector against a real HTTP server (tests/delivery/provider_peer.py
on 127.0.0.1): what it posts, and what each answer does to the message (docs/carriers.md,
"HTTP providers"): 2xx with an id submitted, a 4xx refusal fails it with the mapped err
and refunds it, 5xx and no answer in time are retried with backoff, 429 and a provider
that is down cost no attempt."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from smscd.delivery.connectors.base import Result
from smscd.delivery.connectors.provider import KNOWN_ERRS, answer
from smscd.delivery.tables import delivery_attempts
from smscd.history.tables import messages
from tests.api import call, call_json
from tests.billing.helpers import balances
from tests.delivery import provider_peer
from tests.delivery.provider_peer import PHONE, add_connector, remove_connector
from tests.sending import conftest as sending
from tests.sending import network
from tests.sending.conftest import PART, START_BALANCE

sender = sending.sender
simulated = sending.simulated
provider = provider_peer.provider
http_connector = provider_peer.http_connector

SEND = "/sys/send.php"
STATUS = "/sys/status.php"


def row(backend: Any, account: Any, phone: str = PHONE) -> Any:
    with backend.engine.connect() as conn:
        return conn.execute(
            select(messages.c.state, messages.c.status, messages.c.err, messages.c.attempt,
                   messages.c.run_at, messages.c.connector, messages.c.int_id,
                   messages.c.peer_id)
            .where(messages.c.account_id == account.id, messages.c.phone == phone)
        ).one()._mapping  # fmt: skip


def outcomes(backend: Any, int_id: int) -> list[str]:
    with backend.engine.connect() as conn:
        return list(conn.execute(
            select(delivery_attempts.c.outcome).where(delivery_attempts.c.int_id == int_id)
            .order_by(delivery_attempts.c.id)
        ).scalars())  # fmt: skip


def status(client: Any, account: Any, id_: int = 1) -> Any:
    return call_json(client, account, path=STATUS, phone=PHONE, id=id_)


def test_a_message_is_posted_as_documented_and_submitted_with_the_providers_id(
    backend, client, sender, clock, provider, http_connector
):
    reply = call(client, sender, SEND, phones=PHONE, mes="Привет, мир", sender="Shop", valid=2)
    assert reply.startswith("OK - 1 SMS, ID - 1")
    stored = row(backend, sender)
    assert stored["connector"] == http_connector.name
    network.deliver(client)  # other tests' messages may be due on the shared app too
    [post] = provider.posts
    int_id = stored["int_id"]
    assert post.headers["authorization"] == "Bearer tok-123"
    assert post.headers["idempotency-key"] == str(int_id)
    assert post.headers["content-type"] == "application/json"
    assert post.body == {"id": str(int_id), "to": PHONE, "from": "Shop", "text": "Привет, мир",
                         "format": 0, "valid_until": int(clock.now) + 2 * 3600}  # fmt: skip
    submitted = row(backend, sender)
    assert (submitted["state"], submitted["status"], submitted["peer_id"]) == (
        "submitted", 0, f"p-{int_id}")  # fmt: skip
    assert status(client, sender)["status"] == 0
    assert outcomes(backend, int_id) == ["accepted"]


@pytest.mark.parametrize(
    ("code", "body", "err"),
    [
        (422, {"err": 1}, 1),  # a known err is kept
        (410, {"err": 77}, 255),  # an unknown one is 255
        (400, {"err": 249}, 249),  # malformed: never retried
        (409, None, 255),  # no body
    ],
)
def test_a_refusal_fails_the_message_with_the_mapped_err_and_refunds_it(
    backend, client, sender, provider, http_connector, code, body, err
):
    provider.answer(code, body)
    call(client, sender, SEND, phones=PHONE, mes="Hi")
    network.deliver(client)
    found = status(client, sender)
    assert (found["status"], found["err"]) == (20, err)
    assert balances(backend.engine, sender.id)[1] == START_BALANCE
    network.deliver(client)
    assert len(provider.posts) == 1  # never sent again


@pytest.mark.parametrize("code", [500, 502, 503, 408, 302])
def test_a_server_error_is_retried_with_backoff_then_delivered_once(
    backend, client, sender, clock, provider, http_connector, code
):
    provider.answer(code, {"error": "busy"})
    call(client, sender, SEND, phones=PHONE, mes="Hi")
    network.deliver(client)
    first = row(backend, sender)
    assert (first["state"], first["attempt"], first["status"]) == ("queued", 1, -1)
    assert first["run_at"] > clock.now
    network.deliver(client)
    assert len(provider.posts) == 1  # not before its time
    clock.now = first["run_at"]
    network.deliver(client)
    assert len(provider.posts) == 2
    assert provider.posts[0].headers["idempotency-key"] == provider.posts[1].headers[
        "idempotency-key"]  # fmt: skip
    assert row(backend, sender)["state"] == "submitted"
    assert outcomes(backend, first["int_id"]) == ["temporary", "accepted"]
    assert balances(backend.engine, sender.id)[1] == START_BALANCE - PART


def test_no_answer_in_time_is_retried_with_an_attempt_spent(
    backend, client, sender, clock, provider
):
    connector = add_connector(backend, client, provider.url, timeout=0.5)
    try:
        provider.answer(0)  # holds the request: the connector's timeout ends it
        call(client, sender, SEND, phones=PHONE, mes="Hi")
        network.deliver(client)
        first = row(backend, sender)
        assert (first["state"], first["attempt"]) == ("queued", 1)
        assert outcomes(backend, first["int_id"]) == ["temporary"]
        clock.now = first["run_at"]
        network.deliver(client)
        assert row(backend, sender)["state"] == "submitted"
    finally:
        remove_connector(backend, client, connector.name)


def test_throttling_costs_no_attempt(backend, client, sender, clock, provider, http_connector):
    provider.answer(429)
    call(client, sender, SEND, phones=PHONE, mes="Hi")
    network.deliver(client)
    first = row(backend, sender)
    assert (first["state"], first["attempt"]) == ("queued", 0)
    clock.now = first["run_at"]
    network.deliver(client)
    assert row(backend, sender)["state"] == "submitted"
    assert outcomes(backend, first["int_id"]) == ["throttled", "accepted"]


def test_a_provider_that_is_down_costs_no_attempt_and_loses_nothing(
    backend, client, sender, clock, provider
):
    # Nothing listens on this port: connection refused.
    closed = add_connector(backend, client, "http://127.0.0.1:9/messages")
    try:
        call(client, sender, SEND, phones=PHONE, mes="Hi")
        network.deliver(client)
        waiting = row(backend, sender)
        assert (waiting["state"], waiting["attempt"], waiting["status"]) == ("queued", 0, -1)
        connector = network.worker(client).connectors[closed.name]
        assert connector.capacity() == 0  # it rests: nothing is claimed for it
        assert connector.health()["bound"] is False
        assert outcomes(backend, waiting["int_id"]) == ["link_down"]
    finally:
        remove_connector(backend, client, closed.name)


@pytest.mark.parametrize("code", [401, 403, 404])
def test_a_refused_login_or_a_wrong_url_costs_no_attempt(
    backend, client, sender, provider, http_connector, code
):
    provider.answer(code)
    call(client, sender, SEND, phones=PHONE, mes="Hi")
    network.deliver(client)
    waiting = row(backend, sender)
    assert (waiting["state"], waiting["attempt"]) == ("queued", 0)
    assert network.worker(client).connectors[http_connector.name].capacity() == 0


def test_an_answer_without_an_id_is_retried(backend, client, sender, provider, http_connector):
    provider.answer(200, {"ok": True})
    call(client, sender, SEND, phones=PHONE, mes="Hi")
    network.deliver(client)
    assert row(backend, sender)["attempt"] == 1
    assert row(backend, sender)["state"] == "queued"


BODIES = st.one_of(
    st.binary(max_size=64),
    st.dictionaries(st.sampled_from(["id", "err", "x"]), st.integers() | st.text(max_size=80)).map(
        lambda found: json.dumps(found).encode()
    ),
)


@given(st.integers(100, 599), BODIES)
def test_every_answer_has_a_meaning(code, raw):
    found = answer(code, raw)
    assert found.result in set(Result)
    if found.result in (Result.REJECTED, Result.MALFORMED):
        assert found.err in KNOWN_ERRS and found.err != 0
    if found.result == Result.ACCEPTED:
        assert 0 < len(found.peer_id) <= 64
