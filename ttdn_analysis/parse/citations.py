"""Legal and policy references in plan text: kind, number/symbol, issuer, date, line."""
from __future__ import annotations

import csv
import datetime as _dt
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import pandas as pd

from ttdn_analysis.registry import data_file
from ttdn_analysis.text import line_key, nfc

__all__ = ["KINDS", "CITATION_COLUMNS", "TYPO_EDITS", "load_issuers", "load_instruments", "issuer_of", "find_citations",
           "citations_from_lines", "citation_problems"]

KINDS = ("Nghị định", "Thông tư", "Kết luận", "Nghị quyết", "Quyết định", "Kế hoạch", "Công văn/Văn bản",
         "Chương trình", "Hướng dẫn", "Chỉ thị", "Đề án", "Luật")


CITATION_COLUMNS = ("plan_id", "task_id", "line", "kind", "ref", "issuer", "date", "raw", "issuer_level")


_GENERIC = "Công văn/Văn bản"


# Document-type codes of a symbol (the abbreviations of Nghị định 30/2020/NĐ-CP for state documents and of the
# Party's document-format guidance), keyed by their upper-case, "Đ"-folded spelling -> (canonical code, kind).
_TYPE_CODES: dict[str, tuple[str, str]] = {
    "ND": ("NĐ", "Nghị định"),
    "QD": ("QĐ", "Quyết định"),
    "NQ": ("NQ", "Nghị quyết"),
    "NQLT": ("NQLT", "Nghị quyết"),
    "TT": ("TT", "Thông tư"),
    "TTLT": ("TTLT", "Thông tư"),
    "KL": ("KL", "Kết luận"),
    "KH": ("KH", "Kế hoạch"),
    "CT": ("CT", "Chỉ thị"),
    "CTR": ("CTr", "Chương trình"),
    "CTPH": ("CTPH", "Chương trình"),
    "CTHD": ("CTHĐ", "Chương trình"),
    "HD": ("HD", "Hướng dẫn"),
    "DA": ("ĐA", "Đề án"),
    "TB": ("TB", _GENERIC),
    "BC": ("BC", _GENERIC),
    "CV": ("CV", _GENERIC),
    "TTR": ("TTr", _GENERIC),
}


_JOINT_TYPES = {"CTPH", "TTLT", "NQLT", "CTr"}


_KIND_WORDS = {
    "nghị định": "Nghị định", "thông tư": "Thông tư", "kết luận": "Kết luận", "nghị quyết": "Nghị quyết",
    "quyết định": "Quyết định", "kế hoạch": "Kế hoạch", "công văn": _GENERIC, "văn bản": _GENERIC,
    "chương trình": "Chương trình", "hướng dẫn": "Hướng dẫn", "chỉ thị": "Chỉ thị", "đề án": "Đề án",
    "luật": "Luật",
}


# A kind word right before a symbol: "Kết luận số", "Chương trình phối hợp số", "Kế hoạch " (no "số"), matched on
# the length-preserving key of the text before the symbol.
_KIND_BEFORE = re.compile(
    r"(?<![^\W_])(?P<w>" + "|".join(sorted(_KIND_WORDS, key=len, reverse=True)) + r")"
    r"(?:\s+(?:liên tịch|phối hợp|hành động|liên ngành))?(?:\s+số)?\s*:?\s*\Z"
)


# One code of a symbol: upper-case first, then letters (ASCII or Đ/đ) and optional digits ("QH15"), not followed by
# another letter or digit (so "Báo" is never a code).
_TOK = r"[A-ZĐ][A-Za-zĐđ]*\d*(?![^\W_])"


_SYMBOL = re.compile(
    r"(?<![\w/.\-])(?P<num>\d{1,5})(?:"
    r"\s?/\s?(?:(?P<year>(?:19|20)\d{2})\s?/\s?)?(?P<gov>" + _TOK + r"(?:-" + _TOK + r")*)"  # 72/2015/NĐ-CP
    r"|\s?[-–]\s?(?P<ptype>" + _TOK + r")\s?/\s?(?P<party>" + _TOK + r"(?:-" + _TOK + r")*)"  # 57-KL/TW
    r")"
)


