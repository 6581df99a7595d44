"""The smscd command through Typer's runner, on the test database."""

from __future__ import annotations

import re
import secrets

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from smscd.accounts.passwords import Passwords
from smscd.accounts.tables import accounts
from smscd.cli import common
from smscd.cli.main import app
from smscd.db.engine import sync_engine
from smscd.demo.seed import demo_api_key
from smscd.history.tables import messages

runner = CliRunner()


@pytest.fixture
def cheap_argon2(monkeypatch):
    monkeypatch.setenv("SMSCD_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("SMSCD_ARGON2_MEMORY_KIB", "64")


def smscd(*args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_db_upgrade_reports_the_revision(backend):
    assert "schema at revision" in smscd("db", "upgrade", "--database", backend.url)


def test_account_create_list_and_sub_clients(backend, cheap_argon2):
    smscd(
        "account",
        "create",
        "cli_parent",
        "--password",
        "p",
        "--timezone",
        "Asia/Yekaterinburg",
        "--database",
        backend.url,
    )
    smscd(
        "account",
        "create",
        "cli_child",
        "--password",
        "c",
        "--parent",
        "cli_parent",
        "--currency",
        "usd",
        "--database",
        backend.url,
    )
    listing = smscd("account", "list", "--database", backend.url)
    assert re.search(r"cli_child\s*│\s*cli_parent\s*│\s*Europe/Moscow\s*│\s*USD", listing)
    with backend.engine.connect() as conn:
        hashes = conn.execute(
            select(accounts.c.password_hash).where(accounts.c.login == "cli_child")
        )
        assert hashes.scalar().startswith("$argon2id$")


def test_account_create_refuses_bad_input(backend, cheap_argon2):
    for args in (
        ["--timezone", "Mars/Olympus"],
        ["--parent", "no-such-login"],
        ["--language", "fr"],
    ):
        result = runner.invoke(
            app,
            ["account", "create", "cli_bad", "--password", "p", "--database", backend.url, *args],
        )
        assert result.exit_code == 1


def test_apikey_create_prints_a_key_once_and_revoke_revokes_it(backend, cheap_argon2, client):
    smscd("account", "create", "cli_keys", "--password", "p", "--database", backend.url)
    key = smscd("apikey", "create", "cli_keys", "--database", backend.url).strip()
    assert re.fullmatch(r"[0-9a-f]{40}", key)
    assert client.get(f"/sys/get.php?get_messages=1&fmt=1&apikey={key}").text == "0,-3"
    assert key[:12] in smscd("apikey", "list", "cli_keys", "--database", backend.url)
    assert "1 key(s) revoked" in smscd("apikey", "revoke", "cli_keys", "--database", backend.url)
    assert client.get(f"/sys/get.php?get_messages=1&fmt=1&apikey={key}").text == "0,-2"


def test_seed_demo_fills_two_accounts_and_prints_the_key(tmp_path, cheap_argon2):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    output = smscd(
        "seed-demo", "--database", url, "--messages", "300", "--seed", "7", "--now", "1790000000"
    )
    assert "demo: 300 sent, 3000 incoming" in output
    assert "demo2: 30 sent, 300 incoming" in output
    assert f"demo API key: {demo_api_key(7)}" in output
    again = runner.invoke(app, ["seed-demo", "--database", url, "--messages", "300"])
    assert again.exit_code == 1 and "already has demo accounts" in again.output


def test_seed_demo_is_deterministic(tmp_path, cheap_argon2):
    def rows(name: str) -> list[tuple]:
        url = f"sqlite:///{tmp_path / name}"
        smscd(
            "seed-demo",
            "--database",
            url,
            "--messages",
            "200",
            "--seed",
            "3",
            "--now",
            "1790000000",
        )
        engine = sync_engine(url)
        with engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(messages)).scalar()
            assert count == 230  # demo 200, demo2 20, demo-sub 10
            found = [tuple(r) for r in conn.execute(select(messages).order_by(messages.c.int_id))]
        engine.dispose()
        return found

    assert rows("a.db") == rows("b.db")


def test_a_bad_database_url_is_a_clear_error():
    result = runner.invoke(app, ["db", "upgrade", "--database", "mysql://x/y"])
    assert result.exit_code == 2 and "unsupported database" in result.output


# Passwords need not be on the command line (`ps`, shell history): asked for on a terminal,
# hidden and confirmed, or read from standard input with --password-stdin.
def works(backend, login: str, password: str) -> bool:
    passwords = Passwords(time_cost=1, memory_kib=64)
    with backend.engine.connect() as conn:
        stored = conn.execute(select(accounts.c.password_hash).where(accounts.c.login == login))
        return passwords.verify(stored.scalar(), password)


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr(common, "interactive", lambda: True)


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input, env={"COLUMNS": "200"})


def test_account_create_asks_for_the_password_on_a_terminal(backend, cheap_argon2, terminal):
    login = f"cli_ask_{secrets.token_hex(3)}"
    result = invoke(
        "account", "create", login, "--database", backend.url, input="s3cret word\ns3cret word\n"
    )
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output  # hidden
    assert works(backend, login, "s3cret word")


def test_a_prompted_password_must_be_confirmed(backend, cheap_argon2, terminal):
    login = f"cli_ask_{secrets.token_hex(3)}"
    result = invoke("account", "create", login, "--database", backend.url, input="one\ntwo\n")
    assert result.exit_code != 0
    with backend.engine.connect() as conn:
        assert conn.execute(select(accounts.c.id).where(accounts.c.login == login)).first() is None


def test_account_create_and_passwd_read_the_password_from_stdin(backend, cheap_argon2):
    login = f"cli_stdin_{secrets.token_hex(3)}"
    created = invoke(
        "account",
        "create",
        login,
        "--password-stdin",
        "--database",
        backend.url,
        input="first pw\n",
    )
    assert created.exit_code == 0, created.output
    assert works(backend, login, "first pw")
    changed = invoke(
        "account", "passwd", login, "--password-stdin", "--database", backend.url, input="second\n"
    )
    assert changed.exit_code == 0, changed.output
    assert works(backend, login, "second") and not works(backend, login, "first pw")


def test_account_passwd_asks_on_a_terminal(backend, cheap_argon2, terminal):
    login = f"cli_ask_{secrets.token_hex(3)}"
    invoke("account", "create", login, "--password", "old", "--database", backend.url)
    result = invoke("account", "passwd", login, "--database", backend.url, input="new\nnew\n")
    assert result.exit_code == 0, result.output
    assert works(backend, login, "new")


@pytest.mark.parametrize(
    "args,input",
    [
        (["--password-stdin"], "\n"),  # an empty line
        (["--password-stdin"], ""),  # nothing at all
        (["--password", "x", "--password-stdin"], "y\n"),  # both
        ([], None),  # not a terminal, and no password given
    ],
)
def test_no_usable_password_is_refused(backend, cheap_argon2, args, input):
    login = f"cli_none_{secrets.token_hex(3)}"
    result = invoke("account", "create", login, *args, "--database", backend.url, input=input)
    assert result.exit_code != 0
    with backend.engine.connect() as conn:
        assert conn.execute(select(accounts.c.id).where(accounts.c.login == login)).first() is None
