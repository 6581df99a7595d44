"""Password hashing: argon2id over the lowercase hex MD5 of the password.

The API accepts the password or its MD5 (compat.md, "Authentication"). Hashing the MD5 form
lets both verify while nothing reversible is stored: a plain ``psw`` is MD5'd first, an MD5
``psw`` is used as it is.
"""

from __future__ import annotations

import hashlib
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_MD5_HEX = re.compile(r"[0-9a-f]{32}")


def md5_hex(password: str) -> str:
    return hashlib.md5(password.encode("utf-8")).hexdigest()  # noqa: S324 - the API's own form


class Passwords:
    def __init__(self, time_cost: int = 3, memory_kib: int = 65536) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)

    def hash(self, password: str) -> str:
        return self._hasher.hash(md5_hex(password))

    def verify(self, stored: str, psw: str) -> bool:
        """Does ``psw`` (the password, or its lowercase MD5) match ``stored``?"""
        candidates = [md5_hex(psw)]
        if _MD5_HEX.fullmatch(psw):
            candidates.insert(0, psw)
        for candidate in candidates:
            try:
                if self._hasher.verify(stored, candidate):
                    return True
            except (VerificationError, InvalidHashError):
                continue
        return False
