"""Benchmark of ``get.php?get_messages=1``: HTTP throughput against its in-process limit,
``/healthz`` for scale, and latency at 10,000 against 1,000,000 messages.

One run: seed (or reuse) the two databases; run the request mix in-process (the endpoint's
work without HTTP) in as many processes as server workers; start ``smscd serve`` on each
database; time sequential requests against both; load the large one with ``wrk`` (the mix,
then ``/healthz``); print a summary with the targets.

Run from the project root (docs/performance.md explains the figures)::

    .venv/bin/python bench/history.py                          # full run, 10 s per figure
    .venv/bin/python bench/history.py --cache-dir ~/.cache/smscd-bench   # keep the databases
    .venv/bin/python bench/history.py --quick                  # smoke run: 100k messages, 3 s

Needs ``wrk`` (``apt-get install wrk``). Sends traffic to 127.0.0.1 only. Exits 0 whether
or not the targets are met: it measures, it does not judge.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import multiprocessing
import os
import platform
import queue
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fixtures import (
    LOGIN,
    PASSWORD,
    HistoryRequest,
    history_mix,
    latency_requests,
    postgres_copy,
    seeded_database,
)
from serving import (
    NOISE_WARNING,
    READY_TIMEOUT,
    BenchError,
    Server,
    Throughput,
    WrkResult,
    get,
    machine_busy_seconds,
    run_wrk,
    warm_up,
)
from smscd.accounts.auth import Authenticator
from smscd.accounts.model import Account
from smscd.accounts.passwords import Passwords
from smscd.db.sqlite import SqliteDatabase
from smscd.history.endpoint import get_messages
from smscd.http import charsets, params, replies
from smscd.http.client_ip import ClientAddresses
from smscd.http.context import ApiRequest, Services
from smscd.limits.guard import Unguarded
from smscd.settings import load_settings

SMALL_MESSAGES = 10_000
TARGET_HTTP_SHARE = 0.7
TARGET_LATENCY_RATIO = 1.5
TARGET_POSTGRES = 0.8  # PostgreSQL's req/s against SQLite's on the same data (issue 9)
POSTGRES_ROUNDS = 3


@dataclass(frozen=True)
class Config:
    duration: float  # seconds of each throughput figure
    warmup: float  # seconds of each warm-up round before the HTTP figures
    workers: int  # server workers, and processes of the in-process limit
    connections: int  # wrk connections
    messages: int  # messages of the large database
    latency_requests: int  # sequential requests per latency figure
    cache_dir: Path | None
    postgres_url: str | None  # also serve the same data from PostgreSQL


# --- the in-process limit -------------------------------------------------------------------


async def render_history(services: Services, account: Account, query: bytes) -> bytes:
    """One ``get_messages`` request without HTTP: what the endpoint does from the query
    string to the reply bytes, authentication aside (the account is known)."""
    pairs = params.urlencoded_pairs(query, 1000)
    fmt = params.fmt_of(pairs) or 0
    charset = params.charset_of(pairs) or charsets.DEFAULT
    parsed = params.Params(params.decode(pairs, charset), fmt, charset)
    request = ApiRequest(parsed, account, services.db, services.clock(), services)
    reply = await get_messages(request)
    return replies.encode(replies.render(reply, fmt), fmt, charset)


async def open_services(database: str) -> tuple[Services, Account]:
    """What a server worker opens, on ``database``, and the demo account, authenticated
    once as the server does it (the caller closes ``services.db``)."""
    settings = load_settings()
    db = SqliteDatabase(
        database, settings.sqlite_threads, inline_read_ms=settings.sqlite_inline_read_ms
    )
    await db.start()
    passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
    authenticator = Authenticator(db, passwords, settings.auth_cache_seconds)
    account = await authenticator.authenticate(LOGIN, PASSWORD, "", "127.0.0.1")
    services = Services(
        settings=settings,
        db=db,
        authenticator=authenticator,
        clock=time.time,
        guard=Unguarded(),  # the limit measures the endpoint's own work
        addresses=ClientAddresses(""),
    )
    return services, account


@dataclass(frozen=True)
class _LoopResult:
    requests: int
    seconds: float
    cpu_seconds: float  # of this process
    machine_busy_seconds: float  # of the whole machine over the same time


async def _limit_loop(
    database: str, queries: list[bytes], duration: float, barrier: Any
) -> _LoopResult:
    services, account = await open_services(database)
    try:
        for query in queries:  # warm-up; raises on an error reply
            await render_history(services, account, query)
        barrier.wait(READY_TIMEOUT)  # start together with the other processes
        count = 0
        busy, cpu, started = machine_busy_seconds(), time.process_time(), time.perf_counter()
        while time.perf_counter() < started + duration:
            await render_history(services, account, queries[count % len(queries)])
            count += 1
        return _LoopResult(
            requests=count,
            seconds=time.perf_counter() - started,
            cpu_seconds=time.process_time() - cpu,
            machine_busy_seconds=machine_busy_seconds() - busy,
        )
    finally:
        await services.db.stop()


def _limit_process(
    database: str, queries: list[bytes], duration: float, barrier: Any, results: Any
) -> None:
    results.put(asyncio.run(_limit_loop(database, queries, duration, barrier)))


def in_process_limit(database: Path, mix: list[HistoryRequest], config: Config) -> Throughput:
    """Requests/second of :func:`render_history` over ``mix`` in ``config.workers``
    processes running side by side (one sequential loop each), summed."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(config.workers)
    results = context.Queue()
    queries = [request.query.encode() for request in mix]
    processes = [
        context.Process(
            target=_limit_process,
            args=(str(database), queries, config.duration, barrier, results),
        )
        for _ in range(config.workers)
    ]
    for process in processes:
        process.start()
    loops: list[_LoopResult] = []
    deadline = time.monotonic() + READY_TIMEOUT + config.duration
    try:
        while len(loops) < len(processes):
            try:
                loops.append(results.get(timeout=0.5))
            except queue.Empty:
                if time.monotonic() > deadline or any(p.exitcode for p in processes):
                    raise BenchError("an in-process limit process failed (see above)") from None
    finally:
        for process in processes:
            process.join(5)
            if process.is_alive():
                process.terminate()
    seconds = statistics.mean(loop.seconds for loop in loops)
    measured = sum(loop.cpu_seconds for loop in loops) / seconds
    busy = statistics.mean(loop.machine_busy_seconds for loop in loops) / seconds
    return Throughput(
        rps=sum(loop.requests / loop.seconds for loop in loops),
        measured_cores=measured,
        other_cores=max(busy - measured, 0.0),
    )


