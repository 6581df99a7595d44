"""What an account holder changes for itself (the web console, docs/console.md): its API
keys, allowed addresses, time zone and language, on the server's gateway.

The checks are the administrator's (service.py: the same allowed-address, zone and language
rules) and the keys are made and stored as the CLI's are (apikeys.py: shown once, kept only
as a salted hash). Every statement names the account: a holder reaches only its own rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from smscd.accounts import apikeys
from smscd.accounts import queries as q
from smscd.accounts.service import check_language, check_zone, normalise_allowed_ips
from smscd.db.gateway import Database, Reads


@dataclass(frozen=True, slots=True)
class KeyInfo:
    id: int
    prefix: str
    created_at: int
    revoked_at: int | None


@dataclass(frozen=True, slots=True)
class Profile:
    allowed_ips: str
    timezone: str
    language: str
    callback_url: str
    default_sender: str


async def keys_of(db: Reads, account_id: int) -> list[KeyInfo]:
    """The account's keys, newest first (revoked ones too)."""
    rows = await db.fetch_all(q.KEYS_OF_ACCOUNT, [account_id])
    return [
        KeyInfo(int(r[0]), str(r[1]), int(r[2]), None if r[3] is None else int(r[3])) for r in rows
    ]


async def create_key(db: Database, account_id: int, now: float) -> str:
    """A new key of the account: returned once, stored only hashed."""
    key = apikeys.new_key()
    stored = apikeys.store(key)
    async with db.transaction() as tx:
        await tx.execute(
            q.INSERT_KEY, [account_id, stored.prefix, stored.salt, stored.key_hash, int(now)]
        )
    return key


async def revoke_key(db: Database, account_id: int, key_id: int, now: float) -> bool:
    """Revoke the account's key ``key_id``; False when it has no such live key. The API
    refuses it from the next request; with PostgreSQL's account cache, once the workers
    hear the commit's notice (migration 0018, accounts/cache.py)."""
    async with db.transaction() as tx:
        return bool(await tx.execute(q.REVOKE_KEY, [int(now), key_id, account_id]))


async def profile(db: Reads, account_id: int) -> Profile:
    row = await db.fetch_one(q.PROFILE, [account_id])
    assert row is not None, "a session's account exists"
    return Profile(*(str(value) for value in row))


async def set_profile(
    db: Database, account_id: int, allowed_ips: str, timezone: str, language: str
) -> str:
    """Check and store the account's allowed addresses, zone and language (AccountError
    says what is wrong); the allowed list as stored."""
    allowed = normalise_allowed_ips(allowed_ips)
    check_zone(timezone)
    check_language(language)
    async with db.transaction() as tx:
        await tx.execute(q.SET_PROFILE, [allowed, timezone, language, account_id])
    return allowed


async def set_callback(db: Database, account_id: int, url: str, secret: str) -> None:
    """Store the account's callback URL and signing key (checked by callbacks/target.py)."""
    async with db.transaction() as tx:
        await tx.execute(q.SET_CALLBACK, [url, secret, account_id])
