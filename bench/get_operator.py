"""Benchmark of ``info.php?get_operator=1``: lookups against a plan of 400,000 ranges, in
process and through HTTP with 100 numbers a request, beside ``/healthz`` for scale.

Generates a realistic synthetic Russian plan (ABC-3xx/4xx/8xx and DEF-9xx codes cut into
ranges of 100 to 1,000,000 numbers, a few dozen operators, every federal subject), writes it
as Rossvyaz files, imports them as ``smscd numbering import`` does, then measures:

- the import (reading and checking the files; writing the generation) and a worker's load;
- lookups per second in process: the index alone, a whole record (``Directory.record``,
  what the endpoint does per number), and the handler with 100 numbers a request;
- ``smscd serve --workers 2`` driven by wrk with 100 numbers a request, and ``/healthz``.

    .venv/bin/python bench/get_operator.py            # 400,000 ranges, 10 s per HTTP figure
    .venv/bin/python bench/get_operator.py --quick    # 40,000 ranges, 3 s

Needs ``wrk`` (``apt-get install wrk``). Traffic goes to 127.0.0.1 only. It measures, it does
not judge: exit 0 whatever the figures, 1 if it could not measure. (Not ``operator.py``: a
script of that name in bench/ would shadow the standard library's ``operator`` module.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from serving import BenchError, Server, get, run_wrk
from smscd.accounts.auth import Authenticator
from smscd.accounts.model import Account
from smscd.accounts.passwords import Passwords
from smscd.accounts.service import NewAccount, create_account
from smscd.db import migrate
from smscd.db.engine import sync_engine
from smscd.db.sqlite import SqliteDatabase
from smscd.http import charsets, params, replies
from smscd.http.client_ip import ClientAddresses
from smscd.http.context import ApiRequest, Services
from smscd.limits.guard import Unguarded
from smscd.numbering import plan, regions, store
from smscd.numbering.endpoint import get_operator
from smscd.numbering.service import NumberingService
from smscd.settings import load_settings

SEED = 1
LOGIN, PASSWORD = "bench", "bench-password"
PER_REQUEST = 100
PATHS = 50  # distinct request paths wrk rotates over
TARGET_LOOKUPS = 100_000  # per second, in process
# ABC (geographic) and DEF (mobile) codes of the Russian plan.
CODES = [f"{c}" for c in (*range(301, 500), *range(811, 880), *range(900, 1000))]
SIZES = (100, 500, 1000, 2000, 5000, 10_000, 50_000, 100_000, 1_000_000)
SIZE_WEIGHTS = (150, 150, 250, 150, 120, 120, 40, 15, 1)  # mean about 7,000 numbers
BIG_FOUR = (
    ('ПАО "МТС"', "7740000076"),
    ('ПАО "МегаФон"', "7812014560"),
    ('ПАО "ВымпелКом"', "7713076301"),
    ('ООО "Т2 Мобайл"', "7743895280"),
)


def _operators(rng: random.Random) -> list[tuple[str, str]]:
    """The big four and 60 small operators with made-up INNs."""
    small = [(f'ООО "Связь-{i}"', f"{rng.randrange(10**9, 10**10)}") for i in range(60)]
    return [*BIG_FOUR, *small]


def plan_files(directory: Path, target: int) -> list[Path]:
    """About ``target`` ranges as two Rossvyaz files (ABC in cp1251, DEF in UTF-8 with BOM)."""
    rng = random.Random(SEED)
    operators = _operators(rng)
    weights = [30, 25, 20, 20] + [1] * (len(operators) - 4)
    subjects = [subject.name for subject in regions.SUBJECTS]
    mean = sum(s * w for s, w in zip(SIZES, SIZE_WEIGHTS, strict=True)) / sum(SIZE_WEIGHTS)
    per_code = max(1, int(1.1 * target * mean / len(CODES)))  # numbers used in each code
    header = "АВС/ DEF;От;До;Емкость;Оператор;Регион;Территория ГАР;ИНН"
    lines: dict[str, list[str]] = {"abc": [header], "def": [header]}
    count = 0
    for code in CODES:
        kind = "def" if code.startswith("9") else "abc"
        position, used = 0, 0
        while used < per_code and count < target:
            size = rng.choices(SIZES, SIZE_WEIGHTS)[0]
            if position + size > 10_000_000:
                break
            name, inn = rng.choices(operators, weights)[0]
            region = rng.choice(subjects)
            last = position + size - 1
            lines[kind].append(
                f"{code};{position:07d};{last:07d};{size};{name};{region};{region};{inn}"
            )
            position += size * (2 if rng.random() < 0.125 else 1)  # now and then a gap
            used += size
            count += 1
    abc, def_ = directory / "ABC-3xx-8xx.csv", directory / "DEF-9xx.csv"
    abc.write_bytes("\r\n".join(lines["abc"]).encode("cp1251"))
    def_.write_bytes("\ufeff".encode() + "\r\n".join(lines["def"]).encode())
    return [abc, def_]


@dataclass(frozen=True)
class Prepared:
    database: Path
    ranges: int
    read_seconds: float
    write_seconds: float


def prepare(workdir: Path, target: int) -> Prepared:
    database = workdir / "operator.db"
    engine = sync_engine(f"sqlite:///{database}")
    try:
        migrate.upgrade(engine)
        settings = load_settings()
        with engine.begin() as conn:
            passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
            create_account(conn, NewAccount(LOGIN, PASSWORD), passwords)
        files = plan_files(workdir, target)
        started = time.perf_counter()
        ranges = plan.read_files([(str(path), path.read_bytes()) for path in files])
        read = time.perf_counter() - started
        started = time.perf_counter()
        store.import_plan(engine, ranges, [path.name for path in files], int(time.time()))
        write = time.perf_counter() - started
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()
    return Prepared(database, len(ranges), read, write)


def sample_numbers(database: Path, count: int) -> list[str]:
    """Numbers inside the plan's ranges (and a tenth outside them), in a fixed order."""
    rng = random.Random(SEED + 1)
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        bounds = conn.execute("SELECT first_number, last_number FROM numbering_ranges").fetchall()
    numbers = []
    for _ in range(count):
        first, last = rng.choice(bounds)
        number = rng.randint(first, last) if rng.random() < 0.9 else rng.randint(first, last) + 1
        numbers.append(str(number))
    return numbers


