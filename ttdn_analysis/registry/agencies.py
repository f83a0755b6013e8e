"""Agency registry: canonical, province-independent agencies and the names that stand for them (data in
registry/data), matched at a position of a text (:func:`match_at`, :func:`match_folded`).

Reading agency names in running text — lists, unknown institutions by head noun, local governments, tolerant
matching — is parsing: :mod:`ttdn_analysis.parse.agency_spans`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ttdn_analysis.registry import lineage, read_rows
from ttdn_analysis.registry.provinces import provinces
from ttdn_analysis.text import line_key, nfc

__all__ = ["Agency", "registry", "aliases", "match_at", "match_folded", "fold", "vague_at", "drop_province",
           "city_names", "successors", "harmonize"]

@dataclass(frozen=True)
class Agency:
    """A canonical agency as the registry knows it."""

    canonical: str
    type: str = "unknown"
    level: str = ""
    is_collective: bool = False
    known: bool = True


@lru_cache(maxsize=1)
def _registry_rows() -> dict[str, Agency]:
    out = {}
    for r in read_rows("agencies.csv"):
        out[r["canonical"]] = Agency(r["canonical"], r["type"], r["level"], r["collective"].strip().lower() == "true")
    return out


def registry() -> pd.DataFrame:
    """The agency registry as a DataFrame (canonical, type, level, collective, source).

    Examples
    --------
    >>> reg = registry()
    >>> reg.set_index("canonical").loc["Công an tỉnh", "type"]
    'armed_forces_police'
    """
    return pd.DataFrame(read_rows("agencies.csv")).assign(collective=lambda d: d["collective"].str.lower() == "true")


def aliases() -> pd.DataFrame:
    """The alias table (alias, canonical, note); canonical names are aliases of themselves too.

    Examples
    --------
    >>> "Sở TTTT" in set(aliases()["alias"])
    True
    """
    return pd.DataFrame(read_rows("agency_aliases.csv"))


@lru_cache(maxsize=1)
def _province_alt() -> str:
    """Regex alternation of province names (match keys), longest first."""
    names: set[str] = set()
    for _, row in provinces().iterrows():
        names.add(line_key(nfc(str(row["name"]))))
        names.update(line_key(nfc(a.strip())) for a in str(row.get("aliases", "") or "").split("|") if a.strip())
    names = {n for n in names if n and len(n) > 2}
    if not names:
        return r"(?!x)x"
    parts = sorted(names, key=len, reverse=True)
    return "(?:" + "|".join(_flex(p) for p in parts) + ")"


def _flex(key: str) -> str:
    """Regex for a match key with flexible spacing around commas, dashes, ampersands (a masked province name, a run
    of :data:`_MASK`, matches any masked name)."""
    out = []
    for i, ch in enumerate(key):
        if ch == _MASK:
            if i == 0 or key[i - 1] != _MASK:
                out.append(_MASK + "+")
        elif ch == " ":
            out.append(r"\s+")
        elif ch == ",":
            out.append(r"\s*,")
        elif ch == "-":
            out.append(r"\s*-\s*")
        elif ch == "&":
            out.append(r"\s*&\s*")
        else:
            out.append(re.escape(ch))
    return "".join(out).replace(r"\s*,\s+", r"\s*,\s*").replace(r"\s+\s*-\s*\s+", r"\s*-\s*")


_QUALIFIER = (r"(?:\s*,\s*đoàn\s+thể|\s+đoàn\s+thể|\s+(?:có\s+)?liên\s+quan|\s+(?:của|thuộc|cấp|trong)\s+tỉnh"
              r"|\s+tỉnh|\s+(?:hoạt\s+động\s+)?trên\s+địa\s+bàn(?:\s+tỉnh)?|\s+địa\s+phương)*")


_END = r"(?![^\W_])"


#: Stands for each character of a province name in a masked key (see :func:`_masked`).
_MASK = "\x01"


@lru_cache(maxsize=1)
def _province_re() -> re.Pattern[str]:
    return re.compile(r"(?<![^\W_])" + _province_alt() + r"(?![^\W_])")


@lru_cache(maxsize=8192)
def _masked(key: str) -> str:
    """*key* with every province name replaced by as many :data:`_MASK` characters (offsets kept).

    The registry's names then meet one token where a province may stand ("Báo tỉnh" matches "Báo Gia Lai" as
    "báo " + a masked name) instead of repeating the alternation of all province names in every alias: the
    matcher is some thirty times smaller and compiles in a fraction of the time.
    """
    return _province_re().sub(lambda m: _MASK * len(m.group(0)), key)


def _alias_regex(key: str, collective: bool) -> str:
    prov = f"{_MASK}+"
    # "… tỉnh", "… tỉnh Gia Lai", "… Gia Lai", and "… thành phố" (a centrally-run city's own body; "… thành phố
    # Lào Cai" is a provincial city's, read by the continuation rule of agency_at)
    slot = rf"(?:\s+tỉnh(?:\s+{prov}(?:\s*-\s*{prov})?)?|\s+{prov}(?:\s*-\s*{prov})?|\s+thành\s+phố)"
    if key.endswith(" tỉnh") and key != "tỉnh":
        body = _flex(key[: -len(" tỉnh")]) + slot
    else:
        body = _flex(key)
    if collective:
        body += _QUALIFIER
    return body + _END


@lru_cache(maxsize=1)
def _matchers() -> tuple[re.Pattern[str], list[str], re.Pattern[str]]:
    """The registry's whole matcher, its targets and the vague groups' pattern (:func:`match_at` tries the
    matcher cut down by first word, :func:`_matcher_for`)."""
    return re.compile("|".join(p for _, p in _branches())), _targets(), _vague_re()


@lru_cache(maxsize=1)
def _targets() -> list[str]:
    """The canonical name (or template) of each alternative of the matcher, in its order."""
    reg = _registry_rows()
    pairs: dict[str, str] = {}
    for canon in reg:
        pairs.setdefault(line_key(canon), canon)
    for r in read_rows("agency_aliases.csv"):
        pairs.setdefault(line_key(nfc(r["alias"])), r["canonical"])
    for r in read_rows("agency_self.csv"):
        pairs.setdefault(line_key(nfc(r["alias"])), r["canonical"])
    keys = sorted(pairs, key=lambda k: (-len(k), k))
    return [pairs[k] for k in keys]


@lru_cache(maxsize=1)
def _vague_re() -> re.Pattern[str]:
    vague = sorted({line_key(nfc(r["phrase"])) for r in read_rows("agency_vague.csv")}, key=len, reverse=True)
    return re.compile("(?:" + "|".join(_flex(v) + _QUALIFIER for v in vague) + ")" + _END)


_LEAD_WORD = re.compile(r"[^\W_]*")


@lru_cache(maxsize=1)
def _branches() -> tuple[tuple[str, str], ...]:
    """The alternatives of the registry's matcher in their order (longest name first), each with the word its
    masked name opens with ('' when it opens with a province or a sign)."""
    reg = _registry_rows()
    pairs: dict[str, str] = {}
    for canon in reg:
        pairs.setdefault(line_key(canon), canon)
    for name in ("agency_aliases.csv", "agency_self.csv"):
        for r in read_rows(name):
            pairs.setdefault(line_key(nfc(r["alias"])), r["canonical"])
    keys = sorted(pairs, key=lambda k: (-len(k), k))
    out = []
    for i, k in enumerate(keys):
        masked = _masked(k)
        lead = _LEAD_WORD.match(masked)
        out.append((lead.group(0) if lead else "",
                    f"(?P<g{i}>{_alias_regex(masked, reg.get(pairs[k], Agency('')).is_collective)})"))
    return tuple(out)


@lru_cache(maxsize=256)
def _matcher_for(word: str) -> re.Pattern[str] | None:
    """The registry's matcher cut down to the names that may start with *word* (a whole word of the text: a
    name's first word is followed by a sign or a space in its pattern, so no other name can match there), in the
    same order: the same match as the whole matcher, without trying its three hundred alternatives at every
    position of a long line."""
    parts = [p for lead, p in _branches() if lead == word or not lead]
    return re.compile("|".join(parts)) if parts else None


@lru_cache(maxsize=1)
def _lead_words() -> frozenset[str]:
    return frozenset(lead for lead, _ in _branches())


def fold(key: str) -> str:
    """A match key without diacritics, one character for one ("sở tư pháp" → "so tu phap"; offsets kept).

    >>> fold("sở tư pháp; đài")
    'so tu phap; dai'
    """
    out = "".join(unicodedata.normalize("NFD", c)[0] for c in key)
    return out.replace("đ", "d").replace("Đ", "D")


@lru_cache(maxsize=64)
def _folded_key(key: str) -> str:
    """:func:`fold` of the masked *key*, once per key (a long line is tried at many positions)."""
    return fold(_masked(key))


@lru_cache(maxsize=1)
def _folded_branches() -> tuple[tuple[str, str], ...]:
    """The alternatives of the registry's names without diacritics, each with the word it opens with (as
    :func:`_branches`)."""
    reg = _registry_rows()
    targets = _targets()
    pairs: dict[str, str] = {}
    for canon in reg:
        pairs.setdefault(line_key(canon), canon)
    for r in read_rows("agency_aliases.csv"):
        pairs.setdefault(line_key(nfc(r["alias"])), r["canonical"])
    keys = sorted(pairs, key=lambda k: (-len(k), k))
    index = {t: i for i, t in enumerate(targets)}
    parts: list[tuple[str, str]] = []
    for k in keys:
        i = index.get(pairs[k])
        if i is not None and "{issuer}" not in pairs[k]:
            body = fold(_alias_regex(_masked(k), reg.get(pairs[k], Agency("")).is_collective))
            lead = _LEAD_WORD.match(fold(_masked(k)))
            parts.append((lead.group(0) if lead else "", f"(?P<g{i}_{len(parts)}>{body})"))
    return tuple(parts)


def _folded_matcher() -> re.Pattern[str]:
    """The registry's names without diacritics (for a name whose diacritics a scan or a keyboard lost)."""
    return re.compile("|".join(p for _, p in _folded_branches()))


