"""Numbers accounts own (``smscd numbers``): a carrier's incoming message reaches the
account that owns the number it was sent to; one owner per number; a message to a number
nobody owns is dropped, not given to anybody."""

from __future__ import annotations

import secrets
from typing import Any

from typer.testing import CliRunner

from smscd.cli.incoming import numbers_app
from smscd.delivery.connectors.base import Reply
from tests.api import call_json
from tests.sending import network

runner = CliRunner()


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(numbers_app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def a_number() -> str:
    return "7999" + str(secrets.randbelow(10**7)).zfill(7)


def test_a_number_has_one_owner(backend, make_account):
    first, second = make_account(), make_account()
    db = ("--database", backend.url)
    number = a_number()
    assert number in run("add", first.login, f"+{number[0]} ({number[1:4]}) {number[4:]}", *db)
    assert "already owned by this account" in run("add", first.login, number, *db, code=1)
    assert "by another account" in run("add", second.login, number, *db, code=1)
    assert "not a phone number" in run("add", first.login, "12ab", *db, code=1)
    listing = run("list", first.login, *db)
    assert number in listing and first.login in listing
    assert number not in run("list", second.login, *db)
    run("remove", number, *db)
    assert "no account owns" in run("remove", number, *db, code=1)
    run("add", second.login, number, *db)
    assert second.login in run("list", *db)


def test_an_incoming_message_goes_to_the_numbers_owner(backend, client, make_account, clock):
    owner, other = make_account(), make_account()
    number = a_number()
    run("add", owner.login, number, "--database", backend.url)
    sink = network.worker(client)
    portal: Any = client.portal
    at = int(clock.now)
    stored = portal.call(sink.replies, [
        Reply(None, "79161234567", number, "to the owner", at - 5, at),
        Reply(None, "79161234567", a_number(), "to nobody", at - 5, at),
        Reply(other.id, "79161234568", "79991110001", "named by the connector", at - 5, at),
    ])  # fmt: skip
    assert stored == 2
    [mine] = call_json(client, owner, get_answers=1)
    assert (mine["phone"], mine["to_phone"], mine["message"]) == (
        "79161234567", number, "to the owner")  # fmt: skip
    [theirs] = call_json(client, other, get_answers=1)
    assert theirs["message"] == "named by the connector"
