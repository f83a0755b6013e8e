"""Agency names in running text: the spans of a plan's text that name agencies, resolved against the registry.

The parser's reading of names (issue 22: "recognising names in running text is parsing, not registry"): lists
that never split a name at its own commas or "và" (the longest registry name first), single local governments and
named lists of districts, institutions the registry does not know (by their head noun, ``agency_heads.csv``), a
department's or a commune's own units, and tolerant matching of names read through OCR or typing slips, with a
confidence. The names themselves — canonical agencies, aliases, head nouns, stop words — are data in
``registry/data`` (:mod:`ttdn_analysis.registry.agencies`).
"""
from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ttdn_analysis.registry import read_rows
from ttdn_analysis.registry.agencies import (
    _END,
    Agency,
    _flex,
    _registry_rows,
    city_names,
    drop_province,
    match_at,
    match_folded,
    vague_at,
)
from ttdn_analysis.text import line_key, nfc

__all__ = ["AgencyHit", "ScanResult", "CONFIDENCE", "repair_slips", "agency_at", "name_spans", "scan", "scan_list",
           "resolve"]

@dataclass(frozen=True, slots=True)
class AgencyHit:
    """One agency found in a piece of text: the raw span (original spelling) and what it resolves to."""

    raw: str
    agency: Agency
    start: int
    end: int
    #: 1.0 for a name read as printed; below 1 for a name read through an OCR or typing slip (see
    #: :data:`CONFIDENCE`): the match is kept and flagged, never dropped.
    confidence: float = 1.0


#: Confidence of a tolerant match (gold/dev README convention 18): a name read after repairing glued words
#: ("SởTư pháp"), a dot or colon inside it ("Việt.Nam", "Việt Nam: tỉnh"), or with its diacritics ignored
#: ("So Tu phap").
CONFIDENCE = {"repaired": 0.9, "diacritics": 0.8}


_COLON_SLOT = re.compile(r":\s+(?:tỉnh|thành phố)(?![^\W_])")


def repair_slips(text: str) -> tuple[str, list[int]]:
    """*text* with the slips OCR and typing leave inside names repaired, and where each character came from.

    Repairs: a word glued to the next at a capital ("SởTư pháp" → "Sở Tư pháp"), a dot between a lowercase letter
    and a capital ("Việt.Nam"), a colon before "tỉnh" / "thành phố" inside a name ("Việt Nam: tỉnh"). Returns the
    repaired text and, for each of its characters and its end, the offset in *text*.

    Examples
    --------
    >>> t, where = repair_slips("SởTư pháp, Ủy ban Mặt trận Tổ quốc Việt.Nam: tỉnh")
    >>> t, where[2:5], where[len(t)]
    ('Sở Tư pháp, Ủy ban Mặt trận Tổ quốc Việt Nam  tỉnh', [2, 2, 3], 49)
    """
    repaired = _repaired(text)
    return repaired if repaired is not None else (text, list(range(len(text) + 1)))


def _repaired(text: str) -> tuple[str, list[int]] | None:
    """:func:`repair_slips`, or None when there is nothing to repair (no offsets built)."""
    spots = [(m.start(), m.group(0)) for m in _slip_candidates().finditer(text)]
    n = len(text)
    out: list[str] = []
    where: list[int] = []
    last = 0
    for i, ch in spots:  # the few places a slip may be (found by one pattern), each checked as before
        glue = ch.isupper() and i > 0 and text[i - 1].islower() and text[i - 1].isalpha()
        dot = ch == "." and 0 < i < n - 1 and text[i - 1].islower() and text[i + 1].isupper()
        colon = ch == ":" and i > 0 and text[i - 1].isalpha()
        if not (glue or dot or colon):
            continue
        out.append(text[last:i])
        where.extend(range(last, i))
        if glue:
            out.append(" " + ch)  # "SởTư": two words glued by the scan
            where += [i, i]
        else:
            out.append(" ")  # "Việt.Nam", "Việt Nam: tỉnh"
            where.append(i)
        last = i + 1
    if not out:
        return None
    out.append(text[last:])
    where.extend(range(last, n + 1))
    return "".join(out), where


