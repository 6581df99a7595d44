"""Part counting against independent encoders: the ``gsm0338`` codec for GSM 03.38 and
Python's UTF-16 for UCS-2, split into parts at the byte level, where a part may not end
inside a character (an escape septet, a high surrogate)."""

from __future__ import annotations

import gsm0338  # noqa: F401 -- registers the "gsm03.38" codec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscd import segments

GSM_TEXT = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡AZÄÖÑÜ§¿azäöñüà"
EXTENDED = "^{}\\[~]|€\f"
ESCAPE = 0x1B


def gsm_septets(text: str) -> bytes | None:
    """The text in GSM 03.38, one byte a septet (None: not in the alphabet). A lone ESC is
    the escape itself, no character: such a text is sent as UCS-2."""
    if "\x1b" in text:
        return None
    try:
        return text.encode("gsm03.38")
    except UnicodeEncodeError:
        return None


def split(units: list[int], single: int, part: int, straddles: set[int]) -> int:
    """Parts of ``units``: one if they fit ``single``, else chunks of at most ``part``
    that never end on a unit in ``straddles`` (the first half of a character)."""
    if len(units) <= single:
        return 1
    count, start = 0, 0
    while start < len(units):
        end = min(start + part, len(units))
        if end < len(units) and units[end - 1] in straddles:
            end -= 1
        count, start = count + 1, end
    return count


def expected_parts(text: str) -> int:
    septets = gsm_septets(text)
    if septets is not None:
        return split(list(septets), 160, 153, {ESCAPE})
    raw = text.encode("utf-16-be", "surrogatepass")
    units = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
    return split(units, 70, 67, set(range(0xD800, 0xDC00)))


texts = st.one_of(
    st.text(st.sampled_from(GSM_TEXT + EXTENDED), max_size=700),
    st.text(st.sampled_from(GSM_TEXT + EXTENDED + "Жё😀"), max_size=400),
    st.text(max_size=400),
    st.builds(
        lambda n, ch, m: "a" * n + ch + "a" * m,
        st.integers(140, 170),
        st.sampled_from(["€", "[", "я", "😀"]),
        st.integers(0, 200),
    ),
)


@given(texts)
def test_parts_match_an_independent_encoder(text):
    assert segments.parts(text) == expected_parts(text)


@given(st.text(max_size=50))
def test_the_alphabet_is_the_codecs(text):
    assert segments.is_gsm(text) == (gsm_septets(text) is not None)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("€" * 80, 1),  # 160 septets
        ("a" * 152 + "€" + "a" * 152, 3),  # the escape would end part one: € moves on
        ("a" * 153 * 2, 2),
        ("я" * 70, 1),
        ("я" * 71, 2),
        ("я" * 66 + "😀" + "я" * 66, 3),  # the surrogate pair would straddle part one's end
        ("😀" * 35, 1),  # 70 code units
    ],
)
def test_known_lengths(text, parts):
    assert segments.parts(text) == parts
