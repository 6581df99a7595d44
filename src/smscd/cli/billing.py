"""``smscd rates`` and ``smscd account topup`` (filled in by the billing work)."""

from collections.abc import Callable

import typer

rates_app = typer.Typer(help="Currency rates for statistics.", no_args_is_help=True)
account_commands: list[
    tuple[str, Callable[..., None]]
] = []  # (name, function) added to `smscd account`
