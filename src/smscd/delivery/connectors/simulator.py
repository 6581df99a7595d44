"""The simulator: a connector that behaves like a mobile network, deterministically from
its rules (docs/simulator.md).

It takes a message (recording it in ``simulated_messages``: once per message, counting
resubmissions, which the crash tests read), answers like a carrier, and later sends the
receipt its rules decide: delivered after some seconds, undeliverable with an err, expired;
or it refuses the submission (rejected, or a temporary failure for the first tries). A
share of the delivered messages gets a reply from the recipient, which arrives as an
incoming message of the account. The outcome of a message is a function of its number,
its id and the seed, so a run can be repeated; a throughput cap (``tps``) limits what it
takes per second. Receipts not yet sent when the process stops are sent after a restart:
they are derived again from the submitted messages and the time each was received.

Rules (the connector's config, JSON; ``smscd connectors add simulator NAME --rules``)::

    {"seed": 1, "tps": 200, "delay": [1, 5],
     "mix": {"delivered": 90, "undeliverable": 6, "expired": 2, "rejected": 1,
             "temporary": 1},
     "err": 1, "reply_share": 10, "reply_after": [3, 20],
     "replies": ["Спасибо", "STOP"], "reply_to": "79991110001",
     "numbers": [{"prefix": "7999000", "outcome": "undeliverable", "err": 6}]}

``numbers``: the first entry whose prefix the number starts with decides its outcome
(``delivered``, ``undeliverable``, ``expired``, ``rejected``, ``temporary``); other numbers
draw from ``mix`` (weights).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import heapq
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from smscd import components
from smscd.db.gateway import Database
from smscd.delivery import queries
from smscd.delivery.connectors.base import (
    Final,
    Outgoing,
    Receipt,
    Reply,
    Result,
    Sink,
    Submitted,
)

log = logging.getLogger("smscd.delivery.simulator")

OUTCOMES = ("delivered", "undeliverable", "expired", "rejected", "temporary")
TEMPORARY_TRIES = 2  # a "temporary" number fails this many submissions, then is taken
RECORD = (
    "INSERT INTO simulated_messages (int_id, connector, received_ts, submissions)"
    " VALUES (?, ?, ?, 1) ON CONFLICT (int_id) DO UPDATE"
    " SET submissions = simulated_messages.submissions + 1"
    " RETURNING received_ts, submissions"
)


class RulesError(ValueError):
    """Rules that cannot be used; the message says why."""


@dataclass(frozen=True)
class Rules:
    seed: int = 1
    tps: int = 200
    delay: tuple[float, float] = (1.0, 5.0)
    mix: dict[str, int] = field(default_factory=lambda: {"delivered": 90, "undeliverable": 6,
                                                         "expired": 2, "rejected": 1,
                                                         "temporary": 1})  # fmt: skip
    err: int = 1  # the err of an undeliverable message (1: subscriber does not exist)
    reply_share: int = 0  # percent of delivered messages that get a reply
    reply_after: tuple[float, float] = (3.0, 20.0)
    replies: tuple[str, ...] = ("OK", "Спасибо")
    reply_to: str = ""  # the number replies are written to ('' the message's sender name)
    numbers: tuple[dict[str, Any], ...] = ()

    @classmethod
    def parse(cls, text: str) -> Rules:
        try:
            raw = json.loads(text or "{}")
        except json.JSONDecodeError as exc:
            raise RulesError(f"rules are a JSON object: {exc}") from exc
        if not isinstance(raw, dict):
            raise RulesError("rules are a JSON object")
        unknown = set(raw) - set(cls.__dataclass_fields__)
        if unknown:
            raise RulesError(f"unknown rules: {', '.join(sorted(unknown))}")
        try:
            rules = cls(
                seed=int(raw.get("seed", 1)),
                tps=int(raw.get("tps", 200)),
                delay=_pair(raw.get("delay", (1, 5))),
                mix={str(k): int(v) for k, v in raw.get("mix", cls().mix).items()},
                err=int(raw.get("err", 1)),
                reply_share=int(raw.get("reply_share", 0)),
                reply_after=_pair(raw.get("reply_after", (3, 20))),
                replies=tuple(str(r) for r in raw.get("replies", ("OK", "Спасибо"))),
                reply_to=str(raw.get("reply_to", "")),
                numbers=tuple(dict(n) for n in raw.get("numbers", ())),
            )
        except (TypeError, ValueError, AttributeError) as exc:
            raise RulesError(f"rules: {exc}") from exc
        rules.check()
        return rules

    def check(self) -> None:
        if self.tps < 1:
            raise RulesError("tps is at least 1")
        if set(self.mix) - set(OUTCOMES) or sum(self.mix.values()) <= 0:
            raise RulesError(f"mix weights name outcomes of {', '.join(OUTCOMES)}")
        if any(w < 0 for w in self.mix.values()):
            raise RulesError("mix weights are not negative")
        for entry in self.numbers:
            if entry.get("outcome") not in OUTCOMES or not str(entry.get("prefix", "")).isdigit():
                raise RulesError("numbers entries are {prefix: digits, outcome: ...}")
        if not 0 <= self.reply_share <= 100:
            raise RulesError("reply_share is a percentage")

    def to_json(self) -> str:
        return json.dumps(
            {"seed": self.seed, "tps": self.tps, "delay": list(self.delay), "mix": self.mix,
             "err": self.err, "reply_share": self.reply_share,
             "reply_after": list(self.reply_after), "replies": list(self.replies),
             "reply_to": self.reply_to, "numbers": list(self.numbers)},
            ensure_ascii=False,
        )  # fmt: skip


def _pair(value: Any) -> tuple[float, float]:
    low, high = (float(v) for v in value)
    if not 0 <= low <= high:
        raise ValueError("a range is [low, high] with 0 <= low <= high")
    return low, high


def _unit(seed: int, int_id: int, salt: str) -> float:
    """A number in [0, 1) fixed by the seed, the message and what it is for."""
    digest = hashlib.blake2b(f"{seed}:{int_id}:{salt}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


@dataclass(frozen=True, slots=True)
class Fate:
    outcome: str
    err: int
    after: float  # seconds from receipt to the carrier's final word
    reply: str | None
    reply_after: float


def fate(rules: Rules, int_id: int, phone: str) -> Fate:
    """What the simulated network does with a message (deterministic)."""
    outcome, err = "", rules.err
    for entry in rules.numbers:
        if phone.startswith(str(entry["prefix"])):
            outcome, err = str(entry["outcome"]), int(entry.get("err", rules.err))
            break
    if not outcome:
        pick = _unit(rules.seed, int_id, "outcome") * sum(rules.mix.values())
        for name in OUTCOMES:
            pick -= rules.mix.get(name, 0)
            if pick < 0:
                outcome = name
                break
        outcome = outcome or "delivered"
    low, high = rules.delay
    after = low + (high - low) * _unit(rules.seed, int_id, "delay")
    reply = None
    if outcome == "delivered" and _unit(rules.seed, int_id, "reply") * 100 < rules.reply_share:
        reply = rules.replies[int(_unit(rules.seed, int_id, "text") * len(rules.replies))]
    rlow, rhigh = rules.reply_after
    return Fate(outcome, err, after, reply, rlow + (rhigh - rlow) * _unit(rules.seed, int_id, "rt"))


@dataclass(order=True)
class _Due:
    at: float
    int_id: int
    event: Receipt | Reply = field(compare=False)


class Simulator:
    """A simulated mobile network behind one connector name."""

    kind = "simulator"

    def __init__(self, name: str, rules: Rules, db: Database, sink: Sink,
                 clock: Callable[[], float] = time.time) -> None:  # fmt: skip
        self.name = name
        self.rules = rules
        self._db = db
        self._sink = sink
        self._clock = clock
        self._due: list[_Due] = []
        self._replies: dict[str, Reply] = {}  # peer id -> the reply its delivery brings
        self._wake = asyncio.Event()
        self._flushing = asyncio.Lock()  # one round of receipts at a time
        self._task: asyncio.Task[None] | None = None
        self._second = 0
        self._taken = 0  # messages taken in the current second (the tps cap)
        self.submitted = 0
        self.receipts_sent = 0

    async def start(self) -> None:
        await self._resume()
        self._task = asyncio.create_task(self._deliver(), name=f"smscd-simulator-{self.name}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await components.cancel(task)

    def capacity(self) -> int:
        now = int(self._clock())
        if now != self._second:
            self._second, self._taken = now, 0
        return max(0, self.rules.tps - self._taken)

    def health(self) -> dict[str, object]:
        return {"kind": self.kind, "bound": True, "submitted": self.submitted,
                "pending_events": len(self._due), "receipts": self.receipts_sent}  # fmt: skip

    async def submit(self, message: Outgoing) -> Submitted:
        self.capacity()
        self._taken += 1
        fate_ = fate(self.rules, message.int_id, message.phone)
        if fate_.outcome == "rejected":
            return Submitted(Result.REJECTED, err=fate_.err, detail="simulated rejection")
        if fate_.outcome == "temporary" and message.attempt <= TEMPORARY_TRIES:
            return Submitted(Result.TEMPORARY, detail="simulated temporary failure")
        now = self._clock()
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(RECORD, [message.int_id, self.name, int(now)])
        assert row is not None
        received = float(row[0])
        self.submitted += 1
        self._schedule(message.int_id, message.account_id, message.phone, message.sender,
                       received, fate_)  # fmt: skip
        return Submitted(Result.ACCEPTED, peer_id=str(message.int_id))

    def _schedule(self, int_id: int, account_id: int, phone: str, sender: str,
                  received: float, fate_: Fate) -> None:  # fmt: skip
        final = {"delivered": Final.DELIVERED, "undeliverable": Final.UNDELIVERABLE,
                 "expired": Final.EXPIRED}.get(fate_.outcome, Final.DELIVERED)  # fmt: skip
        at = received + fate_.after
        err = 0 if final == Final.DELIVERED else fate_.err
        receipt = Receipt(self.name, str(int_id), final, err, int(at), int_id)
        heapq.heappush(self._due, _Due(at, int_id, receipt))
        if fate_.reply is not None:
            # Sent once the delivery took effect here (another process resuming the same
            # receipt finds it taken, and so never sends the reply twice).
            reply_at = at + fate_.reply_after
            self._replies[str(int_id)] = Reply(
                account_id,
                phone,
                self.rules.reply_to or sender,
                fate_.reply,
                int(reply_at) - 1,
                int(reply_at),
            )
        self._wake.set()

    async def _resume(self) -> None:
        """Schedule again the receipts of messages submitted before this process started."""
        rows = await self._db.fetch_all(queries.OUTSTANDING, [self.name])
        for int_id, account_id, phone, sender, _format, received in rows:
            fate_ = fate(self.rules, int(int_id), str(phone))
            self._schedule(int(int_id), int(account_id), str(phone), str(sender),
                           float(received), fate_)  # fmt: skip
        if rows:
            log.info("simulator %s resumed %s outstanding receipts", self.name, len(rows))

    async def flush(self) -> int:
        """Send every receipt and reply that is due now, and return how many events were
        sent (the delivery loop's round; an operator's or a test's "now")."""
        async with self._flushing:
            now = self._clock()
            receipts: list[Receipt] = []
            replies: list[Reply] = []
            while self._due and self._due[0].at <= now:
                event = heapq.heappop(self._due).event
                if isinstance(event, Receipt):
                    receipts.append(event)
                else:
                    replies.append(event)
            try:
                if receipts:
                    taken = await self._sink.receipts(receipts)
                    self.receipts_sent += len(receipts)
                    for receipt in receipts:
                        reply = self._replies.pop(receipt.peer_id, None)
                        if reply is not None and receipt.peer_id in taken:
                            heapq.heappush(self._due, _Due(reply.at, 0, reply))
                if replies:
                    await self._sink.replies(replies)
            except Exception:
                log.exception("simulator %s could not report; trying again", self.name)
                events: list[Receipt | Reply] = [*receipts, *replies]
                for event in events:
                    heapq.heappush(self._due, _Due(now + 1, 0, event))
                return 0
            return len(receipts) + len(replies)

    async def _deliver(self) -> None:
        while True:
            self._wake.clear()
            await self.flush()
            wait = max(0.0, self._due[0].at - self._clock()) if self._due else 3600.0
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=min(wait, 1.0))
