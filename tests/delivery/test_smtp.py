"""The e-mail connector against a real SMTP server (aiosmtpd on 127.0.0.1, started here):
send.php mail=1 arrives with its subject, From, To and UTF-8 body and is delivered; a 5xx
fails the message with its err and refunds it; a 4xx is retried; a server that is down
costs nothing and loses nothing; e-mail and SMS take their own routes."""

from __future__ import annotations

import email
import email.policy
import json
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from smscd.delivery import routing
from smscd.delivery.connectors import registry
from smscd.delivery.connectors.smtp import Smtp, refusal_err
from smscd.delivery.tables import delivery_attempts, routes
from smscd.history.tables import messages
from smscd.sending import senders
from tests.api import call, call_json
from tests.billing.helpers import balances
from tests.sending import conftest as sending
from tests.sending import network
from tests.sending.conftest import START_BALANCE
from tests.servers import free_port

# The sending tests' account (plan, money, sender names) and simulated network.
sender = sending.sender
simulated = sending.simulated

SEND = "/sys/send.php"
STATUS = "/sys/status.php"
FROM = "robot@smscd.example"
MAIL_PRICE = 15  # tests/sending/conftest.py: e-mail 0.15


@dataclass
class Mailbox:
    """What the SMTP server received, and what it answers next (codes set by a test)."""

    received: list[email.message.EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    rcpt_answers: list[str] = field(default_factory=list)  # answered to RCPT, first first
    data_answers: list[str] = field(default_factory=list)  # answered to DATA, first first
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: SMTPServer, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:  # fmt: skip
        with self.lock:
            if self.rcpt_answers:
                return self.rcpt_answers.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        with self.lock:
            if self.data_answers:
                return self.data_answers.pop(0)
            content = envelope.original_content or b""
            parsed = email.message_from_bytes(content, policy=email.policy.default)
            assert isinstance(parsed, email.message.EmailMessage)
            self.received.append(parsed)
            self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 2.0.0 queued"

    def authenticate(self, server: SMTPServer, session: Session, envelope: Envelope,
                     mechanism: str, auth_data: Any) -> AuthResult:  # fmt: skip
        assert isinstance(auth_data, LoginPassword)
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret-pw")


class MailServer:
    """aiosmtpd on a fixed loopback port, which a test may stop and start again."""

    def __init__(self, auth: bool = False) -> None:
        self.port = free_port()
        self.box = Mailbox()
        self._auth = auth
        self._controller: Controller | None = None

    def start(self) -> None:
        extra: dict[str, Any] = {}
        if self._auth:
            extra = {"authenticator": self.box.authenticate, "auth_require_tls": False,
                     "auth_required": True}  # fmt: skip
        self._controller = Controller(self.box, hostname="127.0.0.1", port=self.port, **extra)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def mailserver() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    yield server
    server.stop()


def add_connector(backend: Any, client: Any, port: int, *extra: tuple[str, Any]) -> str:
    name = f"mail-{secrets.token_hex(3)}"
    config = {"host": "127.0.0.1", "port": port, "from": FROM, "tls": "auto", "timeout": 5}
    config.update(dict(extra))
    with backend.engine.begin() as conn:
        registry.add(conn, name, "smtp", json.dumps(config))
        routing.add_route(conn, name, formats=[8])
    return name


def remove_connector(backend: Any, client: Any, name: str) -> None:
    with backend.engine.begin() as conn:
        for (position,) in conn.execute(
            select(routes.c.position).where(routes.c.connector == name)
        ):
            routing.remove_route(conn, position)
        registry.remove(conn, name)
    assert client.portal is not None
    client.portal.call(network.worker(client).refresh_connectors)


@pytest.fixture
def smtp(backend: Any, client: Any, mailserver: MailServer) -> Iterator[str]:
    """An smtp connector to the test's server, routed for e-mail (removed after)."""
    name = add_connector(backend, client, mailserver.port)
    yield name
    remove_connector(backend, client, name)


def deliver(client: Any) -> int:
    """Claim and submit everything due, then let the e-mail connectors report."""
    claimed = network.deliver(client)
    for connector in list(network.worker(client).connectors.values()):
        if isinstance(connector, Smtp):
            client.portal.call(connector.flush)
    return claimed


def status(client: Any, account: Any, address: str, id_: int = 1) -> Any:
    return call_json(client, account, path=STATUS, phone=address, id=id_)


def row(backend: Any, account: Any, address: str) -> Any:
    with backend.engine.connect() as conn:
        return conn.execute(
            select(messages.c.state, messages.c.status, messages.c.err, messages.c.attempt,
                   messages.c.run_at, messages.c.connector, messages.c.int_id,
                   messages.c.subject, messages.c.mail, messages.c.format)
            .where(messages.c.account_id == account.id, messages.c.phone == address)
        ).one()._mapping  # fmt: skip


def send_mail(client: Any, account: Any, to: str, **extra: Any) -> str:
    params = {"phones": to, "mes": "Привет, мир! Ёжик €", "mail": 1, "subj": "Заказ № 42"}
    params.update(extra)
    return call(client, account, SEND, **params)


def test_mail_arrives_with_subject_sender_and_utf8_body_and_is_delivered(
    backend, client, sender, mailserver, smtp
):
    with backend.engine.begin() as conn:
        senders.add(conn, sender.id, "News@Shop.example")
    reply = send_mail(client, sender, "Ivan.Petrov@Example.org", sender="News@Shop.example")
    assert reply.startswith("OK - 1 SMS, ID - 1")
    stored = row(backend, sender, "ivan.petrov@example.org")  # send.php keeps it lower-cased
    assert (stored["state"], stored["status"], stored["connector"]) == ("queued", -1, smtp)
    assert (stored["mail"], stored["format"], stored["subject"]) == (1, 8, "Заказ № 42")
    deliver(client)  # other tests' messages may be due on the shared app too
    [mail] = mailserver.box.received
    assert mail["Subject"] == "Заказ № 42"
    assert mail["From"] == "News@Shop.example"
    assert mail["To"] == "ivan.petrov@example.org"
    assert mail.get_content().rstrip("\r\n") == "Привет, мир! Ёжик €"
    assert mail.get_content_charset() == "utf-8"
    assert mailserver.box.envelopes == [("News@Shop.example", ["ivan.petrov@example.org"])]
    found = status(client, sender, "Ivan.Petrov@example.org")
    assert (found["status"], found["err"]) == (1, 0)
    assert row(backend, sender, "ivan.petrov@example.org")["state"] == "delivered"
    assert balances(backend.engine, sender.id)[1] == START_BALANCE - MAIL_PRICE


def test_without_an_e_mail_sender_name_the_connectors_address_is_the_from(
    backend, client, sender, mailserver, smtp
):
    send_mail(client, sender, "anna@example.org", subj="")  # default sender SMSC.RU
    deliver(client)
    [mail] = mailserver.box.received
    assert mail["From"] == FROM
    assert mail["Subject"] == ""
    assert status(client, sender, "anna@example.org")["status"] == 1


def test_a_subject_cannot_add_headers(backend, client, sender, mailserver, smtp):
    send_mail(client, sender, "anna@example.org", subj="Hi\r\nBcc: victim@example.org")
    deliver(client)
    [mail] = mailserver.box.received
    assert mail["Subject"] == "Hi Bcc: victim@example.org"
    assert mail["Bcc"] is None
    assert mailserver.box.envelopes[0][1] == ["anna@example.org"]


def test_a_permanent_refusal_fails_the_message_with_its_err_and_refunds_it(
    backend, client, sender, mailserver, smtp
):
    mailserver.box.rcpt_answers.append("550 5.1.1 <nobody@example.org>: no such user")
    send_mail(client, sender, "nobody@example.org")
    deliver(client)
    found = status(client, sender, "nobody@example.org")
    assert (found["status"], found["err"]) == (20, 1)
    assert mailserver.box.received == []
    assert balances(backend.engine, sender.id)[1] == START_BALANCE
    deliver(client)
    assert status(client, sender, "nobody@example.org")["status"] == 20  # never sent again


def test_a_policy_refusal_of_the_data_is_err_253(backend, client, sender, mailserver, smtp):
    mailserver.box.data_answers.append("554 5.7.1 message refused as spam")
    send_mail(client, sender, "anna@example.org")
    deliver(client)
    found = status(client, sender, "anna@example.org")
    assert (found["status"], found["err"]) == (20, 253)


def test_a_temporary_refusal_is_retried_then_delivered_once(
    backend, client, sender, clock, mailserver, smtp
):
    mailserver.box.data_answers.append("451 4.3.0 try again later")
    send_mail(client, sender, "anna@example.org")
    deliver(client)
    first = row(backend, sender, "anna@example.org")
    assert (first["state"], first["attempt"], first["status"]) == ("queued", 1, -1)
    assert first["run_at"] > clock.now
    assert mailserver.box.received == []
    clock.now = first["run_at"]
    deliver(client)
    assert status(client, sender, "anna@example.org")["status"] == 1
    assert len(mailserver.box.received) == 1
    with backend.engine.connect() as conn:
        outcomes = conn.execute(
            select(delivery_attempts.c.outcome)
            .where(delivery_attempts.c.int_id == first["int_id"]).order_by(delivery_attempts.c.id)
        ).scalars()  # fmt: skip
        assert list(outcomes) == ["temporary", "accepted"]


def test_a_server_that_is_down_costs_no_attempt_and_loses_nothing(
    backend, client, sender, clock, mailserver, smtp
):
    mailserver.stop()
    send_mail(client, sender, "anna@example.org")
    send_mail(client, sender, "boris@example.org")
    deliver(client)
    for address in ("anna@example.org", "boris@example.org"):
        waiting = row(backend, sender, address)
        assert (waiting["state"], waiting["attempt"], waiting["status"]) == ("queued", 0, -1)
    connector = network.worker(client).connectors[smtp]
    assert connector.capacity() == 0  # it takes nothing while the server is down
    assert connector.health()["bound"] is False
    mailserver.start()
    clock.now += 10
    deliver(client)
    assert sorted(m["To"] for m in mailserver.box.received) == [
        "anna@example.org", "boris@example.org"]  # fmt: skip
    for id_, address in enumerate(("anna@example.org", "boris@example.org"), 1):
        assert status(client, sender, address, id_)["status"] == 1


def test_e_mail_goes_to_the_smtp_connector_and_sms_to_the_simulator(
    backend, client, sender, mailserver, smtp
):
    send_mail(client, sender, "anna@example.org")
    call(client, sender, SEND, phones=network.DELIVERED, mes="SMS")
    assert row(backend, sender, "anna@example.org")["connector"] == smtp
    assert row(backend, sender, network.DELIVERED)["connector"] == network.CONNECTOR
    deliver(client)
    assert [m["To"] for m in mailserver.box.received] == ["anna@example.org"]
    assert status(client, sender, network.DELIVERED, 2)["status"] == 1
    assert status(client, sender, "anna@example.org")["status"] == 1


def test_without_an_e_mail_route_mail_is_error_8(client, sender):
    reply = call_json(client, sender, path=SEND, phones="a@example.org", mes="Hi", mail=1)
    assert reply["error_code"] == 8


# AUTH without TLS (aiosmtpd warns on each connection): this server is on loopback.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_password_from_the_environment_logs_in(backend, client, sender, monkeypatch):
    server = MailServer(auth=True)
    server.start()
    monkeypatch.setenv("SMSCD_TEST_SMTP_PASSWORD", "s3cret-pw")
    name = add_connector(backend, client, server.port, ("username", "robot"),
                         ("password", "env:SMSCD_TEST_SMTP_PASSWORD"))  # fmt: skip
    try:
        send_mail(client, sender, "anna@example.org")
        deliver(client)
        assert server.box.logins == [(b"robot", b"s3cret-pw")]
        assert status(client, sender, "anna@example.org")["status"] == 1
    finally:
        remove_connector(backend, client, name)
        server.stop()


def test_a_submitted_message_left_by_a_stopped_process_is_reported_at_start(
    backend, client, sender, mailserver, smtp
):
    """The server took it (250) but the process stopped before reporting it delivered:
    the connector, started again, reports it."""
    send_mail(client, sender, "anna@example.org")
    worker = network.worker(client)
    client.portal.call(worker.refresh_connectors)
    connector = worker.connectors[smtp]
    assert isinstance(connector, Smtp)
    client.portal.call(connector.stop)  # its reporting ends: the process "stops" after the 250
    try:
        assert client.portal.call(worker.dispatch_once) == 1
        assert row(backend, sender, "anna@example.org")["state"] == "submitted"
        restarted = Smtp(smtp, connector.config, "", backend_db(client), worker, connector._clock)
        client.portal.call(restarted.start)
        try:
            assert client.portal.call(restarted.flush) == 1
        finally:
            client.portal.call(restarted.stop)
    finally:
        client.portal.call(connector.start)
    assert status(client, sender, "anna@example.org")["status"] == 1
    assert len(mailserver.box.received) == 1


def backend_db(client: Any) -> Any:
    return client.app.state.components["database"]


@pytest.mark.parametrize(
    ("code", "text", "err"),
    [
        (550, "5.1.1 no such user", 1),
        (550, "mailbox unavailable", 1),
        (553, "bad address", 1),
        (552, "5.2.2 mailbox full", 255),
        (554, "5.7.1 spam", 253),
        (550, "5.7.1 relaying denied", 253),
        (554, "transaction failed", 255),
    ],
)
def test_refusals_map_to_compat_errs(code, text, err):
    assert refusal_err(code, text) == err


@given(st.integers(500, 599), st.text(max_size=80))
def test_every_permanent_refusal_has_a_compat_err(code, text):
    assert refusal_err(code, text) in {1, 253, 254, 255}
    assert refusal_err(code, text, sender_refused=True) == 254
