"""Theme tagging of tasks with evidence (terms, snippet, line) and focus.

A stage of the load (the loader tags every plan's tasks, cached apart from the parse, keyed by the codebook), so it
sits below the corpus and the analyses (it was ``ttdn_analysis.analysis.tagging`` before the loader's split).
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import ttdn_analysis.registry.codebook as _codebook_module
from ttdn_analysis.parse.agency_spans import name_spans
from ttdn_analysis.parse.lines import MARKER_RE
from ttdn_analysis.registry import data_file
from ttdn_analysis.registry.codebook import Codebook, FocusRule, Theme, _as_codebook
from ttdn_analysis.schema import META
from ttdn_analysis.text import (
    FOOTNOTE_CHARS,
    ONE_TO_ONE,
    line_key,
    match_key,
    nfc,
    strip_footnote_markers,
    syllable_pattern,
    unify_tones,
)

__all__ = ["themes_in", "tagging_fingerprint", "TASK_THEME_COLUMNS", "tag_tasks"]

TASK_THEME_COLUMNS = (
    "plan_id", "task_id", "path", "theme", "core", "terms", "hits", "snippet", "line", "in_title", "in_heading",
    "sentences", "sentence_share", "density", "focus", "codebook_version",
)


_CARRIED = tuple(META)  # plan metadata copied from tasks to their theme rows


# Assignment field lines ("- Đơn vị chủ trì: …", "+ Thời gian thực hiện: …", "b) Cơ quan phối hợp: …"):
# metadata of a task, not content sentences. Matched on a line's match key.
_FIELD_LINE_RE = re.compile(
    r"^\s*(?:[-+•*]\s*)*(?:[a-zđ]\)\s*)?"
    r"(?:(?:đơn vị|cơ quan)(?:\s+[^\s:]+){1,5}|thời gian(?:\s+[^\s:]+){0,3}|(?:nguồn\s+)?kinh phí(?:\s+[^\s:]+){0,3})"
    r"\s*:"
)


_SENT_END_RE = re.compile(r"[.!?…]+[\"”’)\]]*\s+")


_ABBREV_RE = re.compile(r"(?<![^\W_])(?:tp|tx|tt|ths|ts|pgs|gs|bs|ks|nxb|st|v\.v)\.\s+$")


# id(theme) -> (weak reference to that theme, its first words, its signatures). The reference is checked on every
# lookup, so an id reused by a new theme after garbage collection never gets another theme's words, and the entry
# is dropped when its theme dies, so the cache holds only live themes.
_FIRSTS: dict[int, tuple[weakref.ref[Theme], frozenset[str], dict[tuple[str, ...], tuple[str, ...]]]] = {}


_WORD_RE = re.compile(r"[^\W_]+")


def _forget(ref: weakref.ref[Theme], key: int) -> None:
    """Drop a dead theme's entry (unless the id already holds a newer theme's)."""
    entry = _FIRSTS.get(key)
    if entry is not None and entry[0] is ref:
        del _FIRSTS[key]


def _words_of(theme: Theme) -> tuple[frozenset[str], dict[tuple[str, ...], tuple[str, ...]]]:
    key = id(theme)
    entry = _FIRSTS.get(key)
    if entry is not None and entry[0]() is theme:
        return entry[1], entry[2]
    split = [_WORD_RE.findall(lab) for lab, _ in theme._term_res + theme._context_res]
    inst = [_WORD_RE.findall(lab) for lab, _ in theme._instrument_res]
    words = frozenset(w[0] for w in split + inst if w)
    # a term's first two words (its pattern requires them side by side) -> its whole word sequence; an
    # instrument's first word -> "" (its pattern accepts other spellings of the rest: the word is enough)
    sigs: dict[tuple[str, ...], tuple[str, ...]] = {}
    for w in split:
        if w:
            sigs[tuple(w[:2])] = (*sigs.get(tuple(w[:2]), ()), f" {' '.join(w)} ")
    for w in inst:
        if w:
            sigs[(w[0],)] = (*sigs.get((w[0],), ()), "")
    _FIRSTS[key] = (weakref.ref(theme, functools.partial(_forget, key=key)), words, sigs)
    return words, sigs


def _first_words(theme: Theme) -> frozenset[str]:
    """First word of each of a theme's terms and instruments: a text without any of them cannot match."""
    return _words_of(theme)[0]


