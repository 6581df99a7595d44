"""Benchmark of short-link redirects: ``GET /<code>`` (a 302 whose click is committed
before it is answered) against ``/healthz`` (no database), on the same server in the same
run, and the check that every answered redirect was counted.

Run from the project root (docs/links.md explains the figures)::

    .venv/bin/python bench/links.py                  # 3 rounds of 10 s per figure, -c64
    .venv/bin/python bench/links.py --quick          # smoke run: 1 round of 3 s
    .venv/bin/python bench/links.py --connections 32 --cache-dir ~/.cache/smscd-bench

Needs ``wrk`` (``apt-get install wrk``). Starts ``smscd serve --workers 2`` on 127.0.0.1
on a seeded SQLite database (the demo's links) and sends traffic there only. Exits 0
whether or not the target is met: it measures, it does not judge.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
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

from sqlalchemy import select

from fixtures import SEED, seeded_database
from serving import ROTATE_LUA, BenchError, Server, wrk_ms
from smscd.accounts.passwords import Passwords
from smscd.accounts.tables import accounts
from smscd.db.engine import sync_engine
from smscd.demo import links as links_demo
from smscd.demo.seed import DemoContext
from smscd.links.queries import TOTAL_DAY
from smscd.settings import load_settings

MESSAGES = 10_000  # the demo's messages: the links do not depend on them
TARGET_RATIO = 0.5  # redirects at least half as fast as the trivial endpoint
LOAD_WARNING = 0.5  # 1-minute load average above which other work skews the figures


@dataclass(frozen=True)
class Config:
    duration: float
    warmup: float
    rounds: int
    workers: int
    connections: int
    cache_dir: Path | None


def _get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("location") or ""
    finally:
        conn.close()


@dataclass(frozen=True)
class WrkResult:
    rps: float
    requests: int
    p50_ms: float
    p99_ms: float
    cpu_us: float  # server CPU per request, microseconds
    problems: str  # wrk's error lines, empty when none


def run_wrk(
    server: Server, paths: list[str], workdir: Path, duration: float, connections: int
) -> WrkResult:
    """``wrk -t1`` rotating over ``paths`` (bench/rotate.lua) for ``duration`` seconds."""
    paths_file = workdir / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    load = [f"-c{connections}", f"-d{duration:g}s", "--latency", "-s", str(ROTATE_LUA)]
    command = ["wrk", "-t1", *load, f"http://127.0.0.1:{server.port}", "--", str(paths_file)]
    cpu = server.cpu_seconds()
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    cpu = server.cpu_seconds() - cpu
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    total = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    if not rps or not total:
        raise BenchError(f"no request counts in wrk output:\n{output}")
    problems = re.findall(r"^\s*(Non-2xx.*|Socket errors.*)$", output, re.MULTILINE)
    return WrkResult(
        float(rps[1]),
        int(total[1]),
        wrk_ms(output, "50"),
        wrk_ms(output, "99"),
        cpu / max(int(total[1]), 1) * 1e6,
        "; ".join(problems),
    )


def _links(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        rows: list[tuple[str, str]] = conn.execute(
            "SELECT code, url FROM links ORDER BY id"
        ).fetchall()
    return rows


def demo_links(database: Path) -> list[tuple[str, str]]:
    """(code, url) of every short link of the seeded database; the demo's links are added
    first when it has none (a cached database seeded before short links existed)."""
    if not _links(database):
        engine = sync_engine(f"sqlite:///{database}")
        try:
            with engine.connect() as conn:
                ids = dict(conn.execute(select(accounts.c.login, accounts.c.id)).all())
            settings = load_settings()
            passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
            context = DemoContext(engine, passwords, ids, int(time.time()), SEED, None)
            links_demo.seed(context)
        finally:
            engine.dispose()
    rows = _links(database)
    if not rows:
        raise BenchError(f"{database} has no short links")
    return rows


def total_clicks(database: Path) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        (total,) = conn.execute(
            "SELECT COALESCE(SUM(clicks), 0) FROM link_days WHERE day = ?", (TOTAL_DAY,)
        ).fetchone()
    return int(total)


def check_redirects(port: int, links: list[tuple[str, str]]) -> None:
    """Every demo code answers 302 with its own Location (raises otherwise)."""
    for code, url in links:
        status, location = _get(port, f"/{code}")
        if status != 302 or not location:
            raise BenchError(f"/{code} answered {status} {location!r} (link {url})")


def _line(label: str, result: WrkResult) -> str:
    line = (
        f"  {label:10} {result.rps:>9,.0f} req/s   p50 {result.p50_ms:6.2f} ms   "
        f"p99 {result.p99_ms:6.2f} ms   server CPU {result.cpu_us:5.0f} us/request"
    )
    return f"{line}   wrk: {result.problems}" if result.problems else line


def run(config: Config) -> None:
    if shutil.which("wrk") is None:
        raise BenchError("wrk is not installed (apt-get install wrk)")
    print(
        f"smscd short-link benchmark, {datetime.now():%Y-%m-%d %H:%M}; {os.cpu_count()} CPUs,"
        f" Python {platform.python_version()}, SQLite {sqlite3.sqlite_version};"
        f" {config.workers} workers, wrk -t1 -c{config.connections} -d{config.duration:g}s,"
        f" {config.rounds} round(s)",
        flush=True,
    )
    load_average = os.getloadavg()[0]
    if load_average > LOAD_WARNING:
        print(f"warning: load average {load_average:.2f} before the run: the figures will be noisy")
    with tempfile.TemporaryDirectory(prefix="smscd-bench-links-") as tmp:
        workdir = Path(tmp)
        # A copy: the run adds clicks, and a cached database stays as seeded.
        seeded = seeded_database(
            config.cache_dir or workdir, MESSAGES, reuse=bool(config.cache_dir)
        )
        database = workdir / "links.db"
        shutil.copyfile(seeded, database)
        links = demo_links(database)
        redirect_paths = [f"/{code}" for code, _ in links]
        with Server(database, config.workers, workdir / "serve.log") as server:
            check_redirects(server.port, links)
            run_wrk(server, redirect_paths, workdir, config.warmup, config.connections)
            before = total_clicks(database)
            redirects: list[WrkResult] = []
            healthz: list[WrkResult] = []
            load = (config.duration, config.connections)
            for round_ in range(1, config.rounds + 1):
                # Side by side: each round measures both, so that both see the same machine.
                healthz.append(run_wrk(server, ["/healthz"], workdir, *load))
                redirects.append(run_wrk(server, redirect_paths, workdir, *load))
                ratio = redirects[-1].rps / healthz[-1].rps
                print(f"round {round_}: redirects / healthz {ratio:.2f}", flush=True)
                print(_line("/healthz", healthz[-1]), flush=True)
                print(_line("redirect", redirects[-1]), flush=True)
        # After the server's orderly stop: the clicks still in flight are committed by then.
        counted = total_clicks(database) - before
    answered = sum(result.requests for result in redirects)
    ratio = statistics.median(r.rps / h.rps for r, h in zip(redirects, healthz, strict=True))
    verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
    print("\n== summary (medians of the rounds)")
    print(f"{'redirects (req/s)':36} {statistics.median(r.rps for r in redirects):>10,.0f}")
    print(f"{'/healthz (req/s)':36} {statistics.median(h.rps for h in healthz):>10,.0f}")
    print(f"{'redirects / healthz':36} {ratio:>10.2f}   >= {TARGET_RATIO:.2f}  {verdict}")
    # wrk counts the replies it read; a request in flight when a wrk run stopped (the warm-up
    # included) may be counted by the server without being read: up to one per connection.
    in_flight = config.connections * (config.rounds + 1)
    consistent = answered <= counted <= answered + in_flight
    print(f"{'clicks counted / redirects answered':36} {counted:>10,} / {answered:,}", end="")
    print("   ok" if consistent else "   MISMATCH")


def parse_args(argv: list[str] | None = None) -> Config:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, help="seconds per figure (10; --quick 3)")
    parser.add_argument("--rounds", type=int, help="healthz/redirect rounds (3; --quick 1)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 round of 3 s")
    parser.add_argument("--workers", type=int, default=2, help="server workers (2)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (64)")
    parser.add_argument("--cache-dir", type=Path, help="keep the seeded database here and reuse it")
    args = parser.parse_args(argv)
    return Config(
        duration=args.duration or (3.0 if args.quick else 10.0),
        warmup=1.0 if args.quick else 3.0,
        rounds=args.rounds or (1 if args.quick else 3),
        workers=args.workers,
        connections=args.connections,
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
