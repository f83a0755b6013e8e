"""Provinces before and after the 2025 merger (Resolution 202/2025/QH15): names, aliases, successors."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd

from ttdn_analysis.registry import iso_date, read_table
from ttdn_analysis.text import match_key, nfc, to_old_tones, unify_tones

__all__ = ["MERGER_DATE", "MERGER_SOURCE", "provinces", "canonical_province", "find_province", "province_mentions",
           "merged_province", "after_merger", "merge_provinces", "province_end"]

#: The first day of the 34 provinces and cities of Resolution 202/2025/QH15.
MERGER_DATE = "2025-07-01"
MERGER_SOURCE = "Resolution 202/2025/QH15"

_COLUMNS = ["name", "kind", "aliases", "valid_from", "valid_to", "merged_into", "source", "note"]


# Administrative prefixes that may precede a province name ("Tỉnh Đắk Lắk", "TP. Hồ Chí Minh", "Thành phố Huế").
_PREFIX_RE = re.compile(r"^(?:(?:tỉnh|thành phố|thủ đô|tinh|thanh pho|thu do)\s+|(?:tp|t\.p)\.?\s*)")


# Bare names that are also common words or a person's name ("hòa bình" = peace, "Chủ tịch Hồ Chí Minh"):
# in running text they count only next to an administrative cue (see ``find_province``).
_NEEDS_CUE = {"hòa bình", "hoa binh", "hồ chí minh", "ho chi minh", "hcm"}


# Phrases that contain a province name but do not name the province.
_NOT_A_PROVINCE = ["thái bình dương", "điện biên phủ", "hải dương học"]


_CUE_BEFORE_RE = re.compile(r"(?:^|[|\n\r\t:;(]|\b(?:tỉnh|thành phố|thủ đô|tp\.?|t\.p\.?|ubnd))\s*$", re.IGNORECASE)


_CUE_AFTER_RE = re.compile(r"^\s*,\s*ngày\b", re.IGNORECASE)


def _ascii(s: str) -> str:
    """Accent-stripped form of a match key ("đắk lắk" → "dak lak")."""
    s = s.replace("đ", "d").replace("Đ", "D")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", s)


def _key(s: str) -> str:
    """Match key with dashes treated as spaces ("Bà Rịa-Vũng Tàu" → "bà rịa vũng tàu")."""
    return re.sub(r"\s*-\s*", " ", match_key(s)).strip()


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    """The package table ``data/provinces.csv`` (cached; callers must copy before changing it)."""
    return read_table("provinces.csv", _COLUMNS)


@lru_cache(maxsize=1)
def _lookup() -> tuple[dict[str, str], dict[str, str]]:
    """Maps match key → official name and accent-stripped key → official name."""
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    for name, aliases in zip(_table()["name"], _table()["aliases"]):
        for form in [name, *filter(None, aliases.split("|"))]:
            k = _key(form)
            for cand in {k, _PREFIX_RE.sub("", k)} - {""}:
                exact.setdefault(cand, name)
                loose.setdefault(_ascii(cand), name)
    return exact, loose


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over all province names and aliases (longest first) and its key → name map."""
    forms: dict[str, str] = {}
    for name, aliases in zip(_table()["name"], _table()["aliases"]):
        for form in [name, *filter(None, aliases.split("|"))]:
            k = _key(form)
            forms.setdefault(k, name)
            forms.setdefault(_ascii(k), name)
            forms.setdefault(to_old_tones(k), name)  # "Khánh Hoà": texts are scanned without unifying tone marks
    # A character trie rather than a flat alternation: the regex engine then rejects most positions at their
    # first character, which keeps scanning long texts fast. Greedy optional groups prefer the longest name.
    trie: dict = {}
    for k in forms:
        node = trie
        for unit in " ".join(k.split()):
            node = node.setdefault(unit, {})
        node[""] = {}
    pat = re.compile(r"(?<![^\W_])" + _trie_regex(trie) + r"(?![^\W_])", re.IGNORECASE)
    return pat, forms


@lru_cache(maxsize=1)
def _lower_pattern() -> re.Pattern[str]:
    """:func:`_pattern` for lower-case text (no IGNORECASE)."""
    return re.compile(_pattern()[0].pattern)  # the names in the trie are match keys: already lower case