def _char_class(test: Callable[[str], bool]) -> str:
    """A regex character class of every code point of the basic plane for which *test* holds (as ranges), and
    every code point beyond it (a superset: the caller checks each candidate)."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x10000):
        if test(chr(cp)):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "[" + "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                         for a, b in ranges) + f"{chr(0x10000)}-{chr(sys.maxunicode)}]"


@lru_cache(maxsize=1)
def _slip_candidates() -> re.Pattern[str]:
    """Where :func:`repair_slips` may repair: a capital after a lowercase letter, a dot between a lowercase
    letter and a capital, a colon before "tỉnh" / "thành phố" (a character-by-character loop over every text the
    scanner reads cost a third of the parse of a long line)."""
    upper, lower = _char_class(str.isupper), _char_class(str.islower)
    return re.compile(rf"(?<={lower}){upper}|(?<={lower})\.(?={upper})|:(?={_COLON_SLOT.pattern[1:]})")


_PREFIX = re.compile(r"(?:\s|[,;.:]|(?:mời|đề nghị|giao|và|với|cùng|gồm|là)(?![^\W_])"
                     r"|các\s+(?:cơ\s+quan|đơn\s+vị)(?:,\s*đơn\s+vị)?\s+(?:trực\s+thuộc|thuộc|của)\s+(?=bộ\s))+")


_SEP = re.compile(r"\s*(?:[,;]|và(?![^\W_])|&)\s*")


class _Relative:
    """A match read as if made on ``s[pos:]`` (offsets from *pos*), made on *s* itself."""

    __slots__ = ("m", "pos")

    def __init__(self, m: re.Match[str], pos: int) -> None:
        self.m, self.pos = m, pos

    def end(self) -> int:
        return self.m.end() - self.pos

    def group(self, *names: int | str) -> Any:
        return self.m.group(*names)


def _match_at(pattern: str | re.Pattern[str], s: str, pos: int) -> _Relative | None:
    """``re.match(pattern, s[pos:])`` without copying the rest of *s* (a copy per agency made a long list
    quadratic); the offsets are from *pos*, as in the copy."""
    m = (pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)).match(s, pos)
    return _Relative(m, pos) if m else None


# the patterns read after a name, compiled once (a look-up in re's cache per agency cost a tenth of a long line)
_PAREN_AT = re.compile(r"\s*\([^()]*\)")
_DASH_ROLE_AT = re.compile(r"\s*-\s*(?!\s*(?:[,;]|$))[^,;]*?(?=\s*(?:[,;]|\svà\s|$))")
_NAME_GAP_AT = re.compile(r"[ \t]+|\s*-\s*")
_LIST_SEP_AT = re.compile(r"\s*,\s*|\s+và\s+")
_CAPITAL_NEXT_AT = re.compile(r"[ \t]+(?=[^\W\d_])")
_INNER_GAP_AT = re.compile(r"\s*[-–&]\s*|[ \t]+")
_BLANKS_AT = re.compile(r"[ \t]+")
_SPACES = re.compile(r"\s+")
_ITEM_AT = re.compile(r"[^,;]+")
_REST_AT = re.compile(r"[^,;]*")
_LETTER = re.compile(r"[^\W\d_]")
_COLON_AT = re.compile(r"\s*:")


_SPACES_AT = re.compile(r"\s*")


def _skip_paren_and_role(text: str, key: str, pos: int) -> int:
    """After an agency: skip '(…)' notes and a second role after a dash ('Công an tỉnh- Cơ quan Thường trực …')."""
    while True:
        m = _match_at(_PAREN_AT, key, pos)
        if m and not _ROLE_MARKER.match(m.group(0).strip()):
            pos += m.end()
            continue
        m = _match_at(_DASH_ROLE_AT, key, pos)
        if m and not match_at(key, pos + len(m.group(0)) - len(m.group(0).lstrip(" -")), None):
            pos += m.end()
            continue
        return pos


#: A parenthesised role after an agency ("(chủ trì)", "(phối hợp)"): read by the role grammar, not skipped.
_ROLE_MARKER = re.compile(r"^\(\s*(?:đơn vị |cơ quan )?(?:chủ trì|phối hợp)\s*\)$")

# A word as printed: letters (and digits) of one syllable; a proper name is a run of capitalised syllables.
_WORD = re.compile(r"[^\W_]+")
_UNITS = ("thành phố", "thị xã", "thị trấn", "đặc khu", "huyện", "quận", "xã", "phường")
_UNIT_LEVEL = {"thành phố": "district", "thị xã": "district", "huyện": "district", "quận": "district",
               "đặc khu": "commune", "xã": "commune", "phường": "commune", "thị trấn": "commune"}
_LOCAL_GOV = re.compile(r"(?:ủy ban nhân dân|ubnd)\s+(?P<unit>" + "|".join(_UNITS) + r")\s+(?=[^\W\d_])")
_NAMED_LIST = re.compile(r"(?:ủy ban nhân dân|ubnd)\s+các\s+(?P<unit>huyện|thị xã|quận|xã|phường)\s*:?\s+"
                         r"(?=[^\W\d_])")
#: Context words that say which named districts a list means (gold/dev README convention 7, GOLD_SPEC).
_LIST_CONTEXT = (("biên giới", r"biên giới|cửa khẩu|mốc quốc giới|phân giới"),
                 ("ven biển", r"biển|hải đảo|ngư dân|nghề cá|hải sản"))


@dataclass
class ScanResult:
    """Agencies read from a list, and the items that could not be read as an agency (raw text, start, end)."""

    hits: list[AgencyHit]
    unparsed: list[tuple[str, int, int]]
    trailing: list[str] = field(default_factory=list)  # text after an agency up to the next separator


@lru_cache(maxsize=1)
def _heads() -> tuple[re.Pattern[str], frozenset[str]]:
    """Head nouns that open an institution's name, and those that name a department's own units."""
    rows = read_rows("agency_heads.csv")
    words = sorted({line_key(nfc(r["word"])) for r in rows}, key=len, reverse=True)
    units = frozenset(line_key(nfc(r["word"])) for r in rows if r["kind"] == "unit")
    return re.compile("(?:" + "|".join(_flex(w) for w in words) + r")(?=[ \t]+[^\W_])"), units


@lru_cache(maxsize=1)
def _service_heads() -> frozenset[str]:
    """Head nouns of public-service units ("Trung tâm", "Bảo tàng"): ``kind`` ``service`` in agency_heads.csv."""
    return frozenset(line_key(nfc(r["word"])) for r in read_rows("agency_heads.csv") if r["kind"] == "service")


#: Abbreviations written out in a canonical name ("Văn phòng HĐND và UBND xã"); the raw keeps them.
_EXPANDED = {"HĐND": "Hội đồng nhân dân", "UBND": "Ủy ban nhân dân"}
_ABBREVIATION = re.compile(r"(?<![^\W_])(?:HĐND|UBND)(?![^\W_])")
#: Tier words of local government: a lowercase word after one ends a name ("Hội Nghề cá xã" + "tuyên truyền").
_TIERS = frozenset({"tỉnh", "huyện", "quận", "xã", "phường", "thị trấn", "đặc khu"})


def _own_name_after(text: str, end: int, commune: tuple[str, str]) -> int | None:
    """End of the commune's own name right after a name that ends with its tier word ("… xã" + " Thiên Cầm")."""
    tier, place = commune
    if not line_key(text[:end]).rstrip().endswith(" " + line_key(tier)):
        return None
    m = _match_at(r"[ \t]+" + re.escape(place) + r"(?![^\W_])", text, end)
    return end + m.end() if m else None