def _signatures(theme: Theme) -> dict[tuple[str, ...], tuple[str, ...]]:
    """What a text must hold for *theme* to match it: a term's words in a row (looked up by its first two), or an
    instrument's first word."""
    return _words_of(theme)[1]


def _keyed(text: str) -> tuple[str, Sequence[int], str, str]:
    """Display text (NFC), key offset -> display offset, the text without footnote markers, its match key."""
    disp = nfc(text or "")
    idx: Sequence[int]
    if FOOTNOTE_CHARS.isdisjoint(disp):  # the usual case: no footnote marker, nothing to drop
        idx, kept = range(len(disp)), disp
    else:
        idx = [i for i, ch in enumerate(disp) if ch not in FOOTNOTE_CHARS]
        kept = "".join(disp[i] for i in idx)
    key = line_key(kept)
    if len(key) != len(kept):  # a character whose lower case is longer ("İ"): lower char by char
        key = unify_tones("".join(c.lower() if len(c.lower()) == 1 else c for c in kept.translate(ONE_TO_ONE)))
    return disp, idx, kept, key


class _Words:
    """The words of a match key: each word, each pair of neighbours, and all of them in a row."""

    __slots__ = ("grams", "row")

    def __init__(self, key: str) -> None:
        words = _WORD_RE.findall(key)
        self.grams = {(w,) for w in words} | set(itertools.pairwise(words))
        self.row = f" {' '.join(words)} "

    def may_match(self, sigs: dict[tuple[str, ...], tuple[str, ...]]) -> bool:
        """Whether a theme with signatures *sigs* can match the text (see :func:`_signatures`): a match holds a
        term's words in a row (the pattern allows only spaces and dashes between them), and masking agency names
        only removes words."""
        return any(any(seq in self.row for seq in sigs[g]) for g in self.grams.intersection(sigs))


class _Doc:
    """A text prepared for matching: display text (NFC), its match key without footnote markers, sentences."""

    __slots__ = ("disp", "idx", "kept", "key", "sentences", "words")

    def __init__(self, text: str, keyed: tuple[str, Sequence[int], str, str] | None = None) -> None:
        disp, idx, kept, key = keyed if keyed is not None else _keyed(text)
        spans = name_spans(kept)  # an agency's name is no theme mention ("UBND huyện Trường Sa")
        if spans:  # blanked in one pass (a copy of the key per name was quadratic on a long line)
            parts, last = [], 0
            for s, e in spans:
                parts += [key[last:s], " " * (e - s)]
                last = e
            key = "".join(parts) + key[last:]
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


# A line that ends a sentence or a clause (". ; , !"), possibly inside closing quotes or brackets.
_ENDS_CLAUSE_RE = re.compile(r"[.;,!?…]+[\"”’)\]*]*\s*$")
# List marker and bullets at the start of a line ("- ", "+ ", "a) ", "2.3. ", "**").
_LEAD_RE = re.compile(r"^\s*(?:[-+•*]+\s*)*")


def _headings(doc: _Doc, max_words: int) -> list[tuple[int, int]]:
    """Key spans of a task's headings: its first line when that line heads the rest (it does not end a clause,
    whatever its length: the title column may cut it), and the sub-headings inside it — lines that head the lines
    below them ("- Tuyên truyền biển, đảo:", "- Tuyên truyền công tác biên giới, lãnh thổ trên đất liền").

    A sub-heading is not the task's last line nor an assignment field line, and either ends with ":" or has at
    most *max_words* words after its list marker and does not end a clause (". ; , ! ?"). A first line that is
    a whole sentence counts only through the task's title."""
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in doc.kept.split("\n"):
        if line.strip():
            lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    out = []
    if len(lines) > 1 and not _ENDS_CLAUSE_RE.search(doc.key[lines[0][0]:lines[0][1]]):
        out.append(lines[0])
    for s, e in lines[1:-1]:  # the last line heads nothing
        key = doc.key[s:e].rstrip()
        if _FIELD_LINE_RE.match(key):
            continue
        lead = _LEAD_RE.match(key)
        body = key[lead.end() if lead else 0:]
        marker = MARKER_RE.match(body)
        body = body[marker.end():] if marker else body
        n_words = len(_WORD_RE.findall(body))
        if n_words and (key.endswith(":") or (n_words <= max_words and not _ENDS_CLAUSE_RE.search(key))):
            out.append((s, e))
    return out


