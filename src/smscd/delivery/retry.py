"""What follows a submission that did not succeed: a pure function of the outcome, the
attempt and the time (after Oban's and River's backoff).

Temporary failures are retried with exponential backoff (``retry_base_seconds`` doubling,
capped at ``retry_max_seconds``, ±10 % jitter) until ``max_attempts``; then the message
fails with err 245 (status not received) **[ours]**. Throttling and a link that is down
cost no attempt (a "snooze"); rejected and malformed messages fail at once with the
carrier's err and are refunded, since they never reached an operator. A submission whose
link went before its answer (``LINK_LOST``) is due again at once, since the link's loss
says nothing about the message (the queue claims it when the connector has capacity
again: a bind is back), but it spends an attempt: the carrier may have it, so the
attempts bound how often one message can be a duplicate.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from smscd.delivery.connectors.base import Result

GAVE_UP_ERR = 245  # compat.md: status not received
REJECTED_ERR = 255  # compat.md: rejected by operator
THROTTLE_SECONDS = 1.0
LINK_DOWN_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Policy:
    base_seconds: float
    max_seconds: float
    max_attempts: int


@dataclass(frozen=True, slots=True)
class Retry:
    at: int  # Unix seconds of the next try
    spend_attempt: bool  # False: the claim's attempt is given back (a snooze)


@dataclass(frozen=True, slots=True)
class Fail:
    err: int


def after(result: Result, err: int, attempt: int, now: float, policy: Policy,
          rng: random.Random) -> Retry | Fail:  # fmt: skip
    """What to do with a message whose ``attempt``-th submission came to ``result``."""
    if result in (Result.REJECTED, Result.MALFORMED):
        return Fail(err or REJECTED_ERR)
    if result == Result.THROTTLED:
        return Retry(int(now + THROTTLE_SECONDS + 0.999), spend_attempt=False)
    if result == Result.LINK_DOWN:
        return Retry(int(now + LINK_DOWN_SECONDS), spend_attempt=False)
    if attempt >= policy.max_attempts:
        return Fail(GAVE_UP_ERR)
    if result == Result.LINK_LOST:
        return Retry(int(now), spend_attempt=True)
    delay = min(policy.max_seconds, policy.base_seconds * 2 ** (attempt - 1))
    delay *= 1 + rng.uniform(-0.1, 0.1)
    return Retry(int(now + max(1.0, delay)), spend_attempt=True)
