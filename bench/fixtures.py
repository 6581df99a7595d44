"""What the benchmarks share: seeded demo databases (optionally cached) and the request mix.

Databases are made by the real ``smscd seed-demo`` command. A cached database is reused
only while its newest message is less than :data:`CACHE_MAX_AGE_DAYS` old, because the
period requests (``start=DD.MM.YYYY``, which the API accepts up to six months back) are
drawn from the data's own dates.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

SEED = 1
LOGIN = "demo"
PASSWORD = "demo"  # noqa: S105 -- the demo account seed-demo creates
CACHE_MAX_AGE_DAYS = 30
BASE_QUERY = f"get_messages=1&login={LOGIN}&psw={PASSWORD}&cnt=100&fmt=3&charset=utf-8"
PER_KIND = 4  # requests of each kind in the mix


@dataclass(frozen=True)
class HistoryRequest:
    """One ``get_messages`` request of the mix: its kind (for reports) and its query string."""

    kind: str
    query: str

    @property
    def path(self) -> str:
        return f"/sys/get.php?{self.query}"


def smscd_command() -> list[str]:
    """The ``smscd`` console script of the running interpreter's environment."""
    script = Path(sys.executable).with_name("smscd")
    return [str(script)] if script.exists() else ["smscd"]


def _usable_cache(path: Path) -> bool:
    if not path.exists():
        return False
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        row = conn.execute(
            "SELECT max(m.send_ts) FROM messages m JOIN accounts a ON a.id = m.account_id"
            " WHERE a.login = ?",
            (LOGIN,),
        ).fetchone()
    newest = row[0] if row else None
    return newest is not None and time.time() - newest < CACHE_MAX_AGE_DAYS * 86400


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def seeded_database(directory: Path, messages: int, *, reuse: bool) -> Path:
    """A database of ``directory`` seeded with ``messages`` sent messages for ``demo``.

    With ``reuse``, a fresh file from an earlier run is migrated and returned (seeded again
    if its schema cannot be migrated any more: migrations change during development). A new
    one is seeded under a temporary name and renamed only when complete, so that an
    interrupted run never leaves a half-seeded cache behind.
    """
    path = directory / f"smscd-demo-{messages}-seed{SEED}.db"
    if reuse and _usable_cache(path):
        upgrade = [*smscd_command(), "db", "upgrade", "--database", f"sqlite:///{path}"]
        migrated = subprocess.run(upgrade, capture_output=True, check=False)  # noqa: S603
        if migrated.returncode == 0:
            print(f"reusing {path} (schema brought up to date)", flush=True)
            return path
        print(f"cannot migrate {path}; seeding it again", flush=True)
    partial = path.with_name(path.name + ".partial")
    _remove_database(partial)
    print(f"seeding {path} with {messages:,} messages ...", flush=True)
    started = time.perf_counter()
    now = int(time.time()) // 60 * 60
    # The data's "now", so that PostgreSQL can be seeded with the same rows.
    path.with_name(path.name + ".now").write_text(str(now))
    seed = ["seed-demo", "--database", f"sqlite:///{partial}", "--messages", str(messages)]
    command = [*smscd_command(), *seed, "--seed", str(SEED), "--now", str(now)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 -- our own argv
    with sqlite3.connect(partial) as conn:  # fold the WAL into the file before renaming it
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _remove_database(path)
    shutil.move(partial, path)
    _remove_database(partial)
    print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def _demo_summary(url: str) -> tuple[int, int] | None:
    """The demo account's messages and newest send time on PostgreSQL (None: no data)."""
    import psycopg  # the test dependency; only --postgres-url needs it

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute(
                "SELECT count(*), max(m.send_ts) FROM messages m JOIN accounts a"
                " ON a.id = m.account_id WHERE a.login = %s",
                (LOGIN,),
            ).fetchone()
    except psycopg.Error:
        return None
    return (row[0], row[1]) if row and row[1] is not None else None


def postgres_copy(sqlite_path: Path, admin_url: str) -> str:
    """A PostgreSQL database with the rows of ``sqlite_path`` (seeded by seed-demo with the
    same seed and "now"), then ``VACUUM ANALYZE``d; reused while it matches. Its URL."""
    import psycopg

    name = sqlite_path.stem.replace("-", "_")
    base, _, _ = admin_url.rpartition("/")
    url = f"{base}/{name}"
    with sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True) as conn:
        expected = conn.execute(
            "SELECT count(*), max(m.send_ts) FROM messages m JOIN accounts a"
            " ON a.id = m.account_id WHERE a.login = ?",
            (LOGIN,),
        ).fetchone()
    if _demo_summary(url) == tuple(expected):
        upgrade = [*smscd_command(), "db", "upgrade", "--database", url]
        subprocess.run(upgrade, check=True, capture_output=True)  # noqa: S603
        print(f"reusing PostgreSQL database {name}", flush=True)
        return url
    now = sqlite_path.with_name(sqlite_path.name + ".now").read_text().strip()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    print(f"seeding PostgreSQL database {name} ...", flush=True)
    started = time.perf_counter()
    messages = sqlite_path.stem.split("-")[2]  # smscd-demo-<messages>-seed<seed>
    seed = ["seed-demo", "--database", url, "--messages", messages, "--seed", str(SEED)]
    command = [*smscd_command(), *seed, "--now", now]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
    return url