#: Words that tie a name to a place other than the province: such a unit keeps its name as printed.
_PLACE_WORDS = re.compile(r"(?<![^\W_])(?:tỉnh|huyện|quận|thị xã|thị trấn|thành phố|xã|phường|đặc khu|vùng|khu vực"
                          r"|quốc gia|trung ương|việt nam)(?![^\W_])")


@lru_cache(maxsize=1)
def _head_keys() -> tuple[str, ...]:
    """The head nouns as match keys, longest first."""
    return tuple(sorted({line_key(nfc(r["word"])) for r in read_rows("agency_heads.csv")}, key=len, reverse=True))


def _only_heads(key: str) -> bool:
    """True when *key* is nothing but head nouns ("sở", "văn phòng sở"): no name of a body."""
    rest = key.strip()
    at = _head_word_at()
    while rest:
        head = at.match(rest)
        if head is None:
            return False
        rest = rest[head.end():].strip()
    return True


@lru_cache(maxsize=1)
def _head_word_at() -> re.Pattern[str]:
    """A head noun that is the whole text or is followed by a space (longest first; one pattern instead of a loop
    over the head nouns for every name read)."""
    return re.compile("(?:" + "|".join(re.escape(h) for h in _head_keys()) + r")(?= |\Z)")


@lru_cache(maxsize=1)
def _stops() -> re.Pattern[str]:
    words = sorted({line_key(nfc(r["word"])) for r in read_rows("name_stops.csv")}, key=len, reverse=True)
    return re.compile("(?:" + "|".join(_flex(w) for w in words) + ")" + _END)


