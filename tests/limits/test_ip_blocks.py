"""compat.md "Authentication": 5 failed authorisations from one address within 30 minutes
block it for 30 minutes (error 4), whatever it sends then; `smscd ip unblock` lifts a block."""

from __future__ import annotations

import asyncio
import threading

from smscd.accounts.passwords import Passwords
from smscd.limits.backend import RECHECK_SECONDS
from smscd.limits.blocks import unblock
from tests.limits.harness import (
    AUTHORISE,
    BLOCKED,
    TIMEOUT,
    credentials,
    error_text,
    new_address,
    new_ipv6_network,
)

BLOCK = 1800


def fail(api, account, address, **extra):
    return error_text(api.history(account, client=address, psw="wrong", **extra))


def succeed(api, account, address):
    return error_text(api.history(account, client=address))


def test_the_fifth_failure_blocks_the_address(api, make_account):
    account, address = make_account(), new_address()
    assert [fail(api, account, address) for _ in range(5)] == [AUTHORISE] * 5
    assert fail(api, account, address) == BLOCKED
    assert succeed(api, account, address) == BLOCKED  # even with the right password


def test_four_failures_do_not_block(api, make_account):
    account, address = make_account(), new_address()
    for _ in range(4):
        fail(api, account, address)
    assert succeed(api, account, address) != BLOCKED


def test_a_block_ends_after_thirty_minutes(api, make_account, clock):
    account, address = make_account(), new_address()
    for _ in range(5):
        fail(api, account, address)
    start = clock.now
    clock.now = start + BLOCK - 1
    assert succeed(api, account, address) == BLOCKED
    clock.now = start + BLOCK
    assert succeed(api, account, address) != BLOCKED
    assert fail(api, account, address) == AUTHORISE  # its failures were forgotten


def test_failures_are_counted_over_thirty_minutes(api, make_account, clock):
    account, address = make_account(), new_address()
    start = clock.now
    for n in range(4):
        clock.now = start + 60 * n
        fail(api, account, address)
    clock.now = start + BLOCK  # the first failure has left the window
    assert fail(api, account, address) == AUTHORISE
    assert succeed(api, account, address) != BLOCKED
    assert fail(api, account, address) == AUTHORISE  # the fifth within the window
    assert succeed(api, account, address) == BLOCKED


def test_other_addresses_are_not_blocked(api, make_account):
    account, attacker = make_account(), new_address()
    for _ in range(5):
        fail(api, account, attacker)
    assert succeed(api, account, new_address()) != BLOCKED


def test_every_kind_of_failed_authorisation_counts(api, make_account):
    account, address = make_account(), new_address()
    attempts = [
        {"login": account.login, "psw": "wrong"},
        {"login": "nobody-at-all", "psw": "x"},
        {"apikey": "0" * 40},
        {"login": "", "psw": "f" * 40},
        {},  # no credentials
    ]
    answers = [error_text(api.get(client=address, get_messages=1, **creds)) for creds in attempts]
    assert answers == [AUTHORISE] * 5
    assert succeed(api, account, address) == BLOCKED


def test_a_blocked_address_is_refused_on_every_endpoint(api, make_account):
    account, address = make_account(), new_address()
    for _ in range(5):
        fail(api, account, address)
    for path, params in [
        ("/sys/get.php", {"get_answers": 1}),
        ("/sys/info.php", {"get_operator": 1, "phone": "79161234567"}),
        ("/sys/tinyurls.php", {"get": 1, "id": 1}),
    ]:
        answer = api.get(path, client=address, **credentials(account), **params)
        assert error_text(answer) == BLOCKED


def test_ipv6_clients_are_blocked_by_their_64_network(api, make_account):
    account = make_account()
    network = new_ipv6_network()
    neighbour = network[:-1] + "1"  # 2001:db8:x:1, the next /64
    for n in range(5):  # a new address of the same /64 for every attempt
        assert fail(api, account, f"{network}::{n + 1}") == AUTHORISE
    assert succeed(api, account, f"{network}::beef") == BLOCKED
    assert succeed(api, account, f"{neighbour}::1") != BLOCKED  # the next /64


def test_unblock_lifts_the_block_on_the_running_server(
    api, make_account, settings_limited, backend, clock
):
    account, address = make_account(), new_address()
    for _ in range(5):
        fail(api, account, address)
    assert succeed(api, account, address) == BLOCKED
    assert unblock(settings_limited, backend.engine, address) == address
    clock.now += RECHECK_SECONDS
    assert succeed(api, account, address) != BLOCKED
    assert fail(api, account, address) == AUTHORISE  # the failures went with the block


def test_an_old_unblock_does_not_lift_a_new_block(
    api, make_account, settings_limited, backend, clock
):
    account, address = make_account(), new_address()
    unblock(settings_limited, backend.engine, address)  # before anything was blocked
    for _ in range(5):
        fail(api, account, address)
    clock.now += RECHECK_SECONDS
    assert succeed(api, account, address) == BLOCKED


def test_a_request_without_a_peer_address_is_never_blocked(api, make_account):
    account = make_account()
    for _ in range(7):
        assert fail(api, account, "testclient") == AUTHORISE  # no address to count


def test_a_burst_of_guesses_gets_five_answers(api, make_account):
    """Guesses sent all at once: the 5th failure blocks at once, so however many are in
    flight, only five are answered "authorise error"."""
    account, address = make_account(), new_address()

    async def burst():
        guesses = [
            api.send(client=address, get_messages=1, login=account.login, psw=f"guess-{n}")
            for n in range(30)
        ]
        return [error_text(body) for body in await asyncio.gather(*guesses)]

    answers = api.run(burst())
    assert answers.count(AUTHORISE) == 5 and answers.count(BLOCKED) == 25


def test_a_right_password_checked_while_the_block_began_is_refused(api, make_account, monkeypatch):
    account, address = make_account(), new_address()
    entered, release = threading.Event(), threading.Event()
    verify = Passwords.verify

    def slow_for_the_right_one(self, stored, psw):
        if psw == account.password:
            entered.set()
            release.wait(TIMEOUT)
        return verify(self, stored, psw)

    monkeypatch.setattr(Passwords, "verify", slow_for_the_right_one)
    right = asyncio.run_coroutine_threadsafe(
        api.send(client=address, get_messages=1, **credentials(account)), api.loop
    )
    assert entered.wait(TIMEOUT)  # its address check passed; its password is being checked
    assert [fail(api, account, address) for _ in range(6)] == [AUTHORISE] * 5 + [BLOCKED]
    release.set()
    assert error_text(right.result(TIMEOUT)) == BLOCKED


def test_a_blocked_address_is_refused_before_its_body_is_read(api, make_account):
    """A body costs work to read, even bounded: a blocked address never gets that far
    (docs/protection.md, "A blocked address costs almost nothing")."""
    account, address = make_account(), new_address()
    for _ in range(5):
        fail(api, account, address)
    received: list[dict] = []
    sent: list[dict] = []

    async def receive() -> dict:
        message = {"type": "http.request", "body": b"get_messages=1", "more_body": False}
        received.append(message)
        return message

    async def send(message: dict) -> None:
        sent.append(message)

    for path in ("/sys/get.php", "/sys/jobs.php"):
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"fmt=1",
            "headers": [(b"content-type", b"application/x-www-form-urlencoded")],
            "client": (address, 50000),
            "server": ("testserver", 80),
        }
        api.run(api.app(scope, receive, send))
        assert sent[-1]["body"] == b"0,-4"
    assert received == []
