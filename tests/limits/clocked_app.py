"""An smscd app whose clock is a file the test writes, for server processes that a test
moves through time (test_two_processes.py). Its settings come from ``SMSCD_*`` as usual."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette

from smscd.app import create_app


class FileClock:
    """Unix seconds, read from a file at every call."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self) -> float:
        return float(self.path.read_text())

    def set(self, now: float) -> None:
        """Move the clock of every process reading the file (atomically: rename)."""
        fresh = self.path.with_suffix(".new")
        fresh.write_text(repr(now))
        fresh.replace(self.path)


def create() -> Starlette:
    """The granian factory (``tests.limits.clocked_app:create``)."""
    return create_app(clock=FileClock(Path(os.environ["SMSCD_TEST_CLOCK_FILE"])))
