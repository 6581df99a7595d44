"""A queued message's states, and the public status each one shows (compat.md, "Message
status codes"). Stored as TEXT with a CHECK (history/tables.py ``STATES``).

    queued ──claim──> sending ──accepted──> submitted ──receipt──> delivered | failed | expired
      ^  └──expiry──> expired      │  └──rejected──> failed (refunded)
      └────retry / lease lost──────┘

``archived`` rows (history not sent by this server) are outside the queue.
"""

from __future__ import annotations

import enum


class State(enum.StrEnum):
    ARCHIVED = "archived"
    QUEUED = "queued"
    SENDING = "sending"
    SUBMITTED = "submitted"
    DELIVERED = "delivered"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


# The public status a transition into the state sets (a failure may set a more precise one).
WAITING = -1
HANDED_TO_OPERATOR = 0
DELIVERED = 1
EXPIRED = 3
LINK_CLICKED = 4
UNDELIVERABLE = 20
INVALID_NUMBER = 22
PROHIBITED = 23

FINISHED = frozenset({State.DELIVERED, State.FAILED, State.EXPIRED, State.CANCELLED})
