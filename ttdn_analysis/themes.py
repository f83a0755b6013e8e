"""Themes of TTĐN tasks: codebook, tagging, coverage, keyword in context, keyness, topics, validation."""
from __future__ import annotations

import json
import math
import re
import tomllib
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .corpus import tasks_of
from .text import (FOOTNOTE_CHARS, MARKER_RE, ONE_TO_ONE, line_key, match_key, nfc, strip_footnote_markers, syllable_pattern, to_old_tones,
                   unify_tones)

__all__ = [
    "Theme",
    "Codebook",
    "load_codebook",
    "tag_tasks",
    "coverage",
    "kwic",
    "keyness",
    "topic_view",
    "validate",
    "TASK_THEME_COLUMNS",
    "CORE_THEMES",
]

CORE_THEMES = ("border", "sea_islands", "human_rights")
"""The themes of the hand-coded reference (GOLD_SPEC.md, "Themes")."""

TASK_THEME_COLUMNS = (
    "plan_id", "task_id", "path", "theme", "core", "terms", "hits", "snippet", "line", "in_title",
    "sentence_share", "focus", "codebook_version",
)
"""Columns of :func:`tag_tasks` output, before the carried metadata (province, year, level, source_file)."""

_CARRIED = ("province", "year", "level", "source_file")
_VERSION_RE = re.compile(r"^\d{4}\.(0[1-9]|1[0-2])\.\d+$")
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_THEME_FIELDS = {
    "key", "label_vi", "label_en", "core", "terms", "instruments", "exclude", "sources",
    "context_terms", "context_requires",
}
# Assignment field lines ("- Đơn vị chủ trì: …", "+ Thời gian thực hiện: …", "b) Cơ quan phối hợp: …"):
# metadata of a task, not content sentences. Matched on a line's match key.
_FIELD_LINE_RE = re.compile(
    r"^\s*(?:[-+•*]\s*)*(?:[a-zđ]\)\s*)?"
    r"(?:(?:đơn vị|cơ quan)(?:\s+[^\s:]+){1,5}|thời gian(?:\s+[^\s:]+){0,3}|(?:nguồn\s+)?kinh phí(?:\s+[^\s:]+){0,3})"
    r"\s*:"
)
_SENT_END_RE = re.compile(r"[.!?…]+[\"”’)\]]*\s+")
_ABBREV_RE = re.compile(r"(?<![^\W_])(?:tp|tx|tt|ths|ts|pgs|gs|bs|ks|nxb|st|v\.v)\.\s+$")
_TOKEN_PATTERN = r"(?u)\b[^\W\d_]+(?:_[^\W\d_]+)*\b"
# Function words and plan boilerplate left out of topic models (pyvi tokens, new-style tones).
_VI_STOP = frozenset("""
và của các những cho trong với về được có là để theo tại trên từ đến này đó khi một hai ba nhằm thuộc vào bằng
qua đã sẽ cùng như mà thì do vì nên ở lần thứ hoặc giữa đối_với đồng_thời trong_đó nhất_là gồm cụ_thể như_sau
tỉnh năm số ngày tháng quý thực_hiện tổ_chức triển_khai tiếp_tục tăng_cường đẩy_mạnh nâng_cao công_tác hoạt_động
đơn_vị chủ_trì phối_hợp cơ_quan thời_gian thường_xuyên liên_quan có_liên_quan ban ngành sở huyện thị_xã thành_phố
ủy_ban nhân_dân ubnd kế_hoạch nội_dung nhiệm_vụ hiệu_quả
""".split())


# ---------------------------------------------------------------------------------------------------------------
# Codebook

def _instrument_pattern(ref: str) -> re.Pattern[str]:
    """Regex for a document reference, tolerant of spacing, dash style and "Đ"/"D" ("1191/QĐTTg", "36 - NQ/TW")."""
    parts = re.split(r"([\W_]+)", match_key(ref))
    out: list[str] = []
    for i, tok in enumerate(parts):
        if i % 2 == 0:
            out.append("".join("[đdð]" if c in "đð" else re.escape(c) for c in tok))
        else:
            out.append(r"\s*/\s*" if "/" in tok else r"[\s\-._]*")
    return re.compile(r"(?<![^\W_])" + "".join(out) + r"(?![^\W_])")


def _tuple_of_str(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise ValueError(f"{what} must be a list of strings")
    if not all(isinstance(v, str) and match_key(v) for v in value):
        raise ValueError(f"{what} must hold non-empty strings")
    return tuple(value)


@dataclass(frozen=True)
class Theme:
    """One theme of the codebook.

    Attributes
    ----------
    key, label_vi, label_en : str
        Identifier and labels.
    core : bool
        True for the themes of the hand-coded reference (border, sea_islands, human_rights).
    terms : tuple of str
        Phrases in natural spelling, matched as match keys on syllable boundaries.
    instruments : tuple of str
        Document references that define the theme ("1191/QĐ-TTg"), matched tolerantly.
    exclude : tuple of str
        Phrases in which a term match does not count ("biển báo", "chủ quyền").
    sources : str
        Where the definition comes from.
    context_terms, context_requires : tuple of str
        Terms that count only in a sentence that also contains one of ``context_requires``.
    """

    key: str
    label_vi: str
    label_en: str
    core: bool
    terms: tuple[str, ...]
    instruments: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    sources: str = ""
    context_terms: tuple[str, ...] = ()
    context_requires: tuple[str, ...] = ()
    _term_res: tuple[tuple[str, re.Pattern[str]], ...] = field(init=False, repr=False, compare=False)
    _instrument_res: tuple[tuple[str, re.Pattern[str]], ...] = field(init=False, repr=False, compare=False)
    _exclude_res: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    _context_res: tuple[tuple[str, re.Pattern[str]], ...] = field(init=False, repr=False, compare=False)
    _require_res: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "_term_res", tuple((match_key(t), syllable_pattern(t)) for t in self.terms))
        setattr_(self, "_instrument_res", tuple((match_key(t), _instrument_pattern(t)) for t in self.instruments))
        setattr_(self, "_exclude_res", tuple(syllable_pattern(t) for t in self.exclude))
        setattr_(self, "_context_res", tuple((match_key(t), syllable_pattern(t)) for t in self.context_terms))
        setattr_(self, "_require_res", tuple(syllable_pattern(t) for t in self.context_requires))


