"""The requests the service's official libraries build, sent to a real smscd, and their
replies read the way those libraries read them.

The official libraries (``smsc_api.py`` 2.0, ``smsc_api.php`` 3.x, ``smsc_api.js`` 1.x) are
files published on the service's site without a licence, so they are not vendored here
and cannot be installed from a registry; these tests replay, from their published source,
what they put on the wire (docs/clients.md describes each, and the hosts they retry):

- Python: GET ``/sys/<cmd>.php?login=..&psw=..&fmt=1&charset=utf-8&<args>``, values through
  ``urllib.parse.quote``; the reply split on ``,`` (for ``status`` with ``all=1`` re-split
  at the first 8 commas: the rest is the message).
- PHP: the same with ``urlencode`` (a space is ``+``) in the configured charset
  (windows-1251 here), or the same string as a POST body (``SMSC_POST``); a status list
  (ids with ``,``) split into lines.
- JavaScript: a multipart/form-data POST of ``fmt=3``, ``login``, ``psw``, ``charset`` and
  the call's fields; the reply parsed as JSON.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import httpx

from tests.clients.conftest import PHONE, Smscd, wait_for


def python_call(smscd: Smscd, account: Any, cmd: str, arg: str) -> list[str]:
    quote = urllib.parse.quote
    query = f"login={quote(account.login)}&psw={quote(account.password)}&fmt=1&charset=utf-8&"
    reply = httpx.get(f"{smscd.root}{cmd}.php?{query}{arg}")
    return reply.content.decode("utf-8").split(",")


def php_query(account: Any, charset: str, **args: str) -> str:
    def encode(value: str) -> str:
        return urllib.parse.quote_plus(value.encode(charset))

    fixed = f"login={encode(account.login)}&psw={encode(account.password)}&fmt=1&charset={charset}"
    return fixed + "".join(f"&{name}={encode(value)}" for name, value in args.items())


def test_official_python_library_requests(smscd: Smscd, account):
    message = "Привет, мир"
    sent = python_call(
        smscd, account, "send",
        f"cost=3&phones={urllib.parse.quote(PHONE)}&mes={urllib.parse.quote(message)}"
        "&translit=0&id=0&sender=SMSC.RU",
    )  # fmt: skip
    send_id, cnt, cost, balance = sent  # (id, cnt, cost, balance)
    assert (cnt, cost, balance) == ("1", "2.50", "97.50")

    status = wait_for(
        lambda: python_call(smscd, account, "status", f"phone={PHONE}&id={send_id}&all=0"),
        lambda found: found[0] == "1",
        "the message delivered",
    )
    assert int(status[1]) > 0 and status[2] == "0"  # the change's time, read as an integer
    detailed = ",".join(
        python_call(smscd, account, "status", f"phone={PHONE}&id={send_id}&all=1")
    ).split(",", 8)
    assert detailed[4:8] == [PHONE, "2.50", "SMSC.RU", "Доставлено"]
    # Everything after the 8th comma is "the message": the text, then comment and type.
    assert detailed[8] == f"{message},,0"
    assert python_call(smscd, account, "balance", "") == ["97.50"]


def test_official_php_library_requests_get_and_post(smscd: Smscd, account):
    url = f"{smscd.root}send.php"
    query = php_query(account, "windows-1251", cost="3", phones=PHONE, mes="Привет, мир", id="7")
    got = httpx.get(f"{url}?{query}").content.decode("windows-1251")
    assert got.split(",") == ["7", "1", "2.50", "97.50"]
    posted = httpx.post(
        url,
        content=php_query(account, "windows-1251", cost="3", phones=PHONE, mes="Пока", id="8"),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # what curl sends for CURLOPT_POSTFIELDS given a string
    assert posted.content.decode("windows-1251").split(",") == ["8", "1", "2.50", "95.00"]

    ids, phones = "7,8", f"{PHONE},{PHONE}"
    lines = wait_for(
        lambda: httpx.get(
            f"{smscd.root}status.php?{php_query(account, 'windows-1251', phone=phones, id=ids)}"
        ).text.split("\n"),  # a list of ids: one line each
        lambda found: [line.split(",")[0] for line in found] == ["1", "1"],
        "both messages delivered",
    )
    assert [line.split(",")[-2:] for line in lines] == [["7", PHONE], ["8", PHONE]]


def test_official_javascript_library_requests(smscd: Smscd, account):
    def call(file: str, **data: str) -> Any:
        fields = {"fmt": "3", "login": account.login, "psw": account.password}
        fields |= {"charset": "utf-8", **data}
        multipart = {name: (None, value) for name, value in fields.items()}
        return json.loads(httpx.post(f"{smscd.root}{file}", files=multipart).text)

    # The library renames ``phone`` to ``phones`` on every call but get_status.
    assert call("send.php", phones=PHONE, mes="Привет", cost="2") == {
        "id": 1, "cnt": 1, "cost": "2.50",
    }  # fmt: skip
    status = wait_for(
        lambda: call("status.php", phone=PHONE, id="1"),
        lambda found: found["status"] == 1,
        "the message delivered",
    )
    assert status["err"] == 0
    assert call("balance.php", cur="1") == {"balance": "97.50", "currency": "RUB"}
    history = call("get.php", get_messages="1", phones=PHONE)
    assert [(m["id"], m["phone"]) for m in history] == [(1, PHONE)]
