"""Text normalisation: one Unicode form and one tone-mark style for matching; the original is kept for display."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["FOOTNOTE_CHARS", "ONE_TO_ONE", "nfc", "unify_tones", "to_old_tones", "match_key", "strip_markup",
           "strip_footnote_markers", "syllable_pattern", "has_syllable", "line_key", "roman_value", "to_roman"]

# Old-style ("hoà", "Uỷ") tone placement -> new style ("hòa", "Ủy"), the convention of the 2018 spelling rules.
_TONE_PAIRS = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}


_TONE_MAP: dict[str, str] = {}


for _a, _b in _TONE_PAIRS.items():
    _TONE_MAP[_a] = _b
    _TONE_MAP[_a[0].upper() + _a[1]] = _b[0].upper() + _b[1]
    _TONE_MAP[_a.upper()] = _b.upper()


# Only when the pair ends the syllable: "hoàng" keeps its tone on "à" in both conventions. And never after "q":
# "qu" is a consonant cluster, so in "quý", "Quỹ", "quỳ" the "y" is the only vowel and carries the tone in both
# conventions.
_OLD_TONE_MAP = {v: k for k, v in _TONE_MAP.items()}


_OLD_TONE_RE = re.compile(
    r"(?<![qQ])(" + "|".join(sorted(map(re.escape, _OLD_TONE_MAP), key=len, reverse=True)) + r")(?![^\W\d_])"
)


_TONE_RE = re.compile(
    r"(?<![qQ])(" + "|".join(sorted(map(re.escape, _TONE_MAP), key=len, reverse=True)) + r")(?![^\W\d_])"
)


FOOTNOTE_CHARS = frozenset("\u00b9\u00b2\u00b3" + "".join(chr(c) for c in range(0x2070, 0x207A)))


_FOOTNOTE_RE = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u2079]+")


# One character for one: dash variants to "-", odd spaces to " " (so offsets in a key are offsets in the text).
ONE_TO_ONE = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u2010": "-",
                            "\u2011": "-", "\u00a0": " ", "\u200b": " ", "\t": " "})


def nfc(s: str) -> str:
    """Return *s* in Unicode NFC.

    >>> nfc("U\\u0309y") == "Ủy"
    True
    """
    return unicodedata.normalize("NFC", s)


def unify_tones(s: str) -> str:
    """Move old-style tone marks to the new-style vowel ("Uỷ" → "Ủy", "hoà" → "hòa").

    >>> unify_tones("Uỷ ban, hoà bình, văn hoá, Hoàng Sa")
    'Ủy ban, hòa bình, văn hóa, Hoàng Sa'

    "qu" is a consonant cluster: the tone of "quý", "Quỹ" stays on the "y".

    >>> unify_tones("Quý I, Quỹ hỗ trợ, QUỲ")
    'Quý I, Quỹ hỗ trợ, QUỲ'
    """
    return _TONE_RE.sub(lambda m: _TONE_MAP[m.group(1)], s)


def to_old_tones(s: str) -> str:
    """The inverse of :func:`unify_tones` ("hòa" → "hoà"), for tools trained on old-style text such as pyvi.

    >>> to_old_tones("hòa bình, Ủy ban")
    'hoà bình, Uỷ ban'
    """
    return _OLD_TONE_RE.sub(lambda m: _OLD_TONE_MAP[m.group(1)], s)


def match_key(s: str) -> str:
    """Normalised form for matching: NFC, unified tones, lower case, one dash, single spaces.

    >>> match_key("  Uỷ ban  nhân dân – tỉnh ")
    'ủy ban nhân dân - tỉnh'
    """
    s = unify_tones(nfc(s).translate(ONE_TO_ONE).lower())  # lower case first: "uÝ" is "uý" is "úy"
    return re.sub(r"\s+", " ", s).strip()


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")


_MD_BOLD = re.compile(r"(\*\*|__)")


_MD_LINK = re.compile(r"<(https?://[^>\s]+)>")


def strip_markup(s: str) -> str:
    """Remove markdown heading marks, bold markers and autolink brackets.

    >>> strip_markup("## **II. NỘI DUNG** <http://www.vietnam.vn>")
    'II. NỘI DUNG http://www.vietnam.vn'
    """
    s = _MD_HEADING.sub("", s)
    s = _MD_BOLD.sub("", s)
    s = _MD_LINK.sub(r"\1", s)
    return s


def strip_footnote_markers(s: str) -> str:
    """Drop superscript footnote markers (¹ ² … ⁹).

    >>> strip_footnote_markers("chính trị¹, kinh tế²")
    'chính trị, kinh tế'
    """
    return _FOOTNOTE_RE.sub("", s)


def syllable_pattern(term: str) -> re.Pattern[str]:
    """Regex matching *term* (already a match key) only at syllable boundaries.

    >>> bool(syllable_pattern("biển").search("bảo vệ biển đảo"))
    True
    >>> bool(syllable_pattern("biển").search("biểnx"))
    False
    """
    words = [re.escape(w) for w in match_key(term).split()]
    return re.compile(r"(?<![^\W_])" + r"[\s\-]+".join(words) + r"(?![^\W_])")


def has_syllable(text_key: str, term: str) -> bool:
    """True when the match key *text_key* contains *term* on syllable boundaries.

    >>> has_syllable(match_key("Truyền thông về biên giới"), "biên giới")
    True
    """
    return bool(syllable_pattern(term).search(text_key))


@lru_cache(maxsize=8192)
def line_key(s: str) -> str:
    """Length-preserving match key of an NFC string: unified tones, one dash, lower case.

    Offsets in the key are offsets in *s*, so a match can be shown in the original spelling. Keys are cached (the
    parser asks for the key of one text many times).

    >>> line_key("Uỷ ban – Tỉnh")
    'ủy ban - tỉnh'
    """
    out = unify_tones(s.translate(ONE_TO_ONE).lower())
    return out if len(out) == len(s) else unify_tones("".join(c.lower() if len(c.lower()) == 1 else c
                                                              for c in s.translate(ONE_TO_ONE)))


# ---------------------------------------------------------------------------------------------------------------
# Roman numerals: one reader for sections, quarters and Word's list numbering.

_ROMAN_RE = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


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
