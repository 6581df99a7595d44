"""kill -9 of smscd mid-burst, with an SMPP peer counting what it received (issue 11):
send.php under load routed to the npm ``smpp`` peer, the server killed with SIGKILL while
messages are being submitted, started again; then every message send.php acknowledged
has reached the peer at least once, every stored one is delivered, and the peer got no
more duplicates than the submissions that can be unrecorded at the kill: the connector's
pipeline of claimed messages, two windows a bind (docs/carriers.md, "What a lost
connection can and cannot do"). On both databases."""

from __future__ import annotations

import itertools
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from sqlalchemy import func, select

from smscd.db.engine import sync_engine
from smscd.history.tables import messages
from tests.delivery.peer import Peer, wait_for
from tests.delivery.test_smpp import ENV, LOGIN, PASSWORD, bound, prepare
from tests.sending.test_crash import start
from tests.servers import free_port

WINDOW, BINDS = 10, 2
REQUESTS, RECIPIENTS = 100, 3  # 300 messages
CLIENTS = 4
KILL_AT = 60  # submissions the peer has received when the server is killed
SETTLE = 180  # seconds, bounded polls: every message at the peer and delivered


@pytest.fixture
def database(backend, tmp_path, peer) -> Iterator[str]:
    yield from prepare(backend, tmp_path, peer, window=WINDOW, binds=BINDS, tps=300)


@dataclass
class Burst:
    """Clients sending REQUESTS send.php requests between them, pausing while the server
    is down (``up`` clear); what was acknowledged."""

    base: str
    up: threading.Event = field(default_factory=threading.Event)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    acked: dict[int, list[str]] = field(default_factory=dict)  # send id -> its numbers
    lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self) -> None:
        while True:
            with self.lock:
                send_id = next(self.ids)
            if send_id > REQUESTS:
                return
            phones = [f"7916{send_id:04d}{n:03d}" for n in range(RECIPIENTS)]
            params = {"login": LOGIN, "psw": PASSWORD, "id": send_id, "fmt": 1,
                      "phones": ",".join(phones), "mes": f"burst {send_id}"}  # fmt: skip
            try:
                body = httpx.get(f"{self.base}/sys/send.php", params=params, timeout=10).text
            except httpx.HTTPError:  # the server is gone: not acknowledged
                self.up.wait(timeout=120)  # on with the next id once it is back
                continue
            if body == f"{send_id},{RECIPIENTS}":
                with self.lock:
                    self.acked[send_id] = phones


def test_a_server_killed_mid_burst_loses_nothing_the_peer_should_have(database, tmp_path,
                                                                       peer: Peer):  # fmt: skip
    port = free_port()
    server = start(database, port, tmp_path, ENV)
    burst = Burst(f"http://127.0.0.1:{port}")
    threads = [threading.Thread(target=burst.client, daemon=True) for _ in range(CLIENTS)]
    try:
        bound(peer, BINDS)
        burst.up.set()
        for thread in threads:
            thread.start()
        wait_for(lambda: len(peer.stats()["received"]) >= KILL_AT, "submissions", SETTLE)
        burst.up.clear()
        server.end(signal.SIGKILL)
        killed_at = len(peer.stats()["received"])
        assert killed_at < REQUESTS * RECIPIENTS, "the burst was over before the kill"
        server = start(database, port, tmp_path, ENV)
        burst.up.set()
        for thread in threads:
            thread.join(timeout=SETTLE)

        def missing() -> set[str]:
            received = {s["to"] for s in peer.stats()["received"]}
            return {p for phones in burst.acked.values() for p in phones} - received

        wait_for(lambda: not missing(), "every acknowledged message at the peer", SETTLE)
        engine = sync_engine(database)
        try:

            def open_messages() -> int:
                with engine.connect() as conn:
                    query = select(func.count()).where(messages.c.state != "delivered")
                    return int(conn.execute(query).scalar_one())

            wait_for(lambda: open_messages() == 0, "every message delivered", SETTLE)
            with engine.connect() as conn:
                stored = {str(p) for (p,) in conn.execute(select(messages.c.phone))}
        finally:
            engine.dispose()
        assert burst.acked and {p for ps in burst.acked.values() for p in ps} <= stored
        sent = Counter(s["to"] for s in peer.stats()["received"])
        assert set(sent) == stored  # nothing the peer got that was never stored
        duplicates = sum(n - 1 for n in sent.values())
        print(f"killed at {killed_at} submissions; {len(burst.acked)} of {REQUESTS} sends"
              f" acknowledged, {len(stored)} messages stored, {duplicates} duplicates")  # fmt: skip
        assert duplicates <= 2 * WINDOW * BINDS, sent.most_common(5)  # the pipeline
    finally:
        server.end(signal.SIGTERM)
        print(*server.output, sep="")  # shown when the test fails