def _proper_name(text: str, pos: int) -> int:
    """End of the run of capitalised syllables (a place name) starting at *pos* of *text*, else *pos*."""
    end = pos
    i = pos
    while True:
        m = _WORD.match(text, i)
        if not m or not (m.group(0)[0].isupper() or m.group(0).isdigit()):
            return end
        end = m.end()
        gap = _match_at(_NAME_GAP_AT, text, end)
        if not gap:
            return end
        i = end + gap.end()


def _local_government(text: str, key: str, pos: int) -> tuple[Agency, int] | None:
    """'UBND huyện Mường Khương' → Ủy ban nhân dân huyện Mường Khương (a place named like the province stays a
    place: 'UBND thành phố Lào Cai'); 'UBND thành phố Hải Phòng' → Ủy ban nhân dân tỉnh (a centrally-run city)."""
    m = _LOCAL_GOV.match(key, pos)
    if not m:
        return None
    end = _proper_name(text, m.end())
    if end == m.end():
        return None
    unit, name = m.group("unit"), text[m.end():end]
    if unit == "thành phố" and line_key(name) in city_names():
        return _registry_rows()["Ủy ban nhân dân tỉnh"], end
    return Agency(f"Ủy ban nhân dân {unit} {name}", "state_government", _UNIT_LEVEL[unit]), end


def _named_list(text: str, key: str, pos: int, context: str) -> tuple[Agency, int] | None:
    """'UBND các huyện Bát Xát, Mường Khương, Si Ma Cai' (named districts, one list) → one collective."""
    m = _NAMED_LIST.match(key, pos)
    if not m:
        return None
    end = i = m.end()
    names = 0
    while True:
        e = _proper_name(text, i)
        if e == i:
            break
        end, names = e, names + 1
        sep = _match_at(_LIST_SEP_AT, text, end)
        if not sep or not _proper_name(text, end + sep.end()) > end + sep.end():
            break
        i = end + sep.end()
    if not names:
        return None
    unit = "huyện" if m.group("unit") in ("huyện", "thị xã", "quận") else "xã"
    ctx = line_key(context)
    for label, rx in _LIST_CONTEXT:
        if re.search(rx, ctx):
            return _registry_rows().get(f"UBND các {unit} {label}",
                                        Agency(f"UBND các {unit} {label}", "collective", "district", True)), end
    return _registry_rows().get(f"UBND một số {unit}",
                                Agency(f"UBND một số {unit}", "collective", "district", True)), end


def _continues(text: str, end: int) -> bool:
    """True when a capitalised name goes on right after *end* ('Ban Quản lý Khu kinh tế' + ' Vân Phong'); not when
    a head noun or a field label follows ('Sở Ngoại vụ' + ' Chủ trì: …', fields run together on one line).

    Examples
    --------
    >>> t = "Sở Ngoại vụ Chủ trì: Sở Nội vụ; Ban Quản lý Khu kinh tế Vân Phong"
    >>> _continues(t, len("Sở Ngoại vụ")), _continues(t, t.index(" Vân"))
    (False, True)
    """
    m = _match_at(_CAPITAL_NEXT_AT, text, end)
    if not m:
        return False
    w = _WORD.match(text, end + m.end())
    if not (w and w.group(0)[0].isupper()):
        return False
    rest = line_key(text[end + m.end():end + m.end() + 400])  # a head noun is short: the rest of a line is not keyed
    if _heads()[0].match(rest):
        return False
    label = _stops().match(rest)  # a role cue with its colon ("Chủ trì:", "Phối hợp:"): the next field's label
    return not (label and _COLON_AT.match(rest, label.end()))