@lru_cache(maxsize=256)
def _folded_for(word: str) -> re.Pattern[str] | None:
    """:func:`_folded_matcher` cut down to the names that may start with *word* (see :func:`_matcher_for`)."""
    parts = [p for lead, p in _folded_branches() if lead == word or not lead]
    return re.compile("|".join(parts)) if parts else None


@lru_cache(maxsize=1)
def _folded_leads() -> frozenset[str]:
    return frozenset(lead for lead, _ in _folded_branches())


def match_folded(key: str, pos: int) -> tuple[Agency, int] | None:
    """A registry name starting at *pos* when diacritics are ignored on both sides, else None.

    >>> a, end = match_folded(line_key("So Tu phap; Cong an tinh"), 0); a.canonical, end
    ('Sở Tư pháp', 10)
    """
    folded = _folded_key(key)
    word = _LEAD_WORD.match(folded, pos).group(0)  # type: ignore[union-attr]  # always matches (a '*' pattern)
    rx = _folded_for(word if word in _folded_leads() else "")
    m = rx.match(folded, pos) if rx is not None else None
    if not m or m.lastgroup is None:
        return None
    ag = _agency_for(_targets()[int(m.lastgroup[1:].split("_")[0])], None)
    return (ag, m.end()) if ag else None


def _agency_for(target: str, issuer: str | None) -> Agency | None:
    if "{issuer}" in target:
        if not issuer:
            return None
        name = target.replace("{issuer}", issuer)
        base = _registry_rows().get(issuer)
        return Agency(name, base.type if base else "state_department", "province", False)
    return _registry_rows().get(target, Agency(target, "unknown", "", False, True))