def rate(function: Callable[[], object], items: int, seconds: float) -> float:
    """Items per second of repeated ``function()`` calls (each handling ``items``)."""
    done, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        function()
        done += items
    return done / elapsed


@dataclass(frozen=True)
class InProcess:
    load_seconds: float
    memory_mb: float
    index_per_second: float
    records_per_second: float
    handler_numbers_per_second: float


async def in_process(database: Path, numbers: list[str], seconds: float) -> InProcess:
    settings = load_settings()
    db = SqliteDatabase(str(database), settings.sqlite_threads)
    await db.start()
    try:
        service = NumberingService(db)
        tracemalloc.start()  # a first load, to see what the directory keeps
        await service.load()
        kept = tracemalloc.get_traced_memory()[0] / 2**20
        tracemalloc.stop()
        started = time.perf_counter()
        await service.load()
        load = time.perf_counter() - started
        directory, now = service.directory, time.time()
        index, ints = directory.index, [int(n) for n in numbers]

        def index_only() -> None:
            for n in ints:
                index.find(n)

        def records() -> None:
            for phone in numbers:
                directory.record(phone, "ru", now)

        passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
        authenticator = Authenticator(db, passwords, settings.auth_cache_seconds)
        services = Services(
            settings,
            db,
            authenticator,
            time.time,
            Unguarded(),
            ClientAddresses(""),
            domain={NumberingService: service},
        )
        account: Account = await authenticator.authenticate(LOGIN, PASSWORD, "", "127.0.0.1")
        queries = [_query(numbers[i : i + PER_REQUEST]).encode() for i in range(0, 1000, 100)]

        async def requests() -> int:
            done, started = 0, time.perf_counter()
            while time.perf_counter() - started < seconds:
                for query in queries:
                    pairs = params.urlencoded_pairs(query, 1000)
                    parsed = params.Params(params.decode(pairs, charsets.UTF_8), 3, charsets.UTF_8)
                    request = ApiRequest(parsed, account, db, time.time(), services)
                    reply = await get_operator(request)
                    replies.encode(replies.render(reply, 3), 3, charsets.UTF_8)
                    done += PER_REQUEST
            return done

        started = time.perf_counter()
        handled = await requests()
        handler = handled / (time.perf_counter() - started)
        return InProcess(
            load_seconds=load,
            memory_mb=kept,
            index_per_second=rate(index_only, len(ints), seconds),
            records_per_second=rate(records, len(numbers), seconds),
            handler_numbers_per_second=handler,
        )
    finally:
        await db.stop()


