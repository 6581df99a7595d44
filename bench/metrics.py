"""Cost of the metrics middleware on the request path: balance.php requests per second,
in process (httpx's ASGI transport, no network), with ``SMSCD_METRICS`` on and off in the
same run, in alternating rounds; prints both rates and their ratio (docs/operations.md).

    .venv/bin/python bench/metrics.py [--requests 3000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import httpx

from smscd.accounts.passwords import Passwords
from smscd.app import create_app
from smscd.db.engine import sync_engine
from smscd.demo import seed
from smscd.settings import load_settings


async def rate(metrics_on: bool, url: str, requests: int) -> float:
    settings = load_settings(
        database_url=url, metrics=metrics_on, access_log=False, rate_limits=False,
        background_in_serve=False,
    )  # fmt: skip
    app = create_app(settings)
    key = seed.demo_api_key(1)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for _ in range(100):  # warm up
                await client.get("/sys/balance.php", params={"apikey": key})
            start = time.perf_counter()
            for _ in range(requests):
                await client.get("/sys/balance.php", params={"apikey": key})
            return requests / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp())
    url = f"sqlite:///{directory / 'bench.db'}"
    engine = sync_engine(url)
    seed.seed(engine, Passwords(1, 64), messages=1000, seed=1, now=int(time.time()))
    engine.dispose()
    on, off = [], []
    for _ in range(args.rounds):
        off.append(asyncio.run(rate(False, url, args.requests)))
        on.append(asyncio.run(rate(True, url, args.requests)))
    best_on, best_off = max(on), max(off)
    print(f"balance.php requests/s, metrics off: {best_off:.0f}, on: {best_on:.0f}")
    print(f"ratio on/off: {best_on / best_off:.3f}")


if __name__ == "__main__":
    main()
