"""An SMPP connector: the binds of one upstream SMSC behind the Connector protocol.

Submission: a text goes out as one ``submit_sm`` per part (text.py), over the bind with
the most room, with ``registered_delivery`` 1 and ``validity_period`` from the message.
The message is ACCEPTED when every part is; its ``peer_id`` is the first part's id, and
every part's id goes with it (``Submitted.parts``: the queue keeps them with the
submission, delivery/parts.py).

Receipts are matched by the peer's id. The ids of this process's submissions are kept in
memory (peer id -> message and part), so a receipt names the message even when it arrives
before the submission was stored (FINISH_BY_ID). Each part's receipt goes to the queue,
which keeps the part's final and ends a long message when every part has one, before the
``deliver_sm`` is answered: a crash loses no receipt the peer thinks we have. A receipt for
an id not known (the peer sent it before its ``submit_sm_resp``, or it is of an earlier
process) goes to the queue by peer id; if that finds nothing, its answer waits up to
RECEIPT_HOLD s for the response to name it; after that it is answered and kept here until
the response comes (up to RECEIPT_WAIT s; docs/carriers.md says what a crash then loses).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from smscd import components
from smscd.db.gateway import Database
from smscd.delivery.connectors.base import (
    Outgoing,
    Receipt,
    Reply,
    Result,
    Sink,
    Submitted,
)
from smscd.delivery.connectors.smpp import held, receipts, statuses, text
from smscd.delivery.connectors.smpp import pdu as wire
from smscd.delivery.connectors.smpp.config import SmppConfig
from smscd.delivery.connectors.smpp.session import LinkLost, Session
from smscd.formats import MessageFormat

log = logging.getLogger("smscd.delivery.smpp")

RECEIPT_HOLD = 5.0  # seconds a receipt's answer waits for its submission's response
RECEIPT_WAIT = 120.0  # seconds an unmatched receipt waits for its submission's response
# How long, and how many, submitted parts' ids are kept in memory. Only an accelerator:
# a receipt for an id no longer kept is matched in the database by peer id (the queue
# keeps every part's), so the bound costs a lookup, never a receipt.
KNOWN_FOR = 3600.0
KNOWN_MAX = 200_000


def source_address(sender: str) -> tuple[int, int, str]:
    """(TON, NPI, address) of a sender: international digits 1/1, a short code (up to 8
    digits) 3/0, anything else alphanumeric 5/0 (at most 11 characters)."""
    digits = sender.lstrip("+")
    if digits.isdigit() and len(digits) > 8:
        return 1, 1, digits
    if digits.isdigit():
        return 3, 0, digits
    return 5, 0, sender[:11]


def validity(valid_until: int, now: float) -> str:
    """The absolute validity_period (SMPP 3.4 7.1.1, UTC): YYMMDDhhmmss000+."""
    if valid_until <= now:
        return ""
    return _absolute(valid_until)


@functools.lru_cache(maxsize=1024)
def _absolute(moment: int) -> str:
    # Cached: the messages of one send share their valid_until.
    return datetime.fromtimestamp(moment, UTC).strftime("%y%m%d%H%M%S") + "000+"


@dataclass(frozen=True, slots=True)
class _Part:
    int_id: int
    part: int  # 0-based
    parts: int
    at: float


class SmppConnector:
    kind = "smpp"

    def __init__(self, name: str, config: SmppConfig, db: Database, sink: Sink,
                 clock: Callable[[], float] = time.time) -> None:  # fmt: skip
        self.name = name
        self.config = config
        self._sink = sink
        self._clock = clock
        self.sessions: list[Session] = []
        modes = ([wire.Command.BIND_TRANSCEIVER] if config.bind == "transceiver"
                 else [wire.Command.BIND_TRANSMITTER, wire.Command.BIND_RECEIVER])  # fmt: skip
        for n in range(config.binds):
            for mode in modes:
                self.sessions.append(Session(config, mode, f"{name}#{n + 1}", self._request))
        self._references = itertools.count(1)
        # Messages the delivery worker may hold claimed for this connector at once: two
        # windows, so that each freed slot is filled from claimed messages at once, while
        # the worker claims and records in the background (delivery/queue.py).
        self.pipeline = 2 * config.window * sum(s.transmits for s in self.sessions)
        self._known: dict[str, _Part] = {}  # peer id -> its message and part
        self._expected: dict[str, asyncio.Future[None]] = {}  # receipts held for their ids
        self._waiting: dict[str, tuple[receipts.Said, float]] = {}  # receipts before ids
        self._held = held.HeldParts(name, db)
        self._pruned = 0.0
        self._ready: list[Receipt] = []  # receipts completed inside submit()
        self._task: asyncio.Task[None] | None = None
        self.submitted = 0
        self.receipts = 0
        self.throttled = 0

    async def start(self) -> None:
        for session in self.sessions:
            session.start()
        self._task = asyncio.create_task(self._sweep(), name=f"smscd-smpp-{self.name}-sweep")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await components.cancel(task)
        await asyncio.gather(*(session.stop() for session in self.sessions))

    def capacity(self) -> int:
        return sum(session.free() for session in self.sessions)

    def health(self) -> dict[str, object]:
        return {"kind": self.kind, "bound": any(s.bound for s in self.sessions),
                "sessions": [s.health() for s in self.sessions], "submitted": self.submitted,
                "receipts": self.receipts, "throttled": self.throttled,
                "waiting_receipts": len(self._waiting)}  # fmt: skip

    # -- submission -----------------------------------------------------------------------

    def _session(self) -> Session | None:
        ready = [s for s in self.sessions if s.bound and s.transmits]
        return max(ready, key=Session.free) if ready else None

    async def submit(self, message: Outgoing) -> Submitted:
        session = self._session()
        if session is None:
            return Submitted(Result.LINK_DOWN, detail="not bound")
        try:
            parts = text.split(message.text, next(self._references) % 256)
        except ValueError as exc:
            return Submitted(Result.MALFORMED, err=241, detail=str(exc))
        flash = message.format == MessageFormat.FLASH
        ton, npi, source = source_address(message.sender)
        period = validity(message.valid_until, self._clock())
        ids: list[str] = []
        for index, part in enumerate(parts):
            coding = part.data_coding | (0x10 if flash else 0)  # message class 0
            request = wire.Pdu(wire.Command.SUBMIT_SM, 0, fields={
                "source_addr_ton": ton, "source_addr_npi": npi, "source_addr": source,
                "dest_addr_ton": 1, "dest_addr_npi": 1, "destination_addr": message.phone,
                "esm_class": 0x40 if part.udh else 0, "validity_period": period,
                "registered_delivery": 1, "data_coding": coding,
                "short_message": part.short_message,
            })  # fmt: skip
            try:
                answer = await session.submit(request)
            except LinkLost as exc:
                # Written, unanswered: the peer may have it (the duplicate window). Retried
                # as soon as a bind is up again, not after a backoff (retry.py).
                return Submitted(Result.LINK_LOST, detail=f"part {index + 1}: {exc}")
            if answer is None:
                # Not written. For a later part, the earlier ones went: the whole message
                # goes again, so those may reach the peer twice.
                result = Result.LINK_DOWN if index == 0 else Result.LINK_LOST
                return Submitted(result, detail=f"part {index + 1}: not bound")
            result, err, name = statuses.result(answer.status)
            if result == Result.THROTTLED:
                self.throttled += 1  # the session has slowed down (session.py)
            if result != Result.ACCEPTED:
                return Submitted(result, err=err, detail=f"part {index + 1}: {name}")
            peer_id = answer.text("message_id")
            ids.append(peer_id)
            self._known[peer_id] = _Part(message.int_id, index, len(parts), self._clock())
            if len(self._known) > KNOWN_MAX:
                del self._known[next(iter(self._known))]  # the oldest
            waiter = self._expected.pop(peer_id, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(None)  # its receipt, held, goes on
            early = self._waiting.pop(peer_id, None)
            if early is not None:  # answered already: reported by the sweep
                self._ready.append(self._of(early[0]))
        self.submitted += 1
        return Submitted(Result.ACCEPTED, peer_id=ids[0], detail=f"{len(ids)} part(s)",
                         parts=tuple(ids))  # fmt: skip

    # -- what the peer sends --------------------------------------------------------------

    async def _request(self, pdu: wire.Pdu) -> int:
        esm_class = pdu.number("esm_class")
        if receipts.is_receipt(esm_class):
            return await self._receipt(pdu)
        return await self._incoming_message(pdu)

    async def _receipt(self, pdu: wire.Pdu) -> int:
        tlv_id = pdu.tlvs.get(wire.Tag.RECEIPTED_MESSAGE_ID)
        tlv_state = pdu.tlvs.get(wire.Tag.MESSAGE_STATE)
        try:
            said = receipts.read(
                text.decode(pdu.octets("short_message"), pdu.number("data_coding")),
                wire.c_string(tlv_id) if tlv_id is not None else None,
                tlv_state[0] if tlv_state else None,
            )
        except receipts.NotAReceipt as exc:
            log.warning("SMPP %s: unreadable receipt (%s)", self.name, exc)
            return 0  # answered: the peer need not send it again
        self.receipts += 1
        if said.final is None:
            return 0
        if said.peer_id not in self._known:
            # A message of an earlier process (by peer id: the queue keeps every part's),
            # or one whose submit_sm_resp is still on its way.
            at = int(self._clock())
            taken = await self._sink.receipts(
                [Receipt(self.name, said.peer_id, said.final, said.err, at)]
            )
            if said.peer_id in taken:
                return 0
            if not await self._expect(said.peer_id):
                # Answered, and kept here until the response names it (a crash first loses
                # it: docs/carriers.md, "What a lost connection can and cannot do").
                self._waiting[said.peer_id] = (said, self._clock())
                return 0
        # Stored before the deliver_sm is answered: the peer will not send it again.
        await self._sink.receipts([self._of(said)])
        self._known.pop(said.peer_id, None)
        return 0

    async def _expect(self, peer_id: str) -> bool:
        """Wait (up to RECEIPT_HOLD s) for a submission's response to name ``peer_id``."""
        if peer_id not in self._known:
            waiter = self._expected.setdefault(peer_id, asyncio.get_running_loop().create_future())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(waiter), RECEIPT_HOLD)
            self._expected.pop(peer_id, None)
        return peer_id in self._known

    def _of(self, said: receipts.Said) -> Receipt:
        """The receipt of a part this process submitted (its message and part named)."""
        known = self._known[said.peer_id]
        assert said.final is not None
        return Receipt(self.name, said.peer_id, said.final, said.err, int(self._clock()),
                       known.int_id, known.part, known.parts)  # fmt: skip

    async def _incoming_message(self, pdu: wire.Pdu) -> int:
        data = pdu.octets("short_message")
        payload = pdu.tlvs.get(wire.Tag.MESSAGE_PAYLOAD)
        if not data and payload:
            data = payload
        coding = pdu.number("data_coding")
        source, to = pdu.text("source_addr"), pdu.text("destination_addr")
        concat = None
        if pdu.number("esm_class") & 0x40:
            try:
                concat, data = text.parse_udh(data)
            except ValueError:
                return 0x01  # ESME_RINVMSGLEN
        sar = pdu.tlvs.get(wire.Tag.SAR_MSG_REF_NUM)
        if concat is None and sar is not None:
            total = pdu.tlvs.get(wire.Tag.SAR_TOTAL_SEGMENTS, b"\x01")
            seq = pdu.tlvs.get(wire.Tag.SAR_SEGMENT_SEQNUM, b"\x01")
            concat = text.Concat(int.from_bytes(sar, "big"), total[0], seq[0])
        now = int(self._clock())
        key = None
        if concat is not None and concat.total > 1 and 1 <= concat.seq <= concat.total:
            key = held.Key(source, to, concat.reference, concat.total)
            whole = await self._held.add(key, concat.seq, coding, data, now)
            if whole is None:
                return 0  # stored, so answered; the message is stored with its last part
            coding, data = whole
        reply = Reply(None, source, to, text.decode(data, coding), now, now)
        await self._sink.replies([reply])
        if key is not None:
            await self._held.done(key)
        return 0

    async def _sweep(self) -> None:
        """Report receipts completed inside submit(); forget stale ids and parts."""
        while True:
            await asyncio.sleep(0.2)
            ready, self._ready = self._ready, []
            if ready:
                try:
                    await self._sink.receipts(ready)
                except Exception:
                    log.exception("SMPP %s: receipts not stored; trying again", self.name)
                    self._ready.extend(ready)
                else:
                    for receipt in ready:
                        self._known.pop(receipt.peer_id, None)
            now = self._clock()
            for peer_id, (_, since) in list(self._waiting.items()):
                if now - since > RECEIPT_WAIT:
                    del self._waiting[peer_id]
                    log.warning("SMPP %s: a receipt for unknown id %s dropped", self.name,
                                peer_id)  # fmt: skip
            if now - self._pruned >= 60:
                self._pruned = now
                try:
                    await self._held.prune(int(now))
                except Exception:
                    log.exception("SMPP %s: incoming parts not pruned", self.name)
            self._forget(now)

    def _forget(self, now: float) -> None:
        """Drop the known ids older than KNOWN_FOR. They were added in time order, so this
        stops at the first one it keeps: its cost is what it drops, not what it keeps (it
        walked every id five times a second before, 28% of the worker's time at 30,000
        ids: docs/carriers.md, "Speed")."""
        known = self._known
        while known:
            oldest = next(iter(known))
            if now - known[oldest].at <= KNOWN_FOR:
                return
            del known[oldest]
