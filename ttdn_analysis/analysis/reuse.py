"""Text reuse between plans: shared passages (boilerplate) and a plan × plan reuse matrix.

What is compared: the paragraphs (the "\\n"-separated logical lines) of every task's text and, by default, of the
plan's text outside its tasks — the corpus ``sections`` table: the preamble ("Căn cứ …"), the purpose and
requirements ("I. MỤC ĐÍCH, YÊU CẦU"), section introductions, budget and closing remarks. Two paragraphs of
different plans are the same passage when most of the words of one of them lie in word 5-grams ("shingles") that
the other also has. Every paragraph keeps its plan, file, part of the plan (section kind and outline path, task id
when it is a task's) and physical line.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from ttdn_analysis.analysis.coverage import coverage
from ttdn_analysis.analysis.names import unknown_name
from ttdn_analysis.corpus import tasks_of
from ttdn_analysis.parse.lines import MARKER_RE
from ttdn_analysis.parse.plan import PART_KINDS
from ttdn_analysis.tagging import tag_tasks
from ttdn_analysis.text import match_key, strip_footnote_markers

__all__ = ["SHINGLE_SIZE", "PASSAGE_COLUMNS", "PARAGRAPH_COLUMNS", "shingles", "paragraphs", "reuse_matrix",
           "shared_passages", "strip_shared", "coverage_without_boilerplate"]

SHINGLE_SIZE = 5

#: Columns of :func:`paragraphs`.
PARAGRAPH_COLUMNS = ("plan_id", "source_file", "section", "path", "task_id", "line", "index", "chars", "text")

#: Columns of :func:`shared_passages`: where each side of a pair is (plan, file, section kind, outline path, task
#: id or none, physical line), the score and the paragraph's text as plan_a prints it.
PASSAGE_COLUMNS = ("plan_a", "file_a", "section_a", "path_a", "task_a", "line_a",
                   "plan_b", "file_b", "section_b", "path_b", "task_b", "line_b", "score", "text")

_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    """Words of a paragraph's match key: list marker and footnote markers dropped, punctuation ignored."""
    key = match_key(strip_footnote_markers(text or ""))
    key = MARKER_RE.sub("", key, count=1)
    return _WORD.findall(key)


def _sequence(words: list[str], k: int) -> list[tuple[str, ...]]:
    """The k-shingles of *words* in order (a text of fewer than k words is one shingle of all of them)."""
    if len(words) < k:
        return [tuple(words)] if words else []
    return [tuple(words[i:i + k]) for i in range(len(words) - k + 1)]


def shingles(text: str, k: int = SHINGLE_SIZE) -> frozenset[tuple[str, ...]]:
    """Word k-shingles of a text's match key (list marker and footnote markers dropped, punctuation ignored).

    Parameters
    ----------
    text : str
        One paragraph.
    k : int
        Words per shingle; a text of fewer words is one shingle.

    Returns
    -------
    frozenset of tuple of str

    Examples
    --------
    >>> sorted(shingles("+ Văn hoá biển; (5) Văn hóa biển đảo", k=4))[:2]
    [('5', 'văn', 'hóa', 'biển'), ('biển', '5', 'văn', 'hóa')]
    >>> shingles("- Văn hóa biển", k=5)
    frozenset({('văn', 'hóa', 'biển')})
    """
    return frozenset(_sequence(_words(text), k))


@dataclass(frozen=True)
class _Text:
    """A paragraph as compared: its shingles in order and as a set, words per shingle, and its number of words."""

    seq: list[tuple[str, ...]]
    set: frozenset[tuple[str, ...]]
    width: int
    n: int

    @classmethod
    def of(cls, text: str, k: int = SHINGLE_SIZE) -> _Text:
        words = _words(text)
        seq = _sequence(words, k)
        return cls(seq, frozenset(seq), min(k, len(words)), len(words))

    def covered(self, other: frozenset[tuple[str, ...]]) -> float:
        """Share of this paragraph's words that lie in a shingle found in *other*."""
        if not self.n:
            return 0.0
        words, end = 0, 0
        for p, sh in enumerate(self.seq):
            if sh in other:
                words += p + self.width - max(p, end)
                end = p + self.width
        return words / self.n


def _sections_of(obj: Any) -> pd.DataFrame | None:
    """The ``sections`` table of a Corpus or mapping, or None (a bare tasks frame, or a corpus without one)."""
    if isinstance(obj, pd.DataFrame):
        return None
    secs = obj.get("sections") if isinstance(obj, Mapping) else getattr(obj, "sections", None)
    return secs if isinstance(secs, pd.DataFrame) else None


