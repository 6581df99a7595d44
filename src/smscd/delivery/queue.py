"""The delivery workers: claim due messages, hand them to their connectors, record what
became of them; apply receipts and incoming messages; expire, rescue and retry.

One :class:`Delivery` component runs in each process that delivers (``smscd serve`` by
default, ``smscd worker`` for a separate tier). Several may share one database: on
PostgreSQL their claims skip each other's rows (``FOR UPDATE SKIP LOCKED``); on SQLite one
process at a time claims (the holder of an ``flock`` on ``<database>-delivery``; the others
take over when it stops or dies), since the database has one writer anyway. Every change
is a guarded statement (delivery/queries.py), so a worker that lost its lease, or a
receipt that came twice, changes nothing.

A worker that dies mid-batch loses nothing: its claimed rows keep ``sending`` until their
lease runs out, then maintenance returns them to the queue and another worker sends them.
A message the carrier had already taken may so be sent twice: the window is the time
between the carrier's answer and the commit of ``submitted`` (docs/sending.md,
"Duplicates").
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import random
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from smscd import billing, callbacks, components, incoming, metrics
from smscd.db.gateway import Database, Transaction
from smscd.db.urls import DatabaseUrl
from smscd.delivery import parts, queries, retry, states
from smscd.delivery.connectors.base import (
    Connector,
    Final,
    Outgoing,
    Receipt,
    Reply,
    Result,
    Submitted,
)
from smscd.delivery.connectors.kinds import KINDS, Context
from smscd.settings import Settings

log = logging.getLogger("smscd.delivery")

FINAL_STATUS = {
    Final.DELIVERED: (states.State.DELIVERED, states.DELIVERED),
    Final.UNDELIVERABLE: (states.State.FAILED, states.UNDELIVERABLE),
    Final.EXPIRED: (states.State.EXPIRED, states.EXPIRED),
}
CONNECTORS = "SELECT name, kind, config FROM connectors ORDER BY name"


class DispatchLock:
    """Who claims on an SQLite database: the process holding an ``flock`` on
    ``<database>-delivery`` (the kernel drops it when the process dies). Never waits."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._fd: int | None = None
        self.held = False

    def take_now(self) -> bool:
        if self.held:
            return True
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        self.held = True
        return True

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor gives the lock back
        self._fd, self.held = None, False


@dataclass
class Counters:
    """What this worker has done (tests, benchmarks, metrics)."""

    claimed: int = 0
    submitted: int = 0
    retried: int = 0
    failed: int = 0
    lease_lost: int = 0
    receipts: int = 0
    expired: int = 0
    rescued: int = 0
    replies: int = 0
    unowned: int = 0  # incoming messages to numbers no account owns (dropped)
    by_connector: dict[str, int] = field(default_factory=dict)