@lru_cache(maxsize=1)
def _not_a_province() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(p) for p in _NOT_A_PROVINCE))  # lower-case phrases, lower-case text


def _trie_regex(node: dict) -> str:
    """Regex of a character trie ("" marks the end of a name; a space stands for spaces or dashes)."""
    alts = []
    for unit in sorted(u for u in node if u):
        alts.append((r"[\s\-]+" if unit == " " else re.escape(unit)) + _trie_regex(node[unit]))
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{body})?" if "" in node else body


def provinces(on: str | None = None) -> pd.DataFrame:
    """Provinces and centrally governed cities, optionally only those in force on a date.

    Parameters
    ----------
    on : str or None
        ISO date (``"2025-07-01"``). ``None`` returns every row: the 63 units of 2008-08-01 to
        2025-06-30, the city of Huế (from 2025-01-01) and the 23 merged units from 2025-07-01.

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``kind``, ``aliases`` (pipe-separated), ``valid_from``, ``valid_to``,
        ``merged_into``, ``source``, ``note``; all strings, ``""`` when empty (an empty ``valid_to``
        means still in force). A copy: changing it does not change the package data.

    Notes
    -----
    ``valid_from`` of the pre-2025 units is 2008-08-01, the day the 63-unit map began (Hà Tây joined
    Hà Nội, Resolution 15/2008/QH12); most units are older. Thừa Thiên Huế ends on 2024-12-31 and
    continues as the centrally governed city of Huế. Merged units follow Resolution 202/2025/QH15 and
    start on 2025-07-01, when the new provincial authorities began work. Where a merged unit keeps
    the name of a former one (Đắk Lắk), the name has two rows: before and after 2025-07-01.

    Examples
    --------
    >>> len(provinces("2024-06-01")), len(provinces("2025-07-01"))
    (63, 34)
    >>> provinces("2026-01-01").query("kind != 'tỉnh'")["name"].tolist()
    ['Hà Nội', 'Huế', 'Hải Phòng', 'Đà Nẵng', 'Hồ Chí Minh', 'Cần Thơ']
    """
    df = _table()
    if on is not None:
        d = iso_date(on)
        df = df[(df["valid_from"] <= d) & ((df["valid_to"] == "") | (df["valid_to"] >= d))]
        # Capitals first, then the official order of the source table.
        df = df.assign(_c=(df["kind"] == "tỉnh")).sort_values("_c", kind="stable").drop(columns="_c")
    return df.reset_index(drop=True).copy()


def canonical_province(raw: str) -> str | None:
    """Official name of a province written in any known form.

    Parameters
    ----------
    raw : str
        A province name in any case, tone-mark style (``"Hoà"``/``"Hòa"``) or alias, with or
        without accents and with or without a ``"Tỉnh"``, ``"Thành phố"`` or ``"TP."`` prefix.

    Returns
    -------
    str or None
        The official name without prefix (``"Đắk Lắk"``), or ``None`` when unknown.

    Examples
    --------
    >>> canonical_province("TỈNH ĐẮK LẮK"), canonical_province("Dak Lak"), canonical_province("TP.HCM")
    ('Đắk Lắk', 'Đắk Lắk', 'Hồ Chí Minh')
    >>> canonical_province("Khánh Hoà"), canonical_province("Thành phố Huế"), canonical_province("Thừa Thiên - Huế")
    ('Khánh Hòa', 'Huế', 'Thừa Thiên Huế')
    >>> canonical_province("Atlantis") is None
    True
    """
    if not isinstance(raw, str):
        return None
    k = re.sub(r"\s*\((?:cũ|mới|cu|moi)\)\W*$", "", _key(raw))
    k = k.strip(" .,;:|()[]\"'")
    if not k:
        return None
    exact, loose = _lookup()
    for cand in (k, _PREFIX_RE.sub("", k)):
        if cand in exact:
            return exact[cand]
    for cand in (_ascii(k), _PREFIX_RE.sub("", _ascii(k))):
        if cand in loose:
            return loose[cand]
    return None


def _has_cue(text: str, start: int, end: int) -> bool:
    """True when a bare ambiguous name at ``text[start:end]`` is next to an administrative cue."""
    return bool(_CUE_BEFORE_RE.search(text[max(0, start - 30):start]) or _CUE_AFTER_RE.match(text[end:end + 20]))


