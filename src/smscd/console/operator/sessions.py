"""Operator sessions: as the account holders' (console/sessions.py), in a table of their own
(``operator_sessions``, accounts/operators.py) under a cookie of their own whose path is
``/console/operator``. An account's session is never looked up here, so it opens no
operator page; an operator's cookie is never sent to the account pages."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from smscd.accounts.operators import Operator
from smscd.console.operator import queries as q
from smscd.console.sessions import token_hash
from smscd.db.gateway import Database

SESSION_COOKIE = "smscd_operator"
LOGIN_COOKIE = "smscd_operator_login"
SESSION_SECONDS = 8 * 3600  # [ours]: shorter than an account's (12 h): more power
PATH = "/console/operator"


def csrf_of(token: str) -> str:
    return hmac.new(token.encode(), b"operator csrf", hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class OperatorSession:
    token: str
    operator: Operator

    @property
    def csrf(self) -> str:
        return csrf_of(self.token)


async def find(db: Database, request: Request, now: float) -> OperatorSession | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token or len(token) > 100:
        return None
    row = await db.fetch_one(q.SESSION, [token_hash(token), int(now)])
    if row is None:
        return None
    return OperatorSession(token, Operator(int(row[0]), str(row[1])))


async def start(db: Database, operator_id: int, now: float) -> str:
    token = secrets.token_urlsafe(32)
    async with db.transaction() as tx:
        await tx.execute(q.PRUNE_SESSIONS, [operator_id, int(now)])
        await tx.execute(
            q.NEW_SESSION, [token_hash(token), operator_id, int(now), int(now) + SESSION_SECONDS]
        )
    return token


async def end(db: Database, token: str) -> None:
    async with db.transaction() as tx:
        await tx.execute(q.END_SESSION, [token_hash(token)])


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path=PATH, httponly=True, samesite="strict",
        secure=request.url.scheme == "https",
    )  # fmt: skip


def login_token(request: Request) -> str:
    existing = request.cookies.get(LOGIN_COOKIE, "")
    return existing if 20 <= len(existing) <= 100 else secrets.token_urlsafe(24)
