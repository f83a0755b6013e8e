"""Text hygiene, in one place for every format: what a converter, a web page or a copy from Word leaves in the text
that is not text.

Each line read from a file passes :func:`clean_line` once, before any parsing:

- **invisible characters** are removed where they stand, inside words too: zero-width space, non-joiner and joiner,
  word joiner, soft hyphen, byte-order mark, the invisible operators and the bidirectional marks, embeddings and
  overrides (U+200E/F, U+202A–E, U+2066–9); so "Sở Ngo\\u00adại vụ" is "Sở Ngoại vụ", and a right-to-left override
  never reaches a table or a report;
- **separators that are not line breaks of the file** (vertical tab — Word's manual line break —, form feed, the
  information separators, NEL, U+2028 line and U+2029 paragraph separator, a lone carriage return) become a space,
  so the words on both sides are not glued and the line numbers stay those of the file (a line is what ends in a
  line feed);
- **look-alike characters** are written in ASCII: digits of other scripts and full-width forms ("２０２４" is
  "2024", "１．" is "1."), the ideographic space, and the roman numeral signs ("Ⅱ." is "II.", "ⅳ" is "iv"), so a
  section numbered with them is a section.

Control characters are the business of :func:`ttdn_analysis.ingest.read.clean_controls`, which calls this module
and reports both in one ``control_characters`` problem row. File names and manifest keys are compared in NFC
(:func:`name_key`), so a name written decomposed (as macOS writes it) matches its manifest row.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["INVISIBLE", "SEPARATORS", "Cleaned", "clean_line", "clean_lines", "name_key"]

#: Invisible formatting characters, removed: soft hyphen, Mongolian vowel separator, zero-width space / non-joiner
#: / joiner, left-to-right and right-to-left marks, bidirectional embeddings and overrides, word joiner, invisible
#: operators, bidirectional isolates, byte-order mark (zero-width no-break space).
INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                      "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff")
#: Separators that are not the file's line breaks, read as a space: vertical tab, form feed, carriage return (a
#: lone one: CR LF is one line break and is split before), file / group / record / unit separators, next line,
#: line separator, paragraph separator.
SEPARATORS = frozenset("\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\u2028\u2029")

_ROMAN_SIGNS = {0x2160 + i: s for i, s in enumerate(
    ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "L", "C", "D", "M"])}
_ROMAN_SIGNS.update({0x2170 + i: s for i, s in enumerate(
    ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "l", "c", "d", "m"])})
_ROMAN_SIGNS.update({0x2180: "CD", 0x2181: "D", 0x2182: "MMMMMMMMMM", 0x2183: "C", 0x2184: "c"})

#: One character for one string: the table of :func:`clean_line` (digits of other scripts are added on use).
_TABLE: dict[int, str] = {ord(c): "" for c in INVISIBLE}
_TABLE.update({ord(c): " " for c in SEPARATORS})
_TABLE.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)})  # full-width ASCII forms
_TABLE[0x3000] = " "  # ideographic space
_TABLE.update(_ROMAN_SIGNS)

_ODD = re.compile("[" + "".join(sorted(INVISIBLE | SEPARATORS)) + "\u3000\uff01-\uff5e\u2160-\u2184]"
                  r"|(?![0-9])\d")

_KINDS = {"invisible": INVISIBLE, "separator": SEPARATORS}


@dataclass
class Cleaned:
    """Lines after :func:`clean_lines`, what was changed (counts), and the first line changed (1-based)."""

    lines: list[str]
    invisible: int = 0
    separators: int = 0
    lookalikes: int = 0
    first: int | None = None

    @property
    def changed(self) -> bool:
        return bool(self.invisible or self.separators or self.lookalikes)

    def summary(self) -> str:
        """What was done, in words (empty when nothing was).

        Examples
        --------
        >>> print(clean_lines(["Sở Ngo\\u00adại vụ\\u000cKẾ HOẠCH", "Ⅱ. NHIỆM VỤ"]).summary())  # doctest: +ELLIPSIS
        1 invisible character(s) (zero-width space, soft hyphen, byte-order mark …) removed; 1 separator(s) ...
        """
        said = []
        if self.invisible:
            said.append(f"{self.invisible} invisible character(s) (zero-width space, soft hyphen, byte-order mark …) "
                        "removed")
        if self.separators:
            said.append(f"{self.separators} separator(s) that are no line break of the file (form feed, vertical "
                        "tab, U+2028 …) read as spaces")
        if self.lookalikes:
            said.append(f"{self.lookalikes} look-alike character(s) (full-width or other scripts' digits, roman "
                        "numeral signs) written in ASCII")
        return "; ".join(said)


def _replacement(ch: str) -> str:
    got = _TABLE.get(ord(ch))
    return got if got is not None else str(unicodedata.decimal(ch, 0))


def clean_line(line: str) -> str:
    """One line with invisible characters removed, separators as spaces and look-alikes in ASCII.

    Examples
    --------
    >>> clean_line("Sở Ngo\\u00adại\\u200b vụ\\u2060")
    'Sở Ngoại vụ'
    >>> clean_line("chủ trì\\u000cphối hợp\\u2028năm ２０２４"), clean_line("Ⅱ. NHIỆM VỤ"), clean_line("ⅳ) Quý Ⅳ")
    ('chủ trì phối hợp năm 2024', 'II. NHIỆM VỤ', 'iv) Quý IV')
    >>> clean_line("١٢٣ and 𝟐𝟎𝟐𝟓")
    '123 and 2025'
    """
    if not _ODD.search(line):
        return line
    return _ODD.sub(lambda m: _replacement(m.group()), line)


def clean_lines(lines: list[str]) -> Cleaned:
    """:func:`clean_line` on every line, counting what was changed; one output line per input line.

    Examples
    --------
    >>> c = clean_lines(["KẾ HOẠCH", "Sở Ngo\\u00adại vụ", "１．Việc"])
    >>> c.lines, c.invisible, c.lookalikes, c.first
    (['KẾ HOẠCH', 'Sở Ngoại vụ', '1.Việc'], 1, 2, 2)
    """
    out = Cleaned(lines)
    cleaned: list[str] | None = None
    for i, ln in enumerate(lines):
        found = _ODD.findall(ln)
        if not found:
            continue
        if cleaned is None:
            cleaned = list(lines)
            out.first = i + 1
        for ch in found:
            if ch in INVISIBLE:
                out.invisible += 1
            elif ch in SEPARATORS:
                out.separators += 1
            else:
                out.lookalikes += 1
        cleaned[i] = clean_line(ln)
    if cleaned is not None:
        out.lines = cleaned
    return out


def name_key(name: str) -> str:
    """A file name as names are compared: NFC, invisible characters removed, separators as spaces.

    Examples
    --------
    >>> name_key("ke-hoach-\\u0110o\\u0302\\u0300ng-Nai.txt") == name_key("ke-hoach-Đồng-Nai.txt")
    True
    """
    return unicodedata.normalize("NFC", clean_line(name))
