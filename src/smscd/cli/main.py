"""``smscd``: serve the API, manage the database, accounts and keys, seed demo data.

Each command reads the settings once (environment, ``SMSCD_CONFIG``); ``--database``
overrides ``SMSCD_DATABASE_URL`` for that command.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table
from sqlalchemy import Engine

from smscd import metrics
from smscd import worker as background_worker
from smscd.accounts import service
from smscd.accounts.passwords import Passwords
from smscd.cli import admin as admin_cli
from smscd.cli import billing as billing_cli
from smscd.cli import callbacks as callbacks_cli
from smscd.cli import delivery as delivery_cli
from smscd.cli import incoming as incoming_cli
from smscd.cli import limits as limits_cli
from smscd.cli import links as links_cli
from smscd.cli import numbering as numbering_cli
from smscd.cli import sending as sending_cli
from smscd.cli import tariffs as tariffs_cli
from smscd.cli.common import (
    Commands,
    DatabaseOption,
    PasswordOption,
    PasswordStdinOption,
    command_database,
    command_settings,
    commands,
    console,
    err_console,
    fail,
    password_of,
)
from smscd.db import migrate
from smscd.db.engine import sync_engine
from smscd.db.urls import DatabaseUrl
from smscd.demo import seed as demo_seed
from smscd.limits.service import per_process_warning
from smscd.settings import Settings

app = typer.Typer(
    cls=Commands,
    help="smscd: serve the SMSC-compatible API; manage accounts and keys; seed demo data.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = commands("Schema migrations.")
account_app = commands("Accounts and sub-clients.")
apikey_app = commands("API keys.")
app.add_typer(db_app, name="db")
app.add_typer(account_app, name="account")
app.add_typer(apikey_app, name="apikey")
app.add_typer(billing_cli.rates_app, name="rates")
app.add_typer(tariffs_cli.tariffs_app, name="tariffs")
app.add_typer(numbering_cli.numbering_app, name="numbering")
app.add_typer(links_cli.links_app, name="links")
app.add_typer(limits_cli.limits_app, name="limits")
app.add_typer(limits_cli.ip_app, name="ip")
app.add_typer(sending_cli.sender_app, name="sender")
app.add_typer(delivery_cli.connectors_app, name="connectors")
app.add_typer(delivery_cli.routes_app, name="routes")
app.add_typer(incoming_cli.numbers_app, name="numbers")
app.add_typer(admin_cli.admin_app, name="admin")  # console operators (docs/console.md)
for _name, _command in billing_cli.account_commands + callbacks_cli.account_commands:
    account_app.command(_name)(_command)

DEMO_DATABASE = "sqlite:///smscd-demo.db"


def _passwords(settings: Settings) -> Passwords:
    return Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOption = None) -> None:
    """Create or migrate the schema to the newest revision."""
    with command_database(database) as (_, engine):
        migrate.upgrade(engine)
        revisions = ", ".join(sorted(migrate.current_revisions(engine)))
        console.print(f"schema at revision {revisions}")


@account_app.command("create")
def account_create(
    login: str,
    password: PasswordOption = None,
    password_stdin: PasswordStdinOption = False,
    timezone: Annotated[str | None, typer.Option(help="IANA zone, e.g. Europe/Moscow.")] = None,
    currency: Annotated[str | None, typer.Option(help="Three-letter code, e.g. RUB.")] = None,
    language: Annotated[str, typer.Option(help="ru or en (status names).")] = "ru",
    parent: Annotated[str | None, typer.Option(help="Parent login: makes a sub-client.")] = None,
    allowed_ips: Annotated[str, typer.Option(help="Comma-separated addresses/networks.")] = "",
    database: DatabaseOption = None,
) -> None:
    """Create an account (a sub-client with --parent). Without --password or
    --password-stdin, the password is asked for on the terminal."""
    secret = password_of(password, password_stdin)
    with command_database(database) as (settings, engine):
        _create_account(
            settings, engine, login, secret, timezone, currency, language, parent, allowed_ips
        )
    console.print(f"account {login} created")


def _create_account(
    settings: Settings,
    engine: Engine,
    login: str,
    password: str,
    timezone: str | None,
    currency: str | None,
    language: str,
    parent: str | None,
    allowed_ips: str,
) -> None:
    new = service.NewAccount(
        login=login,
        password=password,
        timezone=timezone or settings.default_timezone,
        currency=currency or settings.default_currency,
        language=language,
        parent=parent,
        allowed_ips=allowed_ips,
    )
    with engine.begin() as conn:
        service.create_account(conn, new, _passwords(settings))


@account_app.command("list")
def account_list(database: DatabaseOption = None) -> None:
    """List accounts."""
    with command_database(database) as (_, engine), engine.connect() as conn:
        rows = service.list_accounts(conn)
    table = Table("login", "parent", "timezone", "currency", "language", "allowed ips")
    for row in rows:
        table.add_row(
            *(
                str(row[k] or "")
                for k in ("login", "parent", "timezone", "currency", "language", "allowed_ips")
            )
        )
    console.print(table)


@account_app.command("set-ips")
def account_set_ips(
    login: str,
    allowed_ips: Annotated[str, typer.Argument(help="Comma-separated; empty allows all.")] = "",
    database: DatabaseOption = None,
) -> None:
    """Set the addresses an account may use the API from."""
    with command_database(database) as (_, engine), engine.begin() as conn:
        service.set_allowed_ips(conn, login, allowed_ips)
    console.print(f"allowed addresses of {login}: {allowed_ips or 'any'}")


@account_app.command("passwd")
def account_passwd(
    login: str,
    password: PasswordOption = None,
    password_stdin: PasswordStdinOption = False,
    database: DatabaseOption = None,
) -> None:
    """Change an account's password. Without --password or --password-stdin, the new
    password is asked for on the terminal."""
    secret = password_of(password, password_stdin)
    with command_database(database) as (settings, engine), engine.begin() as conn:
        service.set_password(conn, login, secret, _passwords(settings))
    console.print(f"password of {login} changed")


@apikey_app.command("create")
def apikey_create(login: str, database: DatabaseOption = None) -> None:
    """Create an API key; it is printed once and stored only hashed."""
    with command_database(database) as (_, engine), engine.begin() as conn:
        key = service.create_api_key(conn, login)
    console.print(key, highlight=False, soft_wrap=True)


@apikey_app.command("revoke")
def apikey_revoke(
    login: str,
    prefix: Annotated[str | None, typer.Option(help="Revoke only the key starting so.")] = None,
    database: DatabaseOption = None,
) -> None:
    """Revoke an account's API keys (all, or the one with --prefix)."""
    with command_database(database) as (_, engine), engine.begin() as conn:
        count = service.revoke_api_keys(conn, login, prefix)
    console.print(f"{count} key(s) revoked")