def province_mentions(text: str) -> list[tuple[str, int, int]]:
    """Every province named in a piece of text, in order, with its span.

    The same matching as :func:`find_province` (names and aliases on syllable boundaries, longest first;
    "Thái Bình Dương" and "Điện Biên Phủ" skipped; Hòa Bình and Hồ Chí Minh only next to an administrative cue).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    list of (str, int, int)
        Official name, start and end offsets in *text* (NFC).

    Examples
    --------
    >>> province_mentions("Báo Gia Lai và Cục Hải quan Gia Lai - Kon Tum")
    [('Gia Lai', 4, 11), ('Gia Lai', 28, 35), ('Kon Tum', 38, 45)]
    >>> province_mentions("xây dựng biên giới hòa bình")
    []
    """
    if not isinstance(text, str) or not text:
        return []
    s = nfc(text)  # old- and new-style tone marks are both in the pattern: no unify pass over the whole text
    low = s.lower()
    pat, forms = _pattern()
    if len(low) == len(s):  # matching lower-case text without IGNORECASE is twice as fast; offsets are the same
        pat, s_match = _lower_pattern(), low
    else:
        s_match = s
    blocked = [m.span() for m in _not_a_province().finditer(low)] if len(low) == len(s) else \
        [m.span() for m in re.finditer(_not_a_province().pattern, s, re.IGNORECASE)]
    out = []
    for m in pat.finditer(s_match):
        if any(a < m.end() and m.start() < b for a, b in blocked):
            continue
        k = re.sub(r"[\s\-]+", " ", m.group(0).lower())
        if unify_tones(k) in _NEEDS_CUE and not _has_cue(s, m.start(), m.end()):
            continue
        out.append((forms[k], m.start(), m.end()))
    return out


def find_province(text: str) -> str | None:
    """The first province named in a piece of text.

    Names and aliases are matched on syllable boundaries, longest first, ignoring case and tone-mark
    style. Phrases that only contain a province name (``"Thái Bình Dương"``, ``"Điện Biên Phủ"``)
    are skipped, and names that are also common words or a person's name (Hòa Bình, Hồ Chí Minh)
    count only after ``tỉnh``/``thành phố``/``TP.``/``UBND``, at the start of a line or table cell,
    or before ``", ngày"``.

    Parameters
    ----------
    text : str
        Any text, e.g. a document header or a table cell.

    Returns
    -------
    str or None
        Official province name, or ``None`` when no province is named.

    Examples
    --------
    >>> find_province("Đắk Lắk, ngày 05 tháng 8 năm 2024")
    'Đắk Lắk'
    >>> find_province("UBND TỈNH QUẢNG NAM"), find_province("Cơ quan ban hành | Tỉnh Hà Nam")
    ('Quảng Nam', 'Hà Nam')
    >>> find_province("Giữ vững hòa bình ở biển Thái Bình Dương") is None
    True
    """
    found = province_mentions(text)
    return found[0][0] if found else None


def merged_province(name: str, on: str = "2025-07-01") -> str:
    """The province or city that *name* belongs to on a date.

    Parameters
    ----------
    name : str
        A province name in any form accepted by :func:`canonical_province`.
    on : str
        ISO date. Default ``"2025-07-01"``, the first day of the merged units.

    Returns
    -------
    str
        Official name of the unit in force on *on* that contains *name*'s territory. For a unit
        that did not yet exist on *on* (Huế before 2025), its single predecessor; otherwise *name*.

    Raises
    ------
    ValueError
        If *name* is not a known province or *on* is not an ISO date.

    Examples
    --------
    >>> merged_province("Phú Yên", on="2026-01-01"), merged_province("Phú Yên", on="2024-01-01")
    ('Đắk Lắk', 'Phú Yên')
    >>> merged_province("Tỉnh Bình Phước"), merged_province("Thừa Thiên Huế")
    ('Đồng Nai', 'Huế')
    """
    canon = canonical_province(name)
    if canon is None:
        raise ValueError(f"unknown province: {name!r}")
    d = iso_date(on)
    df = _table()
    current = canon
    for _ in range(len(df)):
        rows = df[df["name"] == current]
        if ((rows["valid_from"] <= d) & ((rows["valid_to"] == "") | (rows["valid_to"] >= d))).any():
            return current
        ended = rows[(rows["valid_to"] != "") & (rows["valid_to"] < d) & (rows["merged_into"] != "")]
        if ended.empty:
            break
        current = ended.sort_values("valid_to")["merged_into"].iloc[-1]
    # Not in force yet: fall back to a sole predecessor in force on that date.
    before = df[(df["merged_into"] == canon) & (df["name"] != canon) & (df["valid_from"] <= d)
                & ((df["valid_to"] == "") | (df["valid_to"] >= d))]
    if len(before) == 1 and (df["name"] == canon).sum() == 1:
        return before["name"].iloc[0]
    return canon