def _account(conn: sqlite3.Connection) -> tuple[int, ZoneInfo]:
    account_id, zone = conn.execute(
        "SELECT id, timezone FROM accounts WHERE login = ?", (LOGIN,)
    ).fetchone()
    return account_id, ZoneInfo(zone)


def _sms_at(conn: sqlite3.Connection, account_id: int, int_id: int) -> tuple[int, str]:
    """The first SMS (not e-mail) of the account at or above ``int_id``: its id and phone."""
    row: tuple[int, str] = conn.execute(
        "SELECT int_id, phone FROM messages WHERE account_id = ? AND mail = 0 AND int_id >= ?"
        " ORDER BY int_id LIMIT 1",
        (account_id, int_id),
    ).fetchone()
    return row


def history_mix(database: Path) -> list[HistoryRequest]:
    """The fixed ``get_messages`` mix, drawn from the data (the same for the same database).

    :data:`PER_KIND` requests of each kind: no filter, one phone, three phones, a ``prev_id``
    page and a period (``start`` only, so up to today), interleaved so that a rotation over
    the list alternates kinds. Phones and ids are real ones at random places in the history.
    """
    rng = random.Random(SEED)
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        account_id, zone = _account(conn)
        low, high, newest = conn.execute(
            "SELECT min(int_id), max(int_id), max(send_ts) FROM messages"
            " WHERE account_id = ? AND mail = 0",
            (account_id,),
        ).fetchone()

        def sample() -> tuple[int, str]:
            return _sms_at(conn, account_id, rng.randint(low, high))

        last_day = datetime.fromtimestamp(newest, zone).date()
        kinds: dict[str, list[str]] = {
            "no filter": [""] * PER_KIND,
            "1 phone": [f"&phone={sample()[1]}" for _ in range(PER_KIND)],
            "3 phones": [
                "&phone=" + ",".join(sample()[1] for _ in range(3)) for _ in range(PER_KIND)
            ],
            "prev_id": [f"&prev_id={sample()[0]}" for _ in range(PER_KIND)],
            "period": [
                f"&start={last_day - timedelta(days=days):%d.%m.%Y}" for days in (1, 7, 30, 90)
            ],
        }
    return [
        HistoryRequest(kind, BASE_QUERY + extras[position])
        for position in range(PER_KIND)
        for kind, extras in kinds.items()
    ]


def latency_requests(small: Path, large: Path) -> list[HistoryRequest]:
    """Two requests that find rows in both databases: no filter, and one phone.

    The phone is the most frequent phone of ``small`` that ``large`` also has.
    """
    with sqlite3.connect(f"file:{small}?mode=ro", uri=True) as conn:
        account_id, _zone = _account(conn)
        phones = [
            phone
            for (phone,) in conn.execute(
                "SELECT phone FROM messages WHERE account_id = ? AND mail = 0"
                " GROUP BY phone ORDER BY count(*) DESC, phone LIMIT 100",
                (account_id,),
            )
        ]
    with sqlite3.connect(f"file:{large}?mode=ro", uri=True) as conn:
        large_id, _zone = _account(conn)
        phone = next(
            p
            for p in phones
            if conn.execute(
                "SELECT 1 FROM messages WHERE account_id = ? AND mail = 0 AND phone = ?",
                (large_id, p),
            ).fetchone()
        )
    return [
        HistoryRequest("no filter", BASE_QUERY),
        HistoryRequest("1 phone", f"{BASE_QUERY}&phone={phone}"),
    ]