@apikey_app.command("list")
def apikey_list(login: str, database: DatabaseOption = None) -> None:
    """List an account's keys by prefix (the keys themselves are not stored)."""
    with command_database(database) as (_, engine), engine.connect() as conn:
        rows = service.list_api_keys(conn, login)
    table = Table("prefix", "created", "revoked")
    for row in rows:
        table.add_row(str(row["prefix"]), _when(row["created_at"]), _when(row["revoked_at"]))
    console.print(table)


def _when(ts: object) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(int(ts))) if isinstance(ts, int) else ""


def _seed(
    settings: Settings, messages: int, seed: int, now: int | None = None
) -> demo_seed.SeedReport:
    engine = sync_engine(settings.database_url)
    now = now if now is not None else int(time.time()) // 60 * 60
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=not err_console.is_terminal,
    ) as progress:
        task = progress.add_task("seeding", total=demo_seed.total_rows(messages))
        try:
            return demo_seed.seed(
                engine,
                _passwords(settings),
                messages=messages,
                seed=seed,
                now=now,
                progress=lambda n: progress.advance(task, n),
            )
        finally:
            engine.dispose()


@app.command("seed-demo")
def seed_demo(
    database: DatabaseOption = None,
    messages: Annotated[
        int, typer.Option(min=1, help="Sent messages of the demo account.")
    ] = 100_000,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed, the same data.")] = 1,
    now: Annotated[
        int | None,
        typer.Option(help="Unix time the data ends at (default: now, to the minute)."),
    ] = None,
) -> None:
    """Create the schema if needed and fill it with demo data; prints the demo API key."""
    settings = command_settings(database)
    report = _seed(settings, messages, seed, now)
    for login, count in report.messages.items():
        console.print(f"{login}: {count} sent, {report.incoming[login]} incoming messages")
    console.print(f"demo API key: {report.demo_key}", highlight=False)


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Listen address.")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port.")] = None,
    database: DatabaseOption = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes.")] = None,
) -> None:
    """Serve the API (granian, one or more worker processes)."""
    settings = command_settings(database, host=host, port=port, workers=workers)
    _serve(settings)


def _require_current_schema(settings: Settings) -> None:
    engine = sync_engine(settings.database_url)
    current = migrate.is_current(engine)
    engine.dispose()
    if not current:
        raise fail("the schema is not up to date: run `smscd db upgrade` first")


