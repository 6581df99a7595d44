"""The e-mail connector: ``mail=1`` messages (format 8) delivered over SMTP with aiosmtplib
(docs/carriers.md, "E-mail").

Configuration (``smscd connectors add smtp NAME --host ... --from ...``), stored as JSON::

    {"host": "smtp.example.org", "port": 587, "tls": "starttls", "username": "smscd",
     "password": "env:SMTP_PASSWORD", "from": "noreply@example.org", "timeout": 30,
     "connections": 4}

``tls``: ``starttls`` (required), ``tls`` (implicit TLS, port 465) or ``auto`` (STARTTLS
when the server offers it). The password is ``env:NAME`` or encrypted (secrets.py).

One message is one SMTP session to one recipient, its text the UTF-8 body, ``subj`` the
subject, and the From the message's sender name when that is an e-mail address (an
address the account registered: ``smscd sender add LOGIN news@example.org``), else the
connector's ``from``. What the server answers decides the outcome:

- 250 to the DATA: the server took the message; for us it is delivered (status 1), since
  mail has no receipts (bounces that come later are out of scope);
- 4xx: :attr:`Result.TEMPORARY` (the queue retries with backoff);
- 5xx: :attr:`Result.REJECTED` with an err from compat.md (:func:`refusal_err`);
- no connection, a lost one, a timeout, a refused login: :attr:`Result.LINK_DOWN` (the
  message waits, no attempt spent) and the connector takes nothing for a few seconds.

"Delivered" is reported as a receipt matched by the message's Message-ID, once the queue
has recorded the submission (a receipt for a message not yet recorded waits for the next
round), and again at start for any message left ``submitted`` by a process that stopped in
between: a message the server accepted is never left waiting for a receipt that no one sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import secrets as random_tokens
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

import aiosmtplib

from smscd import components
from smscd.db.gateway import Database
from smscd.delivery import queries
from smscd.delivery.connectors import secrets
from smscd.delivery.connectors.base import Final, Outgoing, Receipt, Result, Sink, Submitted

log = logging.getLogger("smscd.delivery.smtp")

TLS_MODES = ("starttls", "tls", "auto")
LINK_DOWN_SECONDS = 5.0  # after a failed connection, take nothing for this long
RECEIPT_ROUND_SECONDS = 1.0
PENDING_SECONDS = 3600.0  # a delivery receipt no message takes is dropped after this
SUBJECT = "SELECT subject FROM messages WHERE int_id = ?"
_ADDRESS = re.compile(r"[^@\s<>,;\"]{1,64}@[^@\s<>,;\"]{1,255}")
_HOST = re.compile(r"[A-Za-z0-9.\-:\[\]]{1,255}")

# compat.md err for a permanent refusal, by the enhanced status code's subject (RFC 3463)
# and else by the reply code **[ours]**.
NO_SUCH_ADDRESS = 1  # subscriber does not exist: the mailbox is unknown or unavailable
SPAM_FILTER = 253  # rejected by spam filter: a policy or security refusal
UNREGISTERED_SENDER = 254  # the server refuses our From
REJECTED = 255  # rejected by operator: any other permanent refusal
_ENHANCED = re.compile(r"\b5\.(\d{1,3})\.\d{1,3}\b")


class SmtpConfigError(ValueError):
    """A configuration the connector cannot run with; the message says why."""


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    sender: str  # the From when the message's sender name is not an e-mail address
    tls: str = "auto"
    username: str = ""
    password: str = ""  # stored form: env:NAME or enc:... (secrets.py)
    timeout: float = 30.0
    connections: int = 4  # SMTP sessions at once

    @classmethod
    def parse(cls, text: str) -> SmtpConfig:
        try:
            raw = json.loads(text or "{}")
        except json.JSONDecodeError as exc:
            raise SmtpConfigError(f"the configuration is a JSON object: {exc}") from exc
        if not isinstance(raw, dict):
            raise SmtpConfigError("the configuration is a JSON object")
        known = {"host", "port", "from", "tls", "username", "password", "timeout", "connections"}
        unknown = set(raw) - known
        if unknown:
            raise SmtpConfigError(f"unknown settings: {', '.join(sorted(unknown))}")
        try:
            config = cls(
                host=str(raw.get("host", "")),
                port=int(raw.get("port", 25)),
                sender=str(raw.get("from", "")),
                tls=str(raw.get("tls", "auto")),
                username=str(raw.get("username", "")),
                password=str(raw.get("password", "")),
                timeout=float(raw.get("timeout", 30.0)),
                connections=int(raw.get("connections", 4)),
            )
        except (TypeError, ValueError) as exc:
            raise SmtpConfigError(f"settings: {exc}") from exc
        config.check()
        return config

    def check(self) -> None:
        if not _HOST.fullmatch(self.host):
            raise SmtpConfigError("--host is the SMTP server's name or address")
        if not 1 <= self.port <= 65535:
            raise SmtpConfigError("--port is 1-65535")
        if not _ADDRESS.fullmatch(self.sender):
            raise SmtpConfigError("--from is the e-mail address mail is sent from")
        if self.tls not in TLS_MODES:
            raise SmtpConfigError(f"tls is one of {', '.join(TLS_MODES)}")
        if not 0 < self.timeout <= 600:
            raise SmtpConfigError("--timeout is 0-600 seconds")
        if not 1 <= self.connections <= 100:
            raise SmtpConfigError("--connections is 1-100")
        if self.password and not self.username:
            raise SmtpConfigError("a --password needs a --username")
        try:
            secrets.check_stored(self.password)
        except secrets.SecretError as exc:
            raise SmtpConfigError(str(exc)) from exc

    def to_json(self) -> str:
        return json.dumps({"host": self.host, "port": self.port, "from": self.sender,
                           "tls": self.tls, "username": self.username,
                           "password": self.password, "timeout": self.timeout,
                           "connections": self.connections})  # fmt: skip

    def shown(self) -> dict[str, Any]:
        """The settings as an operator sees them (the password only as its reference)."""
        return {**json.loads(self.to_json()), "password": secrets.shown(self.password)}


def refusal_err(code: int, message: str, sender_refused: bool = False) -> int:
    """The compat.md err of a permanent (5xx) refusal."""
    if sender_refused:
        return UNREGISTERED_SENDER
    enhanced = _ENHANCED.search(message)
    if enhanced is not None:
        subject = enhanced.group(1)
        if subject == "1":  # 5.1.x: addressing (bad mailbox, bad destination)
            return NO_SUCH_ADDRESS
        if subject == "7":  # 5.7.x: security or policy
            return SPAM_FILTER
        if subject == "2" and code != 552:  # 5.2.x: the mailbox is disabled or full
            return NO_SUCH_ADDRESS
    if code in (550, 551, 553):
        return NO_SUCH_ADDRESS
    return REJECTED


def outcome(error: aiosmtplib.SMTPException) -> Submitted:
    """What an aiosmtplib error means for the message (the queue decides what follows)."""
    detail = f"{type(error).__name__}: {error}"[:255]
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused) and error.recipients:
        first = error.recipients[0]
        return _by_code(first.code, first.message, detail)
    if isinstance(error, aiosmtplib.SMTPAuthenticationError):
        return Submitted(Result.LINK_DOWN, detail=detail)  # ours to fix, not the message's
    if isinstance(error, aiosmtplib.SMTPSenderRefused):
        return _by_code(error.code, error.message, detail, sender_refused=True)
    if isinstance(error, aiosmtplib.SMTPResponseException) and not isinstance(
        error, aiosmtplib.SMTPConnectError
    ):
        return _by_code(error.code, error.message, detail)
    # Connecting failed, the connection broke, a timeout, STARTTLS not offered.
    return Submitted(Result.LINK_DOWN, detail=detail)


def _by_code(code: int, message: str, detail: str, sender_refused: bool = False) -> Submitted:
    if 400 <= code < 500:
        return Submitted(Result.TEMPORARY, detail=detail)
    if 500 <= code < 600:
        return Submitted(Result.REJECTED, err=refusal_err(code, message, sender_refused),
                         detail=detail)  # fmt: skip
    return Submitted(Result.TEMPORARY, detail=detail)


class Smtp:
    """One SMTP server behind one connector name."""

    kind = "smtp"

    def __init__(self, name: str, config: SmtpConfig, secret_key: str, db: Database,
                 sink: Sink, clock: Callable[[], float] = time.time) -> None:  # fmt: skip
        self.name = name
        self.config = config
        self._secret_key = secret_key
        self._db = db
        self._sink = sink
        self._clock = clock
        self._busy = 0
        self._down_until = 0.0
        self._pending: dict[str, float] = {}  # Message-ID -> when the server took it
        self._wake = asyncio.Event()
        self._reporting = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self.sent = 0
        self.last_error = ""

    async def start(self) -> None:
        # Messages a stopped process had handed over but not yet reported delivered.
        rows = await self._db.fetch_all(queries.SUBMITTED_OF, [self.name])
        now = self._clock()
        for (peer_id,) in rows:
            if peer_id:
                self._pending[str(peer_id)] = now
        self._task = asyncio.create_task(self._report_loop(), name=f"smscd-smtp-{self.name}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await components.cancel(task)

    def capacity(self) -> int:
        if self._clock() < self._down_until:
            return 0
        return max(0, self.config.connections - self._busy)

    def health(self) -> dict[str, object]:
        return {"kind": self.kind, "bound": self._clock() >= self._down_until,
                "in_flight": self._busy, "sent": self.sent, "last_error": self.last_error,
                "pending_receipts": len(self._pending)}  # fmt: skip

    async def submit(self, message: Outgoing) -> Submitted:
        self._busy += 1
        try:
            return await self._send(message)
        finally:
            self._busy -= 1

    async def _send(self, message: Outgoing) -> Submitted:
        try:
            password = secrets.reveal(self.config.password, self._secret_key)
        except secrets.SecretError as exc:
            self._link_down(str(exc))
            return Submitted(Result.LINK_DOWN, detail=str(exc)[:255])
        row = await self._db.fetch_one(SUBJECT, [message.int_id])
        subject = str(row[0]) if row is not None else ""
        domain = self.config.sender.rpartition("@")[2]
        message_id = f"{message.int_id}.{random_tokens.token_hex(6)}@{domain}"[:64]
        mail = EmailMessage()
        mail["From"] = from_address(message.sender, self.config.sender)
        mail["To"] = message.phone
        mail["Subject"] = subject
        mail["Date"] = formatdate(self._clock(), localtime=False)
        mail["Message-ID"] = f"<{message_id}>"
        mail.set_content(message.text, charset="utf-8")
        try:
            await aiosmtplib.send(
                mail,
                hostname=self.config.host,
                port=self.config.port,
                username=self.config.username or None,
                password=password or None,
                timeout=self.config.timeout,
                use_tls=self.config.tls == "tls",
                start_tls=True if self.config.tls == "starttls" else (
                    False if self.config.tls == "tls" else None),
            )  # fmt: skip
        except aiosmtplib.SMTPException as exc:
            result = outcome(exc)
            if result.result == Result.LINK_DOWN:
                self._link_down(result.detail)
            return result
        except (OSError, TimeoutError) as exc:
            detail = f"{type(exc).__name__}: {exc}"[:255]
            self._link_down(detail)
            return Submitted(Result.LINK_DOWN, detail=detail)
        self.sent += 1
        self._pending[message_id] = self._clock()
        self._wake.set()
        return Submitted(Result.ACCEPTED, peer_id=message_id, detail="250")

    def _link_down(self, detail: str) -> None:
        self.last_error = detail
        self._down_until = self._clock() + LINK_DOWN_SECONDS
        log.warning("smtp connector %s: %s; trying again in %g s", self.name, detail,
                    LINK_DOWN_SECONDS)  # fmt: skip

    async def flush(self) -> int:
        """Report delivered the messages the server took whose submission the queue has
        recorded; how many changed (those not yet recorded wait for the next round)."""
        async with self._reporting:
            if not self._pending:
                return 0
            now = self._clock()
            receipts = [Receipt(self.name, peer_id, Final.DELIVERED, 0, int(at))
                        for peer_id, at in self._pending.items()]  # fmt: skip
            try:
                taken = await self._sink.receipts(receipts)
            except Exception:
                log.exception("smtp connector %s could not report deliveries", self.name)
                return 0
            for peer_id, at in list(self._pending.items()):
                if peer_id in taken or now - at > PENDING_SECONDS:
                    self._pending.pop(peer_id, None)
            return len(taken)

    async def _report_loop(self) -> None:
        while True:
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=RECEIPT_ROUND_SECONDS)
            await self.flush()


def from_address(sender: str, default: str) -> str:
    """The From of a message: its sender name if that is an e-mail address, else the
    connector's address."""
    return sender if _ADDRESS.fullmatch(sender) else default