_DATE_AFTER = re.compile(
    r"\A[\s,:|()*\-]*(?:[^\s;.]+\s+){0,3}?ngày\s+\**(?P<d>\d{1,2})(?:\s*[/.\-]\s*|\s+tháng\s+)(?P<m>\d{1,2})"
    r"(?:\s*[/.\-]\s*|\s+năm\s+)(?P<y>\d{4})(?!\d)"
)


_DATE_WINDOW = 70


# A reference that only names a document already cited: "(gọi tắt là Nghị quyết số 47/NQ-CP)", "(sau đây gọi là
# Kế hoạch 143/KH-UBND)", "viết tắt là …". Matched on the key of the text before the reference (kind word included).
_ALIAS_BEFORE = re.compile(r"(?<![^\W_])(?:gọi|viết)\s+(?:tắt\s+)?là\s*[:\"“‘']?\s*\Z")


#: Most character edits between a cited reference and a known instrument of the same kind and date for the
#: citation to be reported as a possible typo of it ("992/CTPH-BTTTT-UBND" for "922/CTPH-BTTTT-UBDT": 3).
TYPO_EDITS = 3


@lru_cache(maxsize=1)
def _issuer_rows() -> tuple[tuple[str, str, str], ...]:
    path = data_file("issuers.csv")
    with path.open(encoding="utf-8") as fh:
        return tuple((r["suffix"].strip(), r["issuer"].strip(), r["level"].strip()) for r in csv.DictReader(fh))


@lru_cache(maxsize=1)
def _issuer_index() -> dict[str, tuple[str, str]]:
    return {_fold(s): (i, lv) for s, i, lv in _issuer_rows()}