def _unknown_at(text: str, key: str, pos: int, mode: str) -> int | None:
    """End of an unknown institution's name that opens with a head noun ("Trường Đại học Nha Trang"), else None.

    The name runs to a ';', '(', '.', ':', a role cue or verb (``name_stops.csv``), or a ',' / 'và' followed by
    another agency; a ',' or 'và' followed by more of the name ("… Đầu tư, Thương mại và Du lịch tỉnh") goes on.
    """
    heads, _ = _heads()
    h = heads.match(key, pos)
    if not h or not text[pos:pos + 1].isupper():
        return None
    spaces = _SPACES_AT.match(key, h.end())  # always matches ("\s*")
    first = _WORD.match(text, spaces.end() if spaces else h.end())
    if not first or not (first.group(0)[0].isupper() or first.group(0)[0].isdigit()):
        return None  # a name goes on with a capital ("Trường Đại học …"); "Báo cáo kết quả" is no agency
    end = h.end()
    words = 0
    i = last = end
    n = len(text)
    while i < n and words < 14:
        gap = _match_at(_INNER_GAP_AT, text, i)
        j = i + (gap.end() if gap else 0)
        if gap is None and i != h.end():
            sep = _match_at(_LIST_SEP_AT, text, i)
            if not sep:
                break
            nxt = i + sep.end()
            if (match_at(key, nxt) or heads.match(key, nxt) or _LOCAL_GOV.match(key, nxt)
                    or vague_at(key, nxt) is not None or (key.startswith("các ", nxt)
                    and not key.startswith("các khu", nxt))):
                break
            w = _WORD.match(text, nxt)
            if not w or (mode == "text" and not w.group(0)[0].isupper()):
                break
            end = i = w.end()  # the name goes on after its comma ("Phòng Báo chí, Xuất bản")
            words += 1
            continue
        w = _WORD.match(text, j)
        if not w:
            break
        if w.group(0)[0].islower() and _stops().match(key, j):
            break
        if w.group(0)[0].islower() and words and text[last:end] in _TIERS:
            break  # "Văn phòng HĐND và UBND xã" + "cập nhật …": a name goes on after its tier word only with a place
        last = j
        end = i = w.end()
        words += 1
    return end if words else None


@lru_cache(maxsize=1)
def _name_prefixes() -> frozenset[str]:
    """Every word-prefix of the registry's names and aliases (match keys): "ban quản lý khu kinh tế cửa" is one,
    for "Ban Quản lý Khu kinh tế cửa khẩu tỉnh"."""
    names = {line_key(nfc(r["alias"])) for name in ("agency_aliases.csv", "agency_self.csv")
             for r in read_rows(name) if r["alias"].strip()}
    names |= {line_key(c) for c in _registry_rows()}
    out: set[str] = set()
    for n in names:
        words = n.split()
        out.update(" ".join(words[:k]) for k in range(2, len(words)))
    return frozenset(out)


_WORD_AFTER = re.compile(r"[ \t]+([^\W_]+)")


def _known_longer(key: str, pos: int, end: int) -> bool:
    """True when a registry name longer than the match *pos*…*end* goes on with the word that follows it in the
    text: the text names a more specific body ("Ban Quản lý Khu kinh tế" + " cửa khẩu quốc tế Bờ Y", where the
    registry knows "Ban Quản lý Khu kinh tế cửa khẩu tỉnh"), so the shorter name must not win.

    Examples
    --------
    >>> k = line_key("Ban Quản lý Khu kinh tế cửa khẩu quốc tế Bờ Y")
    >>> _known_longer(k, 0, len("Ban Quản lý Khu kinh tế"))
    True
    >>> _known_longer(k, 0, len("Ban Quản lý Khu kinh tế cửa khẩu"))  # no registry name goes on with "quốc"
    False
    """
    m = _WORD_AFTER.match(key, end)
    if not m:
        return False
    return " ".join(key[pos:end].split() + [m.group(1)]) in _name_prefixes()


@lru_cache(maxsize=1)
def _first_syllables() -> frozenset[str]:
    """The first syllable of every name the scanner can read (registry names and aliases, a department's own units,
    head nouns, "ủy ban nhân dân" / "ubnd"): any other word opens no agency, so the big matchers are not tried."""
    words = {line_key(nfc(r["alias"])).split()[0] for name in ("agency_aliases.csv", "agency_self.csv")
             for r in read_rows(name) if r["alias"].strip()}
    words |= {line_key(c).split()[0] for c in _registry_rows()}
    words |= {h.split()[0] for h in _head_keys()}
    words |= {"ủy", "ubnd"}
    return frozenset(words)


