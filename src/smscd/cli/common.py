"""What every ``smscd`` command module shares: consoles, the ``--database`` option, the
error exit, and the settings + engine of one command.

Domain command modules (billing.py, tariffs.py, numbering.py, links.py) and main.py all
import from here; main.py imports the domain modules, so nothing here imports main.py.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from sqlalchemy import Engine
from typer.core import TyperGroup

from smscd.db.connect import open_database
from smscd.db.engine import sync_engine
from smscd.db.gateway import Database
from smscd.db.urls import DatabaseUrl
from smscd.errors import AdminError, ProblemsError
from smscd.settings import Settings, load_settings

T = TypeVar("T")

# soft_wrap: keys, file names and problems are printed whole, never wrapped mid-line.
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

DatabaseOption = Annotated[
    str | None, typer.Option("--database", help="Database URL (default: SMSCD_DATABASE_URL).")
]


PasswordOption = Annotated[
    str | None,
    typer.Option(
        "--password",
        help="The password (visible to `ps` and kept in shell history: prefer the prompt or "
        "--password-stdin).",
    ),
]
PasswordStdinOption = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input."
    ),
]


def interactive() -> bool:
    """Is standard input a terminal, where a password can be asked for?"""
    return sys.stdin.isatty()


def password_of(given: str | None, from_stdin: bool) -> str:
    """The password of an account command: ``--password``, the first line of standard input
    (``--password-stdin``), or, on a terminal, asked for twice without echo. Exit 2 when
    there is none."""
    if given is not None and from_stdin:
        raise fail("give --password or --password-stdin, not both", 2)
    if given is not None:
        return given
    if from_stdin:
        password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
        if not password:
            raise fail("no password on standard input", 2)
        return password
    if not interactive():
        raise fail("no password: give --password-stdin (or --password), or run on a terminal", 2)
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` as an error; the caller raises the returned exit (code 1)."""
    err_console.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


def refused(error: AdminError) -> typer.Exit:
    """What a refused administrative request prints: its problems, one a line, and what
    they mean; or its message. Exit status 1."""
    if isinstance(error, ProblemsError):
        for problem in error.problems:
            err_console.print(problem, highlight=False, markup=False)
        return fail(error.outcome)
    return fail(str(error))


def commands(help: str) -> typer.Typer:
    """A group of ``smscd`` commands (each group catches :class:`AdminError`: see
    :class:`Commands`)."""
    return typer.Typer(cls=Commands, help=help, no_args_is_help=True)


class Commands(TyperGroup):
    """The ``smscd`` command group: an :class:`AdminError` raised anywhere in any command
    is printed here, once, for every command (errors.py draws the tree)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except AdminError as error:
            raise refused(error) from error


def command_settings(database: str | None = None, **overrides: object) -> Settings:
    """The settings of one command: ``--database`` and other options over the
    environment and file. A bad value (an unsupported database URL, say) exits 2."""
    values = {k: v for k, v in overrides.items() if v is not None}
    if database:
        values["database_url"] = database
    try:
        settings = load_settings(**values)
        DatabaseUrl.parse(settings.database_url)
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    return settings


def with_database(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    """Run ``work`` on the configured database through the runtime's own gateway (the
    writes a command shares with the server go through its unit of work)."""

    async def main() -> T:
        db = await open_database(settings.database_url, 1, 1)
        try:
            return await work(db)
        finally:
            await db.stop()

    return asyncio.run(main())


@contextmanager
def command_database(database: str | None) -> Iterator[tuple[Settings, Engine]]:
    """The settings and an engine for one command; the engine is disposed after it."""
    settings = command_settings(database)
    engine = sync_engine(settings.database_url)
    try:
        yield settings, engine
    finally:
        engine.dispose()
