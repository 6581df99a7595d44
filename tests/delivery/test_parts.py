"""A long message's final from its parts' (delivery/parts.py): delivered only when every
part is; else the first undeliverable part's err, else the first expired part's."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from smscd.delivery.connectors.base import Final
from smscd.delivery.parts import combine

FINALS = st.lists(st.tuples(st.sampled_from(list(Final)), st.integers(0, 255)), min_size=2,
                  max_size=8)  # fmt: skip


@given(FINALS)
def test_a_long_message_takes_its_worst_part(finals):
    final, err = combine(finals)
    failed = [f for f in finals if f[0] == Final.UNDELIVERABLE]
    expired = [f for f in finals if f[0] == Final.EXPIRED]
    if failed:
        assert (final, err) == failed[0]
    elif expired:
        assert (final, err) == expired[0]
    else:
        assert (final, err) == (Final.DELIVERED, 0)
