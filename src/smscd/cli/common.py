"""What every ``smscd`` command module shares: consoles, the ``--database`` option, the
error exit, and the settings + engine of one command.

Domain command modules (billing.py, tariffs.py, numbering.py, links.py) and main.py all
import from here; main.py imports the domain modules, so nothing here imports main.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import Engine

from smscd.db.engine import sync_engine
from smscd.db.urls import DatabaseUrl
from smscd.settings import Settings, load_settings

# soft_wrap: keys, file names and problems are printed whole, never wrapped mid-line.
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

DatabaseOption = Annotated[
    str | None, typer.Option("--database", help="Database URL (default: SMSCD_DATABASE_URL).")
]


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` as an error; the caller raises the returned exit (code 1)."""
    err_console.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


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


@contextmanager
def command_database(database: str | None) -> Iterator[tuple[Settings, Engine]]:
    """The settings and an engine for one command; the engine is disposed after it."""
    settings = command_settings(database)
    engine = sync_engine(settings.database_url)
    try:
        yield settings, engine
    finally:
        engine.dispose()
