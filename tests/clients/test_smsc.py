"""The PyPI package ``smsc`` (0.1.1, github.com/Otetz/smsc) against a real smscd.

Its base URL is the class attribute ``SMSC._url`` (``https://smsc.ru/sys/``), which every
method reads as ``SMSC._url``: setting it is the only way to point the package elsewhere
(docs/clients.md). It asks for JSON (fmt=3) by GET, and has no backup hosts: when smscd is
down it raises, and tries nothing else.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.clients.conftest import PHONE, Smscd, closed_port, status_of, wait_for


@pytest.fixture
def smsc(smscd: Smscd, monkeypatch: pytest.MonkeyPatch) -> Any:
    # Imported here: the package configures the root logger (DEBUG) when imported.
    from smsc.api import SMSC

    monkeypatch.setattr(SMSC, "_url", smscd.root)
    return SMSC


def test_smsc_sends_reads_the_status_and_the_balance(smsc, smscd, account):
    from smsc.messages import SMSMessage

    # The package's own default sender is "SMSC.ru": name one the account has registered.
    client = smsc(login=account.login, password=account.password, sender="SMSC.RU")
    sent = client.send(to=PHONE, message=SMSMessage(text="Hello from smsc"))
    assert sent.error is None
    assert (sent.count, sent.cost) == (1, 2.50)
    assert isinstance(sent.message_id, int)

    [status] = wait_for(
        lambda: client.get_status(to=PHONE, msg_id=str(sent.message_id)),
        lambda found: found[0].status.status_id == 1,
        "the message delivered",
    )
    assert status.status.name == "Доставлено"
    assert status.data["id"] == sent.message_id
    assert status.data["phone"] == PHONE
    assert (status.data["cost"], status.data["sms_cnt"]) == ("2.50", 1)
    assert status.data["message"] == "Hello from smsc"
    assert (
        status.data["last_date"].timestamp()
        == status_of(smscd, account, sent.message_id)["last_timestamp"]
    )

    balance = client.get_balance()
    assert balance.error is None
    assert (balance.balance, balance.credit, balance.currency) == (97.50, 0.0, "RUB")


def test_smsc_reads_the_cost_without_sending(smsc, account):
    from smsc.messages import SMSMessage

    client = smsc(login=account.login, password=account.password, sender="Shop")
    cost = client.get_cost(to=[PHONE, "79161234567"], message=SMSMessage(text="Ц" * 71))
    assert cost.error is None
    assert (cost.count, cost.cost) == (4, 10.00)  # two numbers, two UCS-2 parts each
    assert client.get_balance().balance == 100.00


def test_smsc_reads_smscd_errors(smsc, account):
    from smsc.messages import SMSMessage

    wrong = smsc(login=account.login, password="not-the-password", sender="SMSC.RU")
    assert wrong.send(to=PHONE, message=SMSMessage(text="x")).error == (2, "authorise error")
    assert wrong.get_balance().error == (2, "authorise error")
    # The package's default sender name, not registered for the account: error 6.
    default = smsc(login=account.login, password=account.password)
    denied = default.send(to=PHONE, message=SMSMessage(text="x"))
    assert denied.error == (6, "message is denied")


def test_smsc_with_smscd_down_raises_and_tries_no_other_host(smsc, account, no_egress, monkeypatch):
    from smsc.messages import SMSMessage

    monkeypatch.setattr(smsc, "_url", f"http://127.0.0.1:{closed_port()}/sys/")
    client = smsc(login=account.login, password=account.password, sender="SMSC.RU")
    with pytest.raises(requests.ConnectionError):
        client.send(to=PHONE, message=SMSMessage(text="x"))
    with pytest.raises(requests.ConnectionError):
        client.get_balance()
    assert no_egress.tried and set(no_egress.tried) <= {"127.0.0.1"}


def test_smsc_by_default_goes_to_the_real_service(account, no_egress):
    """Without ``SMSC._url`` set, the credentials go to https://smsc.ru/sys/ (refused here
    before anything leaves the machine)."""
    from smsc.api import SMSC

    with pytest.raises(requests.ConnectionError):
        SMSC(login=account.login, password=account.password).get_balance()
    assert no_egress.tried == ["smsc.ru"]
