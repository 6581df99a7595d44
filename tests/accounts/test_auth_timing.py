"""No user enumeration by timing: every login + password attempt costs exactly one argon2
verification, whether the login exists or not and whatever the password looks like
(docs/security.md, "Passwords")."""

from __future__ import annotations

import asyncio
import hashlib

import pytest
from argon2 import PasswordHasher

from smscd.accounts.auth import Authenticator
from smscd.accounts.passwords import Passwords
from smscd.errors import AuthorisationError
from tests.accounts.test_auth_cache import OneAccount

PASSWORD = "s3cret"


@pytest.fixture
def argon2_verifications(monkeypatch) -> list[str]:
    """Every argon2 verification made, by any hasher."""
    calls: list[str] = []
    verify = PasswordHasher.verify

    def counting(self, hash, password):
        calls.append(password if isinstance(password, str) else password.decode())
        return verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return calls


@pytest.fixture
def auth() -> Authenticator:
    passwords = Passwords(time_cost=1, memory_kib=64)
    return Authenticator(OneAccount(passwords.hash(PASSWORD)), passwords, cache_seconds=0)


def attempt(auth: Authenticator, login: str, psw: str) -> str:
    try:
        return asyncio.run(auth.authenticate(login, psw, "", None)).login
    except AuthorisationError as error:
        return error.detail


MD5 = hashlib.md5(PASSWORD.encode()).hexdigest()
WRONG_MD5 = hashlib.md5(b"guess").hexdigest()


@pytest.mark.parametrize(
    "login,psw,outcome",
    [
        ("acme", PASSWORD, "acme"),
        ("acme", MD5, "acme"),
        ("acme", "guess", "wrong password"),
        ("acme", WRONG_MD5, "wrong password"),  # looks like an MD5: tried once, as one
        ("nobody", "guess", "unknown login"),
        ("nobody", WRONG_MD5, "unknown login"),
        ("nobody", PASSWORD, "unknown login"),
    ],
)
def test_every_attempt_costs_one_argon2_verification(
    auth, argon2_verifications, login, psw, outcome
):
    assert attempt(auth, login, psw) == outcome
    assert len(argon2_verifications) == 1


def test_a_password_that_looks_like_an_md5_is_its_own_md5_form(argon2_verifications):
    passwords = Passwords(time_cost=1, memory_kib=64)
    auth = Authenticator(OneAccount(passwords.hash(WRONG_MD5)), passwords, cache_seconds=0)
    assert attempt(auth, "acme", WRONG_MD5) == "acme"
    assert len(argon2_verifications) == 1
