"""Decoding parameters (http/params.py): compat.md "Transport" [ours], UTF-8 sent without a
charset or while declaring windows-1251 is read as UTF-8, value by value."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from smscd.errors import ParametersError
from smscd.http import charsets, params

CP1251_TEXT = st.text(
    st.characters(codec="cp1251", exclude_characters="\x00"), min_size=1, max_size=40
)
# Cyrillic letters without Ё/ё (whose bytes, 0xA8 and 0xB8, are UTF-8 continuation bytes),
# and ASCII: a Cyrillic letter's byte in windows-1251 is 0xC0-0xFF, which in UTF-8 is a lead
# byte needing a continuation byte (0x80-0xBF) next, or no valid byte at all. Text of these
# characters is therefore never valid UTF-8 in windows-1251 once it holds one letter.
RUSSIAN = st.text(
    st.sampled_from([chr(c) for c in range(ord("А"), ord("я") + 1)] + list(" ,.!?-0123456789azAZ")),
    min_size=1,
    max_size=60,
)


def decoded(raw: bytes, charset: charsets.Charset = charsets.WINDOWS_1251) -> str:
    return params.decode([(b"v", raw)], charset)["v"]


@pytest.mark.parametrize("charset", [charsets.WINDOWS_1251, charsets.UTF_8])
@pytest.mark.parametrize("text", ["Тест", "Иван", "Привет, мир", "Ёлка ё", "😀", "faß"])
def test_utf_8_bytes_are_read_as_utf_8(text, charset):
    assert decoded(text.encode("utf-8"), charset) == text


@pytest.mark.parametrize("text", ["Тест", "Привет, мир", "Ёлка ё", "№ 5 «в кавычках»"])
def test_windows_1251_bytes_are_read_as_windows_1251(text):
    assert decoded(text.encode("cp1251")) == text


def test_koi8_r_is_never_guessed():
    # KOI8-R was declared: its bytes are read as KOI8-R, even when they are valid UTF-8.
    assert decoded("Тест".encode(), charsets.KOI8_R) == "Тест".encode().decode("koi8_r")


@given(RUSSIAN)
def test_russian_text_in_windows_1251_round_trips(text):
    assert decoded(text.encode("cp1251")) == text


@given(CP1251_TEXT)
@example("Рё")  # the edge: D0 B8 is also UTF-8 for "и"
def test_any_windows_1251_text_follows_the_rule(text):
    """The rule's edge: windows-1251 bytes that happen to be valid UTF-8 with a multi-byte
    sequence are read as UTF-8. Such text needs a capital letter (0xC2-0xDF) right before
    one of ё, Ё, «, », №, — and the like (0x80-0xBF), and nothing else non-ASCII."""
    raw = text.encode("cp1251")
    try:
        expected = raw.decode("utf-8") if not raw.isascii() else text
    except UnicodeDecodeError:
        expected = text
    assert decoded(raw) == expected


@given(st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1))
def test_any_text_sent_as_utf_8_round_trips(text):
    assert decoded(text.encode("utf-8")) == text


def test_bytes_that_are_neither_are_still_error_1():
    with pytest.raises(ParametersError):
        decoded(b"\x98")  # undefined in windows-1251, and not UTF-8
    with pytest.raises(ParametersError):
        decoded(b"\xff\xfe", charsets.UTF_8)