#: Characters a task's label may take before its title in the text ("c- ", "II.2.b) ", "Nhiệm vụ 3: ").
_LABEL_ROOM = 24


def _in_title(theme: Theme, doc: Any, title_doc: Any, hits: list[Any]) -> bool:
    """True when the task's title names *theme*. A title that is the start of the text (a heading cut at about 120
    characters) is judged by the text's own hits inside it: the cut may split a phrase whose rest makes the term
    not count ("… hệ thống biển" + " hiệu": a signboard)."""
    head = title_doc.key.rstrip(" .…")
    at = doc.key.find(head, 0, len(head) + _LABEL_ROOM) if head else -1  # after the task's label ("c- ", "2.1.")
    if at >= 0:
        return any(at <= h.start < at + len(head) for h in hits)
    return bool(_theme_hits(theme, title_doc))


def _focus(in_heading: bool, sentences: int, share: float, hits: int, density: float, rule: FocusRule) -> str:
    """``central`` or ``mentioned`` by the codebook's :class:`~ttdn_analysis.registry.codebook.FocusRule`."""
    if in_heading:
        return "central"
    if sentences >= rule.min_sentences and share >= rule.sentence_share:
        return "central"
    if hits >= rule.min_hits and density >= rule.density:
        return "central"
    return "mentioned"


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
            if (marker and marker.end() == len(head)) or _ABBREV_RE.search(key[cut:m.end()]):
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
    disp = doc.disp  # slice first, then flatten: the cost is the window's, not the task's
    left, match, right = disp[max(0, s - window):s], disp[s:e], disp[e:e + window]
    return left.replace("\n", " "), match.replace("\n", " "), right.replace("\n", " ")


def _snippet(doc: _Doc, hit: _Hit, window: int = 60) -> str:
    s, e = doc.span(hit.start, hit.end)
    left, match, right = _context(doc, hit, window)
    pre = "…" if s - window > 0 else ""
    post = "…" if e + window < len(doc.disp) else ""
    return (pre + left).lstrip() + match + (right + post).rstrip()


def _breaks(text: str, text_lines: Any, text_breaks: Any) -> list[tuple[int, int]]:
    """The task's ``[offset, line]`` pairs (see :func:`~ttdn_analysis.parse.provenance.line_breaks`) when they fit
    *text*; ``[]`` when absent or stale (a frame whose text was changed, e.g. by ``strip_shared``, but not its pairs).
    """
    if not isinstance(text_breaks, (list, tuple, np.ndarray)) or len(text_breaks) == 0:
        return []
    firsts = list(text_lines) if isinstance(text_lines, (list, tuple, np.ndarray)) else []
    out: list[tuple[int, int]] = []
    n, seen = 0, 0  # newlines before offset `seen` (counted once over the text: linear in its length)
    try:
        for pair in text_breaks:
            off, line = int(pair[0]), int(pair[1])
            if off >= len(text) or (out and off <= out[-1][0]):
                return []
            n, seen = n + text.count("\n", seen, off), off
            # a logical line's first physical line: text_lines says which
            if (off == 0 or text[off - 1] == "\n") and (n >= len(firsts) or int(firsts[n]) != line):
                return []
            out.append((off, line))
    except (TypeError, ValueError, IndexError):
        return []
    return out


class _Locator:
    """Source line and column of hits in one task's text; built once per task, so that locating every hit of a
    long task costs a binary search each."""

    __slots__ = ("breaks", "line_start", "newlines", "offsets", "text_lines")

    def __init__(self, doc: _Doc, text_lines: Any, line_start: Any, text_breaks: Any = None) -> None:
        self.breaks = _breaks(doc.disp, text_lines, text_breaks)
        self.offsets = [b[0] for b in self.breaks]
        self.newlines = [i for i, ch in enumerate(doc.disp) if ch == "\n"]
        self.text_lines = list(text_lines) if isinstance(text_lines, (list, tuple, np.ndarray)) else []
        self.line_start = line_start

    def position(self, doc: _Doc, hit: _Hit) -> tuple[int | None, int | None]:
        """Physical source line of a hit and its 1-based column in that line (as cleaned: markup, table pipes and
        outer spaces removed). Without line breaks for the task, the first line of the hit's logical line and no
        column; without ``text_lines``, ``line_start``."""
        start = doc.span(hit.start, hit.end)[0]
        n = bisect.bisect_right(self.newlines, start - 1)  # logical line of the hit: newlines before it
        i = bisect.bisect_right(self.offsets, start) - 1
        if i >= 0 and bisect.bisect_right(self.newlines, self.offsets[i] - 1) == n:  # same logical line
            return self.breaks[i][1], start - self.breaks[i][0] + 1
        if n < len(self.text_lines):
            try:
                return int(self.text_lines[n]), None
            except (TypeError, ValueError):
                pass
        if self.line_start is not None and not _isna(self.line_start):
            return int(self.line_start), None
        return None, None


