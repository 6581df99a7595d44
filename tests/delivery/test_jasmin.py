"""The SMPP connector against Jasmin 0.11 (the open-source SMS gateway) as its SMSC, through
the real ``smscd serve``: an opt-in job, ``bash scripts/jasmin test`` (docs/carriers.md,
"Jasmin"). Skipped unless SMSCD_TEST_JASMIN=1; with it set, a Jasmin that cannot be
reached fails the tests, it never skips them.

The chain: send.php -> smscd's queue -> submit_sm to Jasmin's SMPP server (smscd binds as
the ESME ``smscd``) -> Jasmin's MT router -> Jasmin's SMPP client connector -> the npm
``smpp`` peer of tests/delivery (the network, which counts what reaches it) -> its receipt
-> Jasmin's DLR lookup -> a receipt deliver_sm from Jasmin -> status.php. Incoming: the
peer's deliver_sm -> Jasmin's MO router -> smscd's bind -> get_answers."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.delivery.jasmin.jcli import Jcli, JcliError
from tests.delivery.peer import Peer, smpp_peer, wait_for
from tests.delivery.test_smpp import ENV, NUMBER, api, prepare, send, status
from tests.sending.test_crash import Server, start
from tests.servers import free_port

pytestmark = pytest.mark.skipif(
    os.environ.get("SMSCD_TEST_JASMIN") != "1",
    reason="opt-in: bash scripts/jasmin test (docs/carriers.md, Jasmin)",
)

SYSTEM_ID = "smscd"  # smscd's login at Jasmin's SMPP server: a Jasmin user
PASSWORD = ENV["SMSCD_TEST_SMPP_PASSWORD"]  # what test_smpp's connector config refers to


def address(variable: str) -> tuple[str, int]:
    host, _, port = os.environ.get(variable, "").rpartition(":")
    if not host or not port.isdigit():
        pytest.fail(f"{variable} is not HOST:PORT; run the job with `bash scripts/jasmin test`")
    return host, int(port)


def provision(console: Jcli) -> None:
    """A user for smscd, every MT message routed to the peer's connector and every MO
    message to smscd's bind. Idempotent: what an earlier run or test left is removed."""
    for leftover in ("mtrouter -f", "morouter -f", f"user -r {SYSTEM_ID}", "group -r smscd"):
        console.run(leftover)
    console.add("group -a", {"gid": "smscd"})
    console.add("user -a", {"username": SYSTEM_ID, "password": PASSWORD, "gid": "smscd",
                            "uid": SYSTEM_ID})  # fmt: skip
    console.add("mtrouter -a", {"type": "DefaultRoute", "connector": "smppc(peer)", "rate": 0})
    console.add("morouter -a", {"type": "DefaultRoute", "connector": f"smpps({SYSTEM_ID})"})


def connect(console: Jcli, peer: Peer) -> None:
    """The peer as Jasmin's upstream: an SMPP client connector, started. Once a module: a
    connector started again takes Jasmin's not-ready delays (30 s and more) to carry
    messages."""
    for leftover in ("smppccm -0 peer", "smppccm -r peer"):
        console.run(leftover)
    # submit_throughput 0: no cap (Jasmin's default is 1 a second).
    console.add("smppccm -a", {"cid": "peer", "host": "127.0.0.1", "port": peer.port,
                               "username": "jasmin", "password": "peer-pw",
                               "submit_throughput": 0, "con_fail_delay": 1,
                               "con_loss_delay": 1})  # fmt: skip
    answer = console.run("smppccm -1 peer")
    if "Successfully" not in answer:
        raise JcliError(f"smppccm -1 peer: {answer}")


@pytest.fixture(scope="module")
def network() -> Iterator[Peer]:
    """The npm peer as the network behind Jasmin, with Jasmin provisioned and bound to it."""
    host, port = address("SMSCD_TEST_JASMIN_JCLI")
    with smpp_peer() as peer:
        try:
            console = Jcli(host, port, "jcliadmin", "jclipwd")  # Jasmin's default admin
        except OSError as exc:
            pytest.fail(f"Jasmin's jCli at {host}:{port} cannot be reached: {exc}")
        with console:
            connect(console, peer)
            provision(console)
        wait_for(lambda: peer.stats()["binds"] >= 1, "Jasmin to bind to the peer")
        yield peer


@pytest.fixture
def server(backend, tmp_path, network) -> Iterator[str]:
    host, port = address("SMSCD_TEST_JASMIN_SMPP")
    network.mode(receipts="after", stat="DELIVRD", err="000")
    changes = {"host": host, "port": port, "system_id": SYSTEM_ID}
    for url in prepare(backend, tmp_path, network, **changes):
        running: Server = start(url, http := free_port(), tmp_path, ENV)
        try:
            yield f"http://127.0.0.1:{http}"
        finally:
            running.end(signal.SIGTERM)
            print(*running.output, sep="")  # shown when the test fails


