"""The npm package ``node-smsc`` (0.2.3, github.com/rmdm/node-smsc) against a real smscd,
run by ``node`` from tests/clients/node (its packages: ``npm ci --prefix
tests/clients/node``, which scripts/_env.sh and .ci/run do).

It takes the API's root as its documented ``request`` option (default
``https://smsc.ru/sys/``), sends GET requests with ``fmt=3`` and ``charset=utf-8`` and the
password's MD5, parses JSON, and rejects a reply that carries ``error_code`` with an
``SmscApiError``. No backup hosts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.clients.conftest import PHONE, Smscd, closed_port, status_of, wait_for

NODE_DIR = Path(__file__).parent / "node"
NODE = shutil.which("node") or "node"


def node_smsc(
    root: str, login: str, password: str, call: str, query: dict[str, Any], guard: bool = False
) -> tuple[dict[str, Any], str]:
    """One call of the package; its outcome and what node wrote to stderr."""
    if not (NODE_DIR / "node_modules" / "node-smsc").is_dir():
        pytest.fail("node-smsc is not installed: npm ci --prefix tests/clients/node")
    argv = [NODE, *(["--require", "./guard.js"] if guard else []), "node_smsc.js", call]
    done = subprocess.run(
        [*argv, json.dumps(query)],
        cwd=NODE_DIR,
        env={**os.environ, "SMSCD_ROOT": root, "SMSC_LOGIN": login, "SMSC_PASSWORD": password},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout), done.stderr


def test_node_smsc_sends_reads_the_status_and_the_balance(smscd: Smscd, account):
    def call(name: str, **query: Any) -> Any:
        return node_smsc(smscd.root, account.login, account.password, name, query)[0]

    sent = call("send", phones=PHONE, mes="Привет из node-smsc", cost=3)
    assert sent["result"] == {"id": 1, "cnt": 1, "cost": "2.50", "balance": "97.50"}

    status = wait_for(
        lambda: call("status", phone=PHONE, id=1, all=1)["result"],
        lambda found: found["status"] == 1,
        "the message delivered",
    )
    assert status == status_of(smscd, account, 1)
    assert (status["message"], status["status_name"]) == ("Привет из node-smsc", "Доставлено")

    assert call("balance", cur=1)["result"] == {"balance": "97.50", "currency": "RUB"}
    history = call("get", get_messages=1, phone=PHONE)["result"]
    assert [(m["id"], m["status"], m["sms_cnt"]) for m in history] == [(1, 1, 1)]


def test_node_smsc_rejects_smscd_errors(smscd: Smscd, account):
    wrong, _ = node_smsc(smscd.root, account.login, "not-the-password", "balance", {})
    assert wrong["error"]["name"] == "SmscApiError"
    assert wrong["error"]["response"] == {"error": "authorise error", "error_code": 2}
    no_route, _ = node_smsc(
        smscd.root, account.login, account.password, "send", {"phones": "12025550123", "mes": "x"}
    )
    assert no_route["error"]["response"] == {
        "error": "can't to deliver", "error_code": 8, "id": 1,
    }  # fmt: skip
    # The package turns "nothing found" in the history into an empty list.
    empty, _ = node_smsc(smscd.root, account.login, account.password, "get", {"get_messages": 1})
    assert empty == {"result": []}


def test_node_smsc_with_smscd_down_rejects_and_tries_no_other_host(account):
    root = f"http://127.0.0.1:{closed_port()}/sys/"
    down, tried = node_smsc(root, account.login, account.password, "balance", {}, guard=True)
    assert down["error"]["code"] == "ECONNREFUSED"
    assert tried.split() == ["connect", "127.0.0.1"]


def test_node_smsc_without_the_request_option_goes_to_the_real_service(account):
    """The default is https://smsc.ru/sys/: a forgotten option sends the credentials there
    (refused here before it leaves the machine)."""
    down, tried = node_smsc("", account.login, account.password, "balance", {}, guard=True)
    assert "refused a connection to smsc.ru" in down["error"]["message"]
    assert tried.split() == ["connect", "smsc.ru"]
