"""The SMPP peer of the tests: smpp_peer/peer.js (the npm package ``smpp``) as a
subprocess on 127.0.0.1, driven over its HTTP control port."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

SCRIPT = Path(__file__).parent / "smpp_peer" / "peer.js"


@dataclass
class Peer:
    process: subprocess.Popen[str]
    port: int
    control: int

    def _post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        reply = httpx.post(f"http://127.0.0.1:{self.control}{path}", json=body or {}, timeout=10)
        return dict(reply.json())

    def mode(self, **changes: Any) -> None:
        self._post("/mode", changes)

    def deliver(self, **message: Any) -> bool:
        return bool(self._post("/deliver", message)["ok"])

    def receipts(self, ids: list[str]) -> bool:
        """Send a receipt now for each of these accepted submissions (by the peer's id)."""
        return bool(self._post("/receipts", {"ids": ids})["ok"])

    def drop(self) -> None:
        self._post("/drop")

    def stats(self) -> dict[str, Any]:
        return self._post("/stats")


@contextmanager
def smpp_peer() -> Iterator[Peer]:
    process = subprocess.Popen(["node", str(SCRIPT)], stdin=subprocess.PIPE,  # noqa: S607 -- node from PATH
                               stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert process.stdout is not None
    try:
        line = process.stdout.readline()  # "ready PORT CONTROL", or '' if it failed
        assert line.startswith("ready "), f"the SMPP peer did not start: {line!r}"
        _, port, control = line.split()
        yield Peer(process, int(port), int(control))
    finally:
        process.kill()
        process.wait(timeout=10)
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 60) -> Any:
    """Poll ``condition`` until it is true (bounded): a wait on state, not a fixed sleep."""
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
    return found
