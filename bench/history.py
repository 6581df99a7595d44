"""Benchmark of ``get.php?get_messages=1``: HTTP throughput against its in-process limit,
``/healthz`` for scale, and latency at 10,000 against 1,000,000 messages.

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
import re
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from fixtures import (
    LOGIN,
    PASSWORD,
    HistoryRequest,
    history_mix,
    latency_requests,
    seeded_database,
    smscd_command,
)
from smscd.accounts.model import Account
from smscd.accounts.passwords import Passwords
from smscd.db.gateway import SqliteDatabase
from smscd.history.endpoint import get_messages
from smscd.http import charsets, params, replies
from smscd.http.auth import Authenticator
from smscd.http.context import ApiRequest, Services
from smscd.settings import load_settings

BENCH_DIR = Path(__file__).resolve().parent
ROTATE_LUA = BENCH_DIR / "rotate.lua"
SMALL_MESSAGES = 10_000
READY_TIMEOUT = 60.0
TARGET_HTTP_SHARE = 0.7
TARGET_LATENCY_RATIO = 1.5
IDLE_PROBE = 0.2  # seconds between CPU samples when waiting for an idle server
WARMUP_ROUNDS = 2
NOISE_WARNING = 0.1  # cores of other work during a figure above which it is skewed


class BenchError(RuntimeError):
    """The benchmark could not measure (a server that does not start, an error reply)."""


@dataclass(frozen=True)
class Config:
    duration: float  # seconds of each throughput figure
    warmup: float  # seconds of load before the HTTP figures
    workers: int  # server workers, and processes of the in-process limit
    connections: int  # wrk connections
    messages: int  # messages of the large database
    latency_requests: int  # sequential requests per latency figure
    cache_dir: Path | None


# --- CPU accounting (Linux /proc) -----------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds() -> float:
    """CPU time all processors have spent not idle since boot."""
    ticks = [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Throughput:
    """Requests/second, and where the machine's CPU went meanwhile (in cores)."""

    rps: float
    measured_cores: float  # the server's workers, or the in-process limit's processes
    other_cores: float  # the rest of the machine (kernel, other work), wrk apart


# --- the in-process limit -------------------------------------------------------------------


async def render_history(services: Services, account: Account, query: bytes) -> bytes:
    """One ``get_messages`` request without HTTP: what the endpoint does from the query
    string to the reply bytes, authentication aside (the account is known)."""
    pairs = params.urlencoded_pairs(query)
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
    db = SqliteDatabase(database, settings.sqlite_threads)
    passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
    authenticator = Authenticator(db, passwords, settings.auth_cache_seconds)
    credentials = params.Params({"login": LOGIN, "psw": PASSWORD}, 3, charsets.UTF_8)
    account = await authenticator.authenticate(credentials, "127.0.0.1")
    services = Services(settings=settings, db=db, authenticator=authenticator, clock=time.time)
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
        busy, cpu, started = _machine_busy_seconds(), time.process_time(), time.perf_counter()
        while time.perf_counter() < started + duration:
            await render_history(services, account, queries[count % len(queries)])
            count += 1
        return _LoopResult(
            requests=count,
            seconds=time.perf_counter() - started,
            cpu_seconds=time.process_time() - cpu,
            machine_busy_seconds=_machine_busy_seconds() - busy,
        )
    finally:
        await services.db.close()


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