def _query(numbers: list[str]) -> str:
    return (
        f"get_operator=1&login={LOGIN}&psw={PASSWORD}&fmt=3&charset=utf-8&phone={','.join(numbers)}"
    )


def over_http(database: Path, numbers: list[str], workers: int, duration: float, connections: int):
    paths = [
        f"/sys/info.php?{_query(numbers[i * PER_REQUEST : (i + 1) * PER_REQUEST])}"
        for i in range(PATHS)
    ]
    with (
        tempfile.TemporaryDirectory(prefix="smscd-bench-serve-") as tmp,
        Server(database, workers, Path(tmp) / "serve.log") as server,
    ):
        status, body = get(server.port, paths[0])
        reply = json.loads(body) if status == 200 else None
        if not isinstance(reply, list) or len(reply) != PER_REQUEST:
            raise BenchError(f"get_operator answered {status}: {body[:200]!r}")
        for path in paths:  # every worker authenticates once (argon2) before the load
            get(server.port, path)
        run_wrk(server, paths, min(duration, 2.0), connections)  # warm-up
        operator = run_wrk(server, paths, duration, connections)
        healthz = run_wrk(server, ["/healthz"], duration, connections)
    return operator, healthz


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ranges", type=int, help="ranges of the plan (400,000; --quick 40,000)")
    parser.add_argument("--duration", type=float, help="seconds per figure (10; --quick 3)")
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    parser.add_argument("--workers", type=int, default=2, help="server workers (2)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (64)")
    args = parser.parse_args(argv)
    target = args.ranges or (40_000 if args.quick else 400_000)
    duration = args.duration or (3.0 if args.quick else 10.0)
    if shutil.which("wrk") is None:
        print("benchmark failed: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 1
    try:
        with tempfile.TemporaryDirectory(prefix="smscd-bench-operator-") as tmp:
            print(f"generating and importing about {target:,} ranges ...", flush=True)
            prepared = prepare(Path(tmp), target)
            print(
                f"imported {prepared.ranges:,} ranges: read and checked in "
                f"{prepared.read_seconds:.1f} s, written in {prepared.write_seconds:.1f} s",
                flush=True,
            )
            numbers = sample_numbers(prepared.database, PATHS * PER_REQUEST)
            local = asyncio.run(in_process(prepared.database, numbers, duration))
            print(
                f"worker load: {local.load_seconds:.2f} s, "
                f"the loaded directory holds {local.memory_mb:.0f} MB",
                flush=True,
            )
            print(f"\n== in process, {prepared.ranges:,} ranges, one process", flush=True)
            verdict = "met" if local.records_per_second >= TARGET_LOOKUPS else "MISSED"
            print(f"  index alone (bisect):       {local.index_per_second:>12,.0f} lookups/s")
            print(
                f"  whole record per number:    {local.records_per_second:>12,.0f} lookups/s"
                f"   target >= {TARGET_LOOKUPS:,}: {verdict}"
            )
            print(
                f"  handler, {PER_REQUEST} numbers a request: "
                f"{local.handler_numbers_per_second:>9,.0f} numbers/s "
                f"({local.handler_numbers_per_second / PER_REQUEST:,.0f} requests/s)"
            )
            print(
                f"\n== HTTP: smscd serve --workers {args.workers}, wrk -t1 "
                f"-c{args.connections} -d{duration:g}s",
                flush=True,
            )
            operator, healthz = over_http(
                prepared.database, numbers, args.workers, duration, args.connections
            )
            for label, result, unit in (
                (f"get_operator ({PER_REQUEST} numbers)", operator, PER_REQUEST),
                ("/healthz", healthz, 1),
            ):
                rps = result.throughput.rps
                extra = f" = {rps * unit:,.0f} numbers/s" if unit > 1 else ""
                print(
                    f"  {label:28} {rps:>9,.0f} req/s{extra}; p50 {result.p50_ms:.2f} ms, "
                    f"p99 {result.p99_ms:.2f} ms; server CPU {result.throughput.measured_cores:.2f}"
                    f" cores, wrk {result.wrk_cores:.2f}"
                    + (f"; wrk reported: {result.problems}" if result.problems else "")
                )
    except (BenchError, subprocess.CalledProcessError) as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
