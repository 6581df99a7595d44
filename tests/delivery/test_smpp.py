"""The SMPP connector against a real SMSC the test starts (the npm package ``smpp``,
smpp_peer/peer.js), through the real ``smscd serve``: send.php -> submit_sm -> receipt
-> status.php; long messages, receipts before responses, throttling, errors, a dropped
link mid-burst, incoming multipart messages to an owned number. On both databases."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from smscd.accounts.service import NewAccount, create_account
from smscd.db import migrate
from smscd.db.engine import sync_engine
from smscd.delivery import routing
from smscd.delivery.connectors import registry
from smscd.incoming import numbers
from smscd.sending import senders
from tests.billing.helpers import add_payment
from tests.conftest import TEST_PASSWORDS, postgres_database
from tests.delivery.peer import Peer, wait_for
from tests.sending.test_crash import Server, start
from tests.servers import free_port

NUMBER = "79991110001"  # the account's own number (incoming messages)
LOGIN, PASSWORD = "smpp", "smpp-pw"
ENV = {
    "SMSCD_TEST_SMPP_PASSWORD": "peer-pw",
    "SMSCD_RETRY_BASE_SECONDS": "1",
    "SMSCD_DELIVERY_POLL_SECONDS": "0.2",
}


def config(peer: Peer, **changes: Any) -> str:
    return json.dumps({"host": "127.0.0.1", "port": peer.port, "system_id": "smscd",
                       "password": "env:SMSCD_TEST_SMPP_PASSWORD", "window": 10, "tps": 500,
                       "binds": 1, "reconnect_max": 1, **changes})  # fmt: skip


def prepare(backend: Any, tmp_path: Any, peer: Peer, **changes: Any) -> Iterator[str]:
    urls: Iterator[str] = (
        iter([f"sqlite:///{tmp_path / 'smpp.db'}"]) if backend.name == "sqlite"
        else postgres_database()
    )  # fmt: skip
    url = next(urls)
    engine = sync_engine(url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        account_id = create_account(conn, NewAccount(LOGIN, PASSWORD), TEST_PASSWORDS)
        senders.add(conn, account_id, "SMSC.RU", make_default=True)
        numbers.add(conn, account_id, NUMBER)
        registry.add(conn, "up", "smpp", config(peer, **changes))
        routing.add_route(conn, "up")
    add_payment(engine, account_id, 10**9, int(time.time()) - 60)
    engine.dispose()
    yield url
    for _ in urls:
        pass


@pytest.fixture
def server(backend, tmp_path, peer, request) -> Iterator[str]:
    changes = getattr(request, "param", {})
    for url in prepare(backend, tmp_path, peer, **changes):
        running: Server = start(url, port := free_port(), tmp_path, ENV)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            running.end(signal.SIGTERM)
            print(*running.output, sep="")  # shown when the test fails


def api(base: str, path: str, **params: Any) -> Any:
    reply = httpx.get(f"{base}/sys/{path}", params={"login": LOGIN, "psw": PASSWORD, "fmt": 3,
                                                     "charset": "utf-8", **params},
                      timeout=30)  # fmt: skip
    return reply.json()


def send(base: str, phones: str, mes: str, id_: int, **more: Any) -> Any:
    found = api(base, "send.php", phones=phones, mes=mes, id=id_, **more)
    assert "error" not in found, found
    return found


def status(base: str, phone: str, id_: int) -> tuple[int, int]:
    found = api(base, "status.php", phone=phone, id=id_)
    return int(found["status"]), int(found.get("err", 0))


def bound(peer: Peer, binds: int = 1) -> None:
    wait_for(lambda: peer.stats()["binds"] >= binds, "the connector to bind")


def burst(server: str, peer: Peer, prefix: str, count: int, mes: str,
          id_: int) -> tuple[list[str], dict[str, Any]]:  # fmt: skip
    """``count`` numbers in one send, each waited for until delivered; the numbers and
    what the peer counted."""
    phones = [f"{prefix}{n:04d}" for n in range(count)]
    send(server, ",".join(phones), mes, id_)
    for phone in phones:
        wait_for(lambda phone=phone: status(server, phone, id_)[0] == 1, "delivered")
    return phones, peer.stats()


def test_a_message_is_delivered_by_its_receipt(server, peer):
    bound(peer)
    send(server, "79161234567", "Hello", 1)
    wait_for(lambda: status(server, "79161234567", 1) == (1, 0), "status 1")
    [sub] = peer.stats()["received"]
    assert (sub["to"], sub["from"], sub["ton"], sub["npi"]) == ("79161234567", "SMSC.RU", 5, 0)
    assert (sub["dc"], sub["registered"], sub["text"]) == (0, 1, "Hello")
    assert sub["validity"]  # from the message's validity


@pytest.mark.parametrize(
    ("text", "coding", "parts"),
    [("Long GSM text with € and [brackets] " * 12, 0, 4), ("Длинное сообщение " * 12, 8, 4)],
)
def test_long_messages_go_in_parts_and_are_delivered_when_all_are(server, peer, text, coding,
                                                                   parts):  # fmt: skip
    bound(peer)
    send(server, "79161234567", text, 2)
    wait_for(lambda: status(server, "79161234567", 2) == (1, 0), "status 1")
    received = peer.stats()["received"]
    assert len(received) == parts
    assert {s["dc"] for s in received} == {coding}
    assert all(s["esm"] & 0x40 for s in received)
    headers = [bytes.fromhex(s["udh"][0]) for s in received]
    assert sorted(h[-1] for h in headers) == list(range(1, parts + 1))
    assert len({h[2] for h in headers}) == 1 and {h[3] for h in headers} == {parts}
    ordered = sorted(received, key=lambda s: bytes.fromhex(s["udh"][0])[-1])
    assert "".join(s["text"] for s in ordered) == text


def test_a_receipt_before_the_response_still_delivers(server, peer):
    bound(peer)
    peer.mode(receipts="before")
    for n in range(5):
        send(server, f"7916123456{n}", "Early", 10 + n)
    for n in range(5):
        wait_for(lambda n=n: status(server, f"7916123456{n}", 10 + n) == (1, 0), "status 1")


def test_receipts_before_the_responses_deliver_a_long_message_once_all_parts_are(server,
                                                                                 peer):  # fmt: skip
    bound(peer)
    peer.mode(receipts="before")
    send(server, "79161234567", "Early parts " * 30, 16)
    wait_for(lambda: status(server, "79161234567", 16) == (1, 0), "status 1")
    assert len(peer.stats()["received"]) == 3


def test_an_undeliverable_receipt_carries_the_mapped_err(server, peer):
    bound(peer)
    peer.mode(stat="UNDELIV", err="001", tlvs=False)
    send(server, "79161234567", "Nobody", 3)
    wait_for(lambda: status(server, "79161234567", 3) == (20, 1), "status 20, err 1")


def test_throttling_slows_down_and_loses_nothing(server, peer):
    bound(peer)
    peer.mode(throttle=5)
    phones, stats = burst(server, peer, "7916100", 20, "Burst", 4)
    assert stats["throttled"] == 5
    assert sorted(s["to"] for s in stats["received"]) == phones  # each exactly once


def test_a_peer_quota_is_met_by_pacing_not_by_bursts(server, peer):
    """A peer that refuses a submit_sm sooner than 1/quota s after the last (Jasmin's user
    quota): the bind halves its rate and spaces its submissions, so most are taken. A
    1-second pause followed by a burst of the window took one a second, 90 refusals for 20
    messages (docs/carriers.md, "Jasmin")."""
    bound(peer)
    peer.mode(quota=20)
    phones, stats = burst(server, peer, "7916200", 60, "Paced", 6)
    assert sorted(s["to"] for s in stats["received"]) == phones  # each exactly once
    assert stats["throttled"] < len(phones) / 2


def test_a_permanent_error_fails_the_message_with_its_err(server, peer):
    bound(peer)
    peer.mode(status=0x0B)  # ESME_RINVDSTADR
    send(server, "79161234567", "No", 5)
    wait_for(lambda: status(server, "79161234567", 5) == (20, 249), "status 20, err 249")


def test_a_dropped_link_mid_burst_reconnects_and_delivers_everything(server, peer):
    bound(peer)
    peer.mode(drop_after=10)
    phones = [f"7916200{n:04d}" for n in range(40)]
    send(server, ",".join(phones), "Reconnect", 6)
    for phone in phones:
        wait_for(lambda phone=phone: status(server, phone, 6)[0] == 1, f"{phone} delivered")
    stats = peer.stats()
    assert stats["binds"] >= 2 and stats["drops"] == 1
    assert stats["orphans"] == 0  # receipts the drop cut off were sent again, and taken
    sent = [s["to"] for s in stats["received"]]
    assert set(sent) == set(phones)
    # Only what was unanswered when the link dropped can go twice: at most a window.
    assert len(sent) - len(phones) <= 10


@pytest.fixture
def database(backend, tmp_path, peer) -> Iterator[str]:
    """A prepared database the test starts (and kills) servers on itself."""
    yield from prepare(backend, tmp_path, peer)


def test_a_long_message_is_final_when_all_its_parts_are_across_a_kill(database, tmp_path, peer):
    """Each part's id and final outlive the process (delivery/parts.py): a receipt for a
    later part is matched after a restart, two finals of three leave the message open,
    and the third, after the kill, delivers it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    running = start(database, port, tmp_path, ENV)
    try:
        bound(peer)
        peer.mode(receipts="none")
        send(base, "79161234567", "Three parts " * 35, 7)
        wait_for(lambda: status(base, "79161234567", 7) == (0, 0), "submitted")
        ids = [s["id"] for s in peer.stats()["received"]]
        assert len(ids) == 3
        assert peer.receipts(ids[:1])
        wait_for(lambda: peer.stats()["receipts"] == 1, "the first part's receipt taken")
        running.end(signal.SIGKILL)
        running = start(database, port, tmp_path, ENV)
        bound(peer, 2)
        assert peer.receipts(ids[1:2])  # a part after the first: by the peer's id
        wait_for(lambda: peer.stats()["receipts"] == 2, "the second part's receipt taken")
        assert status(base, "79161234567", 7) == (0, 0)  # two of three: not final
        assert peer.receipts(ids[2:])
        wait_for(lambda: status(base, "79161234567", 7) == (1, 0), "status 1")
    finally:
        running.end(signal.SIGTERM)
        print(*running.output, sep="")  # shown when the test fails


