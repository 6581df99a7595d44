"""What follows a submission that did not succeed (delivery/retry.py): a link lost before
the carrier's answer is tried again at once, an attempt spent, and never more often than
the attempts allow."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from smscd.delivery import retry
from smscd.delivery.connectors.base import Result

POLICY = retry.Policy(base_seconds=10.0, max_seconds=900.0, max_attempts=5)


@given(attempt=st.integers(1, 4), now=st.integers(1_700_000_000, 1_900_000_000))
def test_a_lost_link_is_due_again_at_once_and_spends_the_attempt(attempt, now):
    decision = retry.after(Result.LINK_LOST, 0, attempt, now, POLICY, random.Random(0))
    assert decision == retry.Retry(now, spend_attempt=True)


@given(attempt=st.integers(5, 50))
def test_a_lost_link_on_the_last_attempt_gives_up(attempt):
    decision = retry.after(Result.LINK_LOST, 0, attempt, 1_800_000_000, POLICY, random.Random(0))
    assert decision == retry.Fail(retry.GAVE_UP_ERR)


@given(attempt=st.integers(1, 50))
def test_a_link_that_was_down_costs_no_attempt(attempt):
    decision = retry.after(Result.LINK_DOWN, 0, attempt, 1_800_000_000, POLICY, random.Random(0))
    assert decision == retry.Retry(1_800_000_000 + int(retry.LINK_DOWN_SECONDS), False)


@given(attempt=st.integers(1, 4))
def test_a_temporary_failure_waits_its_backoff(attempt):
    now = 1_800_000_000
    decision = retry.after(Result.TEMPORARY, 0, attempt, now, POLICY, random.Random(0))
    assert isinstance(decision, retry.Retry) and decision.spend_attempt
    assert decision.at - now >= 0.9 * POLICY.base_seconds * 2 ** (attempt - 1) - 1
