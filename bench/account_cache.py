"""Benchmark of the account cache on PostgreSQL (accounts/cache.py; issue 9, item 1).

Three ``smscd serve`` processes on the same data: SQLite, PostgreSQL with the account cache
off (``SMSCD_ACCOUNT_CACHE_SECONDS=0``) and PostgreSQL with it on (the default). Two loads:
``balance.php`` (the cheapest authenticated request: the account, then one row) and the
``get_messages`` mix of bench/history.py. Each (load, server) pair is driven by wrk in turns,
``--rounds`` times, and the medians are compared: cache on against off (what the cache
gains), and each PostgreSQL server against SQLite (the issue's ratio, goal >= 0.8).

    .venv/bin/python bench/account_cache.py --cache-dir /tmp/benchcache \\
        --postgres-url postgresql://postgres@127.0.0.1:5432/test

Needs ``wrk``. Traffic goes to 127.0.0.1 only. It measures, it does not judge.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from fixtures import LOGIN, PASSWORD, history_mix, postgres_copy, seeded_database
from serving import Server, run_wrk, warm_up

BALANCE = f"/sys/balance.php?login={LOGIN}&psw={PASSWORD}&fmt=3"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres-url", required=True, help="postgresql://user@host/db")
    parser.add_argument("--cache-dir", type=Path, help="keep the seeded databases here")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per figure")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="smscd-bench-") as tmp:
        workdir = Path(tmp)
        store = args.cache_dir or workdir
        store.mkdir(parents=True, exist_ok=True)
        large = seeded_database(store, args.messages, reuse=args.cache_dir is not None)
        url = postgres_copy(large, args.postgres_url)
        loads = {"balance": [BALANCE], "history": [r.path for r in history_mix(large)]}
        servers = {
            "SQLite": Server(large, args.workers, workdir / "sqlite.log"),
            "PostgreSQL, cache off": Server(
                url, args.workers, workdir / "pg-off.log", {"SMSCD_ACCOUNT_CACHE_SECONDS": "0"}
            ),
            "PostgreSQL, cache on": Server(
                url, args.workers, workdir / "pg-on.log", {"SMSCD_ACCOUNT_CACHE_SECONDS": "60"}
            ),
        }
        rates: dict[tuple[str, str], list[float]] = {}
        with servers["SQLite"], servers["PostgreSQL, cache off"], servers["PostgreSQL, cache on"]:
            for server in servers.values():
                for paths in loads.values():
                    warm_up(server, paths, 1.0, args.connections)
            for round_ in range(1, args.rounds + 1):
                for load, paths in loads.items():
                    for label, server in servers.items():
                        result = run_wrk(server, paths, args.duration, args.connections)
                        rates.setdefault((load, label), []).append(result.throughput.rps)
                        print(f"round {round_}  {load:8}  {label:22}  {result.throughput.rps:8,.0f}"
                              f" req/s  server {result.throughput.measured_cores:.2f} cores,"
                              f" rest {result.throughput.other_cores:.2f}", flush=True)  # fmt: skip
                        server.wait_idle()

    print(f"\nmedians of {args.rounds} rounds, wrk -c{args.connections} -d{args.duration:g}s,"
          f" {args.workers} workers each")  # fmt: skip
    for load in loads:
        median = {label: statistics.median(rates[(load, label)]) for label in servers}
        sqlite, off, on = (median[label] for label in servers)
        print(f"{load:8}  SQLite {sqlite:7,.0f}  PostgreSQL off {off:7,.0f}  on {on:7,.0f}"
              f"  | on/off {on / off:.2f}  off/SQLite {off / sqlite:.2f}"
              f"  on/SQLite {on / sqlite:.2f} (goal 0.80)")  # fmt: skip


if __name__ == "__main__":
    main()