# --- HTTP -------------------------------------------------------------------------------------


def reply_rows(path: str, status: int, body: bytes) -> int:
    """Records in a fmt=3 history reply; an error reply is a :class:`BenchError`."""
    reply = json.loads(body) if status == 200 else None
    if not isinstance(reply, list) or not reply:
        raise BenchError(f"{path} answered {status}: {body[:200]!r}")
    return len(reply)


@dataclass(frozen=True)
class Latency:
    median_ms: float
    records: int  # per reply


def validate_mix(server: Server, mix: list[HistoryRequest]) -> dict[str, list[int]]:
    """Fetch each request once; records per reply, by kind (raises on an error reply)."""
    rows: dict[str, list[int]] = {}
    for request in mix:
        status, body = get(server.port, request.path)
        rows.setdefault(request.kind, []).append(reply_rows(request.path, status, body))
    return rows


def median_latencies(
    ports: dict[str, int], request: HistoryRequest, count: int
) -> dict[str, Latency]:
    """Median milliseconds of ``count`` sequential requests to each server (by label),
    alternating between the servers so that both see the same moments of the machine; one
    kept-alive connection per server, after ``count // 10`` warm-up rounds."""
    conns = {label: http.client.HTTPConnection("127.0.0.1", port) for label, port in ports.items()}
    samples: dict[str, list[float]] = {label: [] for label in ports}
    last: dict[str, tuple[int, bytes]] = {}
    try:
        for round_ in range(count // 10 + count):
            for label, port in ports.items():
                started = time.perf_counter()
                last[label] = get(port, request.path, conns[label])
                if round_ >= count // 10:
                    samples[label].append(time.perf_counter() - started)
    finally:
        for conn in conns.values():
            conn.close()
    return {
        label: Latency(
            statistics.median(samples[label]) * 1000, reply_rows(request.path, *last[label])
        )
        for label in ports
    }


# --- the run --------------------------------------------------------------------------------


def _header(title: str) -> None:
    print(f"\n== {title}", flush=True)


def _throughput_line(label: str, result: Throughput, measured: str, extra: str = "") -> str:
    return (
        f"{label}: {result.rps:,.0f} req/s  (CPU, in cores: {measured} {result.measured_cores:.2f},"
        f"{extra} rest of the machine {result.other_cores:.2f})"
    )


def _wrk_line(label: str, result: WrkResult) -> str:
    line = _throughput_line(label, result.throughput, "server", f" wrk {result.wrk_cores:.2f},")
    line += f"\n  latency under load: p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms"
    return f"{line}\n  wrk reported: {result.problems}" if result.problems else line


def _size(messages: int) -> str:
    return f"{messages // 1_000_000}M" if messages % 1_000_000 == 0 else f"{messages // 1000}k"


def _verdict(value: float, target: float, at_least: bool) -> str:
    met = value >= target if at_least else value <= target
    return f"{'>=' if at_least else '<='} {target:.2f}  {'met' if met else 'MISSED'}"


def _postgres_rounds(
    sqlite_server: Server, large: Path, mix: list[HistoryRequest], config: Config, workdir: Path
) -> tuple[float, float]:
    """The mix served from PostgreSQL (the same rows, seeded alike) and from SQLite, in
    alternating rounds, both servers up all along; the median req/s of each."""
    assert config.postgres_url is not None
    url = postgres_copy(large, config.postgres_url)
    paths = [request.path for request in mix]
    with Server(url, config.workers, workdir / "serve-postgres.log") as server:
        _header(f"HTTP: the same mix from PostgreSQL, {POSTGRES_ROUNDS} rounds in turns")
        counts = validate_mix(server, mix)
        if counts != validate_mix(sqlite_server, mix):
            raise BenchError(f"PostgreSQL answers other record counts: {counts}")
        warm_up(server, paths, config.warmup, config.connections)
        rates: dict[str, list[float]] = {"SQLite": [], "PostgreSQL": []}
        for _ in range(POSTGRES_ROUNDS):
            for label, target in (("SQLite", sqlite_server), ("PostgreSQL", server)):
                result = run_wrk(target, paths, config.duration, config.connections)
                rates[label].append(result.throughput.rps)
                print(_wrk_line(f"get_messages via HTTP, {label}", result), flush=True)
                target.wait_idle()
    return statistics.median(rates["SQLite"]), statistics.median(rates["PostgreSQL"])


def run(config: Config) -> None:
    """Seed (or reuse) the databases, measure, print the figures and the summary table."""
    if shutil.which("wrk") is None:
        raise BenchError("wrk is not installed (apt-get install wrk)")
    print(
        f"smscd history benchmark, {datetime.now():%Y-%m-%d %H:%M}; {os.cpu_count()} CPUs,"
        f" Python {platform.python_version()}, SQLite {sqlite3.sqlite_version};"
        f" {config.workers} workers, wrk -t1 -c{config.connections} -d{config.duration:g}s",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="smscd-bench-") as tmp:
        workdir = Path(tmp)
        store = config.cache_dir or workdir
        store.mkdir(parents=True, exist_ok=True)
        reuse = config.cache_dir is not None
        large = seeded_database(store, config.messages, reuse=reuse)
        small = seeded_database(store, SMALL_MESSAGES, reuse=reuse)
        mix = history_mix(large)
        probes = latency_requests(small, large)
        big, little = _size(config.messages), _size(SMALL_MESSAGES)

        _header(f"in-process limit: {config.workers} processes, {config.duration:g} s, {big}")
        limit = in_process_limit(large, mix, config)
        print(_throughput_line("get_messages in-process", limit, "processes"), flush=True)

        with Server(large, config.workers, workdir / "serve-large.log") as server:
            with Server(small, config.workers, workdir / "serve-small.log") as reference:
                _header(f"sequential latency, median of {config.latency_requests} requests")
                ports = {big: server.port, little: reference.port}
                latencies = {
                    probe.kind: median_latencies(ports, probe, config.latency_requests)
                    for probe in probes
                }
            for kind, by_size in latencies.items():
                for size, latency in by_size.items():
                    print(
                        f"  {size:>4} messages, {kind:9}: {latency.median_ms:.2f} ms"
                        f"  ({latency.records} records per reply)"
                    )

            _header(f"HTTP: smscd serve --workers {config.workers}, {big} messages")
            for kind, counts in validate_mix(server, mix).items():
                print(f"  mix: {len(counts)} x {kind:9}  records per reply {counts}")
            paths = [request.path for request in mix]
            warm_up(server, paths, config.warmup, config.connections)
            served = run_wrk(server, paths, config.duration, config.connections)
            print(_wrk_line("get_messages via HTTP", served), flush=True)
            healthz = run_wrk(server, ["/healthz"], config.duration, config.connections)
            print(_wrk_line("/healthz via HTTP", healthz), flush=True)
            postgres = (
                _postgres_rounds(server, large, mix, config, workdir)
                if config.postgres_url
                else None
            )

    _header("summary")
    share = served.throughput.rps / limit.rps
    table: list[tuple[str, str, str]] = [
        ("get_messages via HTTP (req/s)", f"{served.throughput.rps:,.0f}", ""),
        ("get_messages in-process limit (req/s)", f"{limit.rps:,.0f}", ""),
        ("HTTP / limit", f"{share:.2f}", _verdict(share, TARGET_HTTP_SHARE, True)),
        ("/healthz via HTTP (req/s)", f"{healthz.throughput.rps:,.0f}", ""),
    ]
    for probe in probes:
        small_ms = latencies[probe.kind][little].median_ms
        large_ms = latencies[probe.kind][big].median_ms
        ratio = large_ms / small_ms
        table += [
            (f"median latency, {probe.kind}, {little} (ms)", f"{small_ms:.2f}", ""),
            (f"median latency, {probe.kind}, {big} (ms)", f"{large_ms:.2f}", ""),
            (
                f"  ratio {big}/{little}",
                f"{ratio:.2f}",
                _verdict(ratio, TARGET_LATENCY_RATIO, False),
            ),
        ]
    if postgres:
        sqlite_rps, postgres_rps = postgres
        ratio = postgres_rps / sqlite_rps
        table += [
            ("get_messages, SQLite, in turns (req/s)", f"{sqlite_rps:,.0f}", ""),
            ("get_messages, PostgreSQL, in turns (req/s)", f"{postgres_rps:,.0f}", ""),
            ("  PostgreSQL / SQLite", f"{ratio:.2f}", _verdict(ratio, TARGET_POSTGRES, True)),
        ]
    for name, value, target in table:
        print(f"{name:44} {value:>10}   {target}")
    other = max(limit.other_cores, served.throughput.other_cores, healthz.throughput.other_cores)
    if other > NOISE_WARNING:
        print(f"warning: other work used up to {other:.2f} cores during the throughput figures")


def parse_args(argv: list[str] | None = None) -> Config:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--duration", type=float, help="seconds per throughput figure (10; --quick 3)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 100k messages, 3 s, 100 requests"
    )
    parser.add_argument("--messages", type=int, help="messages of the large database (1,000,000)")
    parser.add_argument("--cache-dir", type=Path, help="keep seeded databases here and reuse them")
    parser.add_argument(
        "--workers", type=int, default=2, help="server workers and limit processes (2)"
    )
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (64)")
    parser.add_argument(
        "--postgres-url",
        help="a PostgreSQL server (postgresql://user@host/db): serve the same data from it"
        " too and report its rate against SQLite's, measured in turns in the same run",
    )
    args = parser.parse_args(argv)
    if args.messages is not None and args.messages <= SMALL_MESSAGES:
        parser.error(f"--messages must be above {SMALL_MESSAGES:,}, the small database")
    return Config(
        duration=args.duration or (3.0 if args.quick else 10.0),
        warmup=1.0 if args.quick else 3.0,
        workers=args.workers,
        connections=args.connections,
        messages=args.messages or (100_000 if args.quick else 1_000_000),
        latency_requests=100 if args.quick else 300,
        cache_dir=args.cache_dir.expanduser().resolve() if args.cache_dir else None,
        postgres_url=args.postgres_url,
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the benchmark; 0 whatever the figures, 1 if it could not measure."""
    config = parse_args(argv)
    try:
        run(config)
    except (BenchError, subprocess.CalledProcessError) as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