def agency_at(text: str, key: str, pos: int, issuer: str | None = None, mode: str = "field",
              context: str = "", province: str | None = None,
              commune: tuple[str, str] | None = None) -> tuple[Agency, int] | None:
    """The agency whose name starts at *pos* (of *text* and its :func:`line_key` *key*), and where it ends.

    Tried in order: a single local government ("UBND huyện X"), a named list of districts, the registry (longest
    alias first; a registry name that a capitalised place name continues is a different body), and an unknown
    institution opening with a head noun (``agency_heads.csv``; returned with ``known=False``). In a department's
    plan, the department's own units ("Phòng …") are named with the department (*issuer*). *context* is the
    task's text, which says what a named list of districts is (border, coastal). In a commune's plan, *commune*
    is its tier word and name (``("xã", "Thiên Cầm")``): the commune's own units keep the tier word and drop the
    name ("Phòng Kinh tế" → "Phòng Kinh tế xã", "Trạm Y tế xã Thiên Cầm" → "Trạm Y tế xã"; gold/dev README
    conventions 17 and 31), while outside bodies keep their place names ("Đồn Biên phòng Thiên Cầm").

    Examples
    --------
    >>> t = "UBND huyện Mường Khương; Trường Đại học Nha Trang, Sở Kế hoạch và Đầu tư"
    >>> a, end = agency_at(t, line_key(t), 0); a.canonical, t[:end]
    ('Ủy ban nhân dân huyện Mường Khương', 'UBND huyện Mường Khương')
    >>> a, end = agency_at(t, line_key(t), 25); a.canonical, a.known
    ('Trường Đại học Nha Trang', False)
    >>> t = "Phòng Kinh tế; Văn phòng HĐND và UBND phường cập nhật"
    >>> [agency_at(t, line_key(t), p, commune=("phường", "Hòa Bình"))[0].canonical for p in (0, 15)]
    ['Phòng Kinh tế phường', 'Văn phòng Hội đồng nhân dân và Ủy ban nhân dân phường']
    """
    first = _WORD.match(key, pos)
    if first is None or first.group(0) not in _first_syllables():
        return None  # no registry name, local government or head noun starts with this word
    for found in (_local_government(text, key, pos), _named_list(text, key, pos, context)):
        if found:
            return found
    found = match_at(key, pos, issuer)
    if found and commune:
        own = _own_name_after(text, found[1], commune)
        if own is not None:  # "Trạm Y tế xã Thiên Cầm" in the plan of xã Thiên Cầm: the commune's station
            return found[0], own
    longer = found is not None and _known_longer(key, pos, found[1])
    if found and not _continues(text, found[1]) and not longer:
        return found
    end = _unknown_at(text, key, pos, mode)
    if longer and found and (end is None or end <= found[1]):
        return found  # no longer name read after all: the registry's stands
    if end is None and found:  # a registry name that a place name continues: "Công an thành phố Lào Cai"
        gap = _match_at(_BLANKS_AT, text, found[1])  # at the name's end, without copying the rest
        end = _proper_name(text, found[1] + gap.end()) if gap else None
        if not end or end == found[1] + gap.end():  # type: ignore[union-attr]
            return found
    if end is None:
        return None
    raw = _SPACES.sub(" ", text[pos:end]).strip(" ,.;")
    head = _heads()[0].match(key, pos)
    rest = line_key(raw)[head.end() - pos:] if head else ""
    if _only_heads(rest):
        return found  # "Văn phòng Sở" with no department to name it: a head noun alone is no agency
    name = drop_province(raw, province)
    name = name[0].upper() + name[1:]
    name = _ABBREVIATION.sub(lambda m: _EXPANDED[m.group(0).upper()], name)
    _, units = _heads()
    if commune:
        tier, place = commune
        name = re.sub(rf"(?<![^\W_])({re.escape(tier)})\s+{re.escape(place)}$", r"\1", name)
        if any(line_key(name).startswith(u + " ") for u in units) and not _PLACE_WORDS.search(line_key(name)):
            name = f"{name} {tier}"  # the commune's own office: "Phòng Kinh tế" → "Phòng Kinh tế xã"
    if issuer and any(line_key(name).startswith(u + " ") for u in units) and "sở" not in line_key(name).split():
        return Agency(f"{name} {issuer}", "state_department", "province"), end
    if issuer and any(line_key(name).startswith(u + " ") for u in _service_heads()) \
            and not _PLACE_WORDS.search(line_key(name)) and line_key(raw) == line_key(name):
        # a department's public-service unit named without its province ("Trung tâm Văn hóa - Điện ảnh"): the
        # province's unit (gold/dev README convention 23)
        return Agency(f"{name} tỉnh", "unknown", "province", False, False), end
    return Agency(name, "unknown", "", False, False), end