def test_incoming_multipart_lands_in_get_answers_of_the_numbers_owner(server, peer):
    bound(peer)
    text = "Ответ из нескольких частей, собранный по UDH"
    assert peer.deliver(**{"from": "79035550000", "to": NUMBER, "text": text, "coding": 8,
                           "parts": 3})  # fmt: skip
    answers = wait_for(lambda: api(server, "get.php", get_answers=1) or None, "an answer")
    assert [(a["phone"], a["message"], a["to_phone"]) for a in answers] == [
        ("79035550000", text, NUMBER)
    ]


def test_incoming_parts_outlive_a_kill_between_the_first_and_the_last(database, tmp_path,
                                                                      peer):  # fmt: skip
    """Each part of an incoming long message is stored before it is answered (the SMSC
    never sends an answered part again): two parts, kill -9, the third after the restart,
    and the whole message is in get_answers."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    text = "Ответ из трёх частей, две до падения сервера, одна после"
    message = {"from": "79035550000", "to": NUMBER, "text": text, "coding": 8, "parts": 3}
    running = start(database, port, tmp_path, ENV)
    try:
        bound(peer)
        assert peer.deliver(**message, only=[1, 2])
        wait_for(lambda: peer.stats()["delivers_acked"] == 2, "two parts answered")
        running.end(signal.SIGKILL)
        running = start(database, port, tmp_path, ENV)
        bound(peer, 2)
        assert api(base, "get.php", get_answers=1) == []  # two parts of three: nothing yet
        assert peer.deliver(**message, only=[3])
        answers = wait_for(lambda: api(base, "get.php", get_answers=1) or None, "an answer")
        assert [(a["phone"], a["message"], a["to_phone"]) for a in answers] == [
            ("79035550000", text, NUMBER)
        ]
    finally:
        running.end(signal.SIGTERM)
        print(*running.output, sep="")  # shown when the test fails