@dataclass
class Codebook:
    """A versioned list of themes (see ``ttdn_analysis/data/themes.toml``).

    Examples
    --------
    >>> cb = load_codebook()
    >>> cb.core_keys
    ['border', 'sea_islands', 'human_rights']
    >>> cb["border"].label_en
    'Land border'
    >>> sorted(cb.themes_in("Tuyên truyền chủ quyền biển, đảo và biên giới quốc gia"))
    ['border', 'sea_islands']
    """

    version: str
    themes: list[Theme]
    path: str | None = None

    @property
    def keys(self) -> list[str]:
        """Theme keys in codebook order."""
        return [t.key for t in self.themes]

    @property
    def core_keys(self) -> list[str]:
        """Keys of the core themes in codebook order."""
        return [t.key for t in self.themes if t.core]

    def __getitem__(self, key: str) -> Theme:
        for t in self.themes:
            if t.key == key:
                return t
        raise KeyError(f"no theme {key!r} in codebook {self.version}; themes: {', '.join(self.keys)}")

    def __contains__(self, key: object) -> bool:
        return key in self.keys

    def themes_in(self, text: str) -> set[str]:
        """Keys of the themes *text* mentions."""
        doc = _Doc(text)
        return {t.key for t in self.themes if _theme_hits(t, doc)}


def _parse_codebook(data: dict[str, Any], origin: str) -> Codebook:
    version = data.get("version")
    if not isinstance(version, str) or not _VERSION_RE.match(version):
        raise ValueError(f"{origin}: 'version' must look like YYYY.MM.N, got {version!r}")
    extra = set(data) - {"version", "theme"}
    if extra:
        raise ValueError(f"{origin}: unknown top-level keys {sorted(extra)}")
    raw = data.get("theme")
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{origin}: no [[theme]] tables")
    themes: list[Theme] = []
    for i, tab in enumerate(raw, start=1):
        where = f"{origin}: theme #{i}"
        unknown = set(tab) - _THEME_FIELDS
        if unknown:
            raise ValueError(f"{where}: unknown fields {sorted(unknown)}")
        key = tab.get("key")
        if not isinstance(key, str) or not _KEY_RE.match(key):
            raise ValueError(f"{where}: 'key' must be a lower-case identifier, got {key!r}")
        where = f"{origin}: theme {key!r}"
        for name in ("label_vi", "label_en"):
            if not isinstance(tab.get(name), str) or not tab[name].strip():
                raise ValueError(f"{where}: '{name}' must be a non-empty string")
        if not isinstance(tab.get("core"), bool):
            raise ValueError(f"{where}: 'core' must be true or false")
        sources = tab.get("sources", "")
        if not isinstance(sources, str):
            raise ValueError(f"{where}: 'sources' must be a string")
        theme = Theme(
            key=key, label_vi=tab["label_vi"].strip(), label_en=tab["label_en"].strip(), core=tab["core"],
            terms=_tuple_of_str(tab.get("terms"), f"{where}: 'terms'"),
            instruments=_tuple_of_str(tab.get("instruments"), f"{where}: 'instruments'"),
            exclude=_tuple_of_str(tab.get("exclude"), f"{where}: 'exclude'"),
            sources=sources.strip(),
            context_terms=_tuple_of_str(tab.get("context_terms"), f"{where}: 'context_terms'"),
            context_requires=_tuple_of_str(tab.get("context_requires"), f"{where}: 'context_requires'"),
        )
        if not theme.terms and not theme.instruments:
            raise ValueError(f"{where}: needs at least one term or instrument")
        if bool(theme.context_terms) != bool(theme.context_requires):
            raise ValueError(f"{where}: 'context_terms' and 'context_requires' go together")
        themes.append(theme)
    keys = [t.key for t in themes]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise ValueError(f"{origin}: duplicate theme keys {dup}")
    return Codebook(version=version, themes=themes, path=origin)


@lru_cache(maxsize=1)
def _default_codebook() -> Codebook:
    ref = resources.files("ttdn_analysis").joinpath("data/themes.toml")
    return _parse_codebook(tomllib.loads(ref.read_text(encoding="utf-8")), "ttdn_analysis/data/themes.toml")


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load a theme codebook from TOML (by default the one shipped in ``ttdn_analysis/data/themes.toml``).

    Parameters
    ----------
    path : str or Path, optional
        A codebook file with ``version = "YYYY.MM.N"`` and one ``[[theme]]`` table per theme.

    Returns
    -------
    Codebook

    Raises
    ------
    ValueError
        If the file is malformed (bad version, unknown fields, duplicate keys, a theme without terms).

    Examples
    --------
    >>> cb = load_codebook()
    >>> cb.keys[:3]
    ['border', 'sea_islands', 'human_rights']
    >>> "1079/QĐ-TTg" in cb["human_rights"].instruments
    True
    """
    if path is None:
        return _default_codebook()
    p = Path(path)
    with p.open("rb") as fh:
        data = tomllib.load(fh)
    return _parse_codebook(data, str(p))


def _as_codebook(codebook: Codebook | str | Path | None) -> Codebook:
    if codebook is None or isinstance(codebook, (str, Path)):
        return load_codebook(codebook)
    if isinstance(codebook, Codebook):
        return codebook
    raise TypeError(f"codebook must be a Codebook, a path or None, not {type(codebook).__name__}")


# ---------------------------------------------------------------------------------------------------------------
# Matching: a match key whose offsets map back to the original text

_FIRSTS: dict[int, frozenset[str]] = {}
_WORD_RE = re.compile(r"[^\W_]+")


def _first_words(theme: "Theme") -> frozenset[str]:
    """First word of each of a theme's terms and instruments: a text without any of them cannot match."""
    if id(theme) not in _FIRSTS:
        labels = [lab for lab, _ in theme._term_res + theme._instrument_res + theme._context_res]
        _FIRSTS[id(theme)] = frozenset(w[0] for w in (_WORD_RE.findall(lab) for lab in labels) if w)
    return _FIRSTS[id(theme)]


