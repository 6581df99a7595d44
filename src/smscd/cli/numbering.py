"""``smscd numbering`` (filled in by the numbering work)."""

import typer

numbering_app = typer.Typer(help="Numbering plans for operator lookup.", no_args_is_help=True)
