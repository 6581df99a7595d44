"""One SMPP bind: the connection, its sequence numbers, the submit window, the throughput
cap, enquire_link, and reconnection with backoff.

The throughput cap adapts to the peer. It starts at ``--tps`` with a bucket of one second's
worth. An ``ESME_RTHROTTLED`` halves the rate (once per burst: answers to submissions made
before the last cut do not cut again), empties the bucket and shrinks it to one token, so
that submissions are evenly spaced at the new rate, as a peer that counts the time between
them (Jasmin's user quota) needs; each accepted submission then adds ``1/rate`` to the rate
(about one more a second, every second), and the full bucket comes back with the full
rate. Measured against Jasmin's quota in docs/carriers.md.

:meth:`Session.request` sends a PDU and awaits its response; it returns None when the PDU
was never written (the link is down: nothing was sent) and raises :class:`LinkLost` when
it was written but the link went before the answer (the peer may have it: the duplicate
window of docs/carriers.md). Requests from the peer (deliver_sm, enquire_link, unbind) go
to ``on_request``, whose status is the response's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket
import time
from collections.abc import Awaitable, Callable

from smscd.delivery.connectors.smpp import pdu as wire
from smscd.delivery.connectors.smpp.config import SmppConfig

log = logging.getLogger("smscd.delivery.smpp")

ROK = 0x00000000
THROTTLED = 0x00000058  # ESME_RTHROTTLED
MIN_RATE = 1.0  # submissions a second: the adaptive rate's floor
# Linux: acknowledge what the peer sends at once rather than after the delayed-ACK timer
# (~40 ms). A peer with Nagle's algorithm on holds its next responses until the previous one
# is acknowledged, and a bind with nothing to send meanwhile would acknowledge late: 200
# against 2,000 messages a second at one bind (docs/carriers.md, "Speed"). The kernel
# leaves quick-ACK mode by itself, so it is asked again after every PDU read.
QUICKACK = getattr(socket, "TCP_QUICKACK", None)


class LinkLost(Exception):
    """The request was written, but the link went before its response."""


class Session:
    def __init__(self, config: SmppConfig, bind: wire.Command, label: str,
                 on_request: Callable[[wire.Pdu], Awaitable[int]]) -> None:  # fmt: skip
        self.config = config
        self.bind = bind
        self.label = label
        self._on_request = on_request
        self._sequence = 0
        self._pending: dict[int, asyncio.Future[wire.Pdu]] = {}
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.bound = False
        self.in_flight = 0
        self.binds = 0  # successful binds (a reconnect is the second)
        # The throughput cap: a token bucket, ``_rate`` tokens a second up to ``_burst``.
        self._rate = float(config.tps)
        self._burst = float(config.tps)
        self._tokens = float(config.tps)
        self._refilled = time.monotonic()
        self._paused_until = 0.0
        self._cut_at = 0.0  # when the rate was last halved
        self.cuts = 0  # times the peer's throttling halved the rate
        self._space = asyncio.Condition()
        self._answering: set[asyncio.Task[None]] = set()
        self._reader_task: asyncio.Task[None] | None = None
        self._last_heard = 0.0
        self._socket: socket.socket | None = None

    @property
    def transmits(self) -> bool:
        return self.bind != wire.Command.BIND_RECEIVER

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"smscd-smpp-{self.label}")

    async def stop(self) -> None:
        """Unbind gracefully (a bounded wait for unbind_resp), then close."""
        self._stopping = True
        if self.bound and self._writer is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._request(wire.Pdu(wire.Command.UNBIND, 0)), 2.0)
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._close()

    # -- capacity -------------------------------------------------------------------------

    def _refill(self) -> None:
        now = time.monotonic()
        self._tokens = min(self._burst, self._tokens + (now - self._refilled) * self._rate)
        self._refilled = now

    def free(self) -> int:
        """Submissions this bind can take now: 0 while unbound or throttled, else the least
        of its free window and its tokens."""
        if not (self.bound and self.transmits) or time.monotonic() < self._paused_until:
            return 0
        self._refill()
        return max(0, min(self.config.window - self.in_flight, int(self._tokens)))

    @property
    def rate(self) -> float:
        """Submissions a second this bind allows itself now (``--tps`` until throttled)."""
        return self._rate

    def _paced(self, status: int, sent: float) -> None:
        """Adapt the rate to the answer of a submission made at ``sent``."""
        if status == THROTTLED:
            if sent < self._cut_at:
                return  # sent before the last cut: that cut was its answer already
            now = time.monotonic()
            self._rate = max(MIN_RATE, self._rate / 2)
            self._burst = 1.0
            self._tokens = 0.0
            self._cut_at = now
            self._paused_until = now + 1 / self._rate
            self.cuts += 1
        elif status == ROK and self._rate < self.config.tps:
            self._rate = min(float(self.config.tps), self._rate + 1 / self._rate)
            if self._rate >= self.config.tps:
                self._burst = float(self.config.tps)

    async def _take(self) -> None:
        """Wait for a window slot and a token (the exact wait for the next token)."""
        async with self._space:
            await self._space.wait_for(lambda: self.in_flight < self.config.window)
            self.in_flight += 1
        while True:
            pause = self._paused_until - time.monotonic()
            self._refill()
            if pause <= 0 and self._tokens >= 1:
                self._tokens -= 1
                return
            await asyncio.sleep(max(pause, (1 - self._tokens) / self._rate))

    async def _give(self) -> None:
        async with self._space:
            self.in_flight -= 1
            self._space.notify()

    # -- requests -------------------------------------------------------------------------

    async def submit(self, pdu: wire.Pdu) -> wire.Pdu | None:
        if not self.bound:
            return None
        await self._take()
        sent = time.monotonic()
        try:
            if not self.bound:
                # The link went while this waited for room; a new connection may already
                # be open, but it is not bound until its bind_resp: nothing is written.
                return None
            answer = await self._request(pdu)
        finally:
            await self._give()
        if answer is not None:
            self._paced(answer.status, sent)
        return answer

    async def _request(self, pdu: wire.Pdu) -> wire.Pdu | None:
        writer = self._writer
        if writer is None or writer.is_closing():
            return None
        self._sequence = self._sequence % 0x7FFFFFFF + 1
        pdu.sequence = self._sequence
        future: asyncio.Future[wire.Pdu] = asyncio.get_running_loop().create_future()
        self._pending[pdu.sequence] = future
        try:
            writer.write(wire.encode(pdu))
            try:
                await writer.drain()
            except (ConnectionError, OSError):
                raise LinkLost("the link went while writing") from None
            try:
                return await asyncio.wait_for(future, self.config.response_timeout)
            except TimeoutError:
                self._drop("no response in time")
                raise LinkLost("no response in time") from None
        finally:
            self._pending.pop(pdu.sequence, None)

    # -- the connection -------------------------------------------------------------------

    async def _run(self) -> None:
        delay = 0.5
        while not self._stopping:
            try:
                await self._connect()
                delay = 0.5  # reset on a successful bind
                await self._serve()
            except (OSError, ConnectionError, asyncio.IncompleteReadError, wire.PduError,
                    TimeoutError, LinkLost) as exc:  # fmt: skip
                log.warning("SMPP %s: link down (%s)", self.label, exc or type(exc).__name__)
            finally:
                self._close()
            if self._stopping:
                return
            await asyncio.sleep(delay * random.uniform(0.9, 1.1))
            delay = min(delay * 2, self.config.reconnect_max)

    async def _connect(self) -> None:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(self.config.host, self.config.port), 10
        )
        self._writer = writer
        self._socket = writer.get_extra_info("socket")
        self._reader_task = asyncio.create_task(self._read(reader))
        bind = wire.Pdu(self.bind, 0, fields={
            "system_id": self.config.system_id, "password": self.config.secret(),
            "system_type": self.config.system_type, "interface_version": 0x34,
        })  # fmt: skip
        answer = await self._request(bind)
        if answer is None or answer.status != 0:
            status = answer.status if answer is not None else -1
            raise ConnectionError(f"bind refused, status 0x{status:08X}")
        self.bound = True
        self.binds += 1
        self._last_heard = time.monotonic()
        log.info("SMPP %s: bound (%s)", self.label, self.bind.name.lower())

    async def _serve(self) -> None:
        """Keep the bind alive until it ends: an enquire_link after a silence."""
        reader_task = self._reader_task
        assert reader_task is not None
        while not reader_task.done():
            quiet = time.monotonic() - self._last_heard
            if quiet >= self.config.enquire_link:
                answer = await self._request(wire.Pdu(wire.Command.ENQUIRE_LINK, 0))
                if answer is None:
                    break
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(reader_task),
                                       self.config.enquire_link - quiet)  # fmt: skip
        reader_task.result()  # raises what ended the link

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while True:
            head = await reader.readexactly(wire.HEADER.size)
            length = wire.header(head)[0]
            data = head + await reader.readexactly(length - wire.HEADER.size)
            self._last_heard = time.monotonic()
            self._quick_ack()
            try:
                pdu = wire.decode(data)
            except wire.PduError as exc:
                log.warning("SMPP %s: unreadable PDU (%s)", self.label, exc)
                sequence = wire.header(head)[3]
                self._send(wire.Pdu(wire.Command.GENERIC_NACK, sequence, 0x02))
                continue
            if pdu.command & 0x80000000:
                future = self._pending.get(pdu.sequence)
                if future is not None and not future.done():
                    future.set_result(pdu)
                continue
            if pdu.command == wire.Command.ENQUIRE_LINK:
                self._send(pdu.response())
            elif pdu.command == wire.Command.UNBIND:
                self._send(pdu.response())
                raise ConnectionError("the peer unbound")
            elif pdu.command == wire.Command.DELIVER_SM:
                task = asyncio.create_task(self._answer(pdu))
                self._answering.add(task)
                task.add_done_callback(self._answering.discard)
            else:
                self._send(wire.Pdu(wire.Command.GENERIC_NACK, pdu.sequence, 0x03))

    def _quick_ack(self) -> None:
        if QUICKACK is not None and self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.setsockopt(socket.IPPROTO_TCP, QUICKACK, 1)

    async def _answer(self, pdu: wire.Pdu) -> None:
        try:
            status = await self._on_request(pdu)
        except Exception:
            log.exception("SMPP %s: deliver_sm not handled", self.label)
            status = 0x64  # ESME_RX_T_APPN: the peer tries again later
        self._send(pdu.response(status, message_id=""))

    def _send(self, pdu: wire.Pdu) -> None:
        writer = self._writer
        if writer is not None and not writer.is_closing():
            writer.write(wire.encode(pdu))

    def _drop(self, why: str) -> None:
        log.warning("SMPP %s: dropping the link (%s)", self.label, why)
        self._close()

    def _close(self) -> None:
        self.bound = False
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()
        task = self._reader_task
        if task is not None and not task.done():
            task.cancel()
        for future in self._pending.values():
            if not future.done():
                future.set_exception(LinkLost("the link went before the response"))
        self._pending.clear()

    def health(self) -> dict[str, object]:
        return {"bound": self.bound, "in_flight": self.in_flight, "binds": self.binds,
                "mode": self.bind.name.lower(), "rate": round(self._rate, 1)}  # fmt: skip
