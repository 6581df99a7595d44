"""Demo data of the numbering domain (filled in by the numbering work)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smscd.demo.seed import DemoContext


def seed(context: DemoContext) -> None:
    """Add this domain's demo rows."""