class _Doc:
    """A text prepared for matching: display text (NFC), its match key without footnote markers, sentences."""

    __slots__ = ("disp", "idx", "kept", "key", "sentences", "words")

    def __init__(self, text: str) -> None:
        disp = nfc(text or "")
        idx = [i for i, ch in enumerate(disp) if ch not in FOOTNOTE_CHARS]
        kept = "".join(disp[i] for i in idx)
        key = line_key(kept)
        if len(key) != len(kept):  # a character whose lower case is longer ("İ"): lower char by char
            key = unify_tones("".join(c.lower() if len(c.lower()) == 1 else c for c in kept.translate(ONE_TO_ONE)))
        self.disp, self.idx, self.kept, self.key = disp, idx, kept, key
        self.sentences = _sentences(kept, key)
        self.words = frozenset(_WORD_RE.findall(key))

    def span(self, s: int, e: int) -> tuple[int, int]:
        """Key span -> display span."""
        return self.idx[s], self.idx[e - 1] + 1

    def sentence_of(self, pos: int) -> int:
        for i, (s, e, _) in enumerate(self.sentences):
            if s <= pos < e:
                return i
        return -1


def _sentences(kept: str, key: str) -> list[tuple[int, int, bool]]:
    """Sentence spans (start, end, is_field_line) over *kept*: lines split at sentence-final punctuation."""
    out: list[tuple[int, int, bool]] = []
    pos = 0
    for line in kept.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        is_field = bool(_FIELD_LINE_RE.match(key[start:end]))
        cut = start
        for m in _SENT_END_RE.finditer(kept, start, end):
            nxt = kept[m.end():m.end() + 1]
            head = kept[cut:m.end()]
            marker = MARKER_RE.match(head)
            if marker and marker.end() == len(head) or _ABBREV_RE.search(key[cut:m.end()]):
                continue  # "4. Sản xuất …", "TP. Hồ Chí Minh": not a sentence end
            if m.end() < end and (nxt.isupper() or nxt.isdigit() or nxt in "(“\"-+"):
                if kept[cut:m.end()].strip():
                    out.append((cut, m.end(), is_field))
                cut = m.end()
        if kept[cut:end].strip():
            out.append((cut, end, is_field))
    return out


@dataclass(frozen=True)
class _Hit:
    start: int  # key offsets
    end: int
    label: str  # the codebook term or instrument (match key)


def _theme_hits(theme: Theme, doc: _Doc) -> list[_Hit]:
    """Accepted hits of *theme* in *doc*: excludes dropped, overlaps resolved to the longest, context checked."""
    key = doc.key
    if doc.words.isdisjoint(_first_words(theme)):
        return []
    cands: list[_Hit] = []
    for label, pat in theme._term_res + theme._instrument_res:
        first = _WORD_RE.search(label)
        if first is not None and first.group(0) not in doc.words:
            continue  # the term's first word is not in the text: it cannot match
        cands.extend(_Hit(m.start(), m.end(), label) for m in pat.finditer(key))
    if theme._context_res:
        ok_sentences = {doc.sentence_of(m.start()) for p in theme._require_res for m in p.finditer(key)}
        for label, pat in theme._context_res:
            cands.extend(_Hit(m.start(), m.end(), label) for m in pat.finditer(key)
                         if doc.sentence_of(m.start()) in ok_sentences)
    if not cands:
        return []
    blocked = [m.span() for p in theme._exclude_res for m in p.finditer(key)]
    cands = [h for h in cands if not any(h.start < e and s < h.end for s, e in blocked)]
    accepted: list[_Hit] = []
    for h in sorted(cands, key=lambda h: (h.start - h.end, h.start, h.label)):
        if not any(h.start < a.end and a.start < h.end for a in accepted):
            accepted.append(h)
    return sorted(accepted, key=lambda h: (h.start, h.end))


def _term_hits(term: str, doc: _Doc) -> list[_Hit]:
    pat = syllable_pattern(term)
    return [_Hit(m.start(), m.end(), match_key(term)) for m in pat.finditer(doc.key)]


def _context(doc: _Doc, hit: _Hit, window: int) -> tuple[str, str, str]:
    """(left, match, right) in the display text, newlines shown as spaces."""
    s, e = doc.span(hit.start, hit.end)
    flat = doc.disp.replace("\n", " ")
    return flat[max(0, s - window):s], flat[s:e], flat[e:e + window]


def _snippet(doc: _Doc, hit: _Hit, window: int = 60) -> str:
    s, e = doc.span(hit.start, hit.end)
    left, match, right = _context(doc, hit, window)
    pre = "…" if s - window > 0 else ""
    post = "…" if e + window < len(doc.disp) else ""
    return (pre + left).lstrip() + match + (right + post).rstrip()


def _line_of(doc: _Doc, hit: _Hit, text_lines: Any, line_start: Any) -> int | None:
    n = doc.disp.count("\n", 0, doc.span(hit.start, hit.end)[0])
    if isinstance(text_lines, (list, tuple, np.ndarray)) and n < len(text_lines):
        try:
            return int(text_lines[n])
        except (TypeError, ValueError):
            pass
    if line_start is not None and not _isna(line_start):
        return int(line_start)
    return None


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _original(doc: _Doc, hit: _Hit) -> str:
    s, e = doc.span(hit.start, hit.end)
    return re.sub(r"\s+", " ", strip_footnote_markers(doc.disp[s:e])).strip()


# ---------------------------------------------------------------------------------------------------------------
# Tagging

def _empty_task_themes(carried: Sequence[str]) -> pd.DataFrame:
    cols = list(TASK_THEME_COLUMNS) + list(carried)
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    return df.astype({"core": bool, "hits": "int64", "line": "Int64", "in_title": bool,
                      "sentence_share": float})


