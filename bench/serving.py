"""Running ``smscd serve`` and loading it with ``wrk``, for the benchmarks; CPU accounting.

Linux only (``/proc``). Everything talks to 127.0.0.1.
"""

from __future__ import annotations

import http.client
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from fixtures import smscd_command

BENCH = Path(__file__).resolve().parent
ROTATE_LUA = BENCH / "rotate.lua"
READY_TIMEOUT = 60.0
IDLE_PROBE = 0.2  # seconds between CPU samples when waiting for an idle server
WARMUP_ROUNDS = 2
NOISE_WARNING = 0.1  # cores of other work during a figure above which it is skewed


class BenchError(RuntimeError):
    """The benchmark could not measure (a server that does not start, an error reply)."""


# --- CPU accounting ---------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time all processors have spent not idle since boot."""
    ticks = [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Throughput:
    """Requests/second, and where the machine's CPU went meanwhile (in cores)."""

    rps: float
    measured_cores: float  # the server's workers, or the in-process limit's processes
    other_cores: float  # the rest of the machine (kernel, other work), wrk apart


# --- the server -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """``smscd serve`` on a free port, as a subprocess: ready when every worker has
    started and ``/healthz`` answers; stopped (SIGTERM, then SIGKILL) on exit."""

    def __init__(
        self,
        database: Path | str,
        workers: int,
        log: Path,
        env: dict[str, str] | None = None,
        app: str | None = None,
    ) -> None:
        """``app``: another ASGI app factory (``module:function``, from bench/) served by
        granian as smscd serves its own, instead of ``smscd serve``."""
        self.database = database
        self.app = app
        self.workers = workers
        self.log = log
        # Limits off unless the benchmark says otherwise: a load of identical requests is
        # what they refuse (bench/limits.py measures them).
        self.env = {"SMSCD_RATE_LIMITS": "off", **(env or {})}
        self.port = _free_port()
        self.worker_pids: list[int] = []
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        env = {**os.environ, "SMSCD_AUTH_CACHE_SECONDS": "300", **self.env}
        # A path is a SQLite database; a string, a database URL (PostgreSQL).
        database = self.database if isinstance(self.database, str) else f"sqlite:///{self.database}"
        serve = ["serve", "--database", database, "--port", str(self.port)]
        command = [*smscd_command(), *serve, "--workers", str(self.workers)]
        if self.app is not None:
            env["PYTHONPATH"] = os.pathsep.join([str(BENCH), env.get("PYTHONPATH", "")])
            command = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory",
                       "--host", "127.0.0.1", "--port", str(self.port),
                       "--workers", str(self.workers), self.app]  # fmt: skip
        with self.log.open("wb") as log:
            self._process = subprocess.Popen(  # noqa: S603 -- our own argv
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        try:
            self._wait_ready()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _exc: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self._stop()

    def _wait_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise BenchError(f"the server exited:\n{self.log.read_text()[-2000:]}")
            text = self.log.read_text(errors="replace")
            if text.count("Started worker-") >= self.workers and self._healthy():
                self.worker_pids = [
                    int(p) for p in re.findall(r"Spawning worker-\d+ with PID: (\d+)", text)
                ]
                return
            time.sleep(0.05)  # polling interval, bounded by READY_TIMEOUT
        raise BenchError(f"smscd serve not ready in {READY_TIMEOUT:.0f} s")

    def _healthy(self) -> bool:
        try:
            return get(self.port, "/healthz")[0] == 200
        except OSError:
            return False

    def _stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()

    def cpu_seconds(self) -> float:
        """CPU time the workers have used so far."""
        return sum(cpu_seconds(pid) for pid in self.worker_pids)

    def wait_idle(self) -> float:
        """Wait until the workers use under a tenth of a core; the seconds it took."""
        started = time.perf_counter()
        before = self.cpu_seconds()
        while time.perf_counter() - started < READY_TIMEOUT:
            time.sleep(IDLE_PROBE)
            now = self.cpu_seconds()
            if now - before < 0.1 * IDLE_PROBE:
                break
            before = now
        return time.perf_counter() - started - IDLE_PROBE


def get(port: int, path: str, conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    """``GET path`` on 127.0.0.1 (over ``conn`` when given, kept alive): status and body."""
    connection = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        if conn is None:
            connection.close()


# --- wrk ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrkResult:
    throughput: Throughput  # measured_cores: the server's workers
    wrk_cores: float  # CPU the load generator used
    p50_ms: float
    p99_ms: float
    problems: str  # wrk's error lines, empty when none


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk_ms(output: str, percentile: str) -> float:
    match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if not match:
        raise BenchError(f"no {percentile}% line in wrk output:\n{output}")
    return float(match[1]) * _UNITS_MS[match[2]]


def run_wrk(server: Server, paths: list[str], duration: float, connections: int) -> WrkResult:
    """``wrk -t1`` rotating over ``paths`` (bench/rotate.lua) for ``duration`` seconds."""
    paths_file = server.log.with_name("paths.txt")
    paths_file.write_text("\n".join(paths) + "\n")
    url = f"http://127.0.0.1:{server.port}"
    load = [f"-c{connections}", f"-d{duration:g}s", "--latency", "-s", str(ROTATE_LUA)]
    command = ["wrk", "-t1", *load, url, "--", str(paths_file)]
    children, server_cpu = resource.getrusage(resource.RUSAGE_CHILDREN), server.cpu_seconds()
    busy, started = machine_busy_seconds(), time.perf_counter()
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    elapsed = time.perf_counter() - started
    busy = (machine_busy_seconds() - busy) / elapsed
    server_cores = (server.cpu_seconds() - server_cpu) / elapsed
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cores = (after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime) / elapsed
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if not rps:
        raise BenchError(f"no Requests/sec in wrk output:\n{output}")
    problems = re.findall(r"^\s*(Non-2xx.*|Socket errors.*)$", output, re.MULTILINE)
    return WrkResult(
        throughput=Throughput(
            float(rps[1]), server_cores, max(busy - server_cores - wrk_cores, 0.0)
        ),
        wrk_cores=wrk_cores,
        p50_ms=wrk_ms(output, "50"),
        p99_ms=wrk_ms(output, "99"),
        problems="; ".join(problems),
    )


def warm_up(server: Server, paths: list[str], seconds: float, connections: int) -> None:
    """Load rounds of ``seconds``, each followed by a wait for the server to go idle.

    A worker's first password requests each verify the password (argon2, ~0.2 s of CPU)
    until one of them has filled the cache: under many concurrent requests that is a queue
    of verifications that outlives the load (docs/performance.md).
    """
    for _ in range(WARMUP_ROUNDS):
        run_wrk(server, paths, seconds, connections)
        busy = server.wait_idle()
        if busy > 1:
            print(f"  warm-up: the server stayed busy {busy:.1f} s after the load stopped")