def _position(doc: _Doc, hit: _Hit, text_lines: Any, line_start: Any,
              text_breaks: Any = None) -> tuple[int | None, int | None]:
    """Physical source line and column of one hit (see :class:`_Locator`)."""
    return _Locator(doc, text_lines, line_start, text_breaks).position(doc, hit)


def _line_of(doc: _Doc, hit: _Hit, text_lines: Any, line_start: Any, text_breaks: Any = None) -> int | None:
    """Physical source line of a hit (see :class:`_Locator`)."""
    return _position(doc, hit, text_lines, line_start, text_breaks)[0]


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _original(doc: _Doc, hit: _Hit) -> str:
    s, e = doc.span(hit.start, hit.end)
    return re.sub(r"\s+", " ", strip_footnote_markers(doc.disp[s:e])).strip()


_DTYPES = {"core": bool, "hits": "int64", "line": "Int64", "in_title": bool, "in_heading": bool, "sentences": "int64",
           "sentence_share": float, "density": float}


#: The columns of a task that tagging reads (besides the carried metadata).
_READ = ("plan_id", "task_id", "path", "title", "text", "text_lines", "text_breaks", "line_start")


def _empty_task_themes(carried: Sequence[str]) -> pd.DataFrame:
    cols = list(TASK_THEME_COLUMNS) + list(carried)
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    return df.astype(_DTYPES)


def themes_in(text: str, codebook: Codebook | str | Path | None = None) -> set[str]:
    """Keys of the themes *text* mentions.

    Examples
    --------
    >>> sorted(themes_in("Tuyên truyền chủ quyền biển, đảo và biên giới quốc gia"))
    ['border', 'sea_islands']
    """
    keyed = _keyed(text)
    words, doc = _Words(keyed[3]), _Doc(text, keyed)
    return {t.key for t in _as_codebook(codebook).themes if words.may_match(_signatures(t)) and _theme_hits(t, doc)}