def tag_tasks(tasks: pd.DataFrame, codebook: Codebook | str | Path | None = None) -> pd.DataFrame:
    """Tag each task with the themes its own text mentions.

    Matching is on match keys (one Unicode form, one tone-mark style, lower case, one dash style) and on syllable
    boundaries, so "biển" never matches inside "biểu" or "biến" and "hoà bình" equals "hòa bình". A term hit inside
    one of the theme's ``exclude`` phrases does not count ("biển báo", "chủ quyền"); overlapping hits of one theme
    count once, as the longest phrase.

    Parameters
    ----------
    tasks : DataFrame
        Columns plan_id, task_id, path, title, text (the task's own text, logical lines joined by "\\n"),
        text_lines (source line of each line of ``text``), line_start; province, year, level and source_file are
        copied through when present.
    codebook : Codebook, path or None
        Defaults to the packaged codebook.

    Returns
    -------
    DataFrame
        One row per (task, theme mentioned), sorted by plan_id, input task order, theme key, with columns
        plan_id, task_id, path, theme, core, terms (unique matched phrases in the text's spelling, "; "-joined),
        hits, snippet (first hit with about 60 characters each side, original text), line (source line of the
        first hit), in_title, sentence_share (share of the task's content sentences mentioning the theme;
        assignment lines such as "Đơn vị chủ trì: …" are not content sentences), focus ("central" when in the
        title or in at least half of the sentences, else "mentioned"), codebook_version, then the carried columns.

    Notes
    -----
    The reference coding (GOLD_SPEC.md) records mentions; ``focus`` is a richer, tool-only reading of how central a
    theme is. Sentences are the lines of ``text`` split at sentence-final punctuation followed by a capital or a
    digit; a list marker ("4.", "a)") or an abbreviation ("TP.") does not end a sentence. Footnote markers are
    ignored for matching ("Biển Đông⁷" is "Biển Đông") but kept in the snippet.

    See Also
    --------
    load_codebook : the themes, terms, instruments and exclusions.
    coverage : theme shares per province and year.
    kwic : every hit of a theme with its context.

    Examples
    --------
    >>> tasks = pd.DataFrame({
    ...     "plan_id": ["p1"], "task_id": ["II.6"], "path": ["II.6"],
    ...     "title": ["Truyền thông về biên giới, biển đảo"],
    ...     "text": ["Truyền thông về biên giới, biển đảo\\nThông tin về Biển Đông, hai quần đảo Hoàng Sa "
    ...              "và Trường Sa.\\n- Đơn vị chủ trì: Báo Đồng Nai"],
    ...     "text_lines": [[174, 176, 180]], "line_start": [174]})
    >>> out = tag_tasks(tasks)
    >>> print(out[["task_id", "theme", "terms", "hits", "line", "focus"]].to_string(index=False))
    ... # doctest: +NORMALIZE_WHITESPACE
    task_id       theme                                              terms  hits  line   focus
       II.6      border                                          biên giới     1   174 central
       II.6 sea_islands Biển Đông; biển đảo; Hoàng Sa; quần đảo; Trường Sa     5   174 central
    >>> tag_tasks(tasks.assign(text="Lắp đặt biển báo giao thông; ứng phó biến đổi khí hậu.", title="x")).empty
    True
    """
    cb = _as_codebook(codebook)
    missing = {"plan_id", "task_id", "text"} - set(tasks.columns)
    if missing:
        raise KeyError(f"tasks lacks columns {sorted(missing)}")
    carried = [c for c in _CARRIED if c in tasks.columns]
    rows: list[dict[str, Any]] = []
    for order, rec in enumerate(tasks.to_dict("records")):
        text = rec.get("text")
        text = "" if text is None or _isna(text) else str(text)
        doc = _Doc(text)
        title = rec.get("title")
        title_doc = _Doc("" if title is None or _isna(title) else str(title))
        content = [(s, e) for s, e, is_field in doc.sentences if not is_field]
        for theme in cb.themes:
            hits = _theme_hits(theme, doc)
            in_title = bool(_theme_hits(theme, title_doc))
            if not hits and not in_title:
                continue
            terms: dict[str, str] = {}
            for h in hits:
                orig = _original(doc, h)
                terms.setdefault(match_key(orig), orig)
            with_hit = sum(1 for s, e in content if any(s <= h.start < e for h in hits))
            share = round(with_hit / len(content), 3) if content else 0.0
            first = hits[0] if hits else None
            row = {
                "plan_id": rec.get("plan_id"), "task_id": rec.get("task_id"), "path": rec.get("path"),
                "theme": theme.key, "core": theme.core,
                "terms": "; ".join(terms[k] for k in sorted(terms)),
                "hits": len(hits),
                "snippet": _snippet(doc, first) if first else "",
                "line": _line_of(doc, first, rec.get("text_lines"), rec.get("line_start")) if first else None,
                "in_title": in_title, "sentence_share": share,
                "focus": "central" if in_title or share >= 0.5 else "mentioned",
                "codebook_version": cb.version,
                "_order": order,
            }
            row.update({c: rec.get(c) for c in carried})
            rows.append(row)
    if not rows:
        return _empty_task_themes(carried)
    out = pd.DataFrame(rows)
    out = out.sort_values(["plan_id", "_order", "theme"], kind="stable").drop(columns="_order")
    out = out[list(TASK_THEME_COLUMNS) + carried].reset_index(drop=True)
    return out.astype({"core": bool, "hits": "int64", "line": "Int64", "in_title": bool, "sentence_share": float})


# ---------------------------------------------------------------------------------------------------------------
# Coverage

