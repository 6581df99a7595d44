"""What every carrier connection implements, and what it reports back.

The rules for a connector (after Kannel's ``smscconn_p.h`` and aiosmpplib's hook rules):

- :meth:`Connector.capacity` says how many messages it can take now (free window, tokens
  of its throughput cap; 0 while its link is down). The queue claims no more than that,
  so no claimed message waits out its lease in memory.
- :meth:`Connector.submit` hands one message to the carrier and says what became of it,
  as a :class:`Result`; it never raises for a carrier's answer. It reconnects when it
  must, but never resends on its own: retrying is the queue's decision (delivery/retry.py).
- What the carrier sends later (receipts, incoming messages) goes to the :class:`Sink`
  given at construction, from the connector's own tasks.
- ``start`` opens the link (or begins to); ``stop`` closes it and may be called after a
  failed or partial start.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol


class Result(enum.StrEnum):
    """What a submission came to (the queue maps it: delivery/retry.py)."""

    ACCEPTED = "accepted"  # the carrier took it; a receipt follows
    TEMPORARY = "temporary"  # try again later
    THROTTLED = "throttled"  # too fast: try again soon, no attempt spent
    REJECTED = "rejected"  # the carrier refused it for good
    MALFORMED = "malformed"  # the carrier cannot read it: never retried
    LINK_DOWN = "link_down"  # not sent at all: no attempt spent
    # Sent, but the link went before the answer: the carrier may have it. Retried as soon
    # as a link is up again (capacity() says when), an attempt spent: the attempts bound
    # how often one message can reach the carrier twice (docs/carriers.md).
    LINK_LOST = "link_lost"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A claimed message, as a connector needs it."""

    int_id: int
    account_id: int
    phone: str
    text: str
    sender: str
    format: int
    attempt: int
    valid_until: int  # Unix seconds: a carrier may stop trying then (SMPP validity_period)


@dataclass(frozen=True, slots=True)
class Submitted:
    result: Result
    peer_id: str = ""  # the carrier's id of the message (ACCEPTED)
    err: int = 0  # compat.md delivery error code (REJECTED, MALFORMED)
    detail: str = ""  # for the attempts log
    # The carrier's id of every part, in order, when the message went in more than one
    # (ACCEPTED): kept with the submission, so that any part's receipt matches after a
    # restart (delivery/parts.py). ``peer_id`` is the first.
    parts: tuple[str, ...] = ()


class Final(enum.StrEnum):
    """What a receipt says became of a message."""

    DELIVERED = "delivered"
    UNDELIVERABLE = "failed"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Receipt:
    connector: str
    peer_id: str
    final: Final
    err: int
    at: int  # Unix seconds, when the carrier says it happened
    # The message, when the connector knows it (the simulator does): the receipt then
    # applies even before the submission's ``peer_id`` was stored.
    int_id: int | None = None
    # Which part of a long message it is for (0-based), when the connector knows: the
    # message is final when every part is (delivery/parts.py).
    part: int = 0
    parts: int = 1


@dataclass(frozen=True, slots=True)
class Reply:
    """An incoming message: ``phone`` wrote ``text`` to ``to`` (the account's number).

    ``account_id`` is None when the connector does not know the account (a real carrier
    knows only the number): the sink gives it to the number's owner (incoming/numbers.py).
    """

    account_id: int | None
    phone: str
    to: str
    text: str
    sent: int  # when the phone sent it
    at: int  # when it arrived


class Sink(Protocol):
    """Where a connector's inbound events go (the queue, delivery/queue.py)."""

    async def receipts(self, receipts: list[Receipt]) -> set[str]:
        """Apply the receipts, each stored when this returns; the peer ids of those that
        changed a message or were kept as a part's final (a late or repeated receipt
        changes nothing: statuses never go backwards)."""
        ...

    async def replies(self, replies: list[Reply]) -> int:
        """Store incoming messages; how many were stored (those to a number no account
        owns are dropped)."""
        ...


class Connector(Protocol):
    name: str
    kind: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def capacity(self) -> int: ...

    async def submit(self, message: Outgoing) -> Submitted: ...

    def health(self) -> dict[str, object]:
        """What an operator sees: bound or not, in flight, throughput."""
        ...