# --- the server and HTTP --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """``smscd serve`` on a free port, as a subprocess: ready when every worker has
    started and ``/healthz`` answers; stopped (SIGTERM, then SIGKILL) on exit."""

    def __init__(self, database: Path, workers: int, log: Path) -> None:
        self.database = database
        self.workers = workers
        self.log = log
        self.port = _free_port()
        self.worker_pids: list[int] = []
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        env = {**os.environ, "SMSCD_AUTH_CACHE_SECONDS": "300"}
        database = f"sqlite:///{self.database}"
        serve = ["serve", "--database", database, "--port", str(self.port)]
        command = [*smscd_command(), *serve, "--workers", str(self.workers)]
        with self.log.open("wb") as log:
            self._process = subprocess.Popen(  # noqa: S603 -- our own argv
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        try:
            self._wait_ready()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _exc: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self._stop()

    def _wait_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise BenchError(f"smscd serve exited:\n{self.log.read_text()[-2000:]}")
            text = self.log.read_text(errors="replace")
            if text.count("Started worker-") >= self.workers and self._healthy():
                self.worker_pids = [
                    int(p) for p in re.findall(r"Spawning worker-\d+ with PID: (\d+)", text)
                ]
                return
            time.sleep(0.05)  # polling interval, bounded by READY_TIMEOUT
        raise BenchError(f"smscd serve not ready in {READY_TIMEOUT:.0f} s")

    def _healthy(self) -> bool:
        try:
            return get(self.port, "/healthz")[0] == 200
        except OSError:
            return False

    def _stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()

    def cpu_seconds(self) -> float:
        """CPU time the workers have used so far."""
        return sum(_cpu_seconds(pid) for pid in self.worker_pids)

    def wait_idle(self) -> float:
        """Wait until the workers use under a tenth of a core; the seconds it took."""
        started = time.perf_counter()
        before = self.cpu_seconds()
        while time.perf_counter() - started < READY_TIMEOUT:
            time.sleep(IDLE_PROBE)
            now = self.cpu_seconds()
            if now - before < 0.1 * IDLE_PROBE:
                break
            before = now
        return time.perf_counter() - started - IDLE_PROBE


def get(port: int, path: str, conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    """``GET path`` on 127.0.0.1 (over ``conn`` when given, kept alive): status and body."""
    connection = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        if conn is None:
            connection.close()


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


@dataclass(frozen=True)
class WrkResult:
    throughput: Throughput  # measured_cores: the server's workers
    wrk_cores: float  # CPU the load generator used
    p50_ms: float
    p99_ms: float
    problems: str  # wrk's error lines, empty when none


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk_ms(output: str, percentile: str) -> float:
    match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if not match:
        raise BenchError(f"no {percentile}% line in wrk output:\n{output}")
    return float(match[1]) * _UNITS_MS[match[2]]


def run_wrk(server: Server, paths: list[str], duration: float, connections: int) -> WrkResult:
    """``wrk -t1`` rotating over ``paths`` (bench/rotate.lua) for ``duration`` seconds."""
    paths_file = server.log.with_name("paths.txt")
    paths_file.write_text("\n".join(paths) + "\n")
    url = f"http://127.0.0.1:{server.port}"
    load = [f"-c{connections}", f"-d{duration:g}s", "--latency", "-s", str(ROTATE_LUA)]
    command = ["wrk", "-t1", *load, url, "--", str(paths_file)]
    children, server_cpu = resource.getrusage(resource.RUSAGE_CHILDREN), server.cpu_seconds()
    busy, started = _machine_busy_seconds(), time.perf_counter()
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    elapsed = time.perf_counter() - started
    busy = (_machine_busy_seconds() - busy) / elapsed
    server_cores = (server.cpu_seconds() - server_cpu) / elapsed
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cores = (after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime) / elapsed
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if not rps:
        raise BenchError(f"no Requests/sec in wrk output:\n{output}")
    problems = re.findall(r"^\s*(Non-2xx.*|Socket errors.*)$", output, re.MULTILINE)
    return WrkResult(
        throughput=Throughput(
            float(rps[1]), server_cores, max(busy - server_cores - wrk_cores, 0.0)
        ),
        wrk_cores=wrk_cores,
        p50_ms=_wrk_ms(output, "50"),
        p99_ms=_wrk_ms(output, "99"),
        problems="; ".join(problems),
    )


def warm_up(server: Server, paths: list[str], config: Config) -> None:
    """Load rounds, each followed by a wait for the server to go idle.

    A worker's first password requests each verify the password (argon2, ~0.2 s of CPU)
    until one of them has filled the cache: under ``config.connections`` concurrent
    requests that is a queue of verifications that outlives the load (docs/performance.md).
    """
    for _ in range(WARMUP_ROUNDS):
        run_wrk(server, paths, config.warmup, config.connections)
        busy = server.wait_idle()
        if busy > 1:
            print(f"  warm-up: the server stayed busy {busy:.1f} s after the load stopped")


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
    replies_: dict[str, tuple[int, bytes]] = {}
    try:
        for round_ in range(count // 10 + count):
            for label, port in ports.items():
                started = time.perf_counter()
                replies_[label] = get(port, request.path, conns[label])
                if round_ >= count // 10:
                    samples[label].append(time.perf_counter() - started)
    finally:
        for conn in conns.values():
            conn.close()
    return {
        label: Latency(
            statistics.median(samples[label]) * 1000, reply_rows(request.path, *replies_[label])
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
            warm_up(server, paths, config)
            served = run_wrk(server, paths, config.duration, config.connections)
            print(_wrk_line("get_messages via HTTP", served), flush=True)
            healthz = run_wrk(server, ["/healthz"], config.duration, config.connections)
            print(_wrk_line("/healthz via HTTP", healthz), flush=True)

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
    args = parser.parse_args(argv)
    return Config(
        duration=args.duration or (3.0 if args.quick else 10.0),
        warmup=1.0 if args.quick else 3.0,
        workers=args.workers,
        connections=args.connections,
        messages=args.messages or (100_000 if args.quick else 1_000_000),
        latency_requests=100 if args.quick else 300,
        cache_dir=args.cache_dir.expanduser().resolve() if args.cache_dir else None,
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
