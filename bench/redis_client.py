"""Side experiment behind ``limits/resp.py``: CPU per Redis command of redis-py's asyncio
client against the limits' pipelined client, in the same run, one at a time and with 32
concurrent callers (a loaded worker's requests), on ``PING`` and on the admission script.

    .venv/bin/python bench/redis_client.py [--redis-url redis://127.0.0.1:6379/0]

Prints microseconds of this process's CPU per command (the client's own cost: packing,
syscalls, parsing, scheduling) and the ratio. Exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import time
from collections.abc import Awaitable, Callable

import redis
import redis.asyncio

from smscd.limits.in_redis import ADMIT
from smscd.limits.resp import Pipe

COMMANDS = 20_000


async def cpu_per_call(call: Callable[[], Awaitable[object]], concurrency: int) -> float:
    """Microseconds of CPU per ``call``, ``COMMANDS`` calls by ``concurrency`` callers."""

    async def caller(count: int) -> None:
        for _ in range(count):
            await call()

    await caller(200)  # warm-up: connections made, scripts loaded
    started = time.process_time()
    await asyncio.gather(*(caller(COMMANDS // concurrency) for _ in range(concurrency)))
    return (time.process_time() - started) / COMMANDS * 1e6


async def run(url: str) -> None:
    prefix = f"smscd-bench-client-{secrets.token_hex(4)}:"
    keys = [f"{prefix}block", f"{prefix}flight", f"{prefix}window"]

    def admit_args() -> list[object]:
        return [repr(time.time()), secrets.token_hex(6), 0, "30.0", 10**9, "60.0"]

    pooled = redis.asyncio.Redis.from_url(url)
    script = pooled.register_script(ADMIT.body)
    pipe = Pipe(url, timeout=5.0)
    calls: dict[str, dict[str, Callable[[], Awaitable[object]]]] = {
        "PING": {"redis-py": pooled.ping, "resp.py": lambda: pipe.call("PING")},
        "admit script": {
            "redis-py": lambda: script(keys=keys, args=admit_args()),
            "resp.py": lambda: pipe.evalsha(ADMIT, keys, admit_args()),
        },
    }
    try:
        print(f"{'command':14} {'callers':>7} {'redis-py us':>12} {'resp.py us':>11} {'ratio':>6}")
        for name, clients in calls.items():
            for concurrency in (1, 32):
                py = await cpu_per_call(clients["redis-py"], concurrency)
                ours = await cpu_per_call(clients["resp.py"], concurrency)
                print(f"{name:14} {concurrency:>7} {py:>12.1f} {ours:>11.1f} {py / ours:>6.1f}")
    finally:
        await pooled.aclose()
        await pipe.close()
        with redis.Redis.from_url(url) as conn:
            conn.delete(*keys)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args(argv)
    try:
        asyncio.run(run(args.redis_url))
    except (redis.RedisError, OSError) as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
