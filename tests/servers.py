"""The real `smscd serve` as a subprocess, for end-to-end tests."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

READY_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_workers(
    process: subprocess.Popen[str], lines: queue.Queue[str], workers: int
) -> None:
    """Read the server's output until every worker reports it started (bounded)."""
    started, deadline, seen = 0, time.monotonic() + READY_TIMEOUT, []
    while started < workers:
        try:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0))
        except queue.Empty:
            raise AssertionError("server did not start:\n" + "".join(seen)) from None
        seen.append(line)
        started += "Started worker" in line
    if process.poll() is not None:
        raise AssertionError("server exited:\n" + "".join(seen))


@contextmanager
def serving(database_url: str, cwd: Path, workers: int = 2) -> Iterator[str]:
    """`smscd serve --workers N` on ``database_url``; yields its base URL, stops it after."""
    port = free_port()
    env = {**os.environ, "SMSCD_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "smscd.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=cwd,
    )
    # A reader thread hands the lines over: waiting on the pipe itself (select) would miss a
    # line that an earlier read had already buffered, and wait for nothing.
    assert process.stdout is not None
    stdout = process.stdout
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True)
    reader.start()
    try:
        _wait_for_workers(process, lines, workers)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=30)  # it stops at the end of the output
        stdout.close()