_CAPITAL_WORD = re.compile(r"(?<![^\W_])[^\W\d_]")  # a word's first letter; names start with a capital


def name_spans(text: str) -> list[tuple[int, int]]:
    """Spans of *text* that are the names of agencies (registry, local governments, institutions by head noun).

    Names start with a capital, so only capitalised words are tried. The theme tagger masks these spans: an
    agency's name is no theme mention ("UBND huyện Trường Sa", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"; gold/dev
    README convention 10), while the same words in content count ("huyện đảo Trường Sa").

    Examples
    --------
    >>> t = "Tuyên truyền về huyện đảo Trường Sa (UBND huyện Trường Sa thực hiện)"
    >>> [t[s:e] for s, e in name_spans(t)]
    ['UBND huyện Trường Sa']
    >>> t = "phối hợp với Đồn Biên phòng Cửa Việt, Đài Phát thanh và Truyền hình tỉnh tuyên truyền biên giới"
    >>> [t[s:e] for s, e in name_spans(t)]
    ['Đồn Biên phòng Cửa Việt', 'Đài Phát thanh và Truyền hình tỉnh']
    """
    key = line_key(nfc(text)) if len(nfc(text)) == len(text) else line_key(text)
    spans: list[tuple[int, int]] = []
    end = 0
    for m in _CAPITAL_WORD.finditer(text):
        if m.start() < end or not m.group(0).isupper():  # "Đ" lies inside the range à-ỹ: test the case itself
            continue
        found = agency_at(text, key, m.start(), mode="text", context=text)
        if found:
            spans.append((m.start(), found[1]))
            end = found[1]
    return spans


def scan(text: str, context: str = "field", issuer: str | None = None, task_text: str = "",
         province: str | None = None, commune: tuple[str, str] | None = None) -> ScanResult:
    """Read a list of agencies ("A; B, C và D") from the start of *text*; see :func:`scan_list`.

    Also returns the items of a field list that could not be read as an agency (for ``unparsed_assignment``).

    Examples
    --------
    >>> r = scan("Sở Ngoại vụ; theo kế hoạch riêng")
    >>> [h.agency.canonical for h in r.hits], [u[0] for u in r.unparsed]
    (['Sở Ngoại vụ'], ['theo kế hoạch riêng'])
    """
    text = nfc(text)
    printed, where = text, None
    repaired = _repaired(text)
    if repaired is not None:  # read the repaired text; spans and raws stay those of the text as printed
        text, where = repaired
    key = line_key(text)
    hits: list[AgencyHit] = []
    unparsed: list[tuple[str, int, int]] = []
    trailing: list[str] = []
    pos = 0
    n = len(key)
    mode = "text" if context == "text" else "field"

    def hit(raw: str, ag: Agency, start: int, end: int, confidence: float) -> AgencyHit:
        if where is None:
            return AgencyHit(raw, ag, start, end, confidence)
        s, e = where[start], where[end]
        as_printed = printed[s:e].strip(" ,.;")
        lead = len(printed[s:e]) - len(printed[s:e].lstrip(" ,.;"))
        changed = line_key(as_printed) != line_key(raw) or printed[s:e] != text[start:end]
        return AgencyHit(as_printed if changed else raw, ag, s + lead if changed else s, e,
                         min(confidence, CONFIDENCE["repaired"]) if changed else confidence)

    while pos < n:
        m = _PREFIX.match(key, pos)
        if m:
            pos = m.end()
        if pos >= n:
            break
        if context == "text":
            v = vague_at(key, pos)
            if v is not None:
                pos = v
                if not _SEP.match(key, pos):
                    break
                continue
        found = agency_at(text, key, pos, issuer, mode, task_text or text, province, commune)
        confidence = 1.0
        loose = match_folded(key, pos) if not found or not found[0].known else None
        if loose and (not found or loose[1] >= found[1]) and loose[0].canonical != (found[0].canonical if found
                                                                                    else None):
            found, confidence = loose, CONFIDENCE["diacritics"]  # "So Tu phap": the registry's name, unsure
        if found:
            ag, end = found
            raw = text[pos:end]
            # a colon list of names belongs to the agency ("UBND các huyện biên giới: Đức Cơ, Chư Prông và Ia Grai")
            if ag.is_collective and key.startswith(":", end):
                end = n
                raw = text[pos:end].rstrip(" .;")
            end = _skip_paren_and_role(text, key, end)
            hits.append(hit(raw.strip(), ag, pos, end, confidence))
            pos = end
        else:
            if context == "field":
                v = vague_at(key, pos)
                if v is not None:
                    pos = v
                    continue
            if context == "text":
                break
            m2 = _ITEM_AT.match(key, pos)
            end = m2.end() if m2 else n
            raw = text[pos:end].strip(" .")
            if raw and _LETTER.search(raw):
                unparsed.append((raw, pos, end) if where is None else (printed[where[pos]:where[end]].strip(" ."),
                                                                       where[pos], where[end]))
            pos = end
        sep = _SEP.match(key, pos)
        if sep:
            pos = sep.end()
            continue
        if context == "text" or pos >= n:
            break
        rest = _REST_AT.match(key, pos)
        if rest and _LETTER.search(rest.group(0)):
            trailing.append(text[rest.start():rest.end()].strip())
        pos = rest.end() if rest else n
    return ScanResult(hits, unparsed, trailing)


