"""Benchmark of the limiter's cost: requests per second with limits off, on in memory and on
in Redis, in the same run, on the history endpoint (``cnt=100``) and on the cheapest
authenticated endpoint (``get_operator`` of one number: no database query), with
``/healthz`` as the control.

Three ``smscd serve`` servers run side by side on one seeded database, one per limiter; each
round loads them in turn with the same request mix, so that all three see the same machine
(each round in another order, so that none is always first).
The demo account is given limits far above what the load can reach (a trusted client's
raised limits), so that every request is checked and counted, and none is refused: the
figures are the cost of the checks, not of refusals (a refusal is cheaper than the work).

Run from the project root (docs/protection.md explains the figures)::

    .venv/bin/python bench/limits.py                       # 5 rounds of 6 s per figure
    .venv/bin/python bench/limits.py --quick               # smoke run: 1 round of 3 s
    .venv/bin/python bench/limits.py --redis-url redis://127.0.0.1:6379/0 --cache-dir DIR

Needs ``wrk`` and a Redis server. Sends traffic to 127.0.0.1 only; deletes its own Redis
keys (one random prefix) at the end. Exits 0 whether or not the target is met.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import redis

from fixtures import LOGIN, PASSWORD, history_mix, seeded_database
from serving import BenchError, Server, WrkResult, cpu_seconds, get, run_wrk, warm_up
from smscd.accounts.service import set_rate_limits
from smscd.db.engine import sync_engine
from smscd.limits.policy import LIMIT_NAMES

TARGET_REDIS_SHARE = 0.75  # limits in Redis cost at most 25 % of history throughput
LIMITERS = ("off", "memory", "redis")
# Far above what any run reaches: every request is counted, none refused.
RAISED = 1_000_000_000
OPERATOR_PATH = (
    f"/sys/info.php?get_operator=1&login={LOGIN}&psw={PASSWORD}&phone=79161234567&fmt=3"
    "&charset=utf-8"
)


@dataclass(frozen=True)
class Config:
    duration: float
    warmup: float
    rounds: int
    workers: int
    connections: int
    messages: int
    redis_url: str
    cache_dir: Path | None


@dataclass
class Figures:
    """Every round's result of one endpoint under one limiter."""

    runs: list[WrkResult] = field(default_factory=list)
    redis_cores: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return statistics.median(run.throughput.rps for run in self.runs)

    @property
    def cpu_us(self) -> float:
        """Median CPU per request of the workers and Redis, in microseconds."""
        return statistics.median(
            (run.throughput.measured_cores + redis) / run.throughput.rps * 1e6
            for run, redis in zip(self.runs, self.redis_cores, strict=True)
        )


def _redis_pid(url: str) -> int:
    with redis.Redis.from_url(url) as conn:
        return int(conn.info("server")["process_id"])


def raise_limits(database: Path) -> None:
    """Give the demo account limits no run can reach (see the module's doc)."""
    engine = sync_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as conn:
            set_rate_limits(conn, LOGIN, dict.fromkeys(LIMIT_NAMES, RAISED))
    finally:
        engine.dispose()


def limiter_env(limiter: str, redis_url: str, prefix: str) -> dict[str, str]:
    if limiter == "off":
        return {"SMSCD_RATE_LIMITS": "off"}
    env = {"SMSCD_RATE_LIMITS": "on", "SMSCD_REDIS_URL": ""}
    if limiter == "redis":
        env |= {"SMSCD_REDIS_URL": redis_url, "SMSCD_REDIS_PREFIX": prefix}
    return env


def check_replies(server: Server, paths: list[str]) -> None:
    """Every path answers a reply, not an error (raises otherwise)."""
    for path in paths:
        status, body = get(server.port, path)
        if status != 200 or b'"error_code"' in body:
            raise BenchError(f"{path} answered {status}: {body[:200]!r}")


def measure(
    server: Server, paths: list[str], config: Config, redis_pid: int
) -> tuple[WrkResult, float]:
    """One wrk run; and the cores Redis used meanwhile."""
    before, started = cpu_seconds(redis_pid), time.perf_counter()
    result = run_wrk(server, paths, config.duration, config.connections)
    return result, (cpu_seconds(redis_pid) - before) / (time.perf_counter() - started)