@pytest.fixture
def console(network) -> Iterator[Jcli]:
    """jCli, for a test that changes smscd's user at Jasmin; the user is provisioned afresh
    afterwards."""
    host, port = address("SMSCD_TEST_JASMIN_JCLI")
    with Jcli(host, port, "jcliadmin", "jclipwd") as found:
        yield found
        provision(found)


@pytest.fixture
def reached(network) -> Callable[[str], list[dict[str, Any]]]:
    """What reached the network for a phone during this test, in order (the network, one for
    the module, counts every test's messages)."""
    earlier = len(network.stats()["received"])
    return lambda phone: [s for s in network.stats()["received"][earlier:] if s["to"] == phone]


def test_a_message_through_jasmin_is_delivered_by_its_receipt(server, reached):
    phone = "79161230001"
    send(server, phone, "Hello through Jasmin", 1)
    wait_for(lambda: status(server, phone, 1) == (1, 0), "status 1 from Jasmin's receipt")
    [sub] = reached(phone)
    assert (sub["text"], sub["dc"], sub["from"]) == ("Hello through Jasmin", 0, "SMSC.RU")
    assert sub["registered"] == 1  # smscd asked Jasmin for a receipt, Jasmin the network


@pytest.mark.parametrize(
    ("text", "coding", "parts"),
    [("Long GSM text with € and [brackets] " * 12, 0, 4), ("Длинное сообщение " * 12, 8, 4)],
)
def test_long_messages_reach_the_network_in_parts_and_are_delivered(server, reached, text,
                                                                    coding, parts):  # fmt: skip
    phone = f"7916123{coding:04d}"
    send(server, phone, text, 2)
    wait_for(lambda: status(server, phone, 2) == (1, 0), "status 1 after every part's receipt")
    received = reached(phone)
    assert len(received) == parts
    assert {s["dc"] for s in received} == {coding}
    assert all(s["esm"] & 0x40 for s in received)  # UDHI: Jasmin passed the UDH through
    headers = [bytes.fromhex(s["udh"][0]) for s in received]
    assert sorted(h[-1] for h in headers) == list(range(1, parts + 1))
    ordered = sorted(received, key=lambda s: bytes.fromhex(s["udh"][0])[-1])
    assert "".join(s["text"] for s in ordered) == text


def test_an_undeliverable_receipt_comes_back_through_jasmin(server, network, reached):
    phone = "79161230002"
    network.mode(stat="UNDELIV", err="001")
    send(server, phone, "Nobody", 3)
    wait_for(lambda: status(server, phone, 3) == (20, 1), "status 20, err 1 from the receipt")
    assert len(reached(phone)) == 1


@pytest.mark.parametrize("parts", [1, 3])
def test_an_incoming_message_from_the_network_lands_in_get_answers(server, network, parts):
    # A message delivered first: smscd's bind to Jasmin, which takes the incoming one, is up.
    send(server, f"7916124000{parts}", "Bound?", 4)
    wait_for(lambda: status(server, f"7916124000{parts}", 4) == (1, 0), "smscd's bind")
    text = "Ответ через Jasmin, из нескольких частей" if parts > 1 else "Answer via Jasmin"
    wait_for(lambda: network.deliver(**{"from": "79035550000", "to": NUMBER, "text": text,
                                        "coding": 8, "parts": parts}),
             "the peer to hold Jasmin's bind")  # fmt: skip
    answers = wait_for(lambda: api(server, "get.php", get_answers=1) or None, "an answer")
    assert [(a["phone"], a["message"], a["to_phone"]) for a in answers] == [
        ("79035550000", text, NUMBER)
    ]


def test_jasmins_throttling_slows_smscd_down_and_loses_nothing(server, console, reached):
    # Jasmin answers ESME_RTHROTTLED to a user's submit_sm that come faster than its quota.
    console.add(f"user -u {SYSTEM_ID}", {"mt_messaging_cred quota smpps_throughput": 10})
    phones = [f"7916300{n:04d}" for n in range(20)]
    send(server, ",".join(phones), "Burst", 5)
    for phone in phones:
        wait_for(lambda phone=phone: status(server, phone, 5) == (1, 0), f"{phone} delivered")
    assert sorted(s["to"] for p in phones for s in reached(p)) == phones  # each exactly once
    [counted] = [line for line in console.run(f"stats --user {SYSTEM_ID}").splitlines()
                 if "throttling_error_count" in line]  # fmt: skip
    throttled = int(counted.split()[-1])
    # Jasmin did throttle, and the bind paced itself: with a 1-second pause and then a burst
    # of the window it was 90 refusals for these 20 messages (docs/carriers.md).
    assert 0 < throttled < len(phones), throttled


def test_a_destination_jasmin_refuses_fails_the_message_with_its_err(server, console, reached):
    # A user's destination filter: Jasmin answers ESME_RINVDSTADR, permanent, err 249.
    console.add(f"user -u {SYSTEM_ID}", {"mt_messaging_cred valuefilter dst_addr": "^7916.*"})
    send(server, "79261234567", "Not here", 6)
    wait_for(lambda: status(server, "79261234567", 6) == (20, 249), "status 20, err 249")
    assert reached("79261234567") == []