def scan_list(text: str, context: str = "field", issuer: str | None = None, task_text: str = "",
              province: str | None = None) -> list[AgencyHit]:
    """Parse a list of agencies ("A; B, C và D") from the start of *text*.

    Names are never split at their own commas or "và" ("Sở Văn hóa, Thể thao và Du lịch", "UBND các huyện, thị
    xã, thành phố"): the longest registry name wins, and a ',' or 'và' splits only where another agency follows.

    ``context="field"``: a field line's value or a table cell; items that are no agency are left out (see
    :func:`scan` for them); unknown institutions are returned with ``agency.known=False``.
    ``context="text"``: running text after a role cue ("phối hợp với"); vague groups are skipped and the list stops
    at the first item that is not an agency.

    Examples
    --------
    >>> [h.agency.canonical for h in scan_list("Sở Kế hoạch và Đầu tư; Sở Văn hóa, Thể thao và Du lịch; "
    ...                                          "UBND các huyện, thị xã, thành phố.")]
    ['Sở Kế hoạch và Đầu tư', 'Sở Văn hóa, Thể thao và Du lịch', 'UBND cấp huyện']
    >>> [h.agency.canonical for h in scan_list("Ban Tuyên giáo Tỉnh ủy và Công an tỉnh- Cơ quan Thường trực "
    ...                                          "Ban Chỉ đạo Nhân quyền tỉnh, các sở, ban, ngành, đoàn thể tỉnh")]
    ['Ban Tuyên giáo Tỉnh ủy', 'Công an tỉnh', 'Các sở, ban, ngành']
    >>> [h.agency.canonical for h in scan_list("Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh; Đài PTTH tỉnh")]
    ['Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh', 'Đài Phát thanh và Truyền hình tỉnh']
    """
    return scan(text, context, issuer, task_text, province).hits


def resolve(raw: str, province: str | None = None, issuer: str | None = None) -> Agency | None:
    """Resolve one raw agency string to its canonical record; None when the registry does not know it.

    *province* is accepted for symmetry with the loader; province names are recognised generically.

    Examples
    --------
    >>> resolve("Uỷ ban MTTQ Việt Nam tỉnh").canonical
    'Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh'
    >>> resolve("Mời Cục TTĐN – Bộ Thông tin và Truyền thông").canonical
    'Cục Thông tin đối ngoại'
    >>> resolve("Tạp chí Chư Yang Sin (Hội Văn học Nghệ thuật tỉnh)").canonical
    'Tạp chí Chư Yang Sin'
    >>> resolve("Phòng Không Tồn Tại") is None
    True
    """
    hits = scan_list(raw, "field", issuer)
    if len(hits) == 1 and hits[0].agency.known:
        return hits[0].agency
    return None

