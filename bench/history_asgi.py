"""Where the history path's HTTP overhead is: smscd's ASGI app called in-process, one
request after another, against the endpoint's own work (bench/history.py's limit), on the
same mix and database, in one process (issue 9, item 3; docs/performance.md).

No server, no sockets, no concurrency: the difference is what smscd itself does around the
endpoint (Starlette's middleware and routing, the request log and metrics, reading the
parameters, authentication, the admission guard, the response). bench/history_rounds.py
measures the rest (granian, the loopback, wrk, 32 requests in flight).

    .venv/bin/python bench/history_asgi.py --cache-dir /tmp/benchcache

Exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from fixtures import history_mix, seeded_database
from history import open_services, render_history

ENV = {
    "SMSCD_RATE_LIMITS": "off",
    "SMSCD_AUTH_CACHE_SECONDS": "300",
    "SMSCD_BACKGROUND_IN_SERVE": "false",
}


async def measure(database: Path, requests: int, rounds: int) -> list[tuple[float, float]]:
    """Per round: seconds per request through the ASGI app, and through the endpoint."""
    from smscd import logs
    from smscd.app import create_app
    from smscd.settings import load_settings

    mix = history_mix(database)
    settings = load_settings()
    logs.configure(settings.log_level)  # the request log as a server writes it
    app = create_app(settings, freeze_gc=True)
    startup: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    started: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await startup.put({"type": "lifespan.startup"})
    lifespan = asyncio.create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}}, startup.get, started.put)
    )
    if (await started.get())["type"] != "lifespan.startup.complete":
        raise RuntimeError("the app did not start")

    async def call(path: str) -> None:
        route, _, query = path.partition("?")
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": "GET", "scheme": "http", "path": route, "raw_path": route.encode(),
                 "query_string": query.encode(), "root_path": "",
                 "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 50000),
                 "server": ("127.0.0.1", 80)}  # fmt: skip
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await app(scope, receive, send)
        if sent[0]["status"] != 200 or b'"error"' in sent[1]["body"][:40]:
            raise RuntimeError(f"{path}: {sent[:2]}")

    services, account = await open_services(str(database))
    paths = [request.path for request in mix]
    queries = [request.query.encode() for request in mix]
    for path, query in zip(paths, queries, strict=True):  # warm-up; raises on an error
        await call(path)
        await render_history(services, account, query)
    figures = []
    try:
        for _ in range(rounds):
            # Blocks of the mix, alternating: both sides see the same moments of the machine.
            through_app = endpoint = 0.0
            for _block in range(max(1, requests // len(paths))):
                began = time.perf_counter()
                for path in paths:
                    await call(path)
                middle = time.perf_counter()
                for query in queries:
                    await render_history(services, account, query)
                through_app += middle - began
                endpoint += time.perf_counter() - middle
            done = max(1, requests // len(paths)) * len(paths)
            figures.append((through_app / done, endpoint / done))
    finally:
        await services.db.stop()
        await startup.put({"type": "lifespan.shutdown"})
        await lifespan
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=3000, help="a round's requests (3000)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--cache-dir", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="smscd-bench-") as tmp:
        store = args.cache_dir.expanduser().resolve() if args.cache_dir else Path(tmp)
        store.mkdir(parents=True, exist_ok=True)
        database = seeded_database(store, args.messages, reuse=args.cache_dir is not None)
        os.environ.update({**ENV, "SMSCD_DATABASE_URL": f"sqlite:///{database}"})
        stdout, sys.stdout = sys.stdout, open(os.devnull, "w")  # noqa: SIM115 -- the request log
        try:
            figures = asyncio.run(measure(database, args.requests, args.rounds))
        finally:
            sys.stdout.close()
            sys.stdout = stdout
    for n, (through_app, endpoint) in enumerate(figures, 1):
        print(f"round {n}: ASGI app {through_app * 1e6:,.0f} us, endpoint"
              f" {endpoint * 1e6:,.0f} us a request")  # fmt: skip
    app = statistics.median(f[0] for f in figures)
    endpoint = statistics.median(f[1] for f in figures)
    print(f"median: ASGI app {app * 1e6:,.0f} us, endpoint {endpoint * 1e6:,.0f} us;"
          f" smscd's own overhead {(app - endpoint) * 1e6:,.0f} us a request;"
          f" endpoint / app {endpoint / app:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
