"""Demo data of the links domain (filled in by the links work)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smscd.demo.seed import DemoContext


def seed(context: DemoContext) -> None:
    """Add this domain's demo rows."""
