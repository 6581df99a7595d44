"""API keys: 40 random hex characters, stored as a salted SHA-256 and found by prefix.

A key has 160 bits of entropy, so a fast salted hash is enough (a slow hash protects
guessable secrets; this one cannot be guessed) and verification costs microseconds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

PREFIX_LEN = 12
KEY_LEN = 40


@dataclass(frozen=True, slots=True)
class StoredKey:
    prefix: str
    salt: str
    key_hash: str


def new_key() -> str:
    return secrets.token_hex(KEY_LEN // 2)


def digest(salt: str, key: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + key.encode("utf-8")).hexdigest()


def store(key: str) -> StoredKey:
    salt = secrets.token_hex(16)
    return StoredKey(prefix=key[:PREFIX_LEN], salt=salt, key_hash=digest(salt, key))


def matches(stored_salt: str, stored_hash: str, key: str) -> bool:
    """Constant-time comparison of ``key`` against a stored hash."""
    return hmac.compare_digest(digest(stored_salt, key), stored_hash)


def looks_like_key(text: str) -> bool:
    return len(text) == KEY_LEN and all(c in "0123456789abcdef" for c in text)