def _section_kinds(sections: str | Sequence[str]) -> tuple[str, ...]:
    """The section kinds asked for: "all", one kind, or a list of kinds; an unknown kind raises ValueError."""
    if isinstance(sections, str):
        if sections == "all":
            return PART_KINDS
        sections = [sections]
    kinds = tuple(sections)
    for kind in kinds:
        if kind not in PART_KINDS:
            raise unknown_name("section kind", kind, PART_KINDS, '("all" compares every one, () none)')
    return kinds


def _plan_ids(obj: Any, tasks: pd.DataFrame) -> list[str]:
    ids = set(tasks["plan_id"].dropna().astype(str))
    for name in ("plans", "sections"):
        table = getattr(obj, name, None) if not isinstance(obj, Mapping) else obj.get(name)
        if isinstance(table, pd.DataFrame) and "plan_id" in table.columns:
            ids |= set(table["plan_id"].dropna().astype(str))
    return sorted(ids)


def _line_numbers(text_lines: Any, line_start: Any, n: int) -> list[Any]:
    if isinstance(text_lines, (list, tuple, np.ndarray)) and len(text_lines) == n:
        return [int(x) if x is not None and not pd.isna(x) else None for x in text_lines]
    start = None if line_start is None or pd.isna(line_start) else int(line_start)
    return [start] * n


def _value(rec: dict, name: str) -> Any:
    v = rec.get(name)
    return None if v is None or (not isinstance(v, (str, list, tuple, np.ndarray)) and pd.isna(v)) else v


def _split(table: pd.DataFrame, min_chars: int, is_tasks: bool) -> list[dict]:
    """The paragraphs of the rows of a tasks or sections table."""
    rows = []
    for rec in table.to_dict("records"):
        text = _value(rec, "text")
        if text is None:
            continue
        pieces = str(text).split("\n")
        lines = _line_numbers(rec.get("text_lines"), rec.get("line_start"), len(pieces))
        where = {"plan_id": str(rec["plan_id"]), "source_file": _value(rec, "source_file"),
                 "section": _value(rec, "section" if is_tasks else "kind"), "path": _value(rec, "path"),
                 "task_id": rec.get("task_id") if is_tasks else None}
        for i, (piece, ln) in enumerate(zip(pieces, lines)):
            piece = piece.strip()
            if len(piece) >= min_chars:
                rows.append({**where, "line": ln, "index": i, "chars": len(piece), "text": piece})
    return rows


def paragraphs(corpus: Any, min_chars: int = 120, sections: str | Sequence[str] = "all") -> pd.DataFrame:
    """The paragraphs compared for reuse: the "\\n"-separated lines of ``tasks.text`` and ``sections.text``.

    Parameters
    ----------
    corpus : Corpus, mapping or DataFrame
        Anything with a ``.tasks`` DataFrame (plan_id, task_id, text, text_lines, line_start) and, optionally, a
        ``.sections`` one (the text outside tasks); a mapping with those keys; or a tasks frame alone.
    min_chars : int
        Shorter lines (headings, assignment fields) are left out.
    sections : "all", str or sequence of str
        Kinds of the ``sections`` rows compared besides the tasks (:data:`ttdn_analysis.parse.plan.PART_KINDS`:
        "preamble", "purpose", "tasks" for a task section's introduction, "budget", "closing", …); "all" (the
        default) takes every row, ``()`` the task text alone. An unknown kind raises ``ValueError``.

    Returns
    -------
    DataFrame
        Columns :data:`PARAGRAPH_COLUMNS`: plan_id, source_file, section (the section kind), path (outline path),
        task_id (none outside tasks), line (physical line where the paragraph starts), index (position in its
        row's text), chars, text (original spelling); sorted by plan and line.

    Examples
    --------
    >>> t = pd.DataFrame({"plan_id": ["p"], "task_id": ["p:II.1"], "path": ["II.1"], "text_lines": [[30, 32]],
    ...                   "line_start": [30], "text": ["1. Tập huấn\\n" + "Nội dung dài " * 12]})
    >>> s = pd.DataFrame({"plan_id": ["p"], "path": ["I.1"], "kind": ["purpose"], "text_lines": [[14, 16]],
    ...                   "text": ["1. Mục đích\\n- Hạn chế tác động tiêu cực của những thông tin sai trái, xuyên "
    ...                            "tạc về các vấn đề biển, đảo, biên giới, lãnh thổ, dân chủ, nhân quyền"]})
    >>> paragraphs({"tasks": t, "sections": s})[["section", "path", "task_id", "line", "index", "chars"]]
       section  path task_id  line  index  chars
    0  purpose   I.1    None    16      1    133
    1     None  II.1  p:II.1    32      1    155
    >>> len(paragraphs({"tasks": t, "sections": s}, sections=()))
    1
    """
    kinds = _section_kinds(sections)
    rows = _split(tasks_of(corpus), min_chars, is_tasks=True)
    secs = _sections_of(corpus)
    if secs is not None and kinds and len(secs):
        rows += _split(secs[secs["kind"].astype(str).isin(kinds)], min_chars, is_tasks=False)
    out = pd.DataFrame(rows, columns=list(PARAGRAPH_COLUMNS))
    out["line"] = out["line"].astype("Int64")
    return out.sort_values(["plan_id", "line"], kind="stable", na_position="last").reset_index(drop=True)


