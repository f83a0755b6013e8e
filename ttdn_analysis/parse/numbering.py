"""Outline numbering: roman numerals of any size, and the item words that stand for a number ("Nhiệm vụ 2:")."""
from __future__ import annotations

import re

__all__ = ["roman_value", "to_roman", "ITEM_WORD_RE"]

_ROMAN_RE = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}

#: An item introduced by a word and its number: "Nhiệm vụ 1:", "Nội dung 2.", "Hoạt động 3:" (on a match key).
ITEM_WORD_RE = re.compile(r"^(?:nhiệm vụ|nội dung|hoạt động|giải pháp)\s+(?:số\s+)?(\d{1,2})\s*[:.]\s*")


def roman_value(text: str) -> int | None:
    """The value of a valid roman numeral in capitals ("XIV" → 14), else None.

    Examples
    --------
    >>> roman_value("XIV"), roman_value("XL"), roman_value("IIII"), roman_value("IC"), roman_value("")
    (14, 40, None, None, None)
    """
    if not text or not _ROMAN_RE.match(text):
        return None
    total = 0
    for a, b in zip(text, text[1:] + " "):
        v = _VALUES[a]
        total += -v if b != " " and _VALUES[b] > v else v
    return total


def to_roman(n: int) -> str:
    """The roman numeral of *n* (1 ≤ n < 4000).

    Examples
    --------
    >>> to_roman(14), to_roman(40), to_roman(1)
    ('XIV', 'XL', 'I')
    """
    if not 0 < n < 4000:
        raise ValueError(f"no roman numeral for {n}")
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                       (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)
