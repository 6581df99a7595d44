"""``smscd tariffs`` (filled in by the tariffs work)."""

import typer

tariffs_app = typer.Typer(help="Tariff plans and prices.", no_args_is_help=True)
