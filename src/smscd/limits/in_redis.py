"""Limits kept in Redis: shared by every worker and every machine of a deployment.

Each check-and-count is one Lua script, which Redis runs atomically: no read-then-write race
between workers, and one round trip per request; the in-flight slot is given back by a
command nobody waits for, on the same pipelined connection (``resp.py``), so it reaches
Redis before any later request of the worker is counted.

- A sliding window is a sorted set of the request tokens it counted, scored by time; the
  script drops the members older than the window, compares the count with the limit and,
  only if every window and the in-flight cap have room, adds the request to all of them.
- The in-flight cap is a sorted set per account of the requests running, scored by the end of
  their lease. A worker renews the leases of its running requests every third of
  ``SMSCD_LIMIT_IN_FLIGHT_LEASE_SECONDS``; the script drops expired leases, so the slots of a
  worker that died are free again after at most one lease.
- A blocked address is a key holding the time its block ends; its failures a sorted set.

Times are the app's clock (so that tests can move it), passed to the scripts; Redis's own key
expiry only collects what has run out. Hosts sharing a Redis should keep their clocks in step
(NTP). If Redis cannot be reached a request is served without its limits, and that is logged:
a limiter must not turn a Redis outage into an outage of the API **[ours]**. After a failure
Redis is left alone for :data:`RETRY_SECONDS`, so that an outage costs no waiting per request.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

import redis

from smscd.errors import DuplicateRequestError, IpBlockedError, TooManyConcurrentError
from smscd.limits.backend import (
    BLOCKS_LISTED,
    RECHECK_SECONDS,
    Backend,
    BlockPolicy,
    Failure,
    Slot,
)
from smscd.limits.policy import Ticket
from smscd.limits.resp import Pipe, ReplyError, Script, Unavailable
from smscd.settings import Settings

log = logging.getLogger("smscd.limits")

RETRY_SECONDS = 5.0
SWEEP_SECONDS = 60.0

# KEYS: the address's block, the account's in-flight set, then one sorted set per window.
# ARGV: now, token, in-flight cap (0: none), lease seconds, then limit and seconds per window.
# Returns {0}: admitted; {4, block end}: the address is blocked; {9, 1}: in-flight cap;
# {9, 2}: a window is full. Nothing is counted unless the request is admitted.
ADMIT = Script("""
local now = tonumber(ARGV[1])
local blocked_until = tonumber(redis.call('GET', KEYS[1]) or '0')
if blocked_until > now then return {4, tostring(blocked_until)} end
local cap = tonumber(ARGV[3])
if cap > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= cap then return {9, 1} end
end
for i = 3, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - tonumber(ARGV[2 * i]))
  if redis.call('ZCARD', KEYS[i]) >= tonumber(ARGV[2 * i - 1]) then return {9, 2} end
end
for i = 3, #KEYS do
  redis.call('ZADD', KEYS[i], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[i], math.ceil(tonumber(ARGV[2 * i]) * 1000))
end
if cap > 0 then
  local lease = tonumber(ARGV[4])
  redis.call('ZADD', KEYS[2], now + lease, ARGV[2])
  redis.call('PEXPIRE', KEYS[2], math.ceil(lease * 1000))
end
return {0}
""")

# KEYS: the address's block, its failure log. ARGV: now, token, failures that block,
# window seconds, block seconds. Returns {0}: counted; {1, end}: blocked before; {2, end}:
# blocked by this failure.
FAILED = Script("""
local now = tonumber(ARGV[1])
local blocked_until = tonumber(redis.call('GET', KEYS[1]) or '0')
if blocked_until > now then return {1, tostring(blocked_until)} end
local failures = tonumber(ARGV[3])
if failures == 0 then return {0} end
local window = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
redis.call('ZADD', KEYS[2], now, ARGV[2])
if redis.call('ZCARD', KEYS[2]) >= failures then
  local block = tonumber(ARGV[5])
  redis.call('DEL', KEYS[2])
  redis.call('SET', KEYS[1], tostring(now + block), 'PX', math.ceil(block * 1000))
  return {2, tostring(now + block)}
