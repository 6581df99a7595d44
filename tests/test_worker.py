"""``smscd worker`` end to end: it starts its components, runs its background jobs (the
maintenance job forgets old unblock requests) and stops cleanly on SIGTERM, on both
databases."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

from sqlalchemy import insert, select

from smscd.limits.tables import ip_unblocks

READY_TIMEOUT = 60


def lines_of(process: subprocess.Popen[str]) -> tuple[queue.Queue[str], threading.Thread]:
    """The process's output, line by line, read by a thread (it ends with the output)."""
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    reader = threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True)
    reader.start()
    return lines, reader


def wait_for(lines: queue.Queue[str], text: str, seen: list[str]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while not any(text in line for line in seen):
        try:
            seen.append(lines.get(timeout=max(deadline - time.monotonic(), 0)))
        except queue.Empty:
            raise AssertionError(f"no {text!r} in:\n" + "".join(seen)) from None


def test_the_worker_runs_its_jobs_and_stops_cleanly_on_sigterm(backend):
    now = int(time.time())
    with backend.engine.begin() as conn:
        rows = [("203.0.113.1", now - 10 * 86400), ("203.0.113.2", now - 9 * 86400),
                ("203.0.113.3", now - 60), ("203.0.113.4", now)]  # fmt: skip
        conn.execute(insert(ip_unblocks), [{"subject": s, "created_at": t} for s, t in rows])
    process = subprocess.Popen(
        [sys.executable, "-m", "smscd.cli", "worker", "--database", backend.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "SMSCD_LOG_LEVEL": "info"},
    )
    seen: list[str] = []
    lines, reader = lines_of(process)
    try:
        wait_for(lines, "worker started: database, delivery, callbacks, maintenance", seen)
        wait_for(lines, "unblock request(s) older than any block", seen)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, "".join(seen)
        wait_for(lines, "worker stopped", seen)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        reader.join(timeout=30)
        assert process.stdout is not None
        process.stdout.close()
    with backend.engine.connect() as conn:
        kept = conn.execute(
            select(ip_unblocks.c.subject).where(ip_unblocks.c.subject.like("203.0.113.%"))
        ).scalars()
        assert sorted(kept) == ["203.0.113.3", "203.0.113.4"]


def test_the_worker_refuses_an_old_schema(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "smscd.cli", "worker", "--database", f"sqlite:///{tmp_path}/x.db"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "run `smscd db upgrade` first" in result.stderr
