"""Text files people edit and the operator imports: UTF-8 (a BOM is dropped) or, failing
that, windows-1251, the two encodings Russian spreadsheets and the Rossvyaz files come in."""

from __future__ import annotations


def decode(data: bytes) -> str:
    """The text of ``data``; ``UnicodeDecodeError`` if it is neither UTF-8 nor windows-1251."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251")
