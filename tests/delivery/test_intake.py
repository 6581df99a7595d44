"""``POST /intake/{connector}``: what an HTTP provider posts back (docs/carriers.md, "HTTP
providers: the intake"). Receipts finish the messages the connector was given (status.php,
the account's callback); incoming messages reach the owner of the number they were sent
to (get_answers with to_phone); a wrong or missing secret is 401 and changes nothing,
compared in constant time, without a query per post; hostile bodies are 4xx, never 500."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from smscd.accounts.service import NewAccount, create_account
from smscd.accounts.tables import accounts
from smscd.callbacks import signing
from smscd.callbacks.tables import callbacks
from smscd.cli.main import app as cli
from smscd.delivery import intake as intake_module
from smscd.delivery.connectors import secrets as stored_secrets
from smscd.delivery.connectors.provider import parse_intake
from smscd.history.tables import messages
from smscd.incoming.tables import incoming
from smscd.sending import senders
from tests.api import call, call_json
from tests.billing.helpers import NOW, add_payment
from tests.conftest import START, TEST_PASSWORDS
from tests.delivery import provider_peer
from tests.delivery.provider_peer import (
    PHONE,
    Connector,
    Post,
    add_connector,
    intake_of,
    post_intake,
    provider_server,
    remove_connector,
)
from tests.limits.conftest import limited_settings
from tests.limits.harness import LiveApp, new_address
from tests.sending import conftest as sending
from tests.sending import network
from tests.tariffs.helpers import add_plan, assign, zone

sender = sending.sender
simulated = sending.simulated
provider = provider_peer.provider
http_connector = provider_peer.http_connector

runner = CliRunner()


def own_number(backend: Any, login: str) -> str:
    """A fresh number given to ``login`` with ``smscd numbers add``."""
    number = f"7999{secrets.randbelow(10**7):07d}"
    result = runner.invoke(cli, ["numbers", "add", login, number, "--database", backend.url])
    assert result.exit_code == 0, result.output
    return number


@pytest.fixture
def owner(backend: Any, make_account: Any) -> Any:
    account = make_account()
    account.number = own_number(backend, account.login)
    return account


def submit(backend: Any, client: Any, account: Any) -> int:
    """Send one message to :data:`PHONE` and hand it to the provider; its int_id."""
    call(client, account, "/sys/send.php", phones=PHONE, mes="Hi")
    network.deliver(client)  # other tests' messages may be due on the shared app too
    found = state(backend, account)
    assert found["state"] != "queued", dict(found)  # handed to the provider
    return int(found["int_id"])


def state(backend: Any, account: Any, phone: str = PHONE) -> Any:
    with backend.engine.connect() as conn:
        return conn.execute(
            select(messages.c.int_id, messages.c.state, messages.c.status, messages.c.err,
                   messages.c.peer_id)
            .where(messages.c.account_id == account.id, messages.c.phone == phone)
        ).one()._mapping  # fmt: skip


def count(backend: Any, table: Any, account_id: int) -> int:
    with backend.engine.connect() as conn:
        return int(conn.execute(
            select(func.count()).select_from(table).where(table.c.account_id == account_id)
        ).scalar_one())  # fmt: skip


def receipt(peer_id: str, status: str = "delivered", **extra: Any) -> dict[str, Any]:
    return {"receipts": [{"id": peer_id, "status": status, **extra}]}


# -- receipts --------------------------------------------------------------------------


def test_a_receipt_finishes_the_message_and_enqueues_its_callback(
    backend, client, sender, clock, provider, http_connector
):
    with backend.engine.begin() as conn:
        handler = {"callback_url": "http://127.0.0.1:9/cb", "callback_secret": signing.new_secret()}
        conn.execute(update(accounts).where(accounts.c.id == sender.id).values(**handler))
    int_id = submit(backend, client, sender)
    before = count(backend, callbacks, sender.id)
    reply = post_intake(client, http_connector.name, http_connector.secret,
                        receipt(f"p-{int_id}", at=int(clock.now) - 5))  # fmt: skip
    assert reply.status_code == 200
    assert reply.json() == {"receipts": {"received": 1, "applied": 1},
                            "messages": {"received": 0, "stored": 0}}  # fmt: skip
    found = call_json(client, sender, path="/sys/status.php", phone=PHONE, id=1)
    assert (found["status"], found["err"]) == (1, 0)
    assert found["last_timestamp"] == int(clock.now) - 5
    assert count(backend, callbacks, sender.id) == before + 1
    with backend.engine.connect() as conn:
        body = conn.execute(
            select(callbacks.c.body).where(callbacks.c.account_id == sender.id)
            .order_by(callbacks.c.id.desc()).limit(1)
        ).scalar_one()  # fmt: skip
    assert "status=1" in body.split("&")


def test_a_repeated_receipt_changes_nothing_more(backend, client, sender, provider, http_connector):
    int_id = submit(backend, client, sender)
    body = receipt(f"p-{int_id}")
    assert post_intake(client, http_connector.name, http_connector.secret, body).json()[
        "receipts"] == {"received": 1, "applied": 1}  # fmt: skip
    late = receipt(f"p-{int_id}", "failed", err=1)
    assert post_intake(client, http_connector.name, http_connector.secret, late).json()[
        "receipts"] == {"received": 1, "applied": 0}  # fmt: skip
    assert state(backend, sender)["status"] == 1  # statuses never go backwards


@pytest.mark.parametrize(
    ("status", "err", "expected"),
    [
        ("failed", 1, (20, 1)),
        ("undeliverable", 6, (20, 6)),
        ("failed", 77, (20, 255)),  # an err compat.md does not know
        ("failed", 0, (20, 255)),
        ("expired", 0, (3, 0)),
        ("delivered", 6, (1, 0)),  # delivered has no err
    ],
)
def test_a_receipts_status_and_err_map_to_ours(
    backend, client, sender, provider, http_connector, status, err, expected
):
    int_id = submit(backend, client, sender)
    post_intake(client, http_connector.name, http_connector.secret,
                receipt(f"p-{int_id}", status, err=err))  # fmt: skip
    found = call_json(client, sender, path="/sys/status.php", phone=PHONE, id=1)
    assert (found["status"], found["err"]) == expected


def test_a_receipt_posted_before_the_answer_applies_by_our_id(
    backend, client, sender, provider, http_connector
):
    """The provider posts the receipt, with ``ref`` (our id), before it answers our post:
    the message is not yet submitted under its id, and is delivered all the same."""
    answers: list[Any] = []

    def receipt_first(post: Post) -> None:
        body = receipt(f"p-{post.body['id']}", ref=post.body["id"])
        answers.append(post_intake(client, http_connector.name, http_connector.secret, body))

    provider.before_answer = receipt_first
    submit(backend, client, sender)
    [early] = answers
    assert early.json()["receipts"] == {"received": 1, "applied": 1}
    assert (state(backend, sender)["state"], state(backend, sender)["status"]) == ("delivered", 1)


def test_one_connectors_receipts_never_finish_anothers_messages(
    backend, client, sender, provider, http_connector
):
    int_id = submit(backend, client, sender)
    other = add_connector(backend, client, provider.url, prefix="7999557")
    try:
        for body in (receipt(f"p-{int_id}"), receipt(f"p-{int_id}", ref=str(int_id))):
            reply = post_intake(client, other.name, other.secret, body)
            assert reply.json()["receipts"] == {"received": 1, "applied": 0}
        assert state(backend, sender)["state"] == "submitted"
    finally:
        remove_connector(backend, client, other.name)


# -- incoming messages -----------------------------------------------------------------


def test_an_incoming_message_reaches_the_owner_of_its_number(
    backend, client, owner, make_account, clock, provider, http_connector
):
    stranger = make_account()
    body = {"messages": [{"from": "+7 (916) 123-45-67", "to": owner.number,
                          "text": "Да, спасибо", "sent": int(clock.now) - 60}]}  # fmt: skip
    reply = post_intake(client, http_connector.name, http_connector.secret, body)
    assert reply.status_code == 200
    assert reply.json()["messages"] == {"received": 1, "stored": 1}
    [found] = call_json(client, owner, get_answers=1)
    assert (found["phone"], found["to_phone"], found["message"]) == (
        "79161234567", owner.number, "Да, спасибо")  # fmt: skip
    assert (found["sent"], found["received"]) == ("21.09.2026 17:12:20", "21.09.2026 17:13:20")
    assert count(backend, incoming, stranger.id) == 0  # nobody else gets it


def test_a_message_to_a_number_nobody_owns_is_answered_and_dropped(
    backend, client, owner, provider, http_connector
):
    nobody = f"7999{secrets.randbelow(10**7):07d}"
    body = {"messages": [{"from": "79161234567", "to": nobody, "text": "?"},
                         {"from": "79161234567", "to": owner.number, "text": "!"}]}  # fmt: skip
    reply = post_intake(client, http_connector.name, http_connector.secret, body)
    assert reply.status_code == 200
    assert reply.json()["messages"] == {"received": 2, "stored": 1}
    with backend.engine.connect() as conn:
        assert conn.execute(
            select(func.count()).select_from(incoming).where(incoming.c.to_phone == nobody)
        ).scalar_one() == 0  # fmt: skip


# -- refusals --------------------------------------------------------------------------


def wrong_secrets(connector: Connector) -> list[tuple[str, dict[str, str]]]:
    """(connector name, headers): every way of not presenting the right secret."""
    right = connector.secret
    return [
        (connector.name, {}),
        (connector.name, {"authorization": "Bearer "}),
        (connector.name, {"authorization": f"Bearer {right[:-1]}"}),
        (connector.name, {"authorization": f"Basic {right}"}),
        (connector.name, {"authorization": right}),
        (connector.name, {"authorization": f"Bearer {stored_secrets.new_secret()}"}),
        ("no-such-connector", {"authorization": f"Bearer {right}"}),
        ("sim", {"authorization": f"Bearer {right}"}),  # a connector of another kind
    ]


def test_a_wrong_or_missing_secret_is_401_and_changes_nothing(
    backend, client, sender, owner, provider, http_connector
):
    int_id = submit(backend, client, sender)
    body = {**receipt(f"p-{int_id}", ref=str(int_id)),
            "messages": [{"from": "79161234567", "to": owner.number, "text": "x"}]}  # fmt: skip
    for name, headers in wrong_secrets(http_connector):
        reply = client.post(f"/intake/{name}", json=body, headers=headers)
        assert reply.status_code == 401, (name, headers)
        assert reply.json() == {"error": "unknown connector or wrong secret"}
    assert state(backend, sender)["state"] == "submitted"
    assert count(backend, incoming, owner.id) == 0
    right = post_intake(client, http_connector.name, http_connector.secret, body)
    assert right.status_code == 200  # the same post with the secret: applied
    assert count(backend, incoming, owner.id) == 1


def test_during_a_rotation_both_secrets_are_accepted_until_the_old_one_ends(
    backend, client, provider, http_connector
):
    def answer(secret: str) -> int:
        intake_of(client).forget()  # an operator's change, without waiting REFRESH_SECONDS
        return int(post_intake(client, http_connector.name, secret, {}).status_code)

    old = http_connector.secret
    out = runner.invoke(cli, ["connectors", "secret", http_connector.name, "--database",
                              backend.url], env={"COLUMNS": "300"})  # fmt: skip
    assert out.exit_code == 0, out.output
    new = out.output.strip().splitlines()[-1].rsplit(" ", 1)[1]
    assert (answer(new), answer(old)) == (200, 200)
    out = runner.invoke(cli, ["connectors", "secret", http_connector.name, "--end-old",
                              "--database", backend.url])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert (answer(new), answer(old)) == (200, 401)


def test_the_secret_is_compared_in_constant_time_even_for_unknown_names(
    client, provider, http_connector, monkeypatch
):
    compared: list[tuple[str, str]] = []
    real = stored_secrets.hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(stored_secrets.hmac, "compare_digest", spy)
    for name, headers in wrong_secrets(http_connector):
        if headers.get("authorization", "").startswith("Bearer ") and len(headers[
                "authorization"]) > len("Bearer "):  # fmt: skip
            before = len(compared)
            client.post(f"/intake/{name}", json={}, headers=headers)
            assert len(compared) == before + 1, name  # one HMAC comparison, known or not
    assert post_intake(client, http_connector.name, http_connector.secret, {}).status_code == 200


def test_posts_do_not_query_the_connectors_each_time(client, provider, http_connector, monkeypatch):
    reads: list[int] = []
    real = intake_module._providers

    async def counting(db: Any) -> Any:
        reads.append(1)
        return await real(db)

    monkeypatch.setattr(intake_module, "_providers", counting)
    intake_of(client).forget()
    for _ in range(20):
        assert post_intake(client, "no-such-connector", "x" * 43, {}).status_code == 401
        assert post_intake(client, http_connector.name, "y" * 43, {}).status_code == 401
    assert post_intake(client, http_connector.name, http_connector.secret, {}).status_code == 200
    assert len(reads) == 1  # read once; kept for intake.REFRESH_SECONDS


def test_no_body_is_read_before_the_secret_is_right(client, provider, http_connector):
    huge = {"content-length": str(10**9)}
    reply = client.post(f"/intake/{http_connector.name}", content=b"{}",
                        headers={**huge, "authorization": "Bearer wrong"})  # fmt: skip
    assert reply.status_code == 401  # not 413: the declared size was never looked at


def test_a_body_larger_than_the_limit_is_413(client, provider, http_connector):
    limit = intake_of(client).max_body_bytes
    text = "x" * 100
    many = {"messages": [{"from": "79161234567", "to": "79161234568", "text": text}] * (
        limit // 100 + 1)}  # fmt: skip
    reply = post_intake(client, http_connector.name, http_connector.secret, many)
    assert reply.status_code == 413
    assert reply.json() == {"error": f"the body is larger than {limit} bytes"}


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", "the body is a JSON object"),
        (b"{", "the body is a JSON object"),
        (b"id=1&status=delivered", "the body is a JSON object"),  # a form: not the contract
        (b"\xff\xfe\x00", "the body is a JSON object"),
        (b"[]", "the body is a JSON object"),
        (b'{"receipt": []}', "unknown keys: receipt"),
        (b'{"receipts": {}}', "receipts and messages are lists"),
        (b'{"receipts": [{"id": "1", "status": "sent"}]}',
         "receipts[0].status is delivered, failed, undeliverable or expired"),
        (b'{"receipts": [{"id": "", "status": "delivered"}]}',
         "receipts[0].id is the provider's id of the message (1-64 characters)"),
        (b'{"receipts": [{"id": "1", "status": "delivered", "at": "now"}]}',
         "receipts[0].at is Unix seconds"),
        (b'{"messages": [{"from": "x", "to": "79991110001", "text": "a"}]}',
         "messages[0].from is a phone number"),
        (b'{"messages": [{"from": "79161234567", "to": "79991110001", "text": "a\\u0000"}]}',
         "messages[0].text is text of at most 2000 characters"),
        (b'{"messages": [{"from": "79161234567", "to": "79991110001", "text": "\\ud800"}]}',
         "messages[0].text is text of at most 2000 characters"),
        (b"[" * 100_000, "the body is a JSON object"),
    ],
)  # fmt: skip
def test_a_body_that_is_not_the_contract_is_400(client, provider, http_connector, content,
                                                error):  # fmt: skip
    reply = post_intake(client, http_connector.name, http_connector.secret, content=content,
                        **{"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert reply.status_code == 400
    assert reply.json() == {"error": error}


def test_any_content_type_is_read_as_json(client, provider, http_connector):
    reply = post_intake(client, http_connector.name, http_connector.secret, content=b"{}",
                        **{"content-type": "text/plain"})  # fmt: skip
    assert reply.status_code == 200


def test_a_database_that_cannot_take_the_post_is_503_and_the_post_can_be_repeated(
    backend, client, sender, provider, http_connector, monkeypatch
):
    int_id = submit(backend, client, sender)
    intake = intake_of(client)

    async def broken(receipts: Any) -> Any:
        raise OSError("the database is gone")

    monkeypatch.setattr(intake.sink, "receipts", broken)
    body = receipt(f"p-{int_id}")
    reply = post_intake(client, http_connector.name, http_connector.secret, body)
    assert (reply.status_code, reply.json()) == (503, {"error": "try again later"})
    monkeypatch.undo()
    reply = post_intake(client, http_connector.name, http_connector.secret, body)
    assert reply.json()["receipts"] == {"received": 1, "applied": 1}


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"at": 1_789_999_000}, 1_789_999_000),
        ({"at": 1_789_999_000.9}, 1_789_999_000),
        ({}, START),  # no time: now
        ({"at": START + 300}, START + 300),
        ({"at": START + 301}, START),  # too far ahead: now
    ],
)
def test_a_receipts_time(item, expected):
    body = json.dumps({"receipts": [{"id": "p", "status": "delivered", **item}]}).encode()
    [found], _ = parse_intake("c", body, START)
    assert found.at == expected


@pytest.mark.parametrize(
    ("given", "phone"),
    [("+7 (916) 123-45-67", "79161234567"), ("89161234567", "79161234567"),
     ("4915112345678", "4915112345678"), ("7.916.123.45.67", "79161234567")],
)  # fmt: skip
def test_an_incoming_messages_phone_is_digits(given, phone):
    body = {"messages": [{"from": given, "to": given, "text": "", "sent": START + 10}]}
    _, [found] = parse_intake("c", json.dumps(body).encode(), START)
    assert (found.phone, found.to, found.sent, found.at) == (phone, phone, START, START)


def test_only_post_is_answered(client, provider, http_connector):
    reply = client.get(f"/intake/{http_connector.name}")
    assert reply.status_code == 405
    assert reply.headers["allow"] == "POST"


# -- hostile input ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def target(backend: Any, client: Any, simulated: None) -> Iterator[dict[str, Any]]:
    """A connector with a message submitted through it and an account owning a number:
    what a hostile post could change."""
    with provider_server() as server:
        connector = add_connector(backend, client, server.url, prefix="7999556")
        login = f"hostile_{secrets.token_hex(3)}"
        with backend.engine.begin() as conn:
            account_id = create_account(conn, NewAccount(login, "pw"), TEST_PASSWORDS)
            senders.add(conn, account_id, "SMSC.RU", make_default=True)
        plan = add_plan(backend.engine, zone("WORLD", mcc="", api=250, hlr=30), mail=15)
        account = type("Account", (), {"id": account_id, "login": login, "password": "pw"})()
        assign(backend.engine, account, plan)
        add_payment(backend.engine, account_id, 10_000, NOW - 3600)
        number = own_number(backend, login)
        call(client, account, "/sys/send.php", phones="79995560001", mes="Hi")
        network.deliver(client)
        with backend.engine.connect() as conn:
            int_id = conn.execute(select(messages.c.int_id).where(
                messages.c.account_id == account_id)).scalar_one()  # fmt: skip
        yield {"connector": connector, "account": account, "number": number, "int_id": int_id}
        remove_connector(backend, client, connector.name)


def snapshot(backend: Any, target: dict[str, Any]) -> tuple[Any, ...]:
    with backend.engine.connect() as conn:
        message = conn.execute(select(messages.c.state, messages.c.status).where(
            messages.c.int_id == target["int_id"])).one()  # fmt: skip
    account_id = target["account"].id
    return (tuple(message), count(backend, incoming, account_id),
            count(backend, callbacks, account_id))  # fmt: skip


def plausible(target: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Bodies near the contract: the right ids and number, hostile values around them."""
    int_id = target["int_id"]
    values = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
                       st.sampled_from([f"p-{int_id}", str(int_id), int_id, target["number"],
                                        "delivered", "failed", "expired", 1790000000]))  # fmt: skip
    item = st.dictionaries(st.sampled_from(["id", "ref", "status", "err", "at", "from", "to",
                                            "text", "sent", "x"]), values, max_size=8)  # fmt: skip
    lists = st.lists(item, max_size=3) | values
    return st.dictionaries(st.sampled_from(["receipts", "messages", "other"]), lists, max_size=3)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=20)  # fmt: skip


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data())
def test_hostile_bodies_with_a_wrong_secret_are_401_and_change_nothing(
    backend, client, target, data
):
    body = data.draw(st.one_of(
        st.binary(max_size=300),
        plausible(target).map(lambda found: json.dumps(found).encode()),
        JSON.map(lambda found: json.dumps(found).encode()),
    ))  # fmt: skip
    secret = data.draw(st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=60))
    assert secret != target["connector"].secret
    before = snapshot(backend, target)
    reply = post_intake(client, target["connector"].name, secret, content=body)
    assert reply.status_code == 401
    assert snapshot(backend, target) == before


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(body=st.one_of(
    st.binary(max_size=300),
    JSON.map(lambda found: json.dumps(found).encode()),
))  # fmt: skip
def test_hostile_bodies_with_the_secret_are_never_a_server_error(backend, client, target, body):
    reply = post_intake(client, target["connector"].name, target["connector"].secret,
                        content=body)  # fmt: skip
    assert reply.status_code in (200, 400), reply.text
    assert set(reply.json()) in ({"error"}, {"receipts", "messages"})


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data())
def test_near_contract_bodies_are_applied_or_refused_whole(backend, client, target, data):
    body = data.draw(plausible(target))
    reply = post_intake(client, target["connector"].name, target["connector"].secret, body)
    assert reply.status_code in (200, 400), reply.text
    if reply.status_code == 400:
        assert set(reply.json()) == {"error"}


# -- address blocks --------------------------------------------------------------------


@pytest.fixture(scope="module")
def limited(backend: Any, clock: Any) -> Iterator[LiveApp]:
    """The app with limits on (in memory): failed authorisations block an address."""
    with LiveApp(limited_settings(backend.url), clock) as live:
        yield live


def post_from(live: LiveApp, address: str, name: str, secret: str) -> int:
    async def post() -> int:
        transport = httpx.ASGITransport(app=live.app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://smscd") as http:
            reply = await http.post(f"/intake/{name}", json={},
                                    headers={"authorization": f"Bearer {secret}"})  # fmt: skip
        return reply.status_code

    return live.run(post())


def test_failed_secrets_block_the_address_as_failed_logins_do(
    client, limited, provider, http_connector
):
    name, right = http_connector.name, http_connector.secret
    address = new_address()
    assert [post_from(limited, address, name, "wrong") for _ in range(5)] == [401] * 5
    assert post_from(limited, address, name, "wrong") == 403
    assert post_from(limited, address, name, right) == 403  # even with the secret
    assert post_from(limited, new_address(), name, right) == 200
