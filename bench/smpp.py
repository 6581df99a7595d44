"""Benchmark of the SMPP connector: messages a second from smscd's queue to a real SMSC
(the npm package ``smpp``, tests/delivery/smpp_peer/peer.js) over 1 and 4 binds, against a
raw client driving the same peer without smscd, measured in the same run.

The truth is the peer's own count and clock: it counts the submit_sm it reads and notes
when it read the first and the last (POST /count). A figure is (submits - 1) / (last -
first), so neither side's start-up (imports, bind) is in it.

- smscd: ``count`` messages queued through send.php (``smscd serve``, 100 recipients a
  request), then ``smscd worker`` started with an SMPP connector toward the peer; the
  worker claims, submits and records as in production.
- raw: the same PDU and session layer (smpp/pdu.py, smpp/session.py) in this process,
  ``window`` senders a bind each submitting ``submit_sm`` back to back: as fast as the
  window allows, with no queue, no database and no bookkeeping.

Both with the same window, binds and a throughput cap far above what is reached; the peer
sends no receipts (the queue -> peer path alone). Each pair is run twice: with the peer's
TCP as Node leaves it (Nagle's algorithm on: a response can wait for our delayed ACK) and
with TCP_NODELAY on the peer's side (docs/carriers.md, "Speed", says why it matters).
SQLite, and PostgreSQL with ``--postgres-url``. Run from the project root::

    .venv/bin/python bench/smpp.py
    .venv/bin/python bench/smpp.py --postgres-url postgresql://postgres@127.0.0.1:5432/test

Needs ``node`` and tests/delivery/smpp_peer/node_modules (scripts/_env.sh installs it).
Traffic to 127.0.0.1 only. Measures; does not judge.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import psycopg
from sqlalchemy import func, select

import sending
from sending import CREATED, databases, free_port, wait_ready  # the same plumbing
from smscd.db.engine import sync_engine
from smscd.delivery.connectors.smpp import pdu as wire
from smscd.delivery.connectors.smpp import text
from smscd.delivery.connectors.smpp.config import SmppConfig
from smscd.delivery.connectors.smpp.session import Session
from smscd.history.tables import messages

PEER = Path(__file__).resolve().parents[1] / "tests" / "delivery" / "smpp_peer" / "peer.js"
PASSWORD_VAR = "SMSCD_BENCH_SMPP_PASSWORD"  # noqa: S105 -- a variable's name
TPS = 100_000  # the cap, per bind: far above what either side reaches
ENV = {
    "SMSCD_RATE_LIMITS": "off",
    "SMSCD_ARGON2_TIME_COST": "1",
    "SMSCD_ARGON2_MEMORY_KIB": "64",
    "SMSCD_AUTH_CACHE_SECONDS": "600",
    "SMSCD_BACKGROUND_IN_SERVE": "false",
    PASSWORD_VAR: "bench-pw",
}
TEXT = "Benchmark"


# -- the peer -------------------------------------------------------------------------------


@dataclass
class Peer:
    port: int
    control: int

    def post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        reply = httpx.post(f"http://127.0.0.1:{self.control}{path}", json=body or {}, timeout=30)
        return dict(reply.json())

    def wait_for(self, count: int, timeout: float) -> dict[str, Any]:
        """The peer's counters once it has read ``count`` submit_sm (polled, bounded)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.post("/count")
            if found["submits"] >= count:
                return found
            if time.monotonic() > deadline:
                raise RuntimeError(f"the peer read {found['submits']} of {count} submit_sm")
            time.sleep(0.2)