def _serve(settings: Settings) -> None:
    from granian.constants import Interfaces
    from granian.server import Server

    _require_current_schema(settings)
    # Workers are separate processes that read their settings again: hand over what the
    # command line chose through the environment (the one place settings travel by env).
    os.environ["SMSCD_DATABASE_URL"] = settings.database_url
    os.environ["SMSCD_LINKS_BASE_URL"] = settings.links_base_url
    console.print(
        f"smscd serving {DatabaseUrl.parse(settings.database_url).redacted()} "
        f"on http://{settings.host}:{settings.port} with {settings.workers} worker(s)"
    )
    warning = per_process_warning(settings)
    if warning:
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    with contextlib.ExitStack() as run:
        if settings.metrics:
            # Each run's workers count into a directory of their own (smscd/metrics.py).
            directory = run.enter_context(metrics.run_directory(settings.metrics_dir))
            os.environ["SMSCD_METRICS_DIR"] = os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
        Server(
            "smscd.app:create_app_from_env",
            address=settings.host,
            port=settings.port,
            workers=settings.workers,
            interface=Interfaces.ASGI,
            factory=True,
            log_level=settings.log_level,  # type: ignore[arg-type]
        ).serve()


@app.command("worker")
def worker(database: DatabaseOption = None) -> None:
    """Run the background jobs without serving HTTP (a separate tier; `smscd serve` runs
    them too unless SMSCD_BACKGROUND_IN_SERVE=false). Stops on SIGTERM or SIGINT."""
    settings = command_settings(database)
    _require_current_schema(settings)
    console.print(
        f"smscd worker on {DatabaseUrl.parse(settings.database_url).redacted()}", highlight=False
    )
    background_worker.main(settings)


@app.command("demo")
def demo(
    port: Annotated[int, typer.Option(help="Listen port.")] = 8000,
) -> None:
    """Seed ./smscd-demo.db if it does not exist, then serve it on 127.0.0.1."""
    settings = command_settings(
        DEMO_DATABASE, host="127.0.0.1", port=port, links_base_url=f"http://127.0.0.1:{port}/"
    )
    seed = 1
    if not Path("smscd-demo.db").exists():
        console.print("seeding ./smscd-demo.db (once) ...")
        _seed(settings, 100_000, seed)
    key = demo_seed.demo_api_key(seed)
    base = f"http://127.0.0.1:{port}/sys"
    console.print("\nTry:", style="bold")
    for line in (
        f"curl '{base}/send.php?login=demo&psw=demo&phones=79161234567&mes=Hello&cost=3&fmt=3'",
        f"curl '{base}/status.php?login=demo&psw=demo&phone=79161234567&id=<id>&all=1"
        "&charset=utf-8'   # -1 waiting, 0 with the operator, 1 delivered (a few seconds)",
        f"curl '{base}/balance.php?login=demo&psw=demo&cur=1'",
        f"curl '{base}/get.php?get_messages=1&login=demo&psw=demo&cnt=5&charset=utf-8'",
        f"curl '{base}/get.php?get_messages=1&apikey={key}&cnt=3&fmt=3&charset=utf-8'",
        f"curl '{base}/get.php?get_messages=1&login=demo&psw=demo&format=8&cnt=3&fmt=2"
        "&charset=utf-8'",
        f"curl '{base}/get.php?get_answers=1&login=demo&psw=demo&hour=24&fmt=1&charset=utf-8'",
        f"curl '{base}/get.php?get_answers=1&login=&psw={key}&hour=168&cnt=5&fmt=3&charset=utf-8'",
        f"curl '{base}/get.php?get_stat=1&login=demo&psw=demo&charset=utf-8'",
        f"curl '{base}/get.php?get_price=1&login=demo&psw=demo&fmt=3&charset=utf-8'",
        f"curl '{base}/info.php?get_operator=1&login=demo&psw=demo&phone=79161234567,"
        "4915112345678&charset=utf-8'",
        f"curl '{base}/tinyurls.php?add=1&login=demo&psw=demo&link=https://example.org/"
        "&charset=utf-8'",
        f"curl '{base}/tinyurls.php?get=1&login=demo&psw=demo&id=1&fmt=3&charset=utf-8'",
    ):
        console.print(line, highlight=False, soft_wrap=True)
    console.print(
        f"\nThe web console: http://127.0.0.1:{port}/console/ (demo / demo, demo2 / demo2)",
        highlight=False,
    )
    console.print(
        f"The operator pages: http://127.0.0.1:{port}/console/operator/ (admin / admin)",
        highlight=False,
    )
    console.print()
    _serve(settings)
