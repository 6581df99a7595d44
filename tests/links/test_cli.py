"""``smscd links add|list`` through Typer's runner, on the test database."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from smscd.cli.main import app

from .helpers import counters, follow, get_link

runner = CliRunner()


def smscd(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == code, result.output
    return result.output


def test_add_then_list_and_the_api_agree(client, backend, make_account):
    account = make_account()
    out = smscd("links", "add", account.login, "https://example.com/cli", "--database", backend.url)
    match = re.fullmatch(r"(\d+) (http://127\.0\.0\.1:8000/([0-9A-Za-z]{8}))\n", out)
    assert match, out
    link_id, short, code = match.groups()
    again = smscd(
        "links", "add", account.login, "https://example.com/cli", "--database", backend.url
    )
    assert again == out  # the same link, not a second one
    assert follow(client, short).status_code == 302
    assert counters(get_link(client, account, link="https://example.com/cli")) == (1, 1, 1, 0, 0)
    listing = smscd("links", "list", account.login, "--database", backend.url)
    assert re.search(rf"│ {link_id} +│ {code} │ 1 +│ .* │ https://example\.com/cli", listing)


def test_add_refuses_what_the_api_refuses(backend, make_account):
    account = make_account()
    out = smscd("links", "add", account.login, "ftp://x", "--database", backend.url, code=1)
    assert "not a usable link" in out


def test_an_unknown_login_is_an_error(backend):
    assert "no account" in smscd("links", "list", "nobody_here", "--database", backend.url, code=1)


def test_add_refuses_a_host_idna_2008_refuses(backend, make_account):
    account = make_account()
    out = smscd("links", "add", account.login, "https://⒈.com/", "--database", backend.url, code=1)
    assert "not a usable link" in out
