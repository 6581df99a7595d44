"""The queue and the simulated network: statuses move -1 -> 0 -> final, never back; money
follows (refunds for what never reached an operator); nothing is sent twice."""

from __future__ import annotations

from sqlalchemy import select, text

from smscd.delivery.connectors.base import Final, Outgoing, Receipt, Result, Submitted
from smscd.delivery.queue import Delivery
from smscd.delivery.tables import delivery_attempts, simulated_messages
from smscd.history.tables import messages
from smscd.settings import load_settings
from tests.api import call, call_json
from tests.billing.helpers import balances
from tests.conftest import TEST_SETTINGS
from tests.sending import network
from tests.sending.conftest import PART, START_BALANCE

SEND = "/sys/send.php"
STATUS = "/sys/status.php"
DE = network.DELIVERED


def status(client, account, phone, id_=1):
    return call_json(client, account, path=STATUS, phone=phone, id=id_)


def row(backend, account, phone):
    with backend.engine.connect() as conn:
        found = conn.execute(
            select(messages.c.state, messages.c.status, messages.c.err, messages.c.attempt,
                   messages.c.int_id, messages.c.run_at)
            .where(messages.c.account_id == account.id, messages.c.phone == phone)
        ).one()  # fmt: skip
    return found._mapping


def test_a_message_goes_waiting_handed_over_delivered(client, sender, clock):
    call(client, sender, SEND, phones=DE, mes="Hi")
    assert status(client, sender, DE)["status"] == -1
    clock.now += 2
    assert network.deliver(client) >= 1
    found = status(client, sender, DE)
    assert (found["status"], found["err"]) == (1, 0)
    assert found["last_timestamp"] == int(clock.now)
    [history] = call_json(client, sender, get_messages=1)
    assert history["status"] == 1 and history["status_name"] == "Доставлено"


def test_a_scheduled_message_waits_for_its_time(client, sender, clock):
    call(client, sender, SEND, phones=DE, mes="Hi", time="+10")
    network.deliver(client)
    assert status(client, sender, DE)["status"] == -1
    clock.now += 10 * 60
    network.deliver(client)
    assert status(client, sender, DE)["status"] == 1


def test_undeliverable_keeps_its_charge_with_the_networks_err(backend, client, sender):
    phone = network.OUTCOMES["undeliverable"]
    call(client, sender, SEND, phones=phone, mes="Hi")
    network.deliver(client)
    found = status(client, sender, phone)
    assert (found["status"], found["err"]) == (20, 6)
    assert balances(backend.engine, sender.id)[1] == START_BALANCE - PART


def test_a_rejected_message_fails_and_is_refunded(backend, client, sender):
    phone = network.OUTCOMES["rejected"]
    call(client, sender, SEND, phones=phone, mes="Hi")
    assert balances(backend.engine, sender.id)[1] == START_BALANCE - PART
    network.deliver(client)
    found = status(client, sender, phone)
    assert (found["status"], found["err"]) == (20, 254)
    assert balances(backend.engine, sender.id)[1] == START_BALANCE
    stat = call_json(client, sender, get_stat=1)[0]
    assert (stat["sms"], stat["credit"]) == ("0", "0.00")


def test_a_temporary_failure_is_retried_with_backoff(backend, client, sender, clock):
    phone = network.OUTCOMES["temporary"]
    call(client, sender, SEND, phones=phone, mes="Hi")
    network.deliver(client)
    first = row(backend, sender, phone)
    assert (first["state"], first["attempt"]) == ("queued", 1)
    assert first["run_at"] >= clock.now + 9  # 10 s +- 10 %
    network.deliver(client)
    assert row(backend, sender, phone)["attempt"] == 1  # not due yet
    clock.now = first["run_at"]
    network.deliver(client)
    second = row(backend, sender, phone)
    assert (second["state"], second["attempt"]) == ("queued", 2)
    clock.now = second["run_at"]
    network.deliver(client)  # the third try is taken
    assert status(client, sender, phone)["status"] == 1
    with backend.engine.connect() as conn:
        outcomes = conn.execute(
            select(delivery_attempts.c.outcome)
            .where(delivery_attempts.c.int_id == first["int_id"])
            .order_by(delivery_attempts.c.id)
        ).scalars()
        assert list(outcomes) == ["temporary", "temporary", "accepted"]


def test_the_networks_expiry_receipt_is_status_3(client, sender):
    phone = network.OUTCOMES["expired"]
    call(client, sender, SEND, phones=phone, mes="Hi")
    network.deliver(client)
    assert status(client, sender, phone)["status"] == 3


def test_a_message_not_sent_within_valid_expires_and_is_refunded(backend, client, sender, clock):
    call(client, sender, SEND, phones=DE, mes="Hi", time="+120", valid="1")
    clock.now += 2 * 3600 + 3600
    network.maintain(client)
    found = status(client, sender, DE)
    assert found["status"] == 3
    assert balances(backend.engine, sender.id)[1] == START_BALANCE
    network.deliver(client)
    assert status(client, sender, DE)["status"] == 3  # never sent afterwards


