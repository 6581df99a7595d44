"""Demo data of the tariffs domain (filled in by the tariffs work)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smscd.demo.seed import DemoContext


def seed(context: DemoContext) -> None:
    """Add this domain's demo rows."""
