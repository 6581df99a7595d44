"""The history path's HTTP throughput against its in-process limit, in rounds, for one or
more settings of ``SMSCD_SQLITE_INLINE_READ_MS`` (issue 9, item 3; docs/performance.md,
"The history path").

Each round measures, for each setting in turn, the in-process limit (bench/history.py's
loop: the endpoint's work without HTTP, in as many processes as server workers) and then
``smscd serve`` under ``wrk`` with the same mix, so that every setting sees the same
moments of the machine. The summary gives, per setting, the median req/s of each and the
median of the rounds' ratios HTTP / limit (goal >= 0.85).

    .venv/bin/python bench/history_rounds.py --cache-dir /tmp/benchcache --inline-ms 0,2

Needs ``wrk``; seeds (or reuses, with ``--cache-dir``) the 1M-message database of
bench/history.py. Exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from fixtures import history_mix, seeded_database
from history import Config, in_process_limit
from serving import NOISE_WARNING, BenchError, Server, run_wrk, warm_up

TARGET = 0.85
SETTING = "SMSCD_SQLITE_INLINE_READ_MS"


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
    noise = 0.0
    try:
        with tempfile.TemporaryDirectory(prefix="smscd-bench-") as tmp:
            store = args.cache_dir.expanduser().resolve() if args.cache_dir else Path(tmp)
            store.mkdir(parents=True, exist_ok=True)
            large = seeded_database(store, args.messages, reuse=args.cache_dir is not None)
            mix = history_mix(large)
            paths = [request.path for request in mix]
            for round_ in range(1, args.rounds + 1):
                for budget in budgets:
                    os.environ[SETTING] = budget  # the limit's processes read it at spawn
                    limit = in_process_limit(large, mix, config)
                    log = Path(tmp) / f"serve-{budget}.log"
                    with Server(large, args.workers, log, {SETTING: budget}) as server:
                        warm_up(server, paths, config.warmup, args.connections)
                        http = run_wrk(server, paths, args.duration, args.connections)
                    ratio = http.throughput.rps / limit.rps
                    limits[budget].append(limit.rps)
                    served[budget].append(http.throughput.rps)
                    ratios[budget].append(ratio)
                    noise = max(noise, limit.other_cores, http.throughput.other_cores)
                    print(f"round {round_}, {SETTING}={budget}: limit {limit.rps:,.0f} req/s,"
                          f" HTTP {http.throughput.rps:,.0f} req/s (server"
                          f" {http.throughput.measured_cores:.2f} cores), ratio {ratio:.2f}",
                          flush=True)  # fmt: skip
    except BenchError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    print("\n== summary (medians of the rounds)")
    print(f"{SETTING:32} {'limit req/s':>12} {'HTTP req/s':>12} {'HTTP / limit':>13}")
    for budget in budgets:
        ratio = statistics.median(ratios[budget])
        verdict = "met" if ratio >= TARGET else "MISSED"
        print(f"{budget:32} {statistics.median(limits[budget]):>12,.0f}"
              f" {statistics.median(served[budget]):>12,.0f} {ratio:>13.2f}"
              f"   >= {TARGET}  {verdict}")  # fmt: skip
    if noise > NOISE_WARNING:
        print(f"warning: other work used up to {noise:.2f} cores during the figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
