"""The SMPP peer the delivery tests talk to (tests/delivery/peer.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.delivery.peer import Peer, smpp_peer


@pytest.fixture
def peer() -> Iterator[Peer]:
    with smpp_peer() as found:
        yield found
