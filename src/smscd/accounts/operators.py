"""Operators: the people who run the service and log in to the console's operator pages
(``smscd admin create``; docs/console.md, "For the operator").

An operator is not an API account: its own table, no API access, no balance. Its password
is hashed as an account's is (argon2id, passwords.py), and a refused login costs one argon2
verification whether the login exists or not (a decoy hash for unknown logins), so that the
time of a refusal tells nothing. Operator sessions are their own rows too: an account's
session never opens an operator page.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    ForeignKey,
    Integer,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)

from smscd.accounts.passwords import Passwords
from smscd.db.gateway import Reads
from smscd.db.metadata import metadata
from smscd.errors import AdminError

operators = Table(
    "operators",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("login", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),  # argon2id, as accounts'
    Column("created_at", BigInteger, nullable=False),
)

# One row per logged-in operator browser: only the SHA-256 of the session's token.
operator_sessions = Table(
    "operator_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("operator_id", Integer, ForeignKey("operators.id"), nullable=False, index=True),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
)

BY_LOGIN = "SELECT id, login, password_hash FROM operators WHERE login = ?"


class OperatorError(AdminError):
    """An operator administration request that cannot be carried out."""


@dataclass(frozen=True, slots=True)
class Operator:
    id: int
    login: str


def _valid_login(login: str) -> str:
    login = login.strip()
    if not login or len(login) > 64 or not login.isprintable() or any(c in login for c in ",; "):
        raise OperatorError(f"invalid login {login!r}")
    return login


def create_operator(conn: Connection, login: str, password: str, passwords: Passwords) -> int:
    """A new operator; its id. The login must be new among operators (an account of the
    same login is another person)."""
    login = _valid_login(login)
    if not password:
        raise OperatorError("the password must not be empty")
    if conn.execute(select(operators.c.id).where(operators.c.login == login)).first():
        raise OperatorError(f"operator {login!r} exists")
    result = conn.execute(
        insert(operators).values(
            login=login, password_hash=passwords.hash(password), created_at=int(time.time())
        )
    )
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


def list_operators(conn: Connection) -> list[dict[str, object]]:
    rows = conn.execute(
        select(operators.c.login, operators.c.created_at).order_by(operators.c.login)
    )
    return [dict(row._mapping) for row in rows]


def set_operator_password(
    conn: Connection, login: str, password: str, passwords: Passwords
) -> None:
    """A new password for an operator; its sessions end (whoever held them must log in
    with the new one)."""
    if not password:
        raise OperatorError("the password must not be empty")
    found = conn.execute(select(operators.c.id).where(operators.c.login == login)).scalar()
    if found is None:
        raise OperatorError(f"no operator {login!r}")
    conn.execute(
        update(operators).where(operators.c.id == found)
        .values(password_hash=passwords.hash(password))
    )  # fmt: skip
    conn.execute(delete(operator_sessions).where(operator_sessions.c.operator_id == found))


def remove_operator(conn: Connection, login: str) -> None:
    """Remove an operator and end its sessions."""
    found = conn.execute(select(operators.c.id).where(operators.c.login == login)).scalar()
    if found is None:
        raise OperatorError(f"no operator {login!r}")
    conn.execute(delete(operator_sessions).where(operator_sessions.c.operator_id == found))
    conn.execute(delete(operators).where(operators.c.id == found))


class OperatorLogins:
    """Checks an operator's login and password: one argon2 verification, in a thread,
    whether the login exists or not."""

    def __init__(self, passwords: Passwords) -> None:
        self._passwords = passwords
        self._decoy: str | None = None

    async def verify(self, db: Reads, login: str, password: str) -> Operator | None:
        loop = asyncio.get_running_loop()
        if self._decoy is None:
            # Made on the first login of the worker, known login or not (so that it tells
            # nothing either), in a thread: argon2 never runs on the event loop.
            self._decoy = await loop.run_in_executor(None, self._passwords.decoy)
        findable = login and len(login) <= 64 and "\x00" not in login  # as no login is
        row = await db.fetch_one(BY_LOGIN, [login]) if findable else None
        stored = str(row[2]) if row is not None else self._decoy
        matched = await loop.run_in_executor(None, self._passwords.verify, stored, password)
        if row is None or not matched:
            return None
        return Operator(int(row[0]), str(row[1]))