@dataclass
class _Match:
    a: int  # paragraph index
    b: int
    score: float  # share of the words of the more contained of the two that lie in shingles of the other


def _matches(paras: pd.DataFrame, threshold: float) -> tuple[list[_Text], list[_Match]]:
    """All cross-plan paragraph pairs whose score reaches *threshold*, in both orders, sorted.

    Candidates are the pairs that share a shingle (an inverted index); a pair is scored only when the number of
    its shared shingle positions allows the threshold (each position covers at most ``width`` words).
    """
    texts = [_Text.of(t) for t in paras["text"]]
    plans = paras["plan_id"].tolist()
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, t in enumerate(texts):
        for sh in t.set:
            index[sh].append(i)
    hits: dict[tuple[int, int], int] = defaultdict(int)  # (i, j): positions of i whose shingle j has
    for i, t in enumerate(texts):
        for sh in t.seq:
            for j in index[sh]:
                if plans[j] != plans[i]:
                    hits[(i, j)] += 1
    out: list[_Match] = []
    for (i, j), n_ij in sorted(hits.items()):
        if j < i:
            continue
        a, b = texts[i], texts[j]
        if min(a.n, a.width * n_ij) < threshold * a.n and min(b.n, b.width * hits[(j, i)]) < threshold * b.n:
            continue
        score = max(a.covered(b.set), b.covered(a.set))
        if score >= threshold:
            out += [_Match(i, j, score), _Match(j, i, score)]
    out.sort(key=lambda m: (m.a, m.b))
    return texts, out


def _covered(paras: pd.DataFrame, threshold: float) -> tuple[pd.DataFrame, list[_Match]]:
    """Per (paragraph, other plan): share of the paragraph's words in shingles of its matching paragraphs there."""
    texts, matches = _matches(paras, threshold)
    by_pair: dict[tuple[int, str], list[int]] = defaultdict(list)
    plans = paras["plan_id"].tolist()
    for m in matches:
        by_pair[(m.a, plans[m.b])].append(m.b)
    rows = []
    for (i, other), js in by_pair.items():
        share = texts[i].covered(frozenset().union(*(texts[j].set for j in js)))
        rows.append({"para": i, "other": other, "covered": share, "credit": 1.0 if share >= threshold else share})
    cov = pd.DataFrame(rows, columns=["para", "other", "covered", "credit"])
    return cov.sort_values(["para", "other"], kind="stable").reset_index(drop=True), matches


def _check_threshold(threshold: float) -> None:
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")