def _tables(obj: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    if hasattr(obj, "tasks") and hasattr(obj, "task_themes"):
        return obj.tasks, obj.task_themes
    if isinstance(obj, Mapping):
        return obj["tasks"], obj["task_themes"]
    if isinstance(obj, (tuple, list)) and len(obj) == 2:
        return obj[0], obj[1]
    raise TypeError("expected an object with .tasks and .task_themes, a mapping with those keys, "
                    "or a (tasks, task_themes) pair")


_MEASURES = ("task_share", "focus_share", "text_share", "tasks")


def coverage(
    corpus_or_tables: Any,
    by: str | Sequence[str] = ("province", "year"),
    measure: str = "task_share",
    themes: Sequence[str] | None = None,
    codebook: Codebook | str | Path | None = None,
) -> pd.DataFrame:
    """Theme coverage per group of tasks.

    Parameters
    ----------
    corpus_or_tables : object
        Anything with ``.tasks`` and ``.task_themes`` DataFrames (a mapping with those keys or a
        ``(tasks, task_themes)`` pair also works). ``task_themes`` is the output of :func:`tag_tasks`.
    by : str or sequence of str
        Task columns to group by.
    measure : {"task_share", "focus_share", "text_share", "tasks"}
        ``task_share``: share of the group's tasks mentioning the theme; ``focus_share``: share of tasks where it is
        central; ``text_share``: characters of the tasks mentioning it over characters of all the group's tasks;
        ``tasks``: number of tasks mentioning it.
    themes : sequence of str, optional
        Theme keys (columns) to show, in this order; default all codebook themes in codebook order.
    codebook : Codebook, path or None
        Gives the default theme order and version.

    Returns
    -------
    DataFrame
        Index: the groups (sorted); one column per theme; shares rounded to 4. ``attrs`` holds codebook_version,
        measure and by.

    Notes
    -----
    Shares are over the tasks of ``tasks`` (tasks without any theme count in the denominator). A task that
    mentions a theme several times counts once.

    See Also
    --------
    tag_tasks : produces ``task_themes``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> tasks = pd.DataFrame({"plan_id": ["a", "a", "b"], "task_id": ["1", "2", "1"],
    ...                       "province": ["Gia Lai", "Gia Lai", "Đồng Nai"], "year": [2025, 2025, 2024],
    ...                       "text": ["Thông tin về biên giới", "Tập huấn nghiệp vụ", "Quyền con người"]})
    >>> c = SimpleNamespace(tasks=tasks, task_themes=tag_tasks(tasks))
    >>> coverage(c, themes=["border", "human_rights"])  # doctest: +NORMALIZE_WHITESPACE
    theme          border  human_rights
    province year
    Gia Lai  2025     0.5           0.0
    Đồng Nai 2024     0.0           1.0
    >>> coverage(c, by="province", measure="tasks", themes=["border"])["border"].to_dict()
    {'Gia Lai': 1, 'Đồng Nai': 0}
    """
    if measure not in _MEASURES:
        raise ValueError(f"measure must be one of {_MEASURES}, got {measure!r}")
    tasks, tt = _tables(corpus_or_tables)
    by_cols = [by] if isinstance(by, str) else list(by)
    missing = [c for c in by_cols + ["plan_id", "task_id"] if c not in tasks.columns]
    if missing:
        raise KeyError(f"tasks lacks columns {missing}")
    cb = _as_codebook(codebook)
    if themes is None:
        present = [] if tt is None or tt.empty else sorted(set(tt["theme"]) - set(cb.keys))
        cols = cb.keys + present
    else:
        cols = list(themes)
    versions = sorted(set(tt["codebook_version"].dropna())) if tt is not None and "codebook_version" in tt \
        and not tt.empty else []
    version = ",".join(versions) if versions else cb.version

    frame = tasks[by_cols].copy()
    task_ids = list(zip(tasks["plan_id"], tasks["task_id"]))
    if measure == "text_share":
        if "text" not in tasks.columns:
            raise KeyError("measure 'text_share' needs a text column in tasks")
        weight = tasks["text"].map(lambda t: 0 if t is None or _isna(t) else len(str(t))).to_numpy(dtype=float)
    else:
        weight = np.ones(len(tasks), dtype=float)
    frame["_w"] = weight
    for key in cols:
        sel = tt[tt["theme"] == key] if tt is not None and not tt.empty else tt
        if sel is not None and not sel.empty and measure == "focus_share":
            sel = sel[sel["focus"] == "central"]
        hit = set() if sel is None or sel.empty else set(zip(sel["plan_id"], sel["task_id"]))
        frame[key] = np.array([tid in hit for tid in task_ids], dtype=float) * weight
    grouped = frame.groupby(by_cols, dropna=False, sort=True)
    sums = grouped[cols].sum()
    if measure == "tasks":
        out = sums.astype("int64")
    else:
        denom = grouped["_w"].sum()
        out = sums.div(denom.where(denom > 0), axis=0).fillna(0.0).round(4)
    out.columns.name = "theme"
    out.attrs["codebook_version"] = version
    out.attrs["measure"] = measure
    out.attrs["by"] = tuple(by_cols)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Keyword in context

def kwic(
    corpus: Any,
    theme_or_term: str,
    window: int = 60,
    codebook: Codebook | str | Path | None = None,
) -> pd.DataFrame:
    """Keyword in context: every hit of a theme (all its terms and instruments) or of a single term.

    Parameters
    ----------
    corpus : object or DataFrame
        Anything with a ``.tasks`` DataFrame (or the tasks DataFrame itself).
    theme_or_term : str
        A theme key of the codebook, or any phrase (matched as a match key on syllable boundaries).
    window : int
        Characters of context each side.
    codebook : Codebook, path or None

    Returns
    -------
    DataFrame
        plan_id, task_id, path, line, left, match, right, source_file; one row per hit, in task order.
        ``match`` is the text's own spelling; newlines in the context are shown as spaces.

    See Also
    --------
    tag_tasks : the first hit of each theme per task, with counts and focus.

    Examples
    --------
    >>> tasks = pd.DataFrame({"plan_id": ["p"], "task_id": ["1"], "path": ["II.1"], "text_lines": [[12]],
    ...                       "text": ["Xây dựng biên giới hoà bình, hữu nghị."]})
    >>> kwic(tasks, "hòa bình", window=10)[["line", "left", "match", "right"]].to_dict("records")
    [{'line': 12, 'left': 'biên giới ', 'match': 'hoà bình', 'right': ', hữu nghị'}]
    >>> kwic(tasks, "border")["match"].tolist()
    ['biên giới']
    """
    if not isinstance(theme_or_term, str) or not match_key(theme_or_term):
        raise ValueError("theme_or_term must be a non-empty string")
    tasks = tasks_of(corpus)
    cb = _as_codebook(codebook)
    theme = cb[theme_or_term] if theme_or_term in cb else None
    rows: list[dict[str, Any]] = []
    for rec in tasks.to_dict("records"):
        text = rec.get("text")
        if text is None or _isna(text):
            continue
        doc = _Doc(str(text))
        hits = _theme_hits(theme, doc) if theme is not None else _term_hits(theme_or_term, doc)
        for h in hits:
            left, match, right = _context(doc, h, window)
            rows.append({"plan_id": rec.get("plan_id"), "task_id": rec.get("task_id"), "path": rec.get("path"),
                         "line": _line_of(doc, h, rec.get("text_lines"), rec.get("line_start")),
                         "left": left, "match": match, "right": right, "source_file": rec.get("source_file")})
    cols = ["plan_id", "task_id", "path", "line", "left", "match", "right", "source_file"]
    out = pd.DataFrame(rows, columns=cols)
    out["line"] = out["line"].astype("Int64")
    return out


# ---------------------------------------------------------------------------------------------------------------
# Keyness and topics

def _old_style(s: str) -> str:
    return to_old_tones(s)


def _tokenize(texts: Iterable[str]) -> list[str]:
    """pyvi word segmentation (compounds joined by "_"), tone marks unified to the new style."""
    from pyvi import ViTokenizer

    out = []
    for t in texts:
        t = "" if t is None or _isna(t) else strip_footnote_markers(nfc(str(t)))
        out.append(unify_tones(ViTokenizer.tokenize(_old_style(t))) if t.strip() else "")
    return out


def _select(tasks: pd.DataFrame, cond: Mapping[str, Any]) -> pd.Series:
    if not isinstance(cond, Mapping) or not cond:
        raise ValueError("a group is a non-empty dict of column -> value (or list of values)")
    mask = pd.Series(True, index=tasks.index)
    for col, val in cond.items():
        if col not in tasks.columns:
            raise KeyError(f"tasks has no column {col!r}")
        if isinstance(val, (list, tuple, set, frozenset)):
            mask &= tasks[col].isin(list(val))
        else:
            mask &= tasks[col] == val
    return mask


def _g2(a: np.ndarray, b: np.ndarray, c: float, d: float) -> np.ndarray:
    """Signed log-likelihood G² for frequencies a (target, size c) and b (reference, size d)."""
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(a > 0, a * np.log(a / e1), 0.0)
        t2 = np.where(b > 0, b * np.log(b / e2), 0.0)
    g2 = 2.0 * (t1 + t2)
    return np.where(a / c >= b / d, g2, -g2)


def keyness(
    corpus: Any,
    target: Mapping[str, Any],
    reference: Mapping[str, Any] | None = None,
    top: int = 30,
) -> pd.DataFrame:
    """Words that distinguish a target group of tasks from a reference group (log-likelihood G²).

    Texts are segmented with ``pyvi.ViTokenizer.tokenize`` (compounds joined by "_"; only the selected tasks are
    tokenised) and counted with scikit-learn's ``CountVectorizer`` (lower case, letters only). For each word with
    frequency a in the target (c tokens) and b in the reference (d tokens), G² = 2 Σ O ln(O/E); the sign is +
    when the word is relatively more frequent in the target, − when in the reference.

    Parameters
    ----------
    corpus : object or DataFrame
        Anything with a ``.tasks`` DataFrame (or the tasks DataFrame itself), with a text column.
    target : dict
        Column -> value (or list of values) selecting the target tasks, e.g. ``{"province": "Gia Lai"}``.
    reference : dict, optional
        Selects the reference tasks; default all other tasks. Tasks also in the target are left out.
    top : int
        Number of rows returned.

    Returns
    -------
    DataFrame
        term (words of a compound separated by spaces), g2 (signed, rounded 3), target_freq, reference_freq,
        target_per_10k, reference_per_10k, direction ("target" or "reference"); sorted by |G²| descending, then
        term.

    Notes
    -----
    pyvi is fed old-style tone marks ("hoà bình"), the convention it segments best, and its tokens are turned back
    to the new style, so "hoà bình" and "hòa bình" are one word. G² is not reliable for words seen once or twice;
    read low-frequency rows with care.

    See Also
    --------
    topic_view : an exploratory, unsupervised view of the same texts.

    References
    ----------
    Dunning, T. (1993). Accurate methods for the statistics of surprise and coincidence. Computational
    Linguistics 19(1), 61-74.

    Examples
    --------
    >>> tasks = pd.DataFrame({"province": ["A", "A", "B", "B"], "text": [
    ...     "Tuyên truyền biên giới", "Tuyên truyền biên giới", "Tuyên truyền Biển Đông", "Tuyên truyền Biển Đông"]})
    >>> keyness(tasks, {"province": "A"})[["term", "g2", "target_freq", "reference_freq", "direction"]]
               term     g2  target_freq  reference_freq  direction
    0     biên giới  2.773            2               0     target
    1     biển đông -2.773            0               2  reference
    2  tuyên truyền  0.000            2               2     target
    """
    from sklearn.feature_extraction.text import CountVectorizer

    tasks = tasks_of(corpus)
    if "text" not in tasks.columns:
        raise KeyError("tasks has no text column")
    tmask = _select(tasks, target)
    rmask = (_select(tasks, reference) if reference is not None else ~tmask) & ~tmask
    if not tmask.any():
        raise ValueError(f"no task matches target {dict(target)}")
    if not rmask.any():
        raise ValueError("the reference group is empty")
    docs = _tokenize(tasks.loc[tmask, "text"].tolist() + tasks.loc[rmask, "text"].tolist())
    n_t = int(tmask.sum())
    vec = CountVectorizer(lowercase=True, token_pattern=_TOKEN_PATTERN)
    try:
        x = vec.fit_transform(docs)
    except ValueError:  # empty vocabulary
        return pd.DataFrame(columns=["term", "g2", "target_freq", "reference_freq", "target_per_10k",
                                     "reference_per_10k", "direction"])
    a = np.asarray(x[:n_t].sum(axis=0)).ravel().astype(float)
    b = np.asarray(x[n_t:].sum(axis=0)).ravel().astype(float)
    c, d = max(a.sum(), 1.0), max(b.sum(), 1.0)
    g2 = _g2(a, b, c, d)
    terms = [t.replace("_", " ") for t in vec.get_feature_names_out()]
    out = pd.DataFrame({
        "term": terms,
        "g2": np.round(g2, 3) + 0.0,
        "target_freq": a.astype("int64"),
        "reference_freq": b.astype("int64"),
        "target_per_10k": np.round(a / c * 10_000, 2),
        "reference_per_10k": np.round(b / d * 10_000, 2),
    })
    out["direction"] = np.where(a / c >= b / d, "target", "reference")
    out["_abs"] = out["g2"].abs()
    out = out.sort_values(["_abs", "term"], ascending=[False, True], kind="stable").drop(columns="_abs")
    return out.head(top).reset_index(drop=True)


def _content_text(text: Any) -> str:
    """Task text without its assignment field lines ("Đơn vị chủ trì: …")."""
    if text is None or _isna(text):
        return ""
    lines = str(text).split("\n")
    return "\n".join(ln for ln in lines if not _FIELD_LINE_RE.match(line_key(nfc(ln))))


def topic_view(corpus: Any, n_topics: int = 6, seed: int = 42, top_terms: int = 10
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exploratory topic model of task texts: TF-IDF on pyvi words, then NMF.

    This is an exploratory view, not a measurement: topics depend on the corpus, the number of topics and the
    seed; read them alongside the codebook themes, never instead of them. Assignment field lines
    ("Đơn vị chủ trì: …") and common function words are left out.

    Parameters
    ----------
    corpus : object or DataFrame
        Anything with a ``.tasks`` DataFrame (or the tasks DataFrame itself).
    n_topics : int
        Number of topics (reduced when the corpus is smaller).
    seed : int
        ``random_state`` of NMF; the same corpus and seed give the same topics.
    top_terms : int
        Words listed per topic.

    Returns
    -------
    (DataFrame, DataFrame)
        Tasks -> topic: plan_id, task_id, path, topic (-1 when the task has no counted words), weight.
        Topic -> terms: topic, terms ("; "-joined, strongest first), n_tasks.

    See Also
    --------
    keyness : supervised contrast of two groups of tasks.
    tag_tasks : codebook themes, the measurement to report.

    Examples
    --------
    >>> tasks = pd.DataFrame({"plan_id": ["p"] * 4, "task_id": list("abcd"), "path": list("abcd"), "text": [
    ...     "Tuyên truyền biển đảo, Biển Đông", "Biển đảo quê hương, Biển Đông",
    ...     "Tập huấn phóng viên báo chí", "Tập huấn phát ngôn báo chí"]})
    >>> by_task, topics = topic_view(tasks, n_topics=2)
    >>> by_task["topic"].tolist()[0] == by_task["topic"].tolist()[1] != by_task["topic"].tolist()[2]
    True
    >>> list(topics.columns)
    ['topic', 'terms', 'n_tasks']
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    tasks = tasks_of(corpus)
    docs = _tokenize(_content_text(t) for t in tasks.get("text", pd.Series([""] * len(tasks))))
    n = len(docs)
    empty_tasks = pd.DataFrame(columns=["plan_id", "task_id", "path", "topic", "weight"])
    empty_topics = pd.DataFrame(columns=["topic", "terms", "n_tasks"])
    if n == 0:
        return empty_tasks, empty_topics
    vec = TfidfVectorizer(lowercase=True, token_pattern=_TOKEN_PATTERN, stop_words=sorted(_VI_STOP),
                          min_df=2 if n >= 20 else 1, max_df=0.9 if n >= 10 else 1.0, sublinear_tf=True)
    try:
        x = vec.fit_transform(docs)
    except ValueError:
        return empty_tasks, empty_topics
    k = max(1, min(n_topics, x.shape[0], x.shape[1]))
    nmf = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=1000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = nmf.fit_transform(x)
    h = nmf.components_
    has = w.max(axis=1) > 0
    topic = np.where(has, w.argmax(axis=1), -1)
    get = (lambda c: tasks[c].tolist() if c in tasks.columns else [None] * n)
    by_task = pd.DataFrame({"plan_id": get("plan_id"), "task_id": get("task_id"), "path": get("path"),
                            "topic": topic.astype("int64"), "weight": np.round(w.max(axis=1), 4)})
    names = vec.get_feature_names_out()
    rows = []
    for j in range(k):
        order = sorted(range(len(names)), key=lambda i: (-h[j, i], names[i]))[:top_terms]
        rows.append({"topic": j, "terms": "; ".join(names[i].replace("_", " ") for i in order if h[j, i] > 0),
                     "n_tasks": int((topic == j).sum())})
    return by_task, pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------------------------
# Validation against the hand-coded reference

def _plan_tasks(tasks: pd.DataFrame, doc: str) -> pd.DataFrame:
    name, stem = Path(doc).name, Path(doc).stem
    if "source_file" in tasks.columns:
        files = tasks["source_file"].map(lambda s: "" if s is None or _isna(s) else Path(str(s)).name)
        sel = tasks[(files == name) | (files.map(lambda f: Path(f).stem) == stem)]
        if not sel.empty:
            return sel
    if "plan_id" in tasks.columns:
        sel = tasks[tasks["plan_id"].astype(str).isin([name, stem])]
        if not sel.empty:
            return sel
        if tasks["plan_id"].nunique() == 1:
            return tasks
    raise ValueError(f"no tasks of {doc!r} (matched on source_file and plan_id)")


def validate(
    task_themes: pd.DataFrame,
    gold_json_path: str | Path,
    tasks: pd.DataFrame,
    codebook: Codebook | str | Path | None = None,
    plan_id: Any = None,
) -> pd.DataFrame:
    """Precision, recall and F1 of the core-theme tags against a hand-coded reference plan (gold JSON).

    Each gold task is aligned to the predicted task whose ``line_start`` equals the gold ``line``, else to the
    innermost task with ``line_start <= line <= line_end`` (``line_end`` defaults to the last of ``text_lines``);
    a predicted task aligns with one gold task at most, as in the project's scorer. Counts are over gold tasks: a
    theme is a true positive for a gold task when both the gold and the aligned task have it; a gold task without
    an aligned task counts as predicting no theme.

    Parameters
    ----------
    task_themes : DataFrame
        Output of :func:`tag_tasks`.
    gold_json_path : str or Path
        A reference file such as ``gold/002_3d21d89fb6211e3a.json`` (keys doc, tasks[].line, tasks[].themes).
    tasks : DataFrame
        The tasks that were tagged (plan_id, task_id, line_start; line_end or text_lines; source_file helps pick
        the plan).
    codebook : Codebook, path or None
        Gives the core themes.
    plan_id : optional
        The plan the gold file describes; by default found from ``source_file`` (file name equal to the gold
        "doc"), else from a plan_id equal to the doc's name, else the only plan in ``tasks``.

    Returns
    -------
    DataFrame
        One row per core theme and a final "micro" row: theme, tp, fp, fn, precision, recall, f1, gold, predicted
        (precision/recall/F1 rounded to 4; NaN when undefined). ``attrs`` holds n_gold_tasks and unaligned (gold
        task ids without a predicted task).

    Examples
    --------
    >>> import json, tempfile, os
    >>> gold = {"doc": "p.txt", "tasks": [{"id": "1", "line": 3, "themes": ["border"]},
    ...                                   {"id": "2", "line": 9, "themes": []}]}
    >>> path = os.path.join(tempfile.mkdtemp(), "p.json")
    >>> _ = open(path, "w", encoding="utf-8").write(json.dumps(gold))
    >>> tasks = pd.DataFrame({"plan_id": ["p", "p"], "task_id": ["1", "2"], "line_start": [3, 8],
    ...                       "text_lines": [[3], [8, 9]], "text": ["Khu vực biên giới", "Tập huấn"]})
    >>> validate(tag_tasks(tasks), path, tasks)[["theme", "tp", "fp", "fn", "precision", "recall", "f1"]]
              theme  tp  fp  fn  precision  recall   f1
    0        border   1   0   0        1.0     1.0  1.0
    1   sea_islands   0   0   0        NaN     NaN  NaN
    2  human_rights   0   0   0        NaN     NaN  NaN
    3         micro   1   0   0        1.0     1.0  1.0
    """
    cb = _as_codebook(codebook)
    core = cb.core_keys
    gold = json.loads(Path(gold_json_path).read_text(encoding="utf-8"))
    if plan_id is not None:
        plan = tasks[tasks["plan_id"] == plan_id]
        if plan.empty:
            raise ValueError(f"no tasks of plan {plan_id!r}")
    else:
        plan = _plan_tasks(tasks, gold.get("doc", Path(gold_json_path).stem))
    starts = plan["line_start"].astype(float).to_numpy()
    if "line_end" in plan.columns:
        ends = plan["line_end"].astype(float).to_numpy()
    elif "text_lines" in plan.columns:
        ends = np.array([max(tl) if isinstance(tl, (list, tuple, np.ndarray)) and len(tl) else s
                         for tl, s in zip(plan["text_lines"], starts)], dtype=float)
    else:
        ends = starts.copy()
    ids = list(zip(plan["plan_id"], plan["task_id"]))
    predicted: dict[tuple[Any, Any], set[str]] = {}
    if task_themes is not None and not task_themes.empty:
        for pid, tid, th in zip(task_themes["plan_id"], task_themes["task_id"], task_themes["theme"]):
            predicted.setdefault((pid, tid), set()).add(th)
    counts = {k: {"tp": 0, "fp": 0, "fn": 0, "gold": 0, "predicted": 0} for k in core}
    unaligned: list[str] = []
    used: set[int] = set()
    gold_tasks = gold.get("tasks", [])
    for g in gold_tasks:
        line = float(g["line"])
        exact = np.flatnonzero(starts == line)
        if exact.size:
            j = int(exact[0])
        else:
            inside = np.flatnonzero((starts <= line) & (line <= ends))
            if inside.size:
                j = int(max(inside, key=lambda i: (starts[i], -(ends[i] - starts[i]))))
            else:
                j = -1
        if j >= 0 and j in used:
            j = -1
        if j < 0:
            unaligned.append(str(g.get("id")))
        else:
            used.add(j)
        pred = predicted.get(ids[j], set()) if j >= 0 else set()
        gold_set = set(g.get("themes", []))
        for k in core:
            c = counts[k]
            c["gold"] += k in gold_set
            c["predicted"] += k in pred
            c["tp"] += k in gold_set and k in pred
            c["fp"] += k in pred and k not in gold_set
            c["fn"] += k in gold_set and k not in pred
    rows = [{"theme": k, **counts[k]} for k in core]
    rows.append({"theme": "micro", **{f: sum(counts[k][f] for k in core) for f in counts[core[0]]}} if core
                else {"theme": "micro", "tp": 0, "fp": 0, "fn": 0, "gold": 0, "predicted": 0})
    for r in rows:
        p = r["tp"] / (r["tp"] + r["fp"]) if r["tp"] + r["fp"] else math.nan
        rc = r["tp"] / (r["tp"] + r["fn"]) if r["tp"] + r["fn"] else math.nan
        f1 = 2 * p * rc / (p + rc) if not (math.isnan(p) or math.isnan(rc)) and p + rc else (
            0.0 if not (math.isnan(p) or math.isnan(rc)) else math.nan)
        r.update(precision=round(p, 4), recall=round(rc, 4), f1=round(f1, 4))
    out = pd.DataFrame(rows, columns=["theme", "tp", "fp", "fn", "precision", "recall", "f1", "gold", "predicted"])
    out.attrs["n_gold_tasks"] = len(gold_tasks)
    out.attrs["unaligned"] = unaligned
    return out
