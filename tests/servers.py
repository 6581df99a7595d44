"""The real `smscd serve` as a subprocess, for end-to-end tests."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from smscd.db.engine import sync_engine
from smscd.demo import seed
from tests.conftest import TEST_PASSWORDS

READY_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    url: str  # http://127.0.0.1:PORT
    output: list[str]  # what it printed until every worker had started
    # What it prints after that, line by line (read with ``wait_for_line``).
    later: queue.Queue[str] | None = None

    def wait_for_line(self, found: Callable[[str], bool], timeout: float = 30) -> str:
        """The first later line for which ``found`` is true (each line read is also added to
        ``output``); AssertionError after ``timeout`` seconds."""
        assert self.later is not None
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.later.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                raise AssertionError("no such line in:\n" + "".join(self.output)) from None
            self.output.append(line)
            if found(line):
                return line


def _wait_for_workers(
    process: subprocess.Popen[str], lines: queue.Queue[str], workers: int
) -> list[str]:
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
    return seen


@contextmanager
def server_process(
    argv: list[str], port: int, cwd: Path, env: dict[str, str], workers: int
) -> Iterator[ServerProcess]:
    """Run ``argv`` (a granian server on ``port``) until every worker has started; stop it
    after."""
    process = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
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
        output = _wait_for_workers(process, lines, workers)
        yield ServerProcess(f"http://127.0.0.1:{port}", output, lines)
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=30)  # it stops at the end of the output
        stdout.close()


@contextmanager
def smscd_serve(
    database_url: str, cwd: Path, workers: int = 2, env: dict[str, str] | None = None
) -> Iterator[ServerProcess]:
    """`smscd serve --workers N` on ``database_url``."""
    port = free_port()
    argv = [sys.executable, "-m", "smscd.cli", "serve", "--port", str(port)]
    argv += ["--workers", str(workers)]
    env = {"SMSCD_DATABASE_URL": database_url, **(env or {})}
    with server_process(argv, port, cwd, env, workers) as server:
        yield server


@contextmanager
def serving(database_url: str, cwd: Path, workers: int = 2) -> Iterator[str]:
    """`smscd serve --workers N` on ``database_url``; yields its base URL, stops it after."""
    with smscd_serve(database_url, cwd, workers) as server:
        yield server.url


@contextmanager
def demo_server(
    directory: Path,
    messages: int,
    seed_value: int,
    workers: int = 2,
    env: dict[str, str] | None = None,
) -> Iterator[ServerProcess]:
    """`smscd serve` on a demo database seeded in ``directory`` (the demo's data ends now:
    the server runs on the real clock)."""
    url = f"sqlite:///{directory / 'demo.db'}"
    engine = sync_engine(url)
    seed.seed(engine, TEST_PASSWORDS, messages=messages, seed=seed_value, now=int(time.time()))
    engine.dispose()
    with smscd_serve(url, directory, workers, env) as server:
        yield server