def reuse_matrix(corpus: Any, threshold: float = 0.8, min_chars: int = 120,
                 sections: str | Sequence[str] = "all") -> pd.DataFrame:
    """Share of each plan's text found near-verbatim in each other plan.

    Paragraphs are the lines of ``tasks.text`` and (by default) of ``sections.text`` with at least ``min_chars``
    characters (:func:`paragraphs`), compared as sequences of word 5-shingles of their match keys. Two paragraphs
    of different plans match when at least ``threshold`` of the words of one of them lie in shingles the other
    has — the containment of one in the other, so a truncated or extended copy still matches, and an edited word
    costs only itself (a shingle count would lose the five shingles around it). A paragraph of the row plan counts
    in full when at least ``threshold`` of its own words lie in shingles of its matches in the column plan;
    otherwise (a short shared piece inside a longer paragraph) only that share of its characters counts.

    Parameters
    ----------
    corpus : Corpus, mapping or DataFrame
        Anything with a ``.tasks`` DataFrame (plan_id, task_id, text, text_lines) and optionally ``.sections``;
        plans without paragraphs get a NaN row.
    threshold : float
        Minimum share of words, in (0, 1].
    min_chars : int
        Minimum paragraph length in characters.
    sections : "all", str or sequence of str
        Which text outside tasks is compared too (see :func:`paragraphs`); ``()`` compares task text only.

    Returns
    -------
    DataFrame
        Square, index and columns the sorted plan_ids (index name "plan", columns name "found_in"); values are
        shares of the row plan's paragraph characters, rounded to 4; diagonal 1.0. ``attrs`` holds threshold,
        min_chars, shingle_size and sections.

    Notes
    -----
    The matrix is not symmetric: a short plan copied whole into a long one is fully shared by row, little by
    column. Boilerplate taken from a common template (a ministry's guidance) is reuse here whatever its source.

    See Also
    --------
    shared_passages : the matched paragraphs themselves.

    References
    ----------
    Broder, A. Z. (1997). On the resemblance and containment of documents. Proceedings of Compression and
    Complexity of Sequences, 21-29.

    Examples
    --------
    >>> common = "Thông tin toàn diện các vấn đề liên quan đến biển, đảo, trong đó bao gồm vị trí, vai trò của biển"
    >>> t = pd.DataFrame({"plan_id": ["a", "a", "b"], "task_id": ["a:1", "a:2", "b:1"],
    ...                   "text_lines": [[1], [2], [7]],
    ...                   "text": [common, "Tổ chức tập huấn nghiệp vụ thông tin đối ngoại cho cán bộ cơ sở năm 2025",
    ...                            common + " (bản sao)."]})
    >>> reuse_matrix(t, min_chars=60)  # doctest: +NORMALIZE_WHITESPACE
    found_in    a      b
    plan
    a         1.0  0.574
    b         1.0  1.000
    """
    _check_threshold(threshold)
    kinds = _section_kinds(sections)
    tasks = tasks_of(corpus)
    ids = _plan_ids(corpus, tasks)
    paras = paragraphs(corpus, min_chars, kinds)
    out = pd.DataFrame(np.nan, index=pd.Index(ids, name="plan"), columns=pd.Index(ids, name="found_in"))
    if not paras.empty:
        cov, _ = _covered(paras, threshold)
        chars = paras["chars"].to_numpy(dtype=float)
        totals = paras.groupby("plan_id")["chars"].sum()
        shared: dict[tuple[str, str], float] = defaultdict(float)
        plans = paras["plan_id"].tolist()
        for i, other, credit in zip(cov["para"], cov["other"], cov["credit"]):
            shared[(plans[i], other)] += chars[i] * credit
        for pid in totals.index:
            for other in ids:
                if other != pid:
                    out.loc[pid, other] = shared.get((pid, other), 0.0) / totals[pid]
    for pid in ids:
        out.loc[pid, pid] = 1.0
    out = out.round(4)
    out.attrs.update(threshold=threshold, min_chars=min_chars, shingle_size=SHINGLE_SIZE, sections=kinds)
    return out