def test_a_message_past_valid_is_never_claimed_even_before_maintenance(backend, client, sender,
                                                                      clock):  # fmt: skip
    """Between maintenance rounds, an expired message must not reach the network."""
    call(client, sender, SEND, phones=DE, mes="Hi", time="+120", valid="1")
    clock.now += 2 * 3600 + 3600
    assert network.deliver(client) == 0
    assert row(backend, sender, DE)["attempt"] == 0
    network.maintain(client)
    assert status(client, sender, DE)["status"] == 3
    assert balances(backend.engine, sender.id)[1] == START_BALANCE


def test_a_lost_lease_is_rescued_and_the_message_sent_once(backend, client, sender, clock):
    """A worker that claimed a message and died: after the lease, another sends it."""
    call(client, sender, SEND, phones=DE, mes="Hi")
    int_id = row(backend, sender, DE)["int_id"]
    with backend.engine.begin() as conn:  # what a worker that died mid-batch leaves
        conn.execute(
            text("UPDATE messages SET state = 'sending', attempt = 1, claimed_by = 'dead',"
                 " lease_until = :until WHERE int_id = :id"),
            {"until": int(clock.now) + 60, "id": int_id},
        )  # fmt: skip
    network.deliver(client)
    assert row(backend, sender, DE)["state"] == "sending"  # its lease still holds
    clock.now += 61
    network.maintain(client)
    assert row(backend, sender, DE)["state"] == "queued"
    network.deliver(client)
    assert status(client, sender, DE)["status"] == 1
    with backend.engine.connect() as conn:
        submissions = conn.execute(
            select(simulated_messages.c.submissions).where(simulated_messages.c.int_id == int_id)
        ).scalar_one()
    assert submissions == 1


def test_an_answer_recorded_after_the_lease_was_taken_changes_nothing(
    backend, client, sender, clock
):
    """A worker records its batch (on PostgreSQL in one statement for the accepted ones):
    of two accepted messages, the one whose claim another worker holds now keeps that
    claim; the other is submitted."""
    call(client, sender, SEND, phones=f"{DE},{network.DELIVERED[:-1]}9", mes="Hi")
    worker = network.worker(client)
    ids = []
    with backend.engine.begin() as conn:
        for phone, holder in ((DE, worker.worker), (f"{network.DELIVERED[:-1]}9", "other")):
            int_id = row(backend, sender, phone)["int_id"]
            conn.execute(
                text("UPDATE messages SET state = 'sending', attempt = 1, claimed_by = :by,"
                     " lease_until = :until WHERE int_id = :id"),
                {"by": holder, "until": int(clock.now) + 60, "id": int_id},
            )  # fmt: skip
            ids.append(int_id)
    outcomes = [(Outgoing(i, sender.id, "x", "Hi", "", 0, 1, int(clock.now) + 3600),
                 Submitted(Result.ACCEPTED, peer_id=f"peer-{i}")) for i in ids]  # fmt: skip
    lost = worker.counters.lease_lost
    client.portal.call(worker._record, "simulator", outcomes)
    with backend.engine.connect() as conn:
        states = dict(conn.execute(
            select(messages.c.int_id, messages.c.state).where(messages.c.int_id.in_(ids))
        ).all())  # fmt: skip
    assert states == {ids[0]: "submitted", ids[1]: "sending"}
    assert worker.counters.lease_lost == lost + 1


def test_late_and_repeated_receipts_never_move_a_status_back(backend, client, sender, clock):
    call(client, sender, SEND, phones=DE, mes="Hi")
    network.deliver(client)
    int_id = row(backend, sender, DE)["int_id"]
    late = Receipt(network.CONNECTOR, str(int_id), Final.UNDELIVERABLE, 1, int(clock.now), int_id)
    portal = client.portal
    taken = portal.call(network.worker(client).receipts, [late])
    assert taken == set()
    assert status(client, sender, DE)["status"] == 1


def test_statistics_balance_and_history_agree(backend, client, sender):
    call(client, sender, SEND, phones=f"{DE},4915112345679", mes="x" * 200)  # 2 x 2 parts
    call(client, sender, SEND, phones=network.OUTCOMES["rejected"], mes="Hi")
    network.deliver(client)
    history = call_json(client, sender, get_messages=1)
    charged = sum(round(float(m["cost"]) * 100) for m in history if m["status"] != 20)
    stat = call_json(client, sender, get_stat=1)[0]
    balance = call_json(client, sender, path="/sys/balance.php")["balance"]
    assert charged == 4 * PART
    assert stat["credit"] == "10.00" and stat["sms"] == "4"
    assert balance == "90.00"


def test_on_sqlite_one_process_claims_at_a_time(backend, client, sender, clock):
    """A second delivery worker on the database: on SQLite it claims nothing while the
    first holds the dispatch lock; on PostgreSQL both claim (skipping each other's rows)."""
    call(client, sender, SEND, phones=DE, mes="Hi")
    settings = load_settings(database_url=backend.url, **TEST_SETTINGS)
    db = client.app.state.components["database"]
    other = Delivery(settings, db, lambda: clock.now)
    portal = client.portal
    network.deliver(client)  # the app's own worker has claimed at least once: it holds it
    call(client, sender, SEND, phones="4915112345679", mes="Hi")
    portal.call(other.refresh_connectors)
    try:
        claimed = portal.call(other.dispatch_once)
    finally:
        portal.call(other.stop)
    if backend.name == "sqlite":
        assert claimed == 0
        assert row(backend, sender, "4915112345679")["state"] == "queued"
    else:
        assert claimed >= 1
