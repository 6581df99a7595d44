"""A small pipelined Redis client for the limits on the request path.

Every request asks Redis twice (admit, release), so the client's own cost is the limiter's
cost. redis-py (used everywhere else: the CLI, the tests) takes a pooled connection per
command and waits for each reply on it: ~80-100 us of CPU per command here, syscalls
included, and under load a worker's 32 concurrent requests hold 32 connections. This client
keeps one connection per worker and pipelines: commands of one event-loop turn leave in one
write, replies are matched to callers in order (Redis answers in order), and a command whose
reply nobody waits for (a release) costs no wait at all. Measured in docs/protection.md.

It speaks RESP2 and only what the limits need: ``EVALSHA`` (falling back to ``EVAL`` when
the server does not know the script), ``GET``, ``PING``, and authentication and database
selection from the URL (``redis://``, ``rediss://``, ``unix://``). Any failure of the
connection fails the commands waiting on it with :class:`Unavailable`; the next command
connects again.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import logging
import ssl
from collections.abc import Sequence
from typing import Any

from redis.connection import SSLConnection, UnixDomainSocketConnection, parse_url

log = logging.getLogger("smscd.limits")

Reply = Any  # int | bytes | None | list[Reply] | ReplyError


class Unavailable(ConnectionError):
    """Redis could not be reached, or did not answer in time."""


class ReplyError(Exception):
    """An error reply of Redis (``-ERR ...``)."""


def encode(args: Sequence[str | bytes | int | float]) -> bytes:
    """One command in RESP (an array of bulk strings)."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def parse(buffer: bytearray | bytes, pos: int = 0) -> tuple[Reply, int] | None:
    """The reply starting at ``pos`` and the position after it; None when incomplete."""
    end = buffer.find(b"\r\n", pos)
    if end < 0:
        return None
    kind, line, after = buffer[pos], bytes(buffer[pos + 1 : end]), end + 2
    if kind == 0x2B:  # + simple string
        return line, after
    if kind == 0x2D:  # - error
        return ReplyError(line.decode("utf-8", "replace")), after
    if kind == 0x3A:  # : integer
        return int(line), after
    if kind == 0x24:  # $ bulk string
        size = int(line)
        if size < 0:
            return None, after
        if len(buffer) < after + size + 2:
            return None
        return bytes(buffer[after : after + size]), after + size + 2
    if kind == 0x2A:  # * array
        size = int(line)
        if size < 0:
            return None, after
        items = []
        for _ in range(size):
            found = parse(buffer, after)
            if found is None:
                return None
            item, after = found
            items.append(item)
        return items, after
    raise ValueError(f"not a RESP reply: {bytes(buffer[pos : pos + 20])!r}")


class _Protocol(asyncio.Protocol):
    """One connection: commands out, replies in, in the same order."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.waiting: collections.deque[asyncio.Future[Reply] | None] = collections.deque()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._buffer = bytearray()
        self._outgoing: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def send(self, command: bytes, future: asyncio.Future[Reply] | None) -> None:
        """Queue ``command``; the commands of one loop turn are written together."""
        if not self._outgoing:
            asyncio.get_running_loop().call_soon(self._flush)
        self._outgoing.append(command)
        self.waiting.append(future)

    def _flush(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(b"".join(self._outgoing))
        self._outgoing.clear()

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        pos = 0
        while self.waiting:
            found = parse(self._buffer, pos)
            if found is None:
                break
            reply, pos = found
            future = self.waiting.popleft()
            if future is None:
                if isinstance(reply, ReplyError):
                    log.warning("Redis refused a command nobody waited for: %s", reply)
            elif not future.done():
                future.set_result(reply)
        del self._buffer[:pos]

    def connection_lost(self, exc: Exception | None) -> None:
        self.fail(Unavailable(f"connection to Redis lost: {exc or 'closed'}"))

    def fail(self, error: Exception) -> None:
        while self.waiting:
            future = self.waiting.popleft()
            if future is not None and not future.done():
                future.set_exception(error)
        if not self.closed.done():
            self.closed.set_result(None)
        if self.transport is not None:
            self.transport.abort()


def _retrieved(attempt: asyncio.Future[Any]) -> None:
    """Mark a connection attempt's failure as seen even when every caller has gone."""
    if not attempt.cancelled():
        attempt.exception()