def shared_passages(corpus: Any, threshold: float = 0.8, min_chars: int = 120,
                    sections: str | Sequence[str] = "all") -> pd.DataFrame:
    """Paragraphs found near-verbatim in another plan, one row per matching pair (both directions).

    Parameters
    ----------
    corpus : Corpus, mapping or DataFrame
        Anything with a ``.tasks`` DataFrame (plan_id, task_id, text, text_lines) and optionally ``.sections``.
    threshold : float
        Minimum share of the words of one paragraph lying in word 5-shingles of the other (see
        :func:`reuse_matrix`).
    min_chars : int
        Minimum paragraph length in characters.
    sections : "all", str or sequence of str
        Which text outside tasks is compared too (see :func:`paragraphs`): by default all of it, so that the
        objectives copied between the "Mục đích, yêu cầu" sections are found; ``()`` compares task text only.

    Returns
    -------
    DataFrame
        Columns :data:`PASSAGE_COLUMNS`: for each side (a, b) the plan, file, section kind, outline path, task id
        (none outside tasks) and physical line where the paragraph starts; score (rounded to 4); text (the
        paragraph in plan_a's spelling). Sorted by plan_a, line_a, plan_b, line_b. Each pair appears twice, once
        from each side, so filtering on plan_a gives all of a plan's shared passages.

    See Also
    --------
    reuse_matrix : the same matches summed per pair of plans.

    Examples
    --------
    >>> common = "Thông tin toàn diện các vấn đề liên quan đến biển, đảo, trong đó bao gồm vị trí, vai trò của biển"
    >>> t = pd.DataFrame({"plan_id": ["a", "b"], "task_id": ["a:1", "b:4"], "text_lines": [[12], [30]],
    ...                   "text": [common, "+ " + common + " và hải đảo."]})
    >>> shared_passages(t, min_chars=60)[["plan_a", "task_a", "line_a", "plan_b", "task_b", "line_b", "score"]]
      plan_a task_a  line_a plan_b task_b  line_b  score
    0      a    a:1      12      b    b:4      30    1.0
    1      b    b:4      30      a    a:1      12    1.0

    An objective of one plan's purpose section copied, with a word changed, into another's:

    >>> goal = ("Hạn chế tác động tiêu cực của những thông tin, luận điệu sai trái, xuyên tạc của các thế lực thù "
    ...         "địch, đặc biệt về các vấn đề biển đảo, biên giới, lãnh thổ, dân chủ, nhân quyền, tôn giáo")
    >>> s = pd.DataFrame({"plan_id": ["a", "b"], "path": ["I.1", "I.1"], "kind": ["purpose", "purpose"],
    ...                   "text_lines": [[20], [34]], "source_file": ["a.txt", "b.txt"],
    ...                   "text": ["- " + goal, "- " + goal.replace("biển đảo", "biên đảo")]})
    >>> shared_passages({"tasks": t, "sections": s})[["plan_a", "file_a", "section_a", "path_a", "line_a",
    ...                                               "file_b", "line_b", "score"]]
      plan_a file_a section_a path_a  line_a file_b  line_b  score
    0      a  a.txt   purpose    I.1      20  b.txt      34  0.975
    1      b  b.txt   purpose    I.1      34  a.txt      20  0.975
    """
    _check_threshold(threshold)
    paras = paragraphs(corpus, min_chars, sections)
    if paras.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in PASSAGE_COLUMNS})
    _, matches = _matches(paras, threshold)
    recs = paras.to_dict("records")
    sides = (("plan", "plan_id"), ("file", "source_file"), ("section", "section"), ("path", "path"),
             ("task", "task_id"), ("line", "line"))
    rows = [{**{f"{col}_a": recs[m.a][src] for col, src in sides}, **{f"{col}_b": recs[m.b][src] for col, src in sides},
             "score": round(m.score, 4), "text": recs[m.a]["text"]} for m in matches]
    out = pd.DataFrame(rows, columns=list(PASSAGE_COLUMNS))
    if out.empty:
        return out
    out["line_a"] = out["line_a"].astype("Int64")
    out["line_b"] = out["line_b"].astype("Int64")
    out = out.sort_values(["plan_a", "line_a", "plan_b", "line_b"], kind="stable")
    return out.reset_index(drop=True)


