"""Signatures as Standard Webhooks has them: HMAC-SHA256 over ``id.timestamp.body`` with
the account's key, in three headers. A receiver checks the signature and that the
timestamp is within five minutes (docs/callbacks.md shows how)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def new_secret() -> str:
    """A fresh key, shown once to the account holder: ``whsec_`` + 24 random bytes."""
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{message_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def headers(secret: str, message_id: str, timestamp: int, body: str) -> dict[str, str]:
    return {
        "content-type": "application/x-www-form-urlencoded",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }


def verify(secret: str, headers_: dict[str, str], body: str) -> bool:
    """What a receiver does (and the tests do): constant-time comparison of the signature."""
    expected = signature(secret, headers_["webhook-id"], int(headers_["webhook-timestamp"]), body)
    return any(
        hmac.compare_digest(expected, given) for given in headers_["webhook-signature"].split()
    )