def match_at(key: str, pos: int, issuer: str | None = None) -> tuple[Agency, int] | None:
    """Match a known agency starting exactly at *pos* of a line key; return it and the end offset.

    Examples
    --------
    >>> k = line_key("Báo Đồng Nai; Đài Phát thanh - Truyền hình Đồng Nai")
    >>> a, end = match_at(k, 0)
    >>> a.canonical, k[:end]
    ('Báo tỉnh', 'báo đồng nai')
    """
    targets = _targets()
    masked = _masked(key)
    word = _LEAD_WORD.match(masked, pos).group(0)  # type: ignore[union-attr]  # always matches (a '*' pattern)
    rx = _matcher_for(word if word in _lead_words() else "")
    m = rx.match(masked, pos) if rx is not None else None
    if not m or m.lastgroup is None:
        return None
    idx = int(m.lastgroup[1:])
    ag = _agency_for(targets[idx], issuer)
    return (ag, m.end()) if ag else None


def vague_at(key: str, pos: int) -> int | None:
    """End offset of a vague group ("các cơ quan, đơn vị liên quan") starting at *pos*, else None."""
    m = _vague_re().match(key, pos)
    return m.end() if m else None


@lru_cache(maxsize=1)
def city_names() -> frozenset[str]:
    """Match keys of the centrally-run cities: 'UBND thành phố Hải Phòng' is a province's committee."""
    df = provinces()
    return frozenset(line_key(nfc(str(n))) for n, k in zip(df["name"], df["kind"]) if "thành phố" in str(k))


