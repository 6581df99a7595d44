"""The published description of the API: a valid OpenAPI 3.1 document at /openapi.json, a
readable page at /docs, and both true to the endpoints (every parameter they read is there)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openapi_spec_validator import validate

from smscd.apidoc import openapi, page
from smscd.app import API
from smscd.http import params as params_module
from smscd.http.endpoint import Action
from smscd.limits.policy import Limits
from smscd.settings import load_settings
from tests.api import call
from tests.factories import add_sent, sent

EVERY_ACTION = [(path, action) for path, actions in API.items() for action in actions]
COMMON = {parameter.name for parameter in openapi.COMMON}


def test_the_document_is_valid_openapi_3_1():
    validate(openapi.document(API))


def test_the_server_publishes_the_document(client):
    reply = client.get("/openapi.json")
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/json"
    assert reply.json() == json.loads(json.dumps(openapi.document(API)))


def test_every_action_and_parameter_is_on_the_docs_page(client):
    reply = client.get("/docs")
    assert reply.headers["content-type"] == "text/html; charset=utf-8"
    page = reply.text
    for path, action in EVERY_ACTION:
        assert path in page and f'id="{action.name.replace(" ", "-")}"' in page
        for parameter in (*openapi.COMMON, *action.parameters):
            assert f"<code>{parameter.name}</code>" in page
    # Self-contained: nothing to run, nothing fetched from elsewhere.
    assert "<script" not in page and "src=" not in page and 'href="http' not in page


def test_each_action_requires_its_own_flag_and_no_other():
    # A path's flagless actions (send.php's, status.php's) require none: they are told
    # apart by their parameters, so the variants are anyOf.
    document = openapi.document(API)
    for path, actions in API.items():
        [query] = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == "action"]
        variants = query["schema"]["anyOf"]
        assert [variant["required"] for variant in variants] == [
            [a.flag] if a.flag else [] for a in actions
        ]
        for variant, action in zip(variants, actions, strict=True):
            declared = set(variant["properties"]) - {action.flag}
            assert declared == {p.name for p in action.parameters}


class Recording(dict[str, str]):
    """Request parameters that note in ``asked`` which names were asked for."""

    def __init__(self, asked: set[str], values: dict[str, str]) -> None:
        super().__init__(values)
        self.asked = asked

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        self.asked.add(name)
        return super().get(name, default)

    def __getitem__(self, name: str) -> str:
        self.asked.add(name)
        return super().__getitem__(name)


def example_values(action: Action) -> dict[str, str]:
    values = {}
    for parameter in action.parameters:
        if parameter.example is not None:
            values[parameter.name] = parameter.example
        elif parameter.kind == "integer":
            values[parameter.name] = str(parameter.minimum)
        elif parameter.kind in ("flag", "choice"):
            values[parameter.name] = parameter.choices[0] if parameter.choices else "1"
    return values


@pytest.mark.parametrize(("path", "action"), EVERY_ACTION, ids=[a.name for _, a in EVERY_ACTION])
def test_every_parameter_an_action_reads_is_declared(
    client, backend, make_account, monkeypatch, path, action
):
    account = make_account()
    add_sent(backend.engine, [sent(account.id, 1_789_999_000)])
    asked: set[str] = set()
    decode = params_module.decode
    monkeypatch.setattr(
        params_module, "decode", lambda pairs, charset: Recording(asked, decode(pairs, charset))
    )
    flags = {a.flag for a in API[path]}
    for values in ({}, example_values(action)):
        call(client, account, path, **{action.flag: 1, **values})
    declared = {p.name for p in action.parameters}
    assert asked - COMMON - flags == declared


def test_the_docs_page_gives_the_deployments_limits():
    settings = load_settings(limit_history_per_hour=120, limit_stat_per_minute=0)
    page_text = page.render(API, Limits(settings).defaults)
    assert "at most 120 requests of any kind of a login an hour" in page_text
    assert "no limit on the requests of any kind of a login a minute" in page_text
    assert "at most 14 requests of a login at once" in page_text