def _forget(url: str, prefix: str) -> None:
    with redis.Redis.from_url(url) as conn:
        keys = list(conn.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            conn.delete(*keys)


def run(config: Config) -> None:
    if shutil.which("wrk") is None:
        raise BenchError("wrk is not installed (apt-get install wrk)")
    redis_pid = _redis_pid(config.redis_url)
    print(
        f"smscd limiter benchmark, {datetime.now():%Y-%m-%d %H:%M}; {os.cpu_count()} CPUs,"
        f" Python {platform.python_version()}, SQLite {sqlite3.sqlite_version};"
        f" {config.workers} workers per server, wrk -t1 -c{config.connections}"
        f" -d{config.duration:g}s, {config.rounds} round(s)",
        flush=True,
    )
    prefix = f"smscd-bench-{secrets.token_hex(4)}:"
    with tempfile.TemporaryDirectory(prefix="smscd-bench-limits-") as tmp:
        workdir = Path(tmp)
        store = config.cache_dir or workdir
        store.mkdir(parents=True, exist_ok=True)
        seeded = seeded_database(store, config.messages, reuse=bool(config.cache_dir))
        database = workdir / "limits.db"  # a copy: the account's limits are raised in it
        shutil.copyfile(seeded, database)
        raise_limits(database)
        endpoints = {
            "get_messages cnt=100": [request.path for request in history_mix(database)],
            "get_operator, 1 number": [OPERATOR_PATH],
            "/healthz": ["/healthz"],
        }
        figures = {(e, lim): Figures() for e in endpoints for lim in LIMITERS}
        try:
            with ExitStack() as stack:
                servers = {
                    limiter: stack.enter_context(
                        Server(
                            database,
                            config.workers,
                            workdir / f"serve-{limiter}.log",
                            limiter_env(limiter, config.redis_url, prefix),
                        )
                    )
                    for limiter in LIMITERS
                }
                for limiter, server in servers.items():
                    check_replies(server, [p for ps in endpoints.values() for p in ps])
                    for paths in endpoints.values():
                        warm_up(server, paths, config.warmup, config.connections)
                    print(f"{limiter}: ready on port {server.port}", flush=True)
                for round_ in range(1, config.rounds + 1):
                    print(f"\n== round {round_}", flush=True)
                    # Each round starts with another limiter: none is always first or last.
                    order = LIMITERS[round_ % 3 :] + LIMITERS[: round_ % 3]
                    for endpoint, paths in endpoints.items():
                        for limiter in order:
                            server = servers[limiter]
                            result, redis_cores = measure(server, paths, config, redis_pid)
                            found = figures[(endpoint, limiter)]
                            found.runs.append(result)
                            found.redis_cores.append(redis_cores)
                            cpu = (result.throughput.measured_cores + redis_cores) * 1e6
                            print(
                                f"  {endpoint:24} limits {limiter:6}"
                                f" {result.throughput.rps:>9,.0f} req/s"
                                f"  p99 {result.p99_ms:6.2f} ms"
                                f"  CPU {cpu / result.throughput.rps:5.0f} us/request"
                                f" (Redis {redis_cores:.2f} cores)"
                                + (f"  wrk: {result.problems}" if result.problems else ""),
                                flush=True,
                            )
                for server in servers.values():
                    check_replies(server, [endpoints["get_messages cnt=100"][0]])
        finally:
            _forget(config.redis_url, prefix)
    summary(figures, endpoints)


def summary(figures: dict[tuple[str, str], Figures], endpoints: dict[str, list[str]]) -> None:
    print("\n== summary (medians of the rounds)")
    print(f"{'endpoint':24} {'limiter':8} {'req/s':>9} {'/ off':>7} {'CPU us/req':>11}")
    for endpoint in endpoints:
        off = figures[(endpoint, "off")].rps
        for limiter in LIMITERS:
            found = figures[(endpoint, limiter)]
            print(
                f"{endpoint:24} {limiter:8} {found.rps:>9,.0f} {found.rps / off:>7.2f}"
                f" {found.cpu_us:>11.0f}"
            )
    print("\nper round, limits on / limits off (each round measures all three together):")
    for endpoint in endpoints:
        for limiter in ("memory", "redis"):
            ratios = round_ratios(figures, endpoint, limiter)
            print(f"  {endpoint:24} {limiter:8} " + "  ".join(f"{r:.2f}" for r in ratios))
    share = statistics.median(round_ratios(figures, "get_messages cnt=100", "redis"))
    verdict = "met" if share >= TARGET_REDIS_SHARE else "MISSED"
    print(
        f"\nhistory, limits in Redis / limits off (median of the rounds' ratios): {share:.2f}"
        f"   >= {TARGET_REDIS_SHARE:.2f}  {verdict}"
    )


def round_ratios(
    figures: dict[tuple[str, str], Figures], endpoint: str, limiter: str
) -> list[float]:
    on, off = figures[(endpoint, limiter)].runs, figures[(endpoint, "off")].runs
    return [a.throughput.rps / b.throughput.rps for a, b in zip(on, off, strict=True)]


def parse_args(argv: list[str] | None = None) -> Config:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, help="seconds per figure (6; --quick 3)")
    parser.add_argument("--rounds", type=int, help="rounds over every figure (5; --quick 1)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 round of 3 s")
    parser.add_argument("--workers", type=int, default=2, help="workers per server (2)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (64)")
    parser.add_argument(
        "--messages", type=int, default=100_000, help="messages of the database (100,000)"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0", help="the Redis to use")
    parser.add_argument("--cache-dir", type=Path, help="keep the seeded database here and reuse it")
    args = parser.parse_args(argv)
    return Config(
        duration=args.duration or (3.0 if args.quick else 6.0),
        warmup=1.0 if args.quick else 2.0,
        rounds=args.rounds or (1 if args.quick else 5),
        workers=args.workers,
        connections=args.connections,
        messages=args.messages,
        redis_url=args.redis_url,
        cache_dir=args.cache_dir.expanduser().resolve() if args.cache_dir else None,
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the benchmark; 0 whatever the figures, 1 if it could not measure."""
    config = parse_args(argv)
    try:
        run(config)
    except (BenchError, subprocess.CalledProcessError, redis.RedisError) as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