def merge_provinces(df: pd.DataFrame, on: str = "2025-07-01", column: str = "province") -> pd.DataFrame:
    """Add ``province_merged``: the unit each row's province belongs to on *on* (plans of Phú Yên 2024 and
    Đắk Lắk 2026 then group as one merged province).

    Parameters
    ----------
    df : DataFrame
        Any corpus table with a province column.
    on : str, default "2025-07-01"
        The reference date of the map (Resolution 202/2025/QH15 took effect on 2025-07-01).
    column : str, default "province"

    Returns
    -------
    DataFrame
        A copy with ``province_merged``; unknown or missing provinces are kept as they are.

    Examples
    --------
    >>> t = pd.DataFrame({"province": ["Phú Yên", "Đắk Lắk", "Bình Phước", None]})
    >>> merge_provinces(t)["province_merged"].tolist()
    ['Đắk Lắk', 'Đắk Lắk', 'Đồng Nai', None]
    """
    out = df.copy()
    cache: dict[object, object] = {}

    def one(p: object) -> object:
        if p is None or (isinstance(p, float) and p != p):
            return None
        if p not in cache:
            try:
                cache[p] = merged_province(str(p), on=on)
            except ValueError:  # an unknown province is kept as it is
                cache[p] = p
        return cache[p]

    out["province_merged"] = [one(p) for p in out[column]]
    return out


@lru_cache(maxsize=1024)
def province_end(name: str) -> tuple[str, str] | None:
    """When a province ceased to exist as a unit of its own, and what it became part of.

    Parameters
    ----------
    name : str
        A province name in any form accepted by :func:`canonical_province`.

    Returns
    -------
    (str, str) or None
        ``(last_day, merged_into)`` (ISO date, official name) for a unit merged into, or replaced by, a unit of
        another name (Kon Tum → Quảng Ngãi; Thừa Thiên Huế → the city of Huế); ``None`` for a unit still in
        force, one that continues under its own name (Đắk Lắk, Hồ Chí Minh) or an unknown name.

    Examples
    --------
    >>> province_end("Kon Tum"), province_end("Gia Lai"), province_end("Thừa Thiên Huế")
    (('2025-06-30', 'Quảng Ngãi'), None, ('2024-12-31', 'Huế'))
    """
    canon = canonical_province(name)
    if canon is None:
        return None
    rows = _table()[_table()["name"] == canon]
    if (rows["valid_to"] == "").any():
        return None
    last = rows.sort_values("valid_to").iloc[-1]
    if not last["merged_into"] or last["merged_into"] == canon:
        return None
    return str(last["valid_to"]), str(last["merged_into"])


def after_merger(name: object) -> str | None:
    """The province or city of the 34 (Resolution 202/2025/QH15, from 2025-07-01) that *name*'s territory is in.

    The value of the ``merged_province`` column carried on every table: plans of Phú Yên 2024 and Đắk Lắk 2026
    share ``merged_province == "Đắk Lắk"``.

    Parameters
    ----------
    name : str or None
        A province name in any form accepted by :func:`canonical_province`.

    Returns
    -------
    str or None
        The official name of the merged unit; None for a missing or unknown name.

    Examples
    --------
    >>> after_merger("Bình Định"), after_merger("Tỉnh Gia Lai"), after_merger("Thừa Thiên Huế")
    ('Gia Lai', 'Gia Lai', 'Huế')
    >>> after_merger("Atlantis") is None, after_merger(None) is None
    (True, True)
    """
    if not isinstance(name, str) or canonical_province(name) is None:
        return None
    return merged_province(name, on=MERGER_DATE)