def tagging_fingerprint() -> str:
    """Hash of what tagging depends on: the shipped codebook and the tagging code (the key of the tag cache).

    Examples
    --------
    >>> len(tagging_fingerprint())
    16
    """
    h = hashlib.sha256(data_file("themes.toml").read_bytes())
    for mod in (Path(__file__), Path(_codebook_module.__file__)):
        h.update(mod.read_bytes())
    return h.hexdigest()[:16]


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
        text_lines (source line of each line of ``text``), text_breaks (optional: where each physical line begins
        in ``text``, so that ``line`` is the line the hit is on), line_start; province, year, level and source_file
        are copied through when present.
    codebook : Codebook, path or None
        Defaults to the packaged codebook.

    Returns
    -------
    DataFrame
        One row per (task, theme mentioned), sorted by plan_id, input task order, theme key, with columns
        plan_id, task_id, path, theme, core, terms (unique matched phrases in the text's spelling, "; "-joined),
        hits, snippet (first hit with about 60 characters each side, original text), line (physical source line
        the first hit is on), in_title, in_heading (in the title, the heading line or a sub-heading of the task),
        sentences (content sentences mentioning the theme; assignment lines such as "Đơn vị chủ trì: …" are not
        content sentences), sentence_share (their share of the task's content sentences), density (hits per 100
        words of content), focus ("central" or "mentioned" by the codebook's ``[focus]`` rule, see
        :class:`~ttdn_analysis.registry.codebook.FocusRule`: in a heading; or in at least half of the content
        sentences and at least two of them; or at least 3 hits and 2.5 hits per 100 words), codebook_version, then
        the carried columns.

    Notes
    -----
    The reference coding (GOLD_SPEC.md) records mentions; ``focus`` is a richer, tool-only reading of how central a
    theme is, checked against hand-coded judgements (``tests/data/focus_labels.csv``: 29 of 29 agree; the former
    rule "in the title or half of the sentences" agreed on 19). One passing phrase is never central. Sentences
    are the lines of ``text`` split at sentence-final punctuation followed by a capital or a digit; a list marker
    ("4.", "a)") or an abbreviation ("TP.") does not end a sentence. Footnote markers are
    ignored for matching ("Biển Đông⁷" is "Biển Đông") but kept in the snippet. Agency names are no mention
    ("UBND huyện Trường Sa"), and a term's words must stand side by side in the text as written: an agency's
    name between them does not join them. A task in which no theme's words stand is skipped before the costly
    preparation, so that re-tagging one edited theme is cheap.

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
    sigs = [(theme, _signatures(theme)) for theme in cb.themes]
    rows: list[dict[str, Any]] = []
    used = list(dict.fromkeys([c for c in _READ if c in tasks.columns] + carried))
    for values in zip(*(tasks[c].tolist() for c in used)):  # faster than to_dict("records") on small frames
        rec = dict(zip(used, values))
        text = rec.get("text")
        text = "" if text is None or _isna(text) else str(text)
        title = rec.get("title")
        title = "" if title is None or _isna(title) else str(title)
        keyed, title_keyed = _keyed(text), _keyed(title)
        words, title_words = _Words(keyed[3]), _Words(title_keyed[3])
        themes = [theme for theme, sig in sigs if words.may_match(sig) or title_words.may_match(sig)]
        if not themes:
            continue  # no theme can match: the costly preparation (masking agency names, sentences) is skipped
        doc = _Doc(text, keyed)
        title_doc = _Doc(title, title_keyed)
        content = [(s, e) for s, e, is_field in doc.sentences if not is_field]
        n_words = sum(len(_WORD_RE.findall(doc.key[s:e])) for s, e in content)
        heads = _headings(doc, cb.focus.heading_words)
        for theme in sorted(themes, key=lambda t: t.key):  # rows by task, then theme key
            hits = _theme_hits(theme, doc)
            in_title = _in_title(theme, doc, title_doc, hits)
            if not hits and not in_title:
                continue
            in_heading = in_title or any(s <= h.start < e for h in hits for s, e in heads)
            terms: dict[str, str] = {}
            for h in hits:
                orig = _original(doc, h)
                terms.setdefault(match_key(orig), orig)
            with_hit = sum(1 for s, e in content if any(s <= h.start < e for h in hits))
            share = round(with_hit / len(content), 3) if content else 0.0
            density = round(100.0 * len(hits) / n_words, 2) if n_words else 0.0
            first = hits[0] if hits else None
            row = {
                "plan_id": rec.get("plan_id"), "task_id": rec.get("task_id"), "path": rec.get("path"),
                "theme": theme.key, "core": theme.core,
                "terms": "; ".join(terms[k] for k in sorted(terms)),
                "hits": len(hits),
                "snippet": _snippet(doc, first) if first else "",
                "line": _line_of(doc, first, rec.get("text_lines"), rec.get("line_start"),
                                 rec.get("text_breaks")) if first else None,
                "in_title": in_title, "in_heading": in_heading, "sentences": with_hit, "sentence_share": share,
                "density": density, "focus": _focus(in_heading, with_hit, share, len(hits), density, cb.focus),
                "codebook_version": cb.version,
            }
            row.update({c: rec.get(c) for c in carried})
            rows.append(row)
    if not rows:
        return _empty_task_themes(carried)
    out = pd.DataFrame({c: [r[c] for r in rows] for c in list(TASK_THEME_COLUMNS) + carried})
    for col, dtype in _DTYPES.items():  # most columns already have their type; "line" has gaps (Int64)
        if out[col].dtype != dtype:
            out[col] = out[col].astype(dtype)
    if not out["plan_id"].is_monotonic_increasing:  # plans given out of order: grouped by plan, rows kept in order
        out = out.sort_values("plan_id", kind="stable").reset_index(drop=True)
    return out