end
redis.call('PEXPIRE', KEYS[2], math.ceil(window * 1000))
return {0}
""")

# KEYS: in-flight sets; ARGV: the new lease end, the lease in ms, then per key its token.
RENEW = Script("""
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], 'XX', ARGV[1], ARGV[i + 2])
  redis.call('PEXPIRE', KEYS[i], ARGV[2])
end
return #KEYS
""")


def block_key(prefix: str, subject: str) -> str:
    return f"{prefix}block:{subject}"


def failures_key(prefix: str, subject: str) -> str:
    return f"{prefix}failures:{subject}"


def in_flight_key(prefix: str, account_id: int) -> str:
    return f"{prefix}inflight:{account_id}"


def window_key(prefix: str, key: str) -> str:
    return f"{prefix}window:{key}"


def unblock(settings: Settings, subject: str) -> None:
    """Delete ``subject``'s block and failures (``smscd ip unblock``; synchronous)."""
    with redis.Redis.from_url(settings.redis_url, socket_timeout=10) as conn:
        conn.delete(
            block_key(settings.redis_prefix, subject), failures_key(settings.redis_prefix, subject)
        )


class RedisBackend(Backend):
    def __init__(
        self,
        settings: Settings,
        policy: BlockPolicy,
        clock: Callable[[], float],
    ) -> None:
        self._redis = Pipe(settings.redis_url, settings.redis_timeout_seconds)
        self._prefix = settings.redis_prefix
        self._policy = policy
        self._clock = clock
        self._lease = settings.limit_in_flight_lease_seconds
        self._worker = secrets.token_hex(6)
        self._serial = itertools.count(1)
        self._held: dict[str, str] = {}  # token -> in-flight key, for renewal
        self._known_blocks: dict[str, list[float]] = {}  # subject -> [until, recheck]
        self._down_until = 0.0  # monotonic: Redis is not asked before then
        self._swept = 0.0

    async def start(self) -> None:
        if await self._call(self._redis.call, "PING") is None:
            log.error("Redis at the configured SMSCD_REDIS_URL does not answer: limits are "
                      "not enforced until it does")  # fmt: skip

    async def stop(self) -> None:
        await self._redis.close()

    async def ready(self, timeout: float) -> bool:
        """PING, asked now whatever the limits last saw (``/readyz``)."""
        try:
            answer = await asyncio.wait_for(self._redis.call("PING"), timeout)
        except (Unavailable, OSError, ReplyError, TimeoutError):
            return False
        return answer in ("PONG", b"PONG")

    def _token(self) -> str:
        return f"{self._worker}:{next(self._serial)}"

    async def _call(self, command: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``command`` on Redis, or None when Redis is (or was just seen) unreachable."""
        if time.monotonic() < self._down_until:
            return None
        try:
            return await command(*args, **kwargs)
        except (Unavailable, OSError) as error:
            self._down_until = time.monotonic() + RETRY_SECONDS
            log.warning("Redis unreachable (%s): serving without limits for %.0f s",
                        error, RETRY_SECONDS)  # fmt: skip
        except ReplyError as error:
            # Reachable but refusing (out of memory, a read-only replica after a failover,
            # a wrong password): as unavailable for the request, logged for what it is.
            self._down_until = time.monotonic() + RETRY_SECONDS
            log.error("Redis refused the limits' command (%s): serving without limits for "
                      "%.0f s", error, RETRY_SECONDS)  # fmt: skip
        return None

    async def admit(self, ticket: Ticket, subject: str | None, now: float) -> Slot:
        token = self._token()
        account = ticket.account_id
        flight = in_flight_key(self._prefix, account)
        keys = [block_key(self._prefix, subject or "-"), flight]
        args: list[Any] = [repr(now), token, ticket.in_flight, repr(self._lease)]
        for counter in ticket.counters:
            keys.append(window_key(self._prefix, counter.key))
            args += [counter.limit, repr(counter.seconds)]
        try:
            answer = await self._call(self._redis.evalsha, ADMIT, keys, args)
        except asyncio.CancelledError:
            # The client went away while Redis may already have given it a slot: give it
            # back (after the script on the same connection; a slot it never got is no
            # member, and removing it changes nothing).
            if ticket.in_flight:
                self._redis.send_now("ZREM", flight, token)
            raise
        if answer is None:
            return Slot(account, None)
        outcome = int(answer[0])
        if outcome == 4 and subject is not None:
            self._known_blocks[subject] = [float(answer[1]), now + RECHECK_SECONDS]
            raise IpBlockedError(f"{subject} blocked")
        if outcome == 9:
            if int(answer[1]) == 1:
                raise TooManyConcurrentError(f"account {account}: in-flight cap")
            raise DuplicateRequestError(f"account {account}: a window is full")
        if not ticket.in_flight:
            return Slot(account, None)
        self._held[token] = flight
        return Slot(account, token)

    async def release(self, slot: Slot) -> None:
        if slot.token is None:
            return
        flight = self._held.pop(slot.token, None)
        if flight is not None:
            await self._call(self._redis.send, "ZREM", flight, slot.token)

    async def blocked(self, subject: str, now: float) -> bool:
        if now >= self._swept + SWEEP_SECONDS:  # forget the blocks that ended unseen
            self._swept = now
            for ended in [key for key, (until, _) in self._known_blocks.items() if until <= now]:
                del self._known_blocks[ended]
        known = self._known_blocks.get(subject)
        if known is None:
            return False
        until, recheck = known
        if now < until and now < recheck:
            return True
        del self._known_blocks[subject]
        if now >= until:
            return False
        stored = await self._call(self._redis.call, "GET", block_key(self._prefix, subject))
        if stored is None or float(stored) <= now:
            return False  # unblocked meanwhile (or Redis is unreachable: fail open)
        self._known_blocks[subject] = [float(stored), now + RECHECK_SECONDS]
        return True

    async def blocks(self, now: float) -> list[tuple[str, float]]:
        """Every worker's blocks: the block keys in Redis (SCAN, at most BLOCKS_LISTED)."""
        head = block_key(self._prefix, "")
        keys: list[bytes] = []
        cursor: bytes | str = "0"
        while len(keys) < BLOCKS_LISTED:
            answer = await self._call(self._redis.call, "SCAN", cursor, "MATCH", head + "*",
                                      "COUNT", 500)  # fmt: skip
            if answer is None:
                return []
            cursor, found = answer
            keys += found
            if cursor in (b"0", "0"):
                break
        found_blocks = []
        for key in keys[:BLOCKS_LISTED]:
            until = await self._call(self._redis.call, "GET", key)
            if until is not None and float(until) > now:
                found_blocks.append((key.decode()[len(head) :], float(until)))
        return sorted(found_blocks)

    async def failed(self, subject: str, now: float) -> Failure:
        policy = self._policy
        keys = [block_key(self._prefix, subject), failures_key(self._prefix, subject)]
        args = [repr(now), self._token(), policy.failures, policy.window, policy.seconds]
        answer = await self._call(self._redis.evalsha, FAILED, keys, args)
        if answer is None or int(answer[0]) == 0:
            return Failure.COUNTED
        self._known_blocks[subject] = [float(answer[1]), now + RECHECK_SECONDS]
        return Failure.ALREADY_BLOCKED if int(answer[0]) == 1 else Failure.BLOCKED_NOW

    @property
    def renew_every(self) -> float:
        """How often :meth:`renew` must run: every third of a lease."""
        return self._lease / 3

    async def renew(self) -> None:
        """Extend the lease of every request this worker has in flight (a background job
        every :attr:`renew_every`, limits/service.py)."""
        held = list(self._held.items())
        if not held:
            return
        lease_end = repr(self._clock() + self._lease)
        keys = [flight for _token, flight in held]
        args = [lease_end, int(self._lease * 1000) + 1, *(token for token, _flight in held)]
        await self._call(self._redis.evalsha, RENEW, keys, args)