@lru_cache(maxsize=1)
def _instrument_rows() -> tuple[dict[str, str], ...]:
    with data_file("instruments.csv").open(encoding="utf-8") as fh:
        return tuple({k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(fh))


def load_instruments() -> pd.DataFrame:
    """Known national instruments, shipped in ``ttdn_analysis/registry/data/instruments.csv``.

    A cited reference that is not among them but has the same kind and date as one of them and almost the same
    symbol is reported as a possible typo (:func:`citation_problems`). Add a row (with its source) to teach the
    check a new instrument.

    Returns
    -------
    DataFrame
        ref (normalised as :func:`find_citations` prints it), kind, issuer, date (ISO), title, source.

    Examples
    --------
    >>> t = load_instruments().set_index("ref")
    >>> t.loc["57-KL/TW", ["kind", "date"]].tolist()
    ['Kết luận', '2023-06-15']
    """
    return pd.DataFrame(list(_instrument_rows()), columns=["ref", "kind", "issuer", "date", "title", "source"])


def _fold(code: str) -> str:
    return code.upper().replace("Đ", "D")


def load_issuers() -> pd.DataFrame:
    """The symbol-suffix → issuer table shipped in ``ttdn_analysis/data/issuers.csv``.

    Returns
    -------
    DataFrame
        suffix (as printed in symbols: "TW", "TTg", "BTTTT"), issuer, level ("central" or "province").

    Examples
    --------
    >>> t = load_issuers()
    >>> t.set_index("suffix").loc["TTg", ["issuer", "level"]].tolist()
    ['Thủ tướng Chính phủ', 'central']
    """
    return pd.DataFrame(list(_issuer_rows()), columns=["suffix", "issuer", "level"])


def _lookup_issuer(code: str) -> tuple[str, str] | None:
    idx = _issuer_index()
    key = _fold(code)
    if key in idx:
        return idx[key]
    stripped = re.sub(r"\d+$", "", key)  # "QH15" -> "QH"
    return idx.get(stripped) if stripped else None


def _type_of(code: str) -> tuple[str, str] | None:
    if _fold(code) == "HD" and "Đ" in code.upper():  # "HĐ" is a contract/council, not a Hướng dẫn
        return None
    return _TYPE_CODES.get(_fold(code))


def _split_glued(code: str) -> tuple[str, str] | None:
    """"QĐTTg" -> ("QĐ", "TTg"): a type code glued to a known issuer (a dropped hyphen)."""
    for n in (4, 3, 2):
        head, rest = code[:n], code[n:]
        if rest and _type_of(head) and _lookup_issuer(rest):
            return head, rest
    return None


def _parse_symbol(m: re.Match[str]) -> dict[str, Any] | None:
    """Normalised reference, type code and issuer codes of one symbol match; None if it is not a document symbol."""
    num = m.group("num")
    if m.group("gov") is not None:
        toks = m.group("gov").split("-")
        typ = _type_of(toks[0])
        if typ is None and len(toks) >= 1:
            glued = _split_glued(toks[0])
            if glued:
                toks = [glued[0], glued[1]] + toks[1:]
                typ = _type_of(toks[0])
        year = m.group("year")
        if typ:
            issuers = toks[1:]
            if not issuers:
                return None  # "5/KH" alone: no issuer, too weak to be a symbol
            ref = f"{num}/{year + '/' if year else ''}{typ[0]}-{'-'.join(issuers)}"
        else:
            issuers = toks[:1]
            ref = f"{num}/{year + '/' if year else ''}{'-'.join(toks)}"
    else:
        typ = _type_of(m.group("ptype"))
        if typ is None:
            return None
        issuers = m.group("party").split("-")
        ref = f"{num}-{typ[0]}/{'-'.join(issuers)}"
    upper = sum(c.isupper() for c in ref)
    if upper < 2:
        return None
    if typ is None and not _lookup_issuer(issuers[0]) and sum(c.isupper() for c in issuers[0]) < 2:
        return None
    return {"ref": ref, "type": typ, "issuers": issuers}


def issuer_of(ref: str) -> tuple[str | None, str | None]:
    """Issuer and level ("central"/"province") of a normalised reference, from its symbol suffix.

    Government-style symbols name the issuer after the type code ("47/NQ-CP" → Chính phủ); Party-style symbols after
    the slash ("57-KL/TW" → Trung ương); ministry letters without a type code start with it ("3837/BTTTT-TTĐN").
    Joint documents (CTPH, TTLT) list every known issuer, "; "-joined, and are central when any issuer is.

    Parameters
    ----------
    ref : str
        A reference as normalised by :func:`find_citations`.

    Returns
    -------
    (str or None, str or None)
        Issuer name and level; (None, None) when the suffix is not in ``issuers.csv``.

    Examples
    --------
    >>> issuer_of("57-KL/TW")
    ('Bộ Chính trị / Trung ương Đảng', 'central')
    >>> issuer_of("143/KH-UBND")
    ('Ủy ban nhân dân tỉnh', 'province')
    >>> issuer_of("992/CTPH-BTTTT-UBND")
    ('Bộ Thông tin và Truyền thông; Ủy ban nhân dân tỉnh', 'central')
    >>> issuer_of("12/XYZ-ABC")
    (None, None)
    """
    found = list(_SYMBOL.finditer(ref))
    parsed = _parse_symbol(found[0]) if found else None
    if parsed is None:
        return None, None
    return _issuer_from(parsed)


def _issuer_from(parsed: Mapping[str, Any]) -> tuple[str | None, str | None]:
    typ, issuers = parsed["type"], parsed["issuers"]
    codes = issuers if typ is not None and typ[0] in _JOINT_TYPES else issuers[:1]
    hits = [h for h in (_lookup_issuer(c) for c in codes) if h]
    if not hits:
        return None, None
    names = list(dict.fromkeys(h[0] for h in hits))
    level = "central" if any(h[1] == "central" for h in hits) else hits[0][1]
    return "; ".join(names), level


def _iso(d: str, m: str, y: str) -> str | None:
    try:
        return _dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def find_citations(text: str) -> list[dict[str, Any]]:
    """References to legal and policy documents in one line of text.

    A reference is a document number/symbol ("57-KL/TW", "72/2015/NĐ-CP", "3837/BTTTT-TTĐN"), optionally preceded by
    a kind word and "số" ("Kết luận số", "Chương trình phối hợp số", "Kế hoạch "). Spacing slips ("57- KL/TW",
    "262 /KH-UBND") and a dropped hyphen between a type code and a known issuer ("1657/QĐTTg") are normalised.

    Parameters
    ----------
    text : str
        One line (offsets refer to its NFC form; plan text from the corpus is already NFC).

    Returns
    -------
    list of dict
        In text order, each with kind (one of :data:`KINDS`), ref (normalised symbol), issuer and issuer_level
        ("central"/"province", from the symbol suffix via ``issuers.csv``; None when unknown), date (ISO date when
        "ngày 15/6/2023" or "ngày 15 tháng 6 năm 2023" follows within three words, else None), raw (the span as
        printed, kind word included), start, end, alias (True when the reference only gives a short name to a
        document: "(gọi tắt là Nghị quyết số 47/NQ-CP)").

    Notes
    -----
    The kind comes from the symbol's type code when it has a specific one (QĐ → Quyết định, NĐ → Nghị định, KL →
    Kết luận, NQ → Nghị quyết, TT → Thông tư, KH → Kế hoạch, CT → Chỉ thị, CTr/CTPH → Chương trình, HD → Hướng
    dẫn, ĐA → Đề án); otherwise from the printed kind word; otherwise ministry letters are "Công văn/Văn bản" and
    National Assembly symbols ("…/QH15") "Luật". Documents cited by name only ("Luật Ngân sách Nhà nước") are not
    references here. A Party "Quy định" (…-QĐ/TW) shares the QĐ code and is reported as "Quyết định".

    See Also
    --------
    citations_from_lines : the same for the numbered lines of a plan, as a table.

    Examples
    --------
    >>> [(c["kind"], c["ref"], c["date"]) for c in find_citations(
    ...     "Căn cứ Kết luận số 57-KL/TW, ngày 15 tháng 6 năm 2023 của Bộ Chính trị")]
    [('Kết luận', '57-KL/TW', '2023-06-15')]
    >>> c = find_citations("theo Quyết định số 1657/QĐTTg ngày 30/12/2022 của Thủ tướng Chính phủ")[0]
    >>> c["ref"], c["issuer"], c["raw"], c["start"], c["end"]
    ('1657/QĐ-TTg', 'Thủ tướng Chính phủ', 'Quyết định số 1657/QĐTTg', 5, 29)
    >>> [(c["kind"], c["ref"]) for c in find_citations("thực hiện 1191/QĐ-TTg và Văn bản số 3837/BTTTT-TTĐN")]
    [('Quyết định', '1191/QĐ-TTg'), ('Công văn/Văn bản', '3837/BTTTT-TTĐN')]
    >>> find_citations("Thời gian thực hiện: 01 số/quý, quý II/2024, giai đoạn 2021 - 2025")
    []
    """
    s = nfc(text or "")
    key = line_key(s)
    found: list[tuple[re.Match[str], dict[str, Any]]] = []
    for m in _SYMBOL.finditer(s):
        parsed = _parse_symbol(m)
        if parsed is not None:
            found.append((m, parsed))
    out: list[dict[str, Any]] = []
    prev_end = 0
    for i, (m, parsed) in enumerate(found):
        start, end = m.start(), m.end()
        word = _KIND_BEFORE.search(key, max(prev_end, start - 60), start)
        word_kind = _KIND_WORDS[word.group("w")] if word else None
        if word:
            start = word.start()
        alias = bool(_ALIAS_BEFORE.search(key, max(prev_end, start - 40), start))
        typ = parsed["type"]
        if typ is not None and typ[1] != _GENERIC:
            kind = typ[1]
        elif word_kind:
            kind = word_kind
        elif typ is not None:
            kind = typ[1]
        elif re.fullmatch(r"QH\d*", parsed["issuers"][0]):
            kind = "Luật"
        else:
            kind = _GENERIC
        nxt = found[i + 1][0].start() if i + 1 < len(found) else len(s)
        window = key[end:min(nxt, end + _DATE_WINDOW)]
        dm = _DATE_AFTER.search(window)
        issuer, level = _issuer_from(parsed)
        out.append({
            "kind": kind, "ref": parsed["ref"], "issuer": issuer, "issuer_level": level,
            "date": _iso(dm.group("d"), dm.group("m"), dm.group("y")) if dm else None,
            "raw": s[start:end], "start": start, "end": end, "alias": alias,
        })
        prev_end = m.end()
    return out


def _own_ref(number: Any) -> str | None:
    """The normalised reference of a plan's own number ("Số: 143/KH-UBND"), or None."""
    if not isinstance(number, str) or not number.strip():
        return None
    for m in _SYMBOL.finditer(nfc(number)):
        parsed = _parse_symbol(m)
        if parsed is not None:
            return str(parsed["ref"])
    return None


def _year(d: Any) -> str | None:
    """The year of an ISO date string or a date object, as text; None when unknown."""
    if isinstance(d, str):
        return d[:4] if re.match(r"\d{4}", d) else None
    year = getattr(d, "year", None)
    return str(year) if isinstance(year, int) else None


def _same_year(a: Any, b: Any) -> bool:
    """True unless both dates are known and fall in different years (numbers restart every year)."""
    ya, yb = _year(a), _year(b)
    return ya is None or yb is None or ya == yb


def citations_from_lines(plan_id: Any, lines: Iterable[tuple[int, str]],
                         task_of_line: Mapping[int, Any] | None = None, *, own_number: str | None = None,
                         own_date: str | None = None) -> pd.DataFrame:
    """Every citation in the numbered lines of one plan.

    Parameters
    ----------
    plan_id : str
        Carried into every row.
    lines : iterable of (int, str)
        (line number, text). Physical lines (``enumerate(text.split("\\n"), 1)``) work; logical lines
        (``[(ln.start, ln.text) for ln in prepare_lines(raw) if not ln.skip]``) also catch symbols split by a hard
        wrap ("57-" / "KL/TW") and skip a scraped page's repeated block.
    task_of_line : mapping, optional
        Line number → task_id (see :func:`task_of_lines`); lines not in it get task_id None.
    own_number : str, optional
        The plan's own number ("143/KH-UBND"): the plan naming itself (its header, title or a scraped page's
        table) is not a citation. A document with the same number dated in another year is still cited.
    own_date : str, optional
        The plan's signing date (ISO), to tell such a document apart.

    Returns
    -------
    DataFrame
        Columns :data:`CITATION_COLUMNS` (plan_id, task_id, line, kind, ref, issuer, date, raw, issuer_level), one
        row per mention, in line and text order. A short name given to a document already cited ("… (gọi tắt là
        Nghị quyết số 47/NQ-CP)") is not a second mention.

    See Also
    --------
    citation_problems : possible typos of known instruments.

    Examples
    --------
    >>> lines = [(10, "Thực hiện Nghị quyết số 47/NQ-CP ngày 15/4/2024 của Chính phủ;"),
    ...          (32, "1. Triển khai Kết luận số 57- KL/TW ngày 15/6/2023 của Bộ Chính trị")]
    >>> df = citations_from_lines("p", lines, {32: "p:II.1"})
    >>> df[["task_id", "line", "kind", "ref", "date", "issuer_level"]]
      task_id  line        kind       ref        date issuer_level
    0    None    10  Nghị quyết  47/NQ-CP  2024-04-15      central
    1  p:II.1    32    Kết luận  57-KL/TW  2023-06-15      central
    >>> own = [(3, "Số: 143/KH-UBND"), (16, "Thực hiện Nghị quyết số 47/NQ-CP ngày 15/4/2024 của Chính phủ (gọi tắt là "
    ...        "Nghị quyết số 47/NQ-CP), Kế hoạch số 143/KH-UBND ngày 02/3/2023 của UBND tỉnh")]
    >>> citations_from_lines("p", own, own_number="143/KH-UBND", own_date="2024-08-05")[["line", "ref", "date"]]
       line          ref        date
    0    16     47/NQ-CP  2024-04-15
    1    16  143/KH-UBND  2023-03-02
    """
    task_of_line = task_of_line or {}
    own = _own_ref(own_number)
    seen: set[str] = set()
    rows = []
    for ln, text in lines:
        for c in find_citations(text):
            if own is not None and c["ref"] == own and _same_year(c["date"], own_date):
                continue  # the plan naming itself
            if c["alias"] and c["ref"] in seen:
                continue  # "(gọi tắt là …)": a short name for a document just cited
            seen.add(c["ref"])
            tid = task_of_line.get(ln)
            rows.append({"plan_id": plan_id, "task_id": tid, "line": int(ln), "kind": c["kind"], "ref": c["ref"],
                         "issuer": c["issuer"], "date": c["date"], "raw": c["raw"],
                         "issuer_level": c["issuer_level"]})
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in CITATION_COLUMNS})
    return pd.DataFrame(rows, columns=list(CITATION_COLUMNS))


