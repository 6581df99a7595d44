"""The HTTP provider connector: a carrier without SMPP that takes messages as JSON posts
and sends receipts and incoming messages back to smscd's intake (docs/carriers.md, "HTTP
providers"; the intake itself is delivery/intake.py).

Configuration (``smscd connectors add http NAME --url ...``), stored as JSON::

    {"url": "https://provider.example/messages", "timeout": 10, "connections": 8,
     "token": "env:PROVIDER_TOKEN", "salt": "<hex>", "digest": "<hex>"}

``token`` (optional, ``env:NAME`` or encrypted) goes out as ``Authorization: Bearer`` on
our posts; ``salt`` and ``digest`` are the keyed hash of the intake secret the provider
presents to us (secrets.py): the secret itself is shown once when the connector is added.
``old_salt`` and ``old_digest``, when present, are the previous secret's, still accepted
while the provider moves to the new one (``smscd connectors secret``).

The wire contract, both ways, is docs/carriers.md ("HTTP providers"); the tests
(tests/delivery/test_provider.py, test_intake.py) hold it. In short: our post, one message
per request, ``POST <url>`` with ``Idempotency-Key: <int_id>`` and ``{"id", "to", "from",
"text", "format", "valid_until"}``; the provider's answer: 2xx ``{"id": "<its id>"}``
(taken; a receipt follows); 429 throttled (no attempt spent); 400 malformed or another 4xx
with ``{"err": N}`` refused for good (the err if compat.md knows it, else 255); 401, 403,
404 our configuration is wrong (the message waits, no attempt spent); 408, 5xx, a 2xx
without an id, or no answer in time: temporary (retried with backoff, an attempt spent);
no connection: the message waits, no attempt spent. What the provider posts back is
:func:`parse_intake`'s.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from smscd.delivery.connectors import secrets
from smscd.delivery.connectors.base import Final, Outgoing, Receipt, Reply, Result, Submitted
from smscd.errors import ParametersError
from smscd.phones import normalise_phone

log = logging.getLogger("smscd.delivery.provider")

LINK_DOWN_SECONDS = 5.0
MAX_ITEMS = 1000  # receipts plus messages in one intake post [ours]
MAX_TEXT = 2000  # characters of an incoming message [ours]
MAX_PEER_ID = 64
# compat.md "Delivery error codes": what a provider's err may be.
KNOWN_ERRS = frozenset({0, 1, 6, 11, 12, 13, 21, 200, 219, 220, *range(240, 256)})
REJECTED_ERR = 255
FINALS = {"delivered": Final.DELIVERED, "failed": Final.UNDELIVERABLE,
          "undeliverable": Final.UNDELIVERABLE, "expired": Final.EXPIRED}  # fmt: skip
SKEW_SECONDS = 300  # a receipt time further ahead than this is taken as "now"


class ProviderConfigError(ValueError):
    """A configuration the connector cannot run with; the message says why."""


class IntakeError(ValueError):
    """A post to the intake that cannot be read; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    url: str
    salt: str
    digest: str
    timeout: float = 10.0
    connections: int = 8
    token: str = ""  # stored form (secrets.py)
    old_salt: str = ""  # the previous intake secret's hash, while a rotation lasts
    old_digest: str = ""

    @classmethod
    def parse(cls, text: str) -> ProviderConfig:
        try:
            raw = json.loads(text or "{}")
        except json.JSONDecodeError as exc:
            raise ProviderConfigError(f"the configuration is a JSON object: {exc}") from exc
        if not isinstance(raw, dict):
            raise ProviderConfigError("the configuration is a JSON object")
        unknown = set(raw) - {"url", "salt", "digest", "timeout", "connections", "token",
                              "old_salt", "old_digest"}  # fmt: skip
        if unknown:
            raise ProviderConfigError(f"unknown settings: {', '.join(sorted(unknown))}")
        try:
            config = cls(
                url=str(raw.get("url", "")),
                salt=str(raw.get("salt", "")),
                digest=str(raw.get("digest", "")),
                timeout=float(raw.get("timeout", 10.0)),
                connections=int(raw.get("connections", 8)),
                token=str(raw.get("token", "")),
                old_salt=str(raw.get("old_salt", "")),
                old_digest=str(raw.get("old_digest", "")),
            )
        except (TypeError, ValueError) as exc:
            raise ProviderConfigError(f"settings: {exc}") from exc
        config.check()
        return config

    def check(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ProviderConfigError("--url is the provider's http(s) URL for messages")
        if not _hashed(self.salt, self.digest):
            raise ProviderConfigError("the intake secret's hash is missing (add the connector "
                                      "with smscd connectors add http)")  # fmt: skip
        if (self.old_salt or self.old_digest) and not _hashed(self.old_salt, self.old_digest):
            raise ProviderConfigError("the previous intake secret's hash is not one")
        if not 0 < self.timeout <= 600:
            raise ProviderConfigError("--timeout is 0-600 seconds")
        if not 1 <= self.connections <= 1000:
            raise ProviderConfigError("--connections is 1-1000")
        try:
            secrets.check_stored(self.token)
        except secrets.SecretError as exc:
            raise ProviderConfigError(str(exc)) from exc

    def to_json(self) -> str:
        old = {"old_salt": self.old_salt, "old_digest": self.old_digest} if self.old_salt else {}
        return json.dumps({"url": self.url, "timeout": self.timeout,
                           "connections": self.connections, "token": self.token,
                           "salt": self.salt, "digest": self.digest, **old})  # fmt: skip

    def accepts(self, secret: str) -> bool:
        """Is ``secret`` the intake secret, or the previous one while a rotation lasts
        (constant time: both are compared whenever there are two)?"""
        current = secrets.matches(self.salt, self.digest, secret)
        old = bool(self.old_salt) and secrets.matches(self.old_salt, self.old_digest, secret)
        return current or old


def _hashed(salt: str, digest: str) -> bool:
    return len(salt) == 32 and len(digest) == 64 and _hex(salt + digest)


def _hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return True


def answer(status: int, body: bytes) -> Submitted:
    """What the provider's answer to our post means (the contract above)."""
    found = _json(body)
    detail = f"HTTP {status}"
    if 200 <= status < 300:
        peer_id = found.get("id") if isinstance(found, dict) else None
        if isinstance(peer_id, int) and not isinstance(peer_id, bool):
            peer_id = str(peer_id)
        if isinstance(peer_id, str) and 0 < len(peer_id) <= MAX_PEER_ID:
            return Submitted(Result.ACCEPTED, peer_id=peer_id, detail=detail)
        return Submitted(Result.TEMPORARY, detail=f"{detail} without an id")
    if status == 429:
        return Submitted(Result.THROTTLED, detail=detail)
    if status in (401, 403, 404):
        return Submitted(Result.LINK_DOWN, detail=detail)
    if status == 408 or status >= 500:
        return Submitted(Result.TEMPORARY, detail=detail)
    err = found.get("err") if isinstance(found, dict) else None
    err = err if isinstance(err, int) and err in KNOWN_ERRS and err else REJECTED_ERR
    if status == 400:
        return Submitted(Result.MALFORMED, err=err, detail=detail)
    if 400 <= status < 500:
        return Submitted(Result.REJECTED, err=err, detail=detail)
    return Submitted(Result.TEMPORARY, detail=detail)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


class Provider:
    """An HTTP-speaking provider behind one connector name."""

    kind = "http"

    def __init__(self, name: str, config: ProviderConfig, secret_key: str,
                 clock: Callable[[], float] = time.time) -> None:  # fmt: skip
        self.name = name
        self.config = config
        self._secret_key = secret_key
        self._clock = clock
        self._client: httpx.AsyncClient | None = None
        self._busy = 0
        self._down_until = 0.0
        self.sent = 0
        self.last_error = ""

    async def start(self) -> None:
        limits = httpx.Limits(max_connections=self.config.connections)
        self._client = httpx.AsyncClient(timeout=self.config.timeout, limits=limits,
                                         follow_redirects=False)  # fmt: skip

    async def stop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    def capacity(self) -> int:
        if self._client is None or self._clock() < self._down_until:
            return 0
        return max(0, self.config.connections - self._busy)

    def health(self) -> dict[str, object]:
        return {"kind": self.kind, "bound": self._clock() >= self._down_until,
                "in_flight": self._busy, "sent": self.sent,
                "last_error": self.last_error}  # fmt: skip

    async def submit(self, message: Outgoing) -> Submitted:
        client = self._client
        if client is None:
            return Submitted(Result.LINK_DOWN, detail="not started")
        try:
            token = secrets.reveal(self.config.token, self._secret_key)
        except secrets.SecretError as exc:
            return self._down(Submitted(Result.LINK_DOWN, detail=str(exc)[:255]))
        headers = {"idempotency-key": str(message.int_id)}
        if token:
            headers["authorization"] = f"Bearer {token}"
        body = {"id": str(message.int_id), "to": message.phone, "from": message.sender,
                "text": message.text, "format": message.format,
                "valid_until": message.valid_until}  # fmt: skip
        self._busy += 1
        try:
            response = await client.post(self.config.url, json=body, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # Nothing reached the provider: the connector rests, no attempt is spent.
            return self._down(Submitted(Result.LINK_DOWN, detail=_failure(exc)))
        except httpx.HTTPError as exc:
            # The post may have reached it (no answer in time, a broken answer): retried
            # with backoff, an attempt spent, so that a message the provider chokes on
            # ends (err 245) instead of stopping the connector; the Idempotency-Key lets
            # the provider see a repeat.
            self.last_error = _failure(exc)
            return Submitted(Result.TEMPORARY, detail=self.last_error)
        finally:
            self._busy -= 1
        result = answer(response.status_code, response.content)
        if result.result == Result.LINK_DOWN:
            return self._down(result)
        if result.result == Result.ACCEPTED:
            self.sent += 1
        return result

    def _down(self, result: Submitted) -> Submitted:
        self.last_error = result.detail
        self._down_until = self._clock() + LINK_DOWN_SECONDS
        log.warning("http connector %s: %s; trying again in %g s", self.name, result.detail,
                    LINK_DOWN_SECONDS)  # fmt: skip
        return result


def _failure(exc: Exception) -> str:
    # The exception's class and text: httpx's say what failed, never the URL or a header.
    return f"{type(exc).__name__}: {exc}"[:255]


# What the provider posts to the intake.


def parse_intake(connector: str, body: bytes, now: float) -> tuple[list[Receipt], list[Reply]]:
    """The receipts and incoming messages of an intake post; :class:`IntakeError` for
    anything that is not the contract (the whole post is refused: nothing is applied)::

        {"receipts": [{"id": "<its id>", "ref": "<our id>", "status": "delivered",
                       "err": 0, "at": 1790000000}],
         "messages": [{"from": "79991234567", "to": "79991110001", "text": "Hi",
                       "sent": 1790000000}]}
    """
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise IntakeError("the body is a JSON object") from exc
    if not isinstance(raw, dict):
        raise IntakeError("the body is a JSON object")
    unknown = set(raw) - {"receipts", "messages"}
    if unknown:
        raise IntakeError(f"unknown keys: {_shown(', '.join(sorted(unknown)))}")
    receipts_in = raw.get("receipts", [])
    messages_in = raw.get("messages", [])
    if not isinstance(receipts_in, list) or not isinstance(messages_in, list):
        raise IntakeError("receipts and messages are lists")
    if len(receipts_in) + len(messages_in) > MAX_ITEMS:
        raise IntakeError(f"at most {MAX_ITEMS} receipts and messages in one post")
    receipts = [_receipt(connector, item, i, now) for i, item in enumerate(receipts_in)]
    replies = [_reply(item, i, now) for i, item in enumerate(messages_in)]
    return receipts, replies


def _shown(text: str) -> str:
    """Text of the post quoted in an answer: short, and only what JSON can carry back."""
    return text[:200].encode("utf-8", "replace").decode("utf-8")


def _storable(text: str) -> bool:
    """Can the database store it (PostgreSQL's text takes no NUL; UTF-8 no lone
    surrogate, which JSON's \\ud800 escape can make)?"""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _peer_id(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and 0 < len(value) <= MAX_PEER_ID and _storable(value):
        return value
    return None


def _receipt(connector: str, item: Any, index: int, now: float) -> Receipt:
    where = f"receipts[{index}]"
    if not isinstance(item, dict):
        raise IntakeError(f"{where} is an object")
    peer_id = _peer_id(item.get("id"))
    if peer_id is None:
        raise IntakeError(f"{where}.id is the provider's id of the message (1-64 characters)")
    # "ref": the id we posted the message with, so that a receipt that comes before its
    # answer was stored still applies (the message must be one this connector was given).
    ref = item.get("ref")
    int_id: int | None = None
    if ref is not None:
        if isinstance(ref, str) and ref.isascii() and ref.isdigit() and len(ref) <= 18:
            int_id = int(ref)
        elif isinstance(ref, int) and not isinstance(ref, bool) and 0 < ref < 2**63:
            int_id = ref
        else:
            raise IntakeError(f"{where}.ref is our id of the message (the id we posted)")
    status = item.get("status")
    final = FINALS.get(status) if isinstance(status, str) else None
    if final is None:
        raise IntakeError(f"{where}.status is delivered, failed, undeliverable or expired")
    err = item.get("err", 0)
    if not isinstance(err, int) or isinstance(err, bool):
        raise IntakeError(f"{where}.err is a number")
    # delivered: 0; failed: the provider's err if compat.md knows it, else 255; expired:
    # its err if known, else 0.
    if final == Final.DELIVERED:
        err = 0
    elif final == Final.UNDELIVERABLE:
        err = err if err in KNOWN_ERRS and err else REJECTED_ERR
    elif err not in KNOWN_ERRS:
        err = 0
    at = _time(item.get("at"), now, f"{where}.at")
    return Receipt(connector, peer_id, final, err, at, int_id)


def _reply(item: Any, index: int, now: float) -> Reply:
    where = f"messages[{index}]"
    if not isinstance(item, dict):
        raise IntakeError(f"{where} is an object")
    phones = []
    for key in ("from", "to"):
        value = item.get(key)
        try:
            if not isinstance(value, str):
                raise ParametersError("not text")
            phones.append(normalise_phone(value))
        except ParametersError as exc:
            raise IntakeError(f"{where}.{key} is a phone number") from exc
    text = item.get("text")
    if not isinstance(text, str) or len(text) > MAX_TEXT or not _storable(text):
        raise IntakeError(f"{where}.text is text of at most {MAX_TEXT} characters")
    sent = _time(item.get("sent"), now, f"{where}.sent")
    return Reply(None, phones[0], phones[1], text, min(sent, int(now)), int(now))


def _time(value: Any, now: float, where: str) -> int:
    if value is None:
        return int(now)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise IntakeError(f"{where} is Unix seconds")
    if not 0 < value < 2**32:
        raise IntakeError(f"{where} is Unix seconds")
    return int(now) if value > now + SKEW_SECONDS else int(value)
