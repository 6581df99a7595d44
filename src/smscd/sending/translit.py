"""``translit`` of send.php: 1 Cyrillic written in Latin letters, 2 Cyrillic drawn with
look-alike Latin characters ("mpaHc/Ium"); the text then fits GSM 03.38 (160 characters a
part instead of 70).

A table rather than a library **[ours]**: the packages on PyPI follow other schemes (ISO 9,
GOST, passport rules) with diacritics or apostrophes that are not the service's, and the
look-alike scheme has no library at all. Characters outside the tables are kept.
"""

from __future__ import annotations

_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "'", "ы": "y", "ь": "'", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}  # fmt: skip

_LOOKALIKE = {
    "а": "a", "б": "6", "в": "B", "г": "r", "д": "g", "е": "e", "ё": "e", "ж": ">|<",
    "з": "3", "и": "u", "й": "u", "к": "k", "л": "/I", "м": "M", "н": "H", "о": "o",
    "п": "n", "р": "p", "с": "c", "т": "m", "у": "y", "ф": "qp", "х": "x", "ц": "LL",
    "ч": "4", "ш": "III", "щ": "LLL", "ъ": "b", "ы": "bI", "ь": "b", "э": "3", "ю": "IO",
    "я": "9I",
    "А": "A", "Б": "6", "В": "B", "Г": "r", "Д": "D", "Е": "E", "Ё": "E", "Ж": ">|<",
    "З": "3", "И": "U", "Й": "U", "К": "K", "Л": "/I", "М": "M", "Н": "H", "О": "O",
    "П": "n", "Р": "P", "С": "C", "Т": "T", "У": "Y", "Ф": "qp", "Х": "X", "Ц": "LL",
    "Ч": "4", "Ш": "III", "Щ": "LLL", "Ъ": "b", "Ы": "bI", "Ь": "b", "Э": "3", "Ю": "IO",
    "Я": "9I",
}  # fmt: skip


def _latin_table() -> dict[int, str]:
    table = {ord(k): v for k, v in _LATIN.items()}
    for lower, latin in _LATIN.items():
        upper = lower.upper()
        if upper != lower:
            # Capitalised: "Щука" -> "Schuka"; a whole word in capitals is rare in SMS.
            table[ord(upper)] = latin[:1].upper() + latin[1:]
    return table


LATIN = _latin_table()
LOOKALIKE = {ord(k): v for k, v in _LOOKALIKE.items()}


def transliterate(text: str, scheme: int) -> str:
    """``text`` in ``scheme`` (0 unchanged, 1 Latin letters, 2 look-alike characters)."""
    if scheme == 1:
        return text.translate(LATIN)
    if scheme == 2:
        return text.translate(LOOKALIKE)
    return text
