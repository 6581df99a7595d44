"""billing/admin.py: the amounts an operator types (CLI and console alike) become exact
integer hundredths, or are refused whole."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscd.billing import admin


@given(st.integers(min_value=1, max_value=10**15 - 1))
def test_every_two_place_amount_is_its_exact_hundredths(hundredths):
    text = f"{hundredths // 100}.{hundredths % 100:02d}"
    assert admin.amount(text) == hundredths
    assert admin.amount(f" {text} ") == hundredths


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_an_amount_is_positive_finite_with_two_places_or_refused(value):
    text = str(value)
    ok = (
        value.is_finite()
        and 0 < value < admin.TOPUP_MAX
        and value == value.quantize(Decimal("0.01"))
    )
    if ok:
        assert admin.amount(text) == int(value * 100)
    else:
        with pytest.raises(admin.AmountError):
            admin.amount(text)


@pytest.mark.parametrize("text", ["", "abc", "1,5", "--1", "0x10", "1.2.3"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(admin.AmountError):
        admin.amount(text)


def test_a_credit_limit_may_be_zero():
    assert admin.credit_amount("0") == 0
    assert admin.credit_amount("0.00") == 0
    assert admin.credit_amount("10.5") == 1050
    with pytest.raises(admin.AmountError):
        admin.credit_amount("-1")
