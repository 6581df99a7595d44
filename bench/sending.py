"""Benchmark of ``send.php``: messages accepted per second over HTTP, for 1 and for 100
recipients a request, against the in-process cost of the same requests (send.php's handler
called directly: the same units of work without HTTP); and delivery through the simulator
(accepted -> delivered, messages a second). SQLite, and PostgreSQL with ``--postgres-url``.

Run from the project root (docs/performance.md, "Sending")::

    .venv/bin/python bench/sending.py
    .venv/bin/python bench/sending.py --postgres-url postgresql://postgres@127.0.0.1:5432/test

Needs ``wrk``. Sends traffic to 127.0.0.1 only. Measures; does not judge.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import httpx
import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from smscd import components, runtime
from smscd.accounts.passwords import Passwords
from smscd.accounts.service import NewAccount, create_account
from smscd.billing import store
from smscd.db import migrate
from smscd.db.connect import open_database
from smscd.db.engine import sync_engine
from smscd.delivery import routing
from smscd.delivery.connectors import registry
from smscd.history.tables import messages
from smscd.http import charsets
from smscd.http.context import ApiRequest
from smscd.http.params import Params
from smscd.sending import endpoint as sending
from smscd.sending import senders
from smscd.settings import load_settings

SECONDS = 8.0
CONNECTIONS = 32
RULES = {"tps": 1_000_000, "delay": [0, 0], "mix": {"delivered": 1}}
ENV = {
    "SMSCD_RATE_LIMITS": "off",
    "SMSCD_ARGON2_TIME_COST": "1",
    "SMSCD_ARGON2_MEMORY_KIB": "64",
    "SMSCD_AUTH_CACHE_SECONDS": "600",
}


def prepare(url: str, connector: tuple[str, str, str] | None = None) -> None:
    """Schema, an account with money and a sender name, a connector (name, kind, config;
    the simulator unless given) and its route."""
    name, kind, config = connector or ("sim", "simulator", json.dumps(RULES))
    engine = sync_engine(url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        account_id = create_account(conn, NewAccount("bench", "bench-pw"), Passwords(1, 64))
        senders.add(conn, account_id, "SMSC.RU", make_default=True)
        registry.add(conn, name, kind, config)
        routing.add_route(conn, name)

    async def pay() -> None:
        db = await open_database(url, 1, 1)
        try:
            async with db.transaction() as tx:
                await store.pay(tx, account_id, 10**15, 1, int(time.time()), "bench")
        finally:
            await db.stop()

    asyncio.run(pay())
    engine.dispose()


def path(recipients: int, n: int = 0) -> str:
    phones = ",".join(f"49151{n:04d}{i:04d}" for i in range(recipients))
    return "/sys/send.php?" + urlencode(
        {"login": "bench", "psw": "bench-pw", "phones": phones, "mes": "Benchmark", "fmt": 1}
    )


@dataclass(frozen=True)
class Figure:
    label: str
    requests_per_s: float

    def messages_per_s(self, recipients: int) -> float:
        return self.requests_per_s * recipients


def in_process(url: str, recipients: int, seconds: float) -> Figure:
    """send.php's handler called directly (no HTTP, no parsing, no authentication): the
    same units of work, CONNECTIONS concurrent callers, one process."""
    settings = load_settings(database_url=url, rate_limits=False, argon2_time_cost=1,
                             argon2_memory_kib=64, background_in_serve=False)  # fmt: skip
    worker = runtime.server(settings)
    values = dict(parse_qsl(path(recipients).split("?", 1)[1]))

    async def main() -> float:
        async with components.started(worker.components):
            services = worker.services
            assert services is not None
            account = await services.authenticator.authenticate("bench", "bench-pw", "", None)
            params = Params(values, 1, charsets.DEFAULT)
            done = 0
            deadline = time.perf_counter() + seconds
            started = time.perf_counter()

            async def caller() -> None:
                nonlocal done
                while time.perf_counter() < deadline:
                    request = ApiRequest(params, account, services.db, time.time(), services)
                    await sending.send(request)
                    done += 1

            await asyncio.gather(*(caller() for _ in range(CONNECTIONS)))
            return done / (time.perf_counter() - started)

    return Figure("in-process", asyncio.run(main()))


def over_http(url: str, recipients: int, seconds: float, tmp: Path) -> Figure:
    """``smscd serve`` (one worker, no background jobs: acceptance alone) under wrk."""
    port = free_port()
    env = {**os.environ, **ENV, "SMSCD_DATABASE_URL": url, "SMSCD_BACKGROUND_IN_SERVE": "false"}
    log = (tmp / "serve.log").open("wb")
    server = subprocess.Popen(  # noqa: S603 -- our own argv
        [sys.executable, "-m", "smscd.cli", "serve", "--port", str(port), "--workers", "1"],
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        wait_ready(port)
        httpx.get(f"http://127.0.0.1:{port}{path(recipients)}", timeout=30)  # warm
        script = tmp / "send.lua"
        script.write_text(f'wrk.path = "{path(recipients)}"\n')
        wrk = shutil.which("wrk") or "wrk"
        out = subprocess.run(  # noqa: S603
            [wrk, "-t1", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "-s", str(script),
             f"http://127.0.0.1:{port}"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        rps = float(out.split("Requests/sec:")[1].split()[0])
        if "Non-2xx" in out:
            raise RuntimeError(out)
        return Figure("HTTP", rps)
    finally:
        server.terminate()
        server.wait(30)
        log.close()


def delivery(url: str, tmp: Path, count: int) -> float:
    """Messages a second from accepted to delivered: ``count`` queued, then a server with
    the delivery worker started, timed until the last is delivered."""
    port = free_port()
    env = {**os.environ, **ENV, "SMSCD_DATABASE_URL": url, "SMSCD_BACKGROUND_IN_SERVE": "false"}
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "smscd.cli", "serve", "--port", str(port), "--workers", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        wait_ready(port)
        for n in range(count // 100):
            httpx.get(f"http://127.0.0.1:{port}{path(100, n)}", timeout=30).raise_for_status()
    finally:
        server.terminate()
        server.wait(30)
    engine = sync_engine(url)
    worker = subprocess.Popen(
        [sys.executable, "-m", "smscd.cli", "worker"], stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT, env={**os.environ, **ENV, "SMSCD_DATABASE_URL": url},
    )  # fmt: skip
    started = time.perf_counter()
    try:
        while True:
            with engine.connect() as conn:
                left = conn.execute(
                    select(func.count()).where(messages.c.state != "delivered")
                ).scalar_one()
            if left == 0:
                return count / (time.perf_counter() - started)
            time.sleep(0.05)
    finally:
        worker.terminate()
        worker.wait(30)
        engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError("server not ready")


def databases(kind: str, tmp: Path, admin: str | None) -> str:
    """A fresh database URL of ``kind`` each call; PostgreSQL ones are dropped at exit."""
    if kind == "sqlite":
        return f"sqlite:///{tmp / f'bench-{secrets.token_hex(3)}.db'}"
    assert admin is not None
    name = f"smscd_bench_{secrets.token_hex(4)}"
    base = make_url(admin)
    dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    CREATED.append((dsn, name))
    return base.set(database=name).render_as_string(hide_password=False)


CREATED: list[tuple[str, str]] = []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres-url")
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--delivered", type=int, default=5000)
    args = parser.parse_args()
    kinds = ["sqlite"] + (["postgresql"] if args.postgres_url else [])
    rows = []
    try:
        with tempfile.TemporaryDirectory() as directory:
            tmp = Path(directory)
            for kind in kinds:
                for recipients in (1, 100):
                    url = databases(kind, tmp, args.postgres_url)
                    prepare(url)
                    local = in_process(url, recipients, args.seconds)
                    url = databases(kind, tmp, args.postgres_url)
                    prepare(url)
                    http = over_http(url, recipients, args.seconds, tmp)
                    rows.append((kind, recipients, local, http))
                url = databases(kind, tmp, args.postgres_url)
                prepare(url)
                rate = delivery(url, tmp, args.delivered)
                rows.append((kind, "delivery", rate, None))
    finally:
        for dsn, name in CREATED:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"send.php, {CONNECTIONS} connections, {args.seconds:g} s a figure, 1 worker, "
          f"{os.cpu_count()} cores shared with the load generator")  # fmt: skip
    print("| database | recipients | in-process req/s | HTTP req/s | HTTP messages/s | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, recipients, local, http in rows:
        if recipients == "delivery":
            print(f"| {kind} | delivery (simulator) | | | {local:,.0f} delivered/s | |")
            continue
        ratio = http.requests_per_s / local.requests_per_s
        print(f"| {kind} | {recipients} | {local.requests_per_s:,.0f} | "
              f"{http.requests_per_s:,.0f} | {http.messages_per_s(recipients):,.0f} | "
              f"{ratio:.2f} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
