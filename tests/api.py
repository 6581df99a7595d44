"""Calling the API from tests, as a client of the real service would."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

CODECS = {"windows-1251": "cp1251", "utf-8": "utf-8", "koi8-r": "koi8_r"}


def call(client: TestClient, account: Any = None, path: str = "/sys/get.php", **params: Any) -> str:
    """GET ``path`` as ``account`` (login + password) and return the decoded body.

    ``charset`` defaults to utf-8 here (the server's default is windows-1251, tested apart).
    """
    params.setdefault("charset", "utf-8")
    if account is not None:
        params.setdefault("login", account.login)
        params.setdefault("psw", account.password)
    reply = client.get(path, params=params)
    assert reply.status_code == 200
    return reply.content.decode(CODECS[params["charset"]])


def call_json(client: TestClient, account: Any = None, **params: Any) -> Any:
    return json.loads(call(client, account, fmt=3, **params))
