"""Password hashing: argon2id over the lowercase hex MD5 of the password.

The API accepts the password or its MD5 (compat.md, "Authentication"). Hashing the MD5 form
lets both verify while nothing reversible is stored: a plain ``psw`` is MD5'd first, an MD5
``psw`` is used as it is.

Every check is exactly one argon2 verification, so that its time tells nothing: a ``psw``
that looks like an MD5 (32 lowercase hex characters) is taken as the MD5 form only, never
tried a second time as a plain password. A password that itself looks like an MD5 is
therefore its own MD5 form: it is hashed as it is, and is sent as it is (docs/security.md).
"""

from __future__ import annotations

import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_MD5_HEX = re.compile(r"[0-9a-f]{32}")


def md5_hex(password: str) -> str:
    return hashlib.md5(password.encode("utf-8")).hexdigest()  # noqa: S324 - the API's own form


def md5_form(psw: str) -> str:
    """What is hashed and verified: ``psw`` itself when it looks like an MD5, else its MD5."""
    return psw if _MD5_HEX.fullmatch(psw) else md5_hex(psw)


class Passwords:
    def __init__(self, time_cost: int = 3, memory_kib: int = 65536) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)

    def hash(self, password: str) -> str:
        return self._hasher.hash(md5_form(password))

    def decoy(self) -> str:
        """A hash of a random secret nobody knows, with the current cost: what an unknown
        login is verified against, so that it costs what a wrong password costs."""
        return self.hash(secrets.token_hex(16))

    def verify(self, stored: str, psw: str) -> bool:
        """Does ``psw`` (the password, or its lowercase MD5) match ``stored``? One argon2
        verification."""
        try:
            return self._hasher.verify(stored, md5_form(psw))
        except (VerificationError, InvalidHashError):
            return False