class Script:
    """A Lua script, called by its SHA-1 once the server has it."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.sha = hashlib.sha1(body.encode(), usedforsecurity=False).hexdigest()


class Pipe:
    """The worker's pipelined connection to the Redis of ``url``."""

    def __init__(self, url: str, timeout: float) -> None:
        self._options: dict[str, Any] = parse_url(url)  # type: ignore[no-untyped-call]
        self._timeout = timeout
        self._protocol: _Protocol | None = None
        self._attempt: asyncio.Future[_Protocol] | None = None

    async def _connected(self) -> _Protocol:
        protocol = self._protocol
        if protocol is not None and not protocol.closed.done():
            return protocol
        # One attempt, however many callers need the connection: they all wait for it
        # and share its outcome (a hung Redis costs each of them one timeout, not a queue
        # of timeouts).
        if self._attempt is None or self._attempt.done():
            self._attempt = asyncio.ensure_future(self._connect())
            self._attempt.add_done_callback(_retrieved)
        protocol = await asyncio.shield(self._attempt)
        self._protocol = protocol
        return protocol

    async def _connect(self) -> _Protocol:
        options = self._options
        loop = asyncio.get_running_loop()
        protocol: _Protocol | None = None
        try:
            async with asyncio.timeout(self._timeout):  # connection and set-up together
                if options.get("connection_class") is UnixDomainSocketConnection:
                    _, protocol = await loop.create_unix_connection(_Protocol, options["path"])
                else:
                    secure = options.get("connection_class") is SSLConnection
                    _, protocol = await loop.create_connection(
                        _Protocol,
                        options.get("host", "localhost"),
                        options.get("port", 6379),
                        ssl=ssl.create_default_context() if secure else None,
                    )
                if options.get("password"):
                    user, password = options.get("username"), options["password"]
                    login = ["AUTH", user, password] if user else ["AUTH", password]
                    await self._on(protocol, login)
                if options.get("db"):
                    await self._on(protocol, ["SELECT", options["db"]])
        except BaseException as error:
            if protocol is not None:
                protocol.fail(Unavailable("Redis refused the connection's set-up"))
            if isinstance(error, OSError | TimeoutError):
                raise Unavailable(f"cannot connect to Redis: {error!r}") from error
            raise
        return protocol

    async def _on(self, protocol: _Protocol, args: Sequence[Any]) -> Reply:
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        protocol.send(encode(args), future)
        try:
            async with asyncio.timeout(self._timeout):
                reply = await future
        except TimeoutError as error:
            protocol.fail(Unavailable("Redis did not answer in time"))
            raise Unavailable("Redis did not answer in time") from error
        if isinstance(reply, ReplyError):
            raise reply
        return reply

    async def call(self, *args: str | bytes | int | float) -> Reply:
        """Send one command and wait for its reply (an error reply raises)."""
        return await self._on(await self._connected(), args)

    async def send(self, *args: str | bytes | int | float) -> None:
        """Send one command without waiting for its reply (an error reply is logged)."""
        (await self._connected()).send(encode(args), None)

    def send_now(self, *args: str | bytes | int | float) -> bool:
        """:meth:`send` without waiting for anything, if connected (for clean-up on the way
        out of a cancelled request); whether it was queued."""
        protocol = self._protocol
        if protocol is None or protocol.closed.done():
            return False
        protocol.send(encode(args), None)
        return True

    async def evalsha(self, script: Script, keys: Sequence[str], args: Sequence[Any]) -> Reply:
        try:
            return await self.call("EVALSHA", script.sha, len(keys), *keys, *args)
        except ReplyError as error:
            if not str(error).startswith("NOSCRIPT"):
                raise
        return await self.call("EVAL", script.body, len(keys), *keys, *args)

    async def close(self) -> None:
        if self._attempt is not None and not self._attempt.done():
            self._attempt.cancel()
        if self._protocol is not None and self._protocol.transport is not None:
            self._protocol.transport.close()
            self._protocol = None
