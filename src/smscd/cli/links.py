"""``smscd links`` (filled in by the links work)."""

import typer

links_app = typer.Typer(help="Short links.", no_args_is_help=True)