@contextmanager
def peer(nodelay: bool) -> Iterator[Peer]:
    process = subprocess.Popen(  # noqa: S603 -- our own argv
        ["node", str(PEER)],  # noqa: S607 -- node from PATH
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    try:
        line = process.stdout.readline()
        if not line.startswith("ready "):
            raise RuntimeError(f"the SMPP peer did not start: {line!r}")
        _, port, control = line.split()
        found = Peer(int(port), int(control))
        found.post("/mode", {"receipts": "none", "nodelay": nodelay})
        yield found
    finally:
        process.kill()
        process.wait(10)
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()


def rate(counts: dict[str, Any], expected: int) -> float:
    if counts["submits"] != expected:
        raise RuntimeError(f"the peer read {counts['submits']} submit_sm, not {expected}")
    return (counts["submits"] - 1) / ((counts["last"] - counts["first"]) / 1000)


# -- raw: the session layer alone -----------------------------------------------------------


def config(found: Peer, binds: int, window: int) -> SmppConfig:
    return SmppConfig(host="127.0.0.1", port=found.port, system_id="bench",
                      password=f"env:{PASSWORD_VAR}", window=window, tps=TPS,
                      binds=binds)  # fmt: skip


def submit_sm(phone: str) -> wire.Pdu:
    """The PDU smscd's connector sends for TEXT from an alphanumeric sender."""
    (part,) = text.split(TEXT, 0)
    return wire.Pdu(wire.Command.SUBMIT_SM, 0, fields={
        "source_addr_ton": 5, "source_addr_npi": 0, "source_addr": "SMSC.RU",
        "dest_addr_ton": 1, "dest_addr_npi": 1, "destination_addr": phone,
        "registered_delivery": 1, "data_coding": part.data_coding,
        "short_message": part.short_message,
    })  # fmt: skip


def raw(found: Peer, binds: int, window: int, count: int) -> float:
    os.environ.setdefault(PASSWORD_VAR, ENV[PASSWORD_VAR])
    logging.getLogger("smscd.delivery.smpp").setLevel(logging.ERROR)  # the peer's close on unbind
    settings = config(found, binds, window)

    async def main() -> None:
        async def no_requests(pdu: wire.Pdu) -> int:
            return 0

        sessions = [Session(settings, wire.Command.BIND_TRANSCEIVER, f"raw#{n}", no_requests)
                    for n in range(binds)]  # fmt: skip
        for session in sessions:
            session.start()
        deadline = time.monotonic() + 30
        while not all(s.bound for s in sessions):
            if time.monotonic() > deadline:
                raise RuntimeError("the raw client did not bind")
            await asyncio.sleep(0.01)
        numbers = iter(range(count))

        async def sender(session: Session) -> None:
            for n in numbers:
                answer = await session.submit(submit_sm(f"49151{n:08d}"))
                if answer is None or answer.status:
                    raise RuntimeError(f"submit_sm not accepted: {answer}")

        await asyncio.gather(*(sender(s) for s in sessions for _ in range(window)))
        await asyncio.gather(*(s.stop() for s in sessions))

    asyncio.run(main())
    return rate(found.wait_for(count, 60), count)


def aiosmpplib(found: Peer, binds: int, count: int, python: str) -> float:
    """bench/smpp_aiosmpplib.py in its own venv's ``python`` (--aiosmpplib-python)."""
    script = Path(__file__).with_name("smpp_aiosmpplib.py")
    subprocess.run([python, str(script), "127.0.0.1", str(found.port), str(count), str(binds)],  # noqa: S603
                   check=True, timeout=600)  # fmt: skip
    return rate(found.wait_for(count, 60), count)


# -- smscd: queue -> worker -> peer ---------------------------------------------------------


def prepare(url: str, found: Peer, binds: int, window: int) -> None:
    """bench/sending.py's account, with the SMPP connector toward ``found`` as its route."""
    sending.prepare(url, ("up", "smpp", config(found, binds, window).to_json()))


def send_path(n: int) -> str:
    phones = ",".join(f"49151{n:04d}{i:04d}" for i in range(100))
    return "/sys/send.php?" + urlencode(
        {"login": "bench", "psw": "bench-pw", "phones": phones, "mes": TEXT, "fmt": 1}
    )


def queue(url: str, count: int) -> None:
    """``count`` messages accepted by send.php, queued and not yet delivered."""
    port = free_port()
    env = {**os.environ, **ENV, "SMSCD_DATABASE_URL": url}
    server = subprocess.Popen(  # noqa: S603 -- our own argv
        [sys.executable, "-m", "smscd.cli", "serve", "--port", str(port), "--workers", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        wait_ready(port)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            for n in range(count // 100):
                reply = client.get(send_path(n))
                reply.raise_for_status()
                if "error" in reply.text.lower():
                    raise RuntimeError(reply.text)
    finally:
        server.terminate()
        server.wait(30)


def smscd(url: str, found: Peer, count: int, tmp: Path) -> float:
    queue(url, count)
    env = {**os.environ, **ENV, "SMSCD_DATABASE_URL": url}
    log = (tmp / "worker.log").open("ab")
    worker = subprocess.Popen(
        [sys.executable, "-m", "smscd.cli", "worker"], stdout=log, stderr=subprocess.STDOUT,
        env=env, start_new_session=True,
    )  # fmt: skip
    engine = sync_engine(url)
    spy = None
    if PROFILE:  # py-spy on the worker for 8 s once it submits, idle included (--profile)
        found.wait_for(1, 120)
        spy = subprocess.Popen([PROFILE[0], "record", "--pid", str(worker.pid), "--duration",  # noqa: S603
                                "8", "--rate", "200", "--format", "raw", "--idle", "--threads",
                                "-o", str(tmp / f"worker-{worker.pid}.txt")])  # fmt: skip
    try:
        counts = found.wait_for(count, 600)
        if spy is not None:
            spy.wait(60)
            print(f"# profile: {PROFILE[1]}", file=sys.stderr)
            (tmp / f"worker-{worker.pid}.txt").replace(PROFILE[1])
        deadline = time.monotonic() + 60
        while (submitted := recorded(engine)) < count and time.monotonic() < deadline:
            time.sleep(0.2)  # the last responses being written down
    finally:
        worker.terminate()
        worker.wait(30)
        log.close()
        engine.dispose()
    if submitted != count:  # every one recorded as the peer's, once
        raise RuntimeError(f"{submitted} of {count} messages recorded as submitted")
    return rate(counts, count)


def recorded(engine: Any) -> int:
    with engine.connect() as conn:
        query = select(func.count()).where(messages.c.state == "submitted")
        return int(conn.execute(query).scalar_one())


PROFILE: list[str] = []  # [py-spy, output file] with --profile


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres-url")
    parser.add_argument("--messages", type=int, default=5000, help="a round's messages")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--window", type=int, default=10, help="per bind, both sides")
    parser.add_argument("--binds", type=int, nargs="+", default=[1, 4])
    parser.add_argument(
        "--aiosmpplib-python", help="a venv's python with aiosmpplib 0.7.4: a second baseline"
    )
    parser.add_argument("--profile", help="py-spy the worker, collapsed stacks to this file")
    args = parser.parse_args()
    if args.profile:
        PROFILE.extend([str(Path(sys.executable).with_name("py-spy")), args.profile])
    count = args.messages // 100 * 100
    kinds = ["sqlite"] + (["postgresql"] if args.postgres_url else [])
    rows = []
    try:
        with tempfile.TemporaryDirectory() as directory:
            tmp = Path(directory)
            for kind, nagle, binds in itertools.product(kinds, (True, False), args.binds):
                raws: list[float] = []
                ours: list[float] = []
                aios: list[float] = []
                for _ in range(args.rounds):
                    with peer(nodelay=not nagle) as found:
                        raws.append(raw(found, binds, args.window, count))
                    if args.aiosmpplib_python:
                        with peer(nodelay=not nagle) as found:
                            aios.append(aiosmpplib(found, binds, count, args.aiosmpplib_python))
                    with peer(nodelay=not nagle) as found:
                        url = databases(kind, tmp, args.postgres_url)
                        prepare(url, found, binds, args.window)
                        ours.append(smscd(url, found, count, tmp))
                    print(f"# {kind}, Nagle {'on' if nagle else 'off'}, {binds} bind(s): raw "
                          f"{raws[-1]:,.0f}/s, smscd {ours[-1]:,.0f}/s", file=sys.stderr,
                          flush=True)  # fmt: skip
                rows.append((kind, nagle, binds, raws, ours, aios))
    finally:
        for dsn, name in CREATED:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"SMPP submit_sm to the npm smpp peer, {count} messages a round, window "
          f"{args.window} a bind, median of {args.rounds} rounds, {os.cpu_count()} cores "
          "shared by the peer, smscd and the client")  # fmt: skip
    print("| database | peer's Nagle | binds | raw session msg/s | smscd queue -> peer msg/s "
          "| ratio | aiosmpplib msg/s (no window) |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|")
    for kind, nagle, binds, raws, ours, aios in rows:
        raw_median, ours_median = statistics.median(raws), statistics.median(ours)
        aio = f"{statistics.median(aios):,.0f}" if aios else "-"
        print(f"| {kind} | {'on (Node default)' if nagle else 'off'} | {binds} | "
              f"{raw_median:,.0f} | {ours_median:,.0f} | "
              f"{ours_median / raw_median:.2f} | {aio} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
