"""Console sessions and CSRF tokens (docs/console.md, "Security").

A session is a random token in an HttpOnly, SameSite=Lax cookie (Secure when the request
came over https); the database keeps only its SHA-256 (tables.py). The CSRF token of a
session's forms is an HMAC of the session token: only the cookie's holder can know it, and
nothing more is stored. The login form, before there is a session, uses a double-submit
token: a random cookie that the form must repeat.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response

from smscd.accounts.model import Account
from smscd.console import queries as q
from smscd.db.gateway import Database

SESSION_COOKIE = "smscd_console"
LOGIN_COOKIE = "smscd_console_login"
SESSION_SECONDS = 12 * 3600  # [ours]: a working day; then log in again
PATH = "/console"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_of(token: str) -> str:
    return hmac.new(token.encode(), b"console csrf", hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return bool(a) and hmac.compare_digest(a.encode(), b.encode())


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@dataclass(frozen=True, slots=True)
class Session:
    token: str
    account: Account
    allowed_ips: str

    @property
    def csrf(self) -> str:
        return csrf_of(self.token)


async def find(db: Database, request: Request, now: float) -> Session | None:
    """The request's session, if its cookie names one that has not expired."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token or len(token) > 100:
        return None
    row = await db.fetch_one(q.SESSION_ACCOUNT, [token_hash(token), int(now)])
    if row is None:
        return None
    account = Account(
        id=row[0],
        login=row[1],
        timezone=_zone(row[3]),
        currency=row[4],
        language=row[5],
        parent_id=row[6],
        rate_limits=row[7],
    )
    return Session(token, account, row[2])


async def start(db: Database, account_id: int, now: float) -> str:
    """A new session of ``account_id``; its token (for the cookie only)."""
    token = secrets.token_urlsafe(32)
    async with db.transaction() as tx:
        await tx.execute(q.PRUNE_SESSIONS, [account_id, int(now)])
        await tx.execute(
            q.NEW_SESSION, [token_hash(token), account_id, int(now), int(now) + SESSION_SECONDS]
        )
    return token


async def end(db: Database, token: str) -> None:
    async with db.transaction() as tx:
        await tx.execute(q.END_SESSION, [token_hash(token)])


def secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path=PATH, httponly=True, samesite="lax",
        secure=secure(request),
    )  # fmt: skip


def login_token(request: Request) -> str:
    """The login form's double-submit token: the cookie's, or a new one."""
    existing = request.cookies.get(LOGIN_COOKIE, "")
    return existing if 20 <= len(existing) <= 100 else secrets.token_urlsafe(24)
