"""What the SMPP connector keeps in memory is bounded, and what it has forgotten is still
matched: the ids of its submissions are kept (peer id -> message and part) up to
KNOWN_MAX, the oldest dropped first, and a receipt for a dropped id goes to the queue by
the peer's id alone, as one for an earlier process's submission does (the queue keeps
every part's id: docs/carriers.md, "Receipts"). Against the real peer of the tests."""

from __future__ import annotations

import asyncio
import time

from smscd.delivery.connectors.base import Outgoing, Receipt, Reply, Result
from smscd.delivery.connectors.smpp import connector as smpp
from smscd.delivery.connectors.smpp.config import SmppConfig
from tests.delivery.peer import Peer

KEPT = 3


class Recording:
    """The queue's side (delivery/connectors/base.py, Sink): every receipt, all taken."""

    def __init__(self) -> None:
        self.got: list[Receipt] = []

    async def receipts(self, receipts: list[Receipt]) -> set[str]:
        self.got.extend(receipts)
        return {receipt.peer_id for receipt in receipts}

    async def replies(self, replies: list[Reply]) -> int:
        return 0


async def until(condition, what: str, timeout: float = 30) -> None:
    """Poll ``condition`` on the loop (bounded): a wait on state, not a fixed sleep."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


def test_known_ids_are_bounded_and_a_forgotten_one_is_matched_by_peer_id(peer: Peer, monkeypatch):
    monkeypatch.setattr(smpp, "KNOWN_MAX", KEPT)
    monkeypatch.setenv("SMSCD_TEST_SMPP_PASSWORD", "peer-pw")
    peer.mode(receipts="none")
    sink = Recording()
    config = SmppConfig(host="127.0.0.1", port=peer.port, system_id="smscd",
                        password="env:SMSCD_TEST_SMPP_PASSWORD", window=10, tps=500)  # fmt: skip

    async def main() -> tuple[list[str], list[Receipt]]:
        connector = smpp.SmppConnector("up", config, None, sink)  # type: ignore[arg-type]
        await connector.start()
        try:
            await until(connector.capacity, "the bind")
            ids = []
            for n in range(1, 6):
                message = Outgoing(n, 1, f"7916123456{n}", "Hello", "SMSC.RU", 0, 1,
                                   int(time.time()) + 3600)  # fmt: skip
                submitted = await connector.submit(message)
                assert submitted.result == Result.ACCEPTED, submitted
                ids.append(submitted.peer_id)
            assert await asyncio.to_thread(peer.receipts, ids)
            await until(lambda: len(sink.got) == 5, "five receipts")
            return ids, list(sink.got)
        finally:
            await connector.stop()

    ids, receipts = asyncio.run(main())
    by_id = {receipt.peer_id: receipt for receipt in receipts}
    assert set(by_id) == set(ids)
    forgotten, kept = ids[:-KEPT], ids[-KEPT:]
    # The oldest were dropped: the queue gets their receipts by peer id alone.
    assert [by_id[i].int_id for i in forgotten] == [None, None]
    # The newest are still known: their receipts name the message and the part.
    assert [by_id[i].int_id for i in kept] == [3, 4, 5]
    assert all(by_id[i].parts == 1 for i in kept)