def _edits(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment) between two short strings."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def _number(ref: str) -> str:
    m = re.match(r"\d+", ref)
    return m.group(0) if m else ""


def _iso_day(d: Any) -> str | None:
    """An ISO date ("2024-06-04") from ISO text or a date/datetime (typed tables); None when unknown."""
    if isinstance(d, str):
        return d[:10] if re.match(r"\d{4}-\d{2}-\d{2}", d) else None
    if hasattr(d, "strftime") and not pd.isna(d):
        return str(d.strftime("%Y-%m-%d"))
    return None


def _typo_number(a: str, b: str) -> bool:
    """One slip of the keyboard between two document numbers (a digit changed, dropped, doubled or swapped) — but not
    the next number: documents signed on one day are numbered in sequence (1191 and 1192 are both real)."""
    if not a or not b or a == b:
        return a == b
    return _edits(a, b) <= 1 and abs(int(a) - int(b)) > 1


def citation_problems(citations: pd.DataFrame) -> list[dict[str, Any]]:
    """Possible typos of known instruments among a plan's citations, as ``problems`` rows (without the file).

    A cited reference that is not in :func:`load_instruments` is reported when a known instrument has the same kind
    and the same date, a number one slip away (a digit changed, dropped, doubled or swapped, but not the next or
    previous number, which is a document of the same day) and a symbol at most :data:`TYPO_EDITS` edits away:
    "992/CTPH-BTTTT-UBND ngày 04/6/2024" for 922/CTPH-BTTTT-UBDT of that day. The citation itself is kept as
    printed.

    Parameters
    ----------
    citations : DataFrame
        line, kind, ref, date (ISO text or datetime), raw: the output of :func:`citations_from_lines`, or the
        corpus ``citations`` table.

    Returns
    -------
    list of dict
        One row per distinct suspicious reference (its first line): line, severity ("warning"), kind
        ("citation_typo"), message.

    Examples
    --------
    >>> cit = citations_from_lines("p", [(158, "Triển khai Chương trình phối hợp số 992/CTPH-BTTTT-UBND ngày "
    ...                                         "04/6/2024 giữa Bộ Thông tin và Truyền thông và Ủy ban Dân tộc")])
    >>> [(p["line"], p["kind"]) for p in citation_problems(cit)]
    [(158, 'citation_typo')]
    >>> print(citation_problems(cit)[0]["message"])  # doctest: +NORMALIZE_WHITESPACE
    'Chương trình phối hợp số 992/CTPH-BTTTT-UBND' (04/06/2024) is not a known instrument, but
    922/CTPH-BTTTT-UBDT of Bộ Thông tin và Truyền thông; Ủy ban Dân tộc has the same date and almost the same
    number: check the plan's text for a typo (known instruments: ttdn_analysis/registry/data/instruments.csv).
    """
    if citations is None or citations.empty:
        return []
    known = load_instruments()
    refs = set(known["ref"])
    out: list[dict[str, Any]] = []
    flagged: set[str] = set()
    for rec in citations.to_dict("records"):
        ref, date = rec.get("ref"), _iso_day(rec.get("date"))
        if not isinstance(ref, str) or ref in refs or ref in flagged or date is None:
            continue
        same = known[(known["date"] == date) & (known["kind"] == rec.get("kind"))]
        close = [(_edits(ref.upper(), k.upper()), k) for k in same["ref"] if _typo_number(_number(ref), _number(k))]
        close = sorted(c for c in close if c[0] <= TYPO_EDITS)
        if not close:
            continue
        flagged.add(ref)
        k = known.set_index("ref").loc[close[0][1]]
        day = f"{date[8:10]}/{date[5:7]}/{date[:4]}"
        out.append({"line": rec.get("line"), "severity": "warning", "kind": "citation_typo",
                    "message": f"{rec.get('raw') or ref!r} ({day}) is not a known instrument, but {close[0][1]} of "
                               f"{k['issuer']} has the same date and almost the same number: check the plan's text "
                               "for a typo (known instruments: ttdn_analysis/registry/data/instruments.csv)."})
    return out
