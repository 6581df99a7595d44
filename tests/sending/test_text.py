"""What is sent: transliteration, parts and the cut of ``maxsms``, comments, ids."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscd import segments
from smscd.formats import MessageFormat
from smscd.sending.request import prepared_text, split_comment
from smscd.sending.translit import transliterate

CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"


@pytest.mark.parametrize(
    ("text", "scheme", "expected"),
    [
        ("Щука и ёж", 1, "Schuka i yozh"),
        ("Привет, мир!", 1, "Privet, mir!"),
        ("транслит", 2, "mpaHc/Ium"),
        ("Код 1234", 0, "Код 1234"),
    ],
)
def test_transliteration(text, scheme, expected):
    assert transliterate(text, scheme) == expected


@given(st.text(alphabet=CYRILLIC + " ,.!?0123456789", max_size=200), st.sampled_from([1, 2]))
def test_transliterated_russian_fits_gsm(text, scheme):
    assert segments.is_gsm(transliterate(text, scheme))


@given(st.text(max_size=400), st.integers(1, 5))
def test_maxsms_cuts_to_at_most_that_many_parts_and_keeps_a_beginning(text, maxsms):
    if not text:
        return
    sent, parts = prepared_text(text, MessageFormat.SMS, 0, maxsms)
    assert parts <= maxsms or segments.parts(text) <= maxsms
    assert text.startswith(sent)
    assert parts == segments.parts(sent)


def test_binary_parts_count_octets():
    assert prepared_text("00" * 140, MessageFormat.BINARY_HEX, 0, 0) == ("00" * 140, 1)
    assert prepared_text("00" * 141, MessageFormat.BINARY_HEX, 0, 0)[1] == 2
    assert prepared_text("", MessageFormat.HLR, 0, 0) == ("", 1)


def test_a_comment_line_splits_the_text():
    assert split_comment("Code 1\n~~~\nwhy") == ("Code 1", "why")
    assert split_comment("no comment ~~~ here") == ("no comment ~~~ here", "")
