"""``smscd admin create|list|remove``: the operators who log in to the console's operator
pages (docs/console.md, "For the operator"). Operators are not API accounts."""

from __future__ import annotations

import time

from rich.table import Table

from smscd.accounts import operators
from smscd.accounts.passwords import Passwords
from smscd.cli.common import (
    DatabaseOption,
    PasswordOption,
    PasswordStdinOption,
    command_database,
    commands,
    console,
    password_of,
)

admin_app = commands("Operators: the console's operator pages (not API accounts).")


@admin_app.command("create")
def admin_create(
    login: str,
    password: PasswordOption = None,
    password_stdin: PasswordStdinOption = False,
    database: DatabaseOption = None,
) -> None:
    """Create an operator who logs in at /console/operator/login. Without --password or
    --password-stdin, the password is asked for on the terminal."""
    secret = password_of(password, password_stdin)
    with command_database(database) as (settings, engine), engine.begin() as conn:
        passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
        operators.create_operator(conn, login, secret, passwords)
    console.print(f"operator {login} created")


@admin_app.command("passwd")
def admin_passwd(
    login: str,
    password: PasswordOption = None,
    password_stdin: PasswordStdinOption = False,
    database: DatabaseOption = None,
) -> None:
    """Change an operator's password; its sessions end. Without --password or
    --password-stdin, the new password is asked for on the terminal."""
    secret = password_of(password, password_stdin)
    with command_database(database) as (settings, engine), engine.begin() as conn:
        passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
        operators.set_operator_password(conn, login, secret, passwords)
    console.print(f"password of operator {login} changed")


@admin_app.command("list")
def admin_list(database: DatabaseOption = None) -> None:
    """List the operators."""
    with command_database(database) as (_, engine), engine.connect() as conn:
        rows = operators.list_operators(conn)
    table = Table("login", "created (UTC)")
    for row in rows:
        created = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(int(str(row["created_at"]))))
        table.add_row(str(row["login"]), created)
    console.print(table)


@admin_app.command("remove")
def admin_remove(login: str, database: DatabaseOption = None) -> None:
    """Remove an operator; its sessions end at once."""
    with command_database(database) as (_, engine), engine.begin() as conn:
        operators.remove_operator(conn, login)
    console.print(f"operator {login} removed")