class Delivery:
    """The delivery worker of one process (a component: smscd/components.py)."""

    name = "delivery"

    def __init__(self, settings: Settings, db: Database,
                 clock: Callable[[], float] = time.time) -> None:  # fmt: skip
        self._settings = settings
        self._db = db
        self._clock = clock
        self.worker = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"
        self.connectors: dict[str, Connector] = {}
        self._configs: dict[str, tuple[str, str]] = {}
        self._policy = retry.Policy(settings.retry_base_seconds, settings.retry_max_seconds,
                                    settings.delivery_max_attempts)  # fmt: skip
        self._rng = random.Random()
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._in_flight: set[int] = set()
        self._outstanding: dict[str, int] = {}  # claimed, not yet recorded, per connector
        self._rounds: set[asyncio.Task[None]] = set()  # pipelined submissions running
        self._last_maintenance = 0.0
        self.counters = Counters()
        self._reported: dict[str, int] = {}  # each connector's health()["submitted"], counted
        self._sampled: dict[str, str] = {}  # the connectors sample_health saw: name -> kind
        url = DatabaseUrl.parse(settings.database_url)
        self._dispatch_lock = DispatchLock(f"{url.sqlite_path}-delivery") if url.is_sqlite else None

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        await self.refresh_connectors()
        self._task = asyncio.create_task(self._run(), name="smscd-delivery")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await components.cancel(task)
        # Submissions still running keep their claims: the rows stay ``sending`` until
        # their lease runs out, then maintenance queues them again (nothing is lost).
        for round_ in list(self._rounds):
            await components.cancel(round_)
        for connector in list(self.connectors.values()):
            try:
                await connector.stop()
            except Exception:
                log.exception("connector %s failed to stop", connector.name)
        self.connectors.clear()
        self._configs.clear()
        if self._dispatch_lock is not None:
            self._dispatch_lock.close()

    def wake(self) -> None:
        """Look for due messages now (send.php calls it after queueing)."""
        self._wake.set()

    async def refresh_connectors(self) -> None:
        """Start connectors added since, restart changed ones, stop removed ones."""
        rows = {str(n): (str(k), str(c)) for n, k, c in await self._db.fetch_all(CONNECTORS, [])}
        for name in [n for n in self.connectors if self._configs.get(n) != rows.get(n)]:
            await self.connectors.pop(name).stop()
            self._configs.pop(name, None)
        for name, (kind, config) in rows.items():
            if name in self.connectors:
                continue
            connector = self._build(name, kind, config)
            if connector is None:
                continue
            await connector.start()
            self.connectors[name] = connector
            self._configs[name] = (kind, config)

    def _build(self, name: str, kind: str, config: str) -> Connector | None:
        found = KINDS.get(kind)
        if found is None:
            log.error("connector %s has a kind this version cannot run: %s", name, kind)
            return None
        return found.build(Context(name, config, self._db, self, self._clock, self._settings))

    # -- the loop -------------------------------------------------------------------------

    async def _run(self) -> None:
        poll = self._settings.delivery_poll_seconds
        while True:
            moved = 0
            # Cleared before the round, not after: a wake during the round (a send, a
            # pipelined submission done) then makes the wait below return at once.
            self._wake.clear()
            try:
                if (
                    self._clock() - self._last_maintenance
                    >= self._settings.delivery_maintenance_seconds
                ):
                    await self.maintain()
                moved = await self.dispatch_once()
            except Exception:
                log.exception("delivery round failed; next in %g s", poll)
            if not moved:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=poll)

    async def dispatch_once(self) -> int:
        """One round: for each connector, claim what it can take and submit it; how many
        messages were claimed (none on SQLite unless this process is the dispatcher).

        A connector with a ``pipeline`` (SMPP) is not waited for: its submissions run in the
        background while the loop claims again, keeping up to ``pipeline`` messages claimed
        for it, so a slot its window frees is filled at once from messages already claimed,
        and claiming and recording are off its critical path (docs/carriers.md, "Speed").
        Others are submitted and recorded before the next connector's turn."""
        if self._dispatch_lock is not None and not self._dispatch_lock.take_now():
            return 0
        total = 0
        for connector in list(self.connectors.values()):
            pipeline = int(getattr(connector, "pipeline", 0))
            outstanding = self._outstanding.get(connector.name, 0)
            if pipeline:
                room = min(pipeline - outstanding, self._settings.delivery_batch)
                if room < max(1, pipeline // 4) or (not outstanding and not connector.capacity()):
                    continue  # claim in batches; and not toward a connector that is down
            else:
                room = min(connector.capacity(), self._settings.delivery_batch)
                if room <= 0:
                    continue
            claimed = await self._claim(connector.name, room)
            if not claimed:
                continue
            total += len(claimed)
            self._outstanding[connector.name] = outstanding + len(claimed)
            if pipeline:
                round_ = asyncio.create_task(self._submit_logged(connector, claimed))
                self._rounds.add(round_)
                round_.add_done_callback(self._round_done)
            else:
                await self._submit(connector, claimed)
        return total

    async def _submit_logged(self, connector: Connector, claimed: list[Outgoing]) -> None:
        try:
            await self._submit(connector, claimed)
        except Exception:  # the claims lapse and are rescued: nothing is lost
            log.exception("submissions to %s failed to be recorded", connector.name)

    def _round_done(self, round_: asyncio.Task[None]) -> None:
        self._rounds.discard(round_)
        self._wake.set()  # room for more claims

    async def _claim(self, connector: str, limit: int) -> list[Outgoing]:
        now = int(self._clock())
        sql, args = queries.claim(self._db.dialect, connector, now, limit, self.worker,
                                  now + int(self._settings.delivery_lease_seconds))  # fmt: skip
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(sql, args)
        claimed = [
            Outgoing(int(i), int(a), str(p), str(m), str(s), int(f), int(t), int(v))
            for i, a, p, m, s, f, t, v in rows
        ]
        self.counters.claimed += len(claimed)
        self._in_flight.update(m.int_id for m in claimed)
        return claimed

    async def _submit(self, connector: Connector, claimed: list[Outgoing]) -> None:
        max_attempts = self._policy.max_attempts
        ready = [m for m in claimed if m.attempt <= max_attempts]
        results = await asyncio.gather(*(self._one(connector, m) for m in ready))
        outcomes = list(zip(ready, results, strict=True)) + [
            (m, Submitted(Result.TEMPORARY, detail="attempts used up"))
            for m in claimed if m.attempt > max_attempts
        ]  # fmt: skip
        try:
            await self._record(connector.name, outcomes)
        finally:
            self._in_flight.difference_update(m.int_id for m in claimed)
            left = self._outstanding.get(connector.name, 0) - len(claimed)
            self._outstanding[connector.name] = max(0, left)

    async def _one(self, connector: Connector, message: Outgoing) -> Submitted:
        try:
            return await connector.submit(message)
        except Exception as exc:  # a connector bug: the message is retried, not lost
            log.exception("connector %s failed on message %s", connector.name, message.int_id)
            return Submitted(Result.TEMPORARY, detail=f"connector error: {type(exc).__name__}")

    async def _record(self, connector: str, outcomes: list[tuple[Outgoing, Submitted]]) -> None:
        now = self._clock()
        refunds: list[int] = []
        notify: list[int] = []
        attempts: list[list[object]] = []
        ordered = sorted(outcomes, key=lambda o: o[0].int_id)
        async with self._db.transaction() as tx:
            # Rows in the order of their ids here and in receipts(): two transactions
            # that lock the same messages never wait for each other in a circle.
            marked = await self._mark_submitted(tx, ordered, now)
            for message, submitted in ordered:
                changed, outcome = await self._transition(tx, connector, message, submitted,
                                                          now, refunds, marked)  # fmt: skip
                if changed and (submitted.result == Result.ACCEPTED or message.int_id in refunds):
                    notify.append(message.int_id)  # its status changed: 0, or 20 (failed)
                if not changed:
                    self.counters.lease_lost += 1
                    log.info("message %s: lease lost before %s was recorded", message.int_id,
                             outcome)  # fmt: skip
                attempts.append([message.int_id, message.attempt, connector, int(now), outcome,
                                 submitted.detail[:255]])  # fmt: skip
            # One statement for the batch's attempt rows (on PostgreSQL, one pipelined
            # exchange rather than a round trip each).
            await tx.execute_many(queries.ATTEMPT, attempts)
            if refunds:
                await billing.refund_messages(tx, refunds)
            await callbacks.status_changed(tx, notify, int(now))
        count = self.counters.by_connector
        count[connector] = count.get(connector, 0) + len(outcomes)
        if self._settings.metrics:
            for _message, submitted in outcomes:
                metrics.SUBMISSIONS.labels(connector, submitted.result.value).inc()

    async def _mark_submitted(self, tx: Transaction, ordered: list[tuple[Outgoing, Submitted]],
                              now: float) -> set[int] | None:  # fmt: skip
        """PostgreSQL: the batch's accepted messages marked ``submitted`` in one statement
        (their ids; the others' rows were locked by another transaction's change or lease),
        after locking every row of the batch in id order, as one statement a row would
        have. None elsewhere: SQLite runs each row's statement in the process."""
        accepted = [(m, s) for m, s in ordered if s.result == Result.ACCEPTED]
        if tx.dialect != "postgresql" or not accepted:
            return None
        await tx.fetch_all(queries.LOCK_IN_ORDER, [[m.int_id for m, _s in ordered]])
        rows = await tx.fetch_all(queries.MARK_SUBMITTED_MANY, [
            int(now), [m.int_id for m, _s in accepted], [s.peer_id for _m, s in accepted],
            self.worker])  # fmt: skip
        return {int(row[0]) for row in rows}

    async def _transition(self, tx: Transaction, connector: str, message: Outgoing,
                          submitted: Submitted, now: float, refunds: list[int],
                          marked: set[int] | None) -> tuple[bool, str]:  # fmt: skip
        if submitted.result == Result.ACCEPTED:
            self.counters.submitted += 1
            changed = (
                (message.int_id in marked)
                if marked is not None
                else await tx.execute(
                    queries.MARK_SUBMITTED,
                    [int(now), submitted.peer_id, message.int_id, self.worker],
                )
            )
            if changed:  # else a receipt came first: the message is final already
                await parts.submitted(tx, connector, message.int_id,
                                      submitted.parts, int(now))  # fmt: skip
            return bool(changed), submitted.result.value
        decision = retry.after(submitted.result, submitted.err, message.attempt, now,
                               self._policy, self._rng)  # fmt: skip
        if isinstance(decision, retry.Retry):
            self.counters.retried += 1
            changed = await tx.execute(queries.RETRY_AT, [
                decision.at, int(decision.spend_attempt), message.int_id, self.worker])  # fmt: skip
            return bool(changed), submitted.result.value
        self.counters.failed += 1
        changed = await tx.execute(queries.MARK_FAILED, [
            states.UNDELIVERABLE, decision.err, int(now), message.int_id, self.worker])  # fmt: skip
        if changed:
            refunds.append(message.int_id)  # it never reached an operator
            await parts.forget(tx, [message.int_id])  # an earlier try's early receipts
        return bool(changed), submitted.result.value

    # -- what connectors report (the Sink) ------------------------------------------------

    async def receipts(self, receipts: list[Receipt]) -> set[str]:
        taken: set[str] = set()
        changed: list[int] = []
        settled: list[tuple[str, str]] = []  # (connector, final state) of each that applied
        async with self._db.transaction() as tx:
            for receipt in sorted(receipts, key=lambda r: r.int_id or 0):
                final, err, int_id = receipt.final, receipt.err, receipt.int_id
                part = await parts.received(tx, receipt, int(self._clock()))
                if part is not None:  # a part of a long message: its final is kept
                    taken.add(receipt.peer_id)
                    int_id, whole = part
                    if whole is None:
                        continue  # the others' receipts are still to come
                    final, err = whole
                state, status = FINAL_STATUS[final]
                values = [state.value, status, err, receipt.at]
                if int_id is not None:
                    by_id = [*values, int_id, receipt.connector]
                    rows = await tx.fetch_all(queries.FINISH_BY_ID, by_id)
                else:
                    rows = await tx.fetch_all(
                        queries.FINISH_BY_PEER, [*values, receipt.connector, receipt.peer_id]
                    )
                if part is not None:
                    await parts.forget(tx, [part[0]])
                if rows:
                    taken.add(receipt.peer_id)
                    changed.append(int(rows[0][0]))
                    settled.append((receipt.connector, state.value))
            await callbacks.status_changed(tx, changed, int(self._clock()))
        self.counters.receipts += len(taken)
        if self._settings.metrics:
            for connector, settled_as in settled:
                metrics.RECEIPTS.labels(connector, settled_as).inc()
        return taken

    async def replies(self, replies: list[Reply]) -> int:
        """Store incoming messages for their accounts (those a connector could not name go
        to the owner of the number they were sent to); how many were stored. A message to a
        number nobody owns is logged and dropped."""
        now = int(self._clock())
        async with self._db.transaction() as tx:
            unnamed = {r.to for r in replies if r.account_id is None}
            owners = await incoming.owners(tx, unnamed) if unnamed else {}
            owned: list[tuple[int, Reply]] = []
            for r in replies:
                account_id = r.account_id if r.account_id is not None else owners.get(r.to)
                if account_id is None:
                    self.counters.unowned += 1
                    log.warning("incoming message to %s, a number no account owns: dropped",
                                r.to)  # fmt: skip
                    continue
                owned.append((account_id, r))
            await incoming.receive(tx, [
                {"account_id": account_id, "received_ts": r.at, "sent_ts": r.sent,
                 "phone": r.phone, "to_phone": r.to, "message": r.text}
                for account_id, r in owned
            ])  # fmt: skip
            for account_id in sorted({account_id for account_id, _ in owned}):
                count = sum(1 for owner, _ in owned if owner == account_id)
                await callbacks.incoming_received(tx, account_id, count, now)
        self.counters.replies += len(owned)
        return len(owned)

    # -- maintenance ----------------------------------------------------------------------

    async def maintain(self) -> None:
        """Renew this worker's leases, rescue expired ones, expire what is overdue, and
        follow connector changes."""
        now = int(self._clock())
        self._last_maintenance = now
        lease = int(self._settings.delivery_lease_seconds)
        async with self._db.transaction() as tx:
            if self._in_flight:
                ids = sorted(self._in_flight)
                await tx.execute(queries.RENEW.format(ids=", ".join("?" * len(ids))),
                                 [now + lease, self.worker, *ids])  # fmt: skip
            rescued = await tx.fetch_all(queries.RESCUE, [now, now])
            expired_queued = [int(r[0]) for r in await tx.fetch_all(
                queries.EXPIRE_QUEUED, [now, now])]  # fmt: skip
            expired_submitted = await tx.fetch_all(queries.EXPIRE_SUBMITTED, [now, now])
            if expired_queued:
                await billing.refund_messages(tx, expired_queued)  # never reached an operator
            await parts.forget(tx, expired_queued + [int(r[0]) for r in expired_submitted])
            await parts.prune(tx, now)
            await callbacks.status_changed(
                tx, expired_queued + [int(r[0]) for r in expired_submitted], now
            )
        self.counters.rescued += len(rescued)
        self.counters.expired += len(expired_queued) + len(expired_submitted)
        if rescued:
            log.warning("rescued %s messages whose worker lost its lease", len(rescued))
        await self.refresh_connectors()
        self.sample_health()

    def sample_health(self) -> None:
        """Copy each connector's health() into the metrics (docs/operations.md): bound or
        not, and what it has submitted since the last look; a connector gone counts 0."""
        if not self._settings.metrics:
            return
        for name in [n for n in self._sampled if n not in self.connectors]:
            metrics.CONNECTOR_BOUND.labels(name, self._sampled.pop(name)).set(0)
            self._reported.pop(name, None)
        for name, connector in self.connectors.items():
            self._sampled[name] = connector.kind
            health = connector.health()
            metrics.CONNECTOR_BOUND.labels(name, connector.kind).set(int(bool(health.get("bound"))))
            submitted = health.get("submitted")
            if not isinstance(submitted, int):
                continue
            last = self._reported.get(name, 0)
            if submitted > last:
                metrics.CONNECTOR_SUBMITTED.labels(name).inc(submitted - last)
            self._reported[name] = submitted  # a restarted connector counts from 0 again

    def health(self) -> dict[str, object]:
        return {name: connector.health() for name, connector in self.connectors.items()}
