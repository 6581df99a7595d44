"""``smscd sender``, ``smscd connectors``, ``smscd routes``, ``smscd account set-credit``
and ``set-callback`` through Typer's runner, on the test database."""

from __future__ import annotations

import json
import secrets
from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner

from smscd.accounts.tables import accounts
from smscd.cli.delivery import connectors_app, routes_app
from smscd.cli.main import account_app
from smscd.cli.sending import sender_app
from smscd.delivery.tables import connectors, routes

runner = CliRunner()


def run(app: Any, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_sender_names(backend, make_account):
    account = make_account()
    db = ("--database", backend.url)
    run(sender_app, "add", account.login, "Shop", *db)
    run(sender_app, "add", account.login, "79991112233", "--default", *db)
    listing = run(sender_app, "list", account.login, *db)
    assert "Shop" in listing and "79991112233" in listing and "*" in listing
    assert "not-latin-Имя" in run(sender_app, "add", account.login, "not-latin-Имя", *db, code=1)
    run(sender_app, "remove", account.login, "79991112233", *db)
    with backend.engine.connect() as conn:
        default = conn.execute(
            select(accounts.c.default_sender).where(accounts.c.id == account.id)
        ).scalar_one()
    assert default == ""
    assert "no sender name" in run(sender_app, "remove", account.login, "Nope", *db, code=1)


def test_connectors_and_routes(backend):
    db = ("--database", backend.url)
    name = f"sim-{secrets.token_hex(3)}"
    run(connectors_app, "add", "simulator", name, "--rules", '{"tps": 5}', *db)
    assert "unknown rules" in run(connectors_app, "rules", name, "--rules", '{"tpz": 5}', *db,
                                  code=1)  # fmt: skip
    assert "unknown connector kind" in run(connectors_app, "add", "pigeon", "x", *db, code=1)
    first = run(routes_app, "add", name, "--prefix", "7999555", "--formats", "0,1", *db)
    position = int(first.split()[1])
    again = run(routes_app, "add", name, "--mcc", "250", "--mnc", "01", "--position",
                str(position), *db)  # fmt: skip
    assert again.split()[1] == str(position)
    with backend.engine.connect() as conn:
        mine = conn.execute(
            select(routes.c.position, routes.c.prefix, routes.c.mcc, routes.c.formats)
            .where(routes.c.connector == name).order_by(routes.c.position)
        ).all()  # fmt: skip
        rules = conn.execute(select(connectors.c.config).where(connectors.c.name == name))
        assert json.loads(rules.scalar_one())["tps"] == 5
    assert [tuple(r) for r in mine] == [
        (position, "", "250", ""), (position + 1, "7999555", "", "0,1"),
    ]  # fmt: skip
    assert "has routes" in run(connectors_app, "remove", name, *db, code=1)
    for row in reversed(mine):
        run(routes_app, "remove", str(row[0]), *db)
    run(connectors_app, "remove", name, *db)
    assert "no route at position" in run(routes_app, "remove", "999999", *db, code=1)


def test_set_credit_and_callback(backend, make_account):
    account = make_account()
    db = ("--database", backend.url)
    assert "credit limit 250.00" in run(account_app, "set-credit", account.login, "250", *db)
    out = run(account_app, "set-callback", account.login, "https://example.org/cb", *db)
    secret = out.split("shown once): ")[1].split()[0]
    with backend.engine.connect() as conn:
        found = conn.execute(
            select(accounts.c.credit, accounts.c.callback_url, accounts.c.callback_secret)
            .where(accounts.c.id == account.id)
        ).one()  # fmt: skip
    assert tuple(found) == (25000, "https://example.org/cb", secret)
    assert "http://" in run(account_app, "set-callback", account.login, "ftp://x", *db, code=1)
    run(account_app, "set-callback", account.login, "", *db)
