"""The history path's HTTP throughput against its in-process limit, in rounds, for one or
more settings of ``SMSCD_SQLITE_INLINE_READ_MS`` (issue 9, item 3; docs/performance.md,
"The history path").

Each round measures, for each setting in turn, the in-process limit (bench/history.py's
loop: the endpoint's work without HTTP, in as many processes as server workers) and then
``smscd serve`` under ``wrk`` with the same mix, so that every setting sees the same
moments of the machine. The summary gives, per setting, the median req/s of each and the
median of the rounds' ratios HTTP / limit (goal >= 0.85).

Each round also serves the same replies (recorded from smscd once) from bare_replies.py, an
app that does nothing but answer them, on granian with the same workers: the HTTP stack's
own cost (granian, the loopback, wrk) on the same cores. Its ``ceiling``, bare / (bare +
limit), is the ratio a server would reach whose only cost beyond the limit's work were the
stack's: the most the goal can be measured at on this machine.

    .venv/bin/python bench/history_rounds.py --cache-dir /tmp/benchcache --inline-ms 0,2

Needs ``wrk``; seeds (or reuses, with ``--cache-dir``) the 1M-message database of
bench/history.py. Exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from bare_replies import VARIABLE
from fixtures import history_mix, seeded_database
from history import Config, in_process_limit
from serving import NOISE_WARNING, BenchError, Server, run_wrk, warm_up

TARGET = 0.85
BARE_APP = "bare_replies:create"
SETTING = "SMSCD_SQLITE_INLINE_READ_MS"


def record_replies(server: Server, paths: list[str], into: Path) -> None:
    """Each path's reply from smscd (content type and body), for bare_replies.py."""
    recorded: dict[str, tuple[str, str]] = {}
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        for path in paths:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                raise BenchError(f"{path} answered {response.status}")
            recorded[path] = (response.getheader("content-type", ""), body.decode("latin-1"))
    finally:
        connection.close()
    into.write_text(json.dumps(recorded), encoding="utf-8")


def ceiling_of(limit: float, bare: float) -> float:
    """HTTP / limit of a server whose only cost beyond the endpoint's work (``limit``
    req/s on the machine's cores) is the HTTP stack's (``bare`` req/s on the same cores,
    wrk and the kernel included): the costs per request add up, so the rate is
    1 / (1/limit + 1/bare)."""
    return bare / (bare + limit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--inline-ms", default="0", help="settings to compare, e.g. 0,2 (0)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (3)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per figure (5)")
    parser.add_argument("--workers", type=int, default=2, help="server workers (2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--cache-dir", type=Path)
    args = parser.parse_args(argv)
    budgets = [item.strip() for item in args.inline_ms.split(",") if item.strip()]
    config = Config(duration=args.duration, warmup=2.0, workers=args.workers,
                    connections=args.connections, messages=args.messages, latency_requests=0,
                    cache_dir=args.cache_dir, postgres_url=None)  # fmt: skip
    limits: dict[str, list[float]] = {b: [] for b in budgets}
    served: dict[str, list[float]] = {b: [] for b in budgets}
    ratios: dict[str, list[float]] = {b: [] for b in budgets}
    ceilings: dict[str, list[float]] = {b: [] for b in budgets}
    bare_rps: list[float] = []
    noise = 0.0
    try:
        with tempfile.TemporaryDirectory(prefix="smscd-bench-") as tmp:
            store = args.cache_dir.expanduser().resolve() if args.cache_dir else Path(tmp)
            store.mkdir(parents=True, exist_ok=True)
            large = seeded_database(store, args.messages, reuse=args.cache_dir is not None)
            mix = history_mix(large)
            paths = [request.path for request in mix]
            replies = Path(tmp) / "replies.json"
            with Server(large, args.workers, Path(tmp) / "record.log") as server:
                record_replies(server, paths, replies)
            for round_ in range(1, args.rounds + 1):
                # The ceiling first: the same replies from an app that does nothing else.
                bare_env = {VARIABLE: str(replies)}
                bare_log = Path(tmp) / "bare.log"
                with Server(large, args.workers, bare_log, bare_env, app=BARE_APP) as bare:
                    warm_up(bare, paths, config.warmup, args.connections)
                    stack = run_wrk(bare, paths, args.duration, args.connections)
                bare_rps.append(stack.throughput.rps)
                for budget in budgets:
                    os.environ[SETTING] = budget  # the limit's processes read it at spawn
                    limit = in_process_limit(large, mix, config)
                    log = Path(tmp) / f"serve-{budget}.log"
                    with Server(large, args.workers, log, {SETTING: budget}) as server:
                        warm_up(server, paths, config.warmup, args.connections)
                        http = run_wrk(server, paths, args.duration, args.connections)
                    ratio = http.throughput.rps / limit.rps
                    ceiling = ceiling_of(limit.rps, stack.throughput.rps)
                    ceilings[budget].append(ceiling)
                    limits[budget].append(limit.rps)
                    served[budget].append(http.throughput.rps)
                    ratios[budget].append(ratio)
                    noise = max(noise, limit.other_cores, http.throughput.other_cores)
                    print(f"round {round_}, {SETTING}={budget}: limit {limit.rps:,.0f} req/s,"
                          f" HTTP {http.throughput.rps:,.0f} req/s (server"
                          f" {http.throughput.measured_cores:.2f} cores), ratio {ratio:.2f};"
                          f" bare HTTP {stack.throughput.rps:,.0f} req/s (wrk"
                          f" {stack.wrk_cores:.2f} cores), ceiling {ceiling:.2f}",
                          flush=True)  # fmt: skip
    except BenchError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    print("\n== summary (medians of the rounds)")
    print(f"{SETTING:32} {'limit req/s':>12} {'HTTP req/s':>12} {'HTTP / limit':>13}"
          f" {'ceiling':>8}")  # fmt: skip
    for budget in budgets:
        ratio = statistics.median(ratios[budget])
        verdict = "met" if ratio >= TARGET else "MISSED"
        print(f"{budget:32} {statistics.median(limits[budget]):>12,.0f}"
              f" {statistics.median(served[budget]):>12,.0f} {ratio:>13.2f}"
              f" {statistics.median(ceilings[budget]):>8.2f}"
              f"   >= {TARGET}  {verdict}")  # fmt: skip
    print(f"bare HTTP (the recorded replies, nothing else): {statistics.median(bare_rps):,.0f}"
          " req/s; ceiling = bare / (bare + limit): the ratio a server whose only cost"
          " beyond the limit's work were the HTTP stack's would reach")  # fmt: skip
    if noise > NOISE_WARNING:
        print(f"warning: other work used up to {noise:.2f} cores during the figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
