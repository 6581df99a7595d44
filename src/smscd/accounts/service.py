"""Account administration (the CLI's ``account`` and ``apikey`` commands).

Synchronous, on a SQLAlchemy connection: these are cold paths.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, insert, select, update

from smscd.accounts import apikeys
from smscd.accounts.passwords import Passwords
from smscd.accounts.tables import accounts, api_keys
from smscd.errors import AdminError

LANGUAGES = ("ru", "en")


class AccountError(AdminError):
    """An administrative request that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class NewAccount:
    login: str
    password: str
    timezone: str = "Europe/Moscow"
    currency: str = "RUB"
    language: str = "ru"
    parent: str | None = None
    allowed_ips: str = ""


def _valid_login(login: str) -> str:
    login = login.strip()
    if (
        not login
        or len(login) > 64
        or any(c in login for c in ",;\x00 ")
        or not login.isprintable()
    ):
        raise AccountError(f"invalid login {login!r}")
    return login


def normalise_allowed_ips(text: str) -> str:
    items = [item.strip() for item in text.replace(";", ",").split(",") if item.strip()]
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError as exc:
            raise AccountError(f"not an address or network: {item!r}") from exc
    return ",".join(items)


def check_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise AccountError(f"unknown time zone {name!r}") from exc


def check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise AccountError(f"language must be one of {', '.join(LANGUAGES)}")


def account_id(conn: Connection, login: str) -> int:
    found = conn.execute(select(accounts.c.id).where(accounts.c.login == login)).scalar()
    if found is None:
        raise AccountError(f"no account {login!r}")
    return int(found)


def create_account(conn: Connection, new: NewAccount, passwords: Passwords) -> int:
    login = _valid_login(new.login)
    if not new.password:
        raise AccountError("the password must not be empty")
    check_zone(new.timezone)
    currency = new.currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise AccountError(f"invalid currency {new.currency!r}")
    check_language(new.language)
    if conn.execute(select(accounts.c.id).where(accounts.c.login == login)).first():
        raise AccountError(f"account {login!r} exists")
    parent_id = account_id(conn, new.parent) if new.parent else None
    result = conn.execute(
        insert(accounts).values(
            login=login,
            password_hash=passwords.hash(new.password),
            allowed_ips=normalise_allowed_ips(new.allowed_ips),
            timezone=new.timezone,
            currency=currency,
            language=new.language,
            parent_id=parent_id,
            created_at=int(time.time()),
        )
    )
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


def set_allowed_ips(conn: Connection, login: str, allowed: str) -> None:
    conn.execute(
        update(accounts)
        .where(accounts.c.id == account_id(conn, login))
        .values(allowed_ips=normalise_allowed_ips(allowed))
    )


def set_password(conn: Connection, login: str, password: str, passwords: Passwords) -> None:
    if not password:
        raise AccountError("the password must not be empty")
    conn.execute(
        update(accounts)
        .where(accounts.c.id == account_id(conn, login))
        .values(password_hash=passwords.hash(password))
    )


def rate_limits(conn: Connection, login: str) -> str:
    """``login``'s limit overrides as stored: text that only limits/policy.py reads."""
    return str(
        conn.execute(
            select(accounts.c.rate_limits).where(accounts.c.id == account_id(conn, login))
        ).scalar_one()
    )


def set_rate_limits(conn: Connection, login: str, stored: str) -> None:
    """Replace ``login``'s limit overrides with ``stored`` (``policy.format_overrides``).
    Running servers apply them from the account's next request."""
    conn.execute(
        update(accounts).where(accounts.c.id == account_id(conn, login)).values(rate_limits=stored)
    )


def create_api_key(conn: Connection, login: str, key: str | None = None) -> str:
    """A new key for ``login``; returned once, stored only hashed."""
    key = key or apikeys.new_key()
    stored = apikeys.store(key)
    conn.execute(
        insert(api_keys).values(
            account_id=account_id(conn, login),
            prefix=stored.prefix,
            salt=stored.salt,
            key_hash=stored.key_hash,
            created_at=int(time.time()),
        )
    )
    return key


def revoke_api_keys(conn: Connection, login: str, prefix: str | None = None) -> int:
    """Revoke ``login``'s keys (those starting with ``prefix``, or all); how many were."""
    query = update(api_keys).where(
        api_keys.c.account_id == account_id(conn, login), api_keys.c.revoked_at.is_(None)
    )
    if prefix:
        query = query.where(api_keys.c.prefix == prefix[: apikeys.PREFIX_LEN])
    return conn.execute(query.values(revoked_at=int(time.time()))).rowcount


def list_accounts(conn: Connection) -> list[dict[str, object]]:
    parent = accounts.alias("parent")
    rows = conn.execute(
        select(
            accounts.c.login,
            accounts.c.timezone,
            accounts.c.currency,
            accounts.c.language,
            accounts.c.allowed_ips,
            parent.c.login.label("parent"),
        )
        .select_from(accounts.outerjoin(parent, parent.c.id == accounts.c.parent_id))
        .order_by(accounts.c.login)
    )
    return [dict(row._mapping) for row in rows]


def list_api_keys(conn: Connection, login: str) -> list[dict[str, object]]:
    rows = conn.execute(
        select(api_keys.c.prefix, api_keys.c.created_at, api_keys.c.revoked_at)
        .where(api_keys.c.account_id == account_id(conn, login))
        .order_by(api_keys.c.id)
    )
    return [dict(row._mapping) for row in rows]
