"""The PyPI package ``smsc-client`` (0.0.1) against a real smscd.

It can only send (``api.default.send``), by POST, in fmt 0, and splits the reply
``OK - 1 SMS, ID - <id>`` on ``", "`` and ``" - "``. Its base URL is the instance attribute
``_domain`` (``https://smsc.ru/``), set in the constructor: the only way to point it
elsewhere is to set that attribute on the instance (docs/clients.md). No backup hosts.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest
import requests
from smsc_client import SMSCAPI

from tests.clients.conftest import PHONE, Smscd, closed_port, status_of, wait_for


def client(base: str, login: str, password: str) -> Any:
    api = SMSCAPI(login=login, password=password)
    api._domain = base  # the service's root; the package appends "sys/send.php"
    return api


def test_smsc_client_sends(smscd: Smscd, account):
    api = client(f"{smscd.url}/", account.login, account.password)
    send_id = uuid.uuid4()  # the package requires the client's id, a UUID
    sent = api.default.send(phones=PHONE, mes="Hello from smsc-client", id=send_id, sender="Shop")
    assert dataclasses.asdict(sent) == {"OK": "1 SMS", "ID": str(send_id)}

    # The package reads nothing else: what it sent, as smscd reports it.
    status = wait_for(
        lambda: status_of(smscd, account, send_id),
        lambda found: found["status"] == 1,
        "the message delivered",
    )
    assert (status["message"], status["sender_id"], status["cost"]) == (
        "Hello from smsc-client", "Shop", "2.50",
    )  # fmt: skip


def test_smsc_client_with_smscd_down_raises_and_tries_no_other_host(account, no_egress):
    api = client(f"http://127.0.0.1:{closed_port()}/", account.login, account.password)
    with pytest.raises(requests.ConnectionError):
        api.default.send(phones=PHONE, mes="x", id=uuid.uuid4(), sender="Shop")
    assert no_egress.tried and set(no_egress.tried) <= {"127.0.0.1"}


def test_smsc_client_by_default_goes_to_the_real_service(account, no_egress):
    """Without ``_domain`` set, the credentials go to https://smsc.ru/ (refused here)."""
    api = SMSCAPI(login=account.login, password=account.password)
    with pytest.raises(requests.ConnectionError):
        api.default.send(phones=PHONE, mes="x", id=uuid.uuid4(), sender="Shop")
    assert no_egress.tried == ["smsc.ru"]


def test_smsc_client_cannot_read_an_error_reply(smscd: Smscd, account):
    """Its parser splits every reply into ``key - value`` pairs: an error
    (``ERROR = 2 (authorise error)``, the service's layout too) is not one, so the package
    raises ValueError instead of reporting the error."""
    api = client(f"{smscd.url}/", account.login, "not-the-password")
    with pytest.raises(ValueError, match="not enough values to unpack"):
        api.default.send(phones=PHONE, mes="x", id=uuid.uuid4(), sender="Shop")
