"""Agency registry: raw agency strings to canonical, province-independent agencies (data in registry/data)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ttdn_analysis.registry import lineage, read_rows
from ttdn_analysis.text import line_key, nfc

__all__ = ["Agency", "AgencyHit", "registry", "aliases", "match_at", "vague_at", "scan_list", "drop_province", "resolve", "successors", "harmonize"]

@dataclass(frozen=True)
class Agency:
    """A canonical agency as the registry knows it."""

    canonical: str
    type: str = "unknown"
    level: str = ""
    is_collective: bool = False
    known: bool = True


@dataclass(frozen=True)
class AgencyHit:
    """One agency found in a piece of text: the raw span (original spelling) and what it resolves to."""

    raw: str
    agency: Agency
    start: int
    end: int


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
    try:
        from ttdn_analysis.registry.provinces import (
            provinces,  # written as data; may list aliases pipe-separated
        )
        df = provinces()
        for _, row in df.iterrows():
            names.add(line_key(nfc(str(row["name"]))))
            for a in str(row.get("aliases", "") or "").split("|"):
                if a.strip():
                    names.add(line_key(nfc(a.strip())))
    except Exception:  # the province table is optional for resolution
        pass
    names = {n for n in names if n and len(n) > 2}
    if not names:
        return r"(?!x)x"
    parts = sorted(names, key=len, reverse=True)
    return "(?:" + "|".join(_flex(p) for p in parts) + ")"


def _flex(key: str) -> str:
    """Regex for a match key with flexible spacing around commas, dashes, ampersands."""
    out = []
    for ch in key:
        if ch == " ":
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


def _alias_regex(key: str, collective: bool) -> str:
    prov = _province_alt()
    slot = rf"(?:\s+tỉnh(?:\s+{prov}(?:\s*-\s*{prov})?)?|\s+{prov}(?:\s*-\s*{prov})?)"
    if key.endswith(" tỉnh") and key != "tỉnh":
        body = _flex(key[: -len(" tỉnh")]) + slot
    else:
        body = _flex(key)
    if collective:
        body += _QUALIFIER
    return body + _END


@lru_cache(maxsize=1)
def _matchers() -> tuple[re.Pattern[str], list[str], re.Pattern[str]]:
    reg = _registry_rows()
    pairs: dict[str, str] = {}
    for canon in reg:
        pairs.setdefault(line_key(canon), canon)
    for r in read_rows("agency_aliases.csv"):
        pairs.setdefault(line_key(nfc(r["alias"])), r["canonical"])
    for r in read_rows("agency_self.csv"):
        pairs.setdefault(line_key(nfc(r["alias"])), r["canonical"])
    keys = sorted(pairs, key=lambda k: (-len(k), k))
    targets = [pairs[k] for k in keys]
    pattern = "|".join(
        f"(?P<g{i}>{_alias_regex(k, reg.get(pairs[k], Agency('')).is_collective)})" for i, k in enumerate(keys))
    vague = sorted({line_key(nfc(r["phrase"])) for r in read_rows("agency_vague.csv")}, key=len, reverse=True)
    vague_re = re.compile("(?:" + "|".join(_flex(v) + _QUALIFIER for v in vague) + ")" + _END)
    return re.compile(pattern), targets, vague_re


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
    rx, targets, _ = _matchers()
    m = rx.match(key, pos)
    if not m:
        return None
    idx = int(m.lastgroup[1:])
    ag = _agency_for(targets[idx], issuer)
    return (ag, m.end()) if ag else None


def vague_at(key: str, pos: int) -> int | None:
    """End offset of a vague group ("các cơ quan, đơn vị liên quan") starting at *pos*, else None."""
    m = _matchers()[2].match(key, pos)
    return m.end() if m else None


_PREFIX = re.compile(r"(?:\s|[,;.:]|(?:mời|đề nghị|giao|và|với|cùng|gồm|là)(?![^\W_])"
                     r"|các\s+(?:cơ\s+quan|đơn\s+vị)(?:,\s*đơn\s+vị)?\s+(?:trực\s+thuộc|thuộc|của)\s+(?=bộ\s))+")


_SEP = re.compile(r"\s*(?:[,;]|và(?![^\W_])|&)\s*")


def _skip_paren_and_role(text: str, key: str, pos: int) -> int:
    """After an agency: skip '(…)' notes and a second role after a dash ('Công an tỉnh- Cơ quan Thường trực …')."""
    while True:
        m = re.match(r"\s*\([^()]*\)", key[pos:])
        if m:
            pos += m.end()
            continue
        m = re.match(r"\s*-\s*(?!\s*(?:[,;]|$))[^,;]*?(?=\s*(?:[,;]|\svà\s|$))", key[pos:])
        if m and not match_at(key, pos + len(m.group(0)) - len(m.group(0).lstrip(" -")), None):
            pos += m.end()
            continue
        return pos


def scan_list(text: str, context: str = "field", issuer: str | None = None) -> list[AgencyHit]:
    """Parse a list of agencies ("A; B, C và D") from the start of *text*.

    ``context="field"``: a field line's value; unknown items are returned with ``agency.known=False``.
    ``context="text"``: running text after "phối hợp với"; vague groups are skipped and the list stops at
    the first item that is not a known agency.

    Examples
    --------
    >>> [h.agency.canonical for h in scan_list("Sở Kế hoạch và Đầu tư; Sở Văn hóa, Thể thao và Du lịch; "
    ...                                          "UBND các huyện, thị xã, thành phố.")]
    ['Sở Kế hoạch và Đầu tư', 'Sở Văn hóa, Thể thao và Du lịch', 'UBND cấp huyện']
    >>> [h.agency.canonical for h in scan_list("Ban Tuyên giáo Tỉnh ủy và Công an tỉnh- Cơ quan Thường trực "
    ...                                          "Ban Chỉ đạo Nhân quyền tỉnh, các sở, ban, ngành, đoàn thể tỉnh")]
    ['Ban Tuyên giáo Tỉnh ủy', 'Công an tỉnh', 'Các sở, ban, ngành']
    """
    text = nfc(text)
    key = line_key(text)
    hits: list[AgencyHit] = []
    pos = 0
    n = len(key)
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
        found = match_at(key, pos, issuer)
        if found:
            ag, end = found
            raw = text[pos:end]
            # a colon list of names belongs to the agency ("UBND các huyện biên giới: Đức Cơ, Chư Prông và Ia Grai")
            if ag.is_collective and key.startswith(":", end):
                end = n
                raw = text[pos:end].rstrip(" .;")
            end = _skip_paren_and_role(text, key, end)
            hits.append(AgencyHit(raw.strip(), ag, pos, end))
            pos = end
        else:
            if context == "field":
                v = vague_at(key, pos)
                if v is not None:
                    pos = v
                    continue
            if context == "text":
                break
            m2 = re.compile(r"[^,;]+").match(key, pos)
            end = m2.end() if m2 else n
            raw = text[pos:end].strip(" .")
            if raw and re.search(r"[^\W\d_]", raw):
                cleaned = drop_province(raw)
                cleaned = cleaned[0].upper() + cleaned[1:]
                hits.append(AgencyHit(raw, Agency(cleaned, "unknown", "", False, False), pos, end))
            pos = end
        sep = _SEP.match(key, pos)
        if sep:
            pos = sep.end()
            continue
        if context == "text" or pos >= n:
            break
        rest = re.compile(r"[^,;]*").match(key, pos)
        pos = rest.end() if rest else n
    return hits


def drop_province(name: str) -> str:
    """Replace a province name inside an agency name by "tỉnh" (province-independent names).

    Examples
    --------
    >>> drop_province("Cục Thuế tỉnh Quảng Nam"), drop_province("Trường Đại học Tây Nguyên")
    ('Cục Thuế tỉnh', 'Trường Đại học Tây Nguyên')
    >>> drop_province("Báo Quảng Ngãi")
    'Báo tỉnh'
    """
    key = line_key(nfc(name))
    m = re.search(rf"(?:\s+(?:tỉnh|thành phố))?\s+{_province_alt()}(?:\s*-\s*{_province_alt()})?\s*$", key)
    if not m:
        return name
    return name[: m.start()].rstrip() + " tỉnh"


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