def strip_shared(corpus: Any, threshold: float = 0.8, min_chars: int = 120,
                 sections: str | Sequence[str] = "all") -> pd.DataFrame:
    """The tasks frame with shared paragraphs (boilerplate) removed from ``text`` and ``text_lines``.

    A task paragraph is removed when at least ``threshold`` of its words lie in shingles of matching paragraphs
    of some other plan (the rule by which :func:`reuse_matrix` counts it in full) — in that plan's tasks or, by
    default, anywhere in its text (a task copied from another plan's objectives is boilerplate too).

    Parameters
    ----------
    corpus : Corpus, mapping or DataFrame
        Anything with a ``.tasks`` DataFrame and optionally ``.sections``.
    threshold, min_chars, sections
        As in :func:`reuse_matrix`.

    Returns
    -------
    DataFrame
        A copy of ``tasks``; ``attrs["removed"]`` counts the removed paragraphs and ``attrs["removed_chars"]`` their
        characters.

    Examples
    --------
    >>> common = "Thông tin toàn diện các vấn đề liên quan đến biển, đảo, trong đó bao gồm vị trí, vai trò của biển"
    >>> t = pd.DataFrame({"plan_id": ["a", "b"], "task_id": ["a:1", "b:1"], "text_lines": [[1, 2], [5]],
    ...                   "text": ["Tập huấn về biên giới\\n" + common, common]})
    >>> s = strip_shared(t, min_chars=60)
    >>> s["text"].tolist(), s["text_lines"].tolist(), s.attrs["removed"]
    (['Tập huấn về biên giới', ''], [[1], []], 2)
    """
    _check_threshold(threshold)
    tasks = tasks_of(corpus)
    paras = paragraphs(corpus, min_chars, sections)
    out = tasks.copy()
    out.attrs = {"removed": 0, "removed_chars": 0}
    if paras.empty:
        return out
    cov, _ = _covered(paras, threshold)
    full = [i for i in sorted(set(cov.loc[cov["covered"] >= threshold, "para"]))
            if pd.notna(paras.at[i, "task_id"])]
    drop: dict[Any, set[int]] = defaultdict(set)
    for i in full:
        drop[paras.at[i, "task_id"]].add(int(paras.at[i, "index"]))
    texts, lines = [], []
    has_lines = "text_lines" in out.columns
    for rec in out.to_dict("records"):
        gone = drop.get(rec["task_id"], set())
        text = rec.get("text")
        if not gone or text is None or (not isinstance(text, str) and pd.isna(text)):
            texts.append(text)
            lines.append(rec.get("text_lines") if has_lines else None)
            continue
        pieces = str(text).split("\n")
        keep = [k for k in range(len(pieces)) if k not in gone]
        texts.append("\n".join(pieces[k] for k in keep))
        tl = rec.get("text_lines") if has_lines else None
        if isinstance(tl, (list, tuple, np.ndarray)) and len(tl) == len(pieces):
            lines.append([tl[k] for k in keep])
        else:
            lines.append(tl)
    out["text"] = texts
    if has_lines:
        out["text_lines"] = lines
    out.attrs = {"removed": len(full), "removed_chars": int(paras.loc[full, "chars"].sum())}
    return out


def coverage_without_boilerplate(
    corpus: Any,
    threshold: float = 0.8,
    min_chars: int = 120,
    by: str | Sequence[str] = ("province", "year"),
    measure: str = "task_share",
    themes: Sequence[str] | None = None,
    codebook: Any = None,
    sections: str | Sequence[str] = "all",
) -> pd.DataFrame:
    """Theme coverage after removing paragraphs shared near-verbatim with another plan.

    The task texts are stripped of shared paragraphs (:func:`strip_shared`), re-tagged with
    :func:`ttdn_analysis.themes.tag_tasks` (titles are kept) and passed to :func:`ttdn_analysis.themes.coverage`,
    so a theme that a province only carries in copied boilerplate drops out. Compare with ``themes.coverage`` on
    the full text to see what is province-specific.

    Parameters
    ----------
    corpus : Corpus, mapping or DataFrame
        Anything with a ``.tasks`` DataFrame and optionally ``.sections``.
    threshold, min_chars, sections
        As in :func:`reuse_matrix`.
    by, measure, themes, codebook
        As in :func:`ttdn_analysis.themes.coverage`.

    Returns
    -------
    DataFrame
        As :func:`ttdn_analysis.themes.coverage`; ``attrs`` also holds threshold, min_chars, removed (paragraphs)
        and removed_chars.

    Examples
    --------
    >>> common = ("Thông tin toàn diện các vấn đề liên quan đến biển, đảo, trong đó bao gồm vị trí, vai trò "
    ...           "của biển, đảo trong sự nghiệp bảo vệ Tổ quốc")
    >>> t = pd.DataFrame({"plan_id": ["a", "b"], "task_id": ["a:1", "b:1"], "path": ["1", "1"],
    ...                   "title": ["Tập huấn", "Tuyên truyền"], "text_lines": [[1, 2], [5, 6]],
    ...                   "province": ["Gia Lai", "Đồng Nai"], "year": [2025, 2024],
    ...                   "line_start": [1, 5],
    ...                   "text": ["Tập huấn\\n" + common, "Tuyên truyền về Trường Sa\\n" + common]})
    >>> coverage_without_boilerplate(t, min_chars=60, themes=["sea_islands"])  # doctest: +NORMALIZE_WHITESPACE
    theme          sea_islands
    province year
    Gia Lai  2025          0.0
    Đồng Nai 2024          1.0
    """
    stripped = strip_shared(corpus, threshold, min_chars, sections)
    tagged = tag_tasks(stripped, codebook)
    out = coverage(SimpleNamespace(tasks=stripped, task_themes=tagged), by=by, measure=measure,
                   themes=themes, codebook=codebook)
    out.attrs.update(threshold=threshold, min_chars=min_chars, removed=stripped.attrs.get("removed", 0),
                     removed_chars=stripped.attrs.get("removed_chars", 0))
    return out
