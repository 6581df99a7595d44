"""Connector credentials at rest (docs/security.md, "Connector secrets").

A password a connector presents to its peer (SMTP AUTH) is stored in one of two forms,
never as plain text:

- ``env:NAME``: a reference; the worker reads the variable ``NAME`` when it builds the
  connector, so the secret lives only in the service's environment;
- ``enc:<token>``: encrypted with ``SMSCD_SECRET_KEY`` (Fernet: AES-128-CBC and
  HMAC-SHA256, from ``cryptography``; the key is the SHA-256 of the setting). A worker
  without the same key cannot use it, and says so.

A secret a peer presents to us (the HTTP intake's) is kept only as a keyed hash
(:func:`digest`, HMAC-SHA256 under a random salt of its own) and compared in constant time:
the database never holds what would let someone post as the provider.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from cryptography.fernet import Fernet, InvalidToken

from smscd.settings import environment_secret

ENV = "env:"
ENCRYPTED = "enc:"
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")


class SecretError(ValueError):
    """A secret that cannot be stored or read; the message says why (never the secret)."""


def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode("utf-8")).digest()))


def seal(value: str, key: str) -> str:
    """The stored form of a password the operator gave: an ``env:`` reference as it is,
    anything else encrypted with ``key`` (SMSCD_SECRET_KEY); '' stays '' (no password)."""
    if not value:
        return ""
    if value.startswith(ENV):
        check_stored(value)
        return value
    if not key:
        raise SecretError(
            "a password is stored encrypted with SMSCD_SECRET_KEY, which is not set: set it, "
            "or give the password as env:VARIABLE"
        )
    return ENCRYPTED + _fernet(key).encrypt(value.encode("utf-8")).decode("ascii")


def check_stored(stored: str) -> None:
    """Refuse a stored form that is neither a reference nor encrypted (plain text)."""
    if not stored:
        return
    if stored.startswith(ENV):
        if not _VARIABLE.fullmatch(stored[len(ENV) :]):
            raise SecretError("env: is followed by an environment variable's name")
        return
    if not stored.startswith(ENCRYPTED):
        raise SecretError("a stored password is env:NAME or encrypted (enc:...)")


def reveal(stored: str, key: str) -> str:
    """The password itself, for the connection (never logged)."""
    check_stored(stored)
    if not stored:
        return ""
    if stored.startswith(ENV):
        name = stored[len(ENV) :]
        value = environment_secret(name)
        if value is None:
            raise SecretError(f"the environment variable {name} is not set")
        return value
    if not key:
        raise SecretError("the password is encrypted, but SMSCD_SECRET_KEY is not set")
    try:
        return _fernet(key).decrypt(stored[len(ENCRYPTED) :].encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise SecretError("the password was encrypted with another SMSCD_SECRET_KEY") from exc


def shown(stored: str) -> str:
    """What an operator sees of a stored password: the reference, or that there is one."""
    if stored.startswith(ENV):
        return stored
    return "(encrypted)" if stored else ""


# Secrets peers present to us: a keyed hash, compared in constant time.


def new_secret() -> str:
    """A fresh intake secret: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def digest(salt: str, secret: str) -> str:
    return hmac.new(bytes.fromhex(salt), secret.encode("utf-8"), hashlib.sha256).hexdigest()


def hashed(secret: str) -> tuple[str, str]:
    """(salt, digest) to store for ``secret``."""
    salt = secrets.token_hex(16)
    return salt, digest(salt, secret)


def matches(salt: str, stored_digest: str, given: str) -> bool:
    return hmac.compare_digest(digest(salt, given), stored_digest)