def drop_province(name: str, province: str | None = None) -> str:
    """Replace a province name at the end of an agency name by "tỉnh" (province-independent names).

    With *province*, only that province's own name is replaced: another place keeps its name ("Trường Đại học
    Quảng Bình" in a Quảng Trị plan is a university, not the province's body).

    Examples
    --------
    >>> drop_province("Cục Thuế tỉnh Quảng Nam"), drop_province("Trường Đại học Tây Nguyên")
    ('Cục Thuế tỉnh', 'Trường Đại học Tây Nguyên')
    >>> drop_province("Báo Quảng Ngãi"), drop_province("Trường Đại học Quảng Bình", province="Quảng Trị")
    ('Báo tỉnh', 'Trường Đại học Quảng Bình')
    """
    key = line_key(nfc(name))
    alt = _flex(line_key(nfc(province))) if province else _province_alt()
    m = re.search(rf"(?:\s+(?P<unit>tỉnh|thành phố))?\s+(?P<name>{alt})(?:\s*-\s*{_province_alt()})?\s*$", key)
    if not m or (m.group("unit") == "thành phố" and m.group("name") not in city_names()):
        return name  # "… thành phố Lào Cai" is a provincial city's body, not the province's
    return name[: m.start()].rstrip() + " tỉnh"


def successors(name: str, on: str = "2026-01-01", province: str | None = None) -> list[dict]:
    """Successors of an agency in force on a date, from the 2025 lineage crosswalk.

    The same as :func:`ttdn_analysis.registry.lineage.successors`: dicts with ``successor``, ``function``,
    ``effective``, ``confirmed`` and ``source``; an agency with no change in force gives itself.

    Examples
    --------
    >>> sorted(s["successor"] for s in successors("Sở Thông tin và Truyền thông", on="2026-01-01"))
    ['Sở Khoa học và Công nghệ', 'Sở Văn hóa, Thể thao và Du lịch']
    """
    return lineage.successors(name, on=on, province=province)


def harmonize(df: pd.DataFrame, on: str = "2026-01-01", column: str = "agency") -> pd.DataFrame:
    """Add each agency's successor on a date and how sure that is: the one harmonise function.

    Parameters
    ----------
    df : pandas.DataFrame
        Any table with an agency column (``assignments``, a centrality table …); a ``province`` column, when
        present, selects province-scoped crosswalk rows.
    on : str
        ISO date. Default ``"2026-01-01"``.
    column : str
        The agency column. Default ``"agency"``.

    Returns
    -------
    pandas.DataFrame
        A copy with ``successor`` (the agency that carries the work on *on*; the agency itself when it
        continues or nothing is known; None for a missing name), ``lineage_status`` (``continues``,
        ``confirmed``, ``unconfirmed`` or ``unknown``; never ``confirmed`` without a sourced, confirmed row of
        ``lineage.csv``), ``successors`` (every successor in force, with its function when split) and
        ``lineage_source``. See :func:`ttdn_analysis.registry.lineage.lineage_of`.

    Raises
    ------
    KeyError
        If *column* is not in *df*.

    Examples
    --------
    >>> df = pd.DataFrame({"agency": ["Sở Thông tin và Truyền thông", "Ban Tuyên giáo Tỉnh ủy", "Sở Y tế",
    ...                               "UBND các huyện biên giới", "Sở Không Tồn Tại"]})
    >>> harmonize(df)[["successor", "lineage_status"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['Sở Văn hóa, Thể thao và Du lịch', 'unconfirmed'], ['Ban Tuyên giáo và Dân vận Tỉnh ủy', 'confirmed'],
     ['Sở Y tế', 'continues'], ['UBND cấp xã', 'confirmed'], ['Sở Không Tồn Tại', 'unknown']]
    """
    if column not in df.columns:
        raise KeyError(column)
    provinces = df["province"] if "province" in df.columns else pd.Series(None, index=df.index, dtype=object)
    memo: dict[tuple[object, object], dict] = {}
    found = []
    for agency, province in zip(df[column], provinces):
        k = (agency if isinstance(agency, str) else None, province if isinstance(province, str) else None)
        if k not in memo:
            memo[k] = lineage.lineage_of(k[0], on=on, province=k[1])
        found.append(memo[k])
    out = df.copy()
    for col in ("successor", "lineage_status", "successors", "lineage_source"):
        out[col] = pd.Series([f[col] for f in found], index=df.index, dtype=object)
    return out

