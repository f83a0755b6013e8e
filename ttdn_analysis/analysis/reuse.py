"""Text reuse between plans: shared passages (boilerplate) and a plan × plan reuse matrix."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from ttdn_analysis.analysis.coverage import coverage
from ttdn_analysis.analysis.tagging import tag_tasks
from ttdn_analysis.corpus import tasks_of
from ttdn_analysis.parse.lines import MARKER_RE
from ttdn_analysis.text import match_key, strip_footnote_markers

__all__ = ["SHINGLE_SIZE", "PASSAGE_COLUMNS", "shingles", "paragraphs", "reuse_matrix", "shared_passages", "strip_shared", "coverage_without_boilerplate"]

SHINGLE_SIZE = 5


PASSAGE_COLUMNS = ("plan_a", "task_a", "line_a", "plan_b", "task_b", "line_b", "score", "text")


_WORD = re.compile(r"[^\W_]+")


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
    key = match_key(strip_footnote_markers(text or ""))
    key = MARKER_RE.sub("", key, count=1)
    words = _WORD.findall(key)
    if not words:
        return frozenset()
    if len(words) < k:
        return frozenset({tuple(words)})
    return frozenset(tuple(words[i:i + k]) for i in range(len(words) - k + 1))


def _plan_ids(obj: Any, tasks: pd.DataFrame) -> list[str]:
    ids = set(tasks["plan_id"].dropna().astype(str))
    plans = getattr(obj, "plans", None)
    if isinstance(plans, pd.DataFrame) and "plan_id" in plans.columns:
        ids |= set(plans["plan_id"].dropna().astype(str))
    return sorted(ids)


def _line_numbers(text_lines: Any, line_start: Any, n: int) -> list[Any]:
    if isinstance(text_lines, (list, tuple, np.ndarray)) and len(text_lines) == n:
        return [int(x) if x is not None and not pd.isna(x) else None for x in text_lines]
    start = None if line_start is None or pd.isna(line_start) else int(line_start)
    return [start] * n


def paragraphs(corpus: Any, min_chars: int = 120) -> pd.DataFrame:
    """The paragraphs of task text compared for reuse: the "\\n"-separated lines of ``tasks.text``.

    Parameters
    ----------
    corpus : Corpus or DataFrame
        Anything with a ``.tasks`` DataFrame (plan_id, task_id, text, text_lines, line_start), or that frame.
    min_chars : int
        Shorter lines (headings, assignment fields) are left out.

    Returns
    -------
    DataFrame
        plan_id, task_id, line (source line of the paragraph), index (position in the task text), chars, text
        (original spelling), in task order.

    Examples
    --------
    >>> t = pd.DataFrame({"plan_id": ["p"], "task_id": ["p:1"], "text_lines": [[3, 5]], "line_start": [3],
    ...                   "text": ["1. Tập huấn\\n" + "Nội dung dài " * 12]})
    >>> paragraphs(t)[["task_id", "line", "index", "chars"]]
      task_id  line  index  chars
    0     p:1     5      1    155
    """
    tasks = tasks_of(corpus)
    rows = []
    for rec in tasks.to_dict("records"):
        text = rec.get("text")
        if text is None or (not isinstance(text, str) and pd.isna(text)):
            continue
        pieces = str(text).split("\n")
        lines = _line_numbers(rec.get("text_lines"), rec.get("line_start"), len(pieces))
        for i, (piece, ln) in enumerate(zip(pieces, lines)):
            piece = piece.strip()
            if len(piece) >= min_chars:
                rows.append({"plan_id": str(rec["plan_id"]), "task_id": rec["task_id"], "line": ln, "index": i,
                             "chars": len(piece), "text": piece})
    return pd.DataFrame(rows, columns=["plan_id", "task_id", "line", "index", "chars", "text"])


@dataclass
class _Match:
    a: int  # paragraph index
    b: int
    inter: int
    score: float  # overlap coefficient |A ∩ B| / min(|A|, |B|)


def _matches(paras: pd.DataFrame, threshold: float) -> tuple[list[frozenset], list[_Match]]:
    """All cross-plan paragraph pairs whose overlap coefficient reaches *threshold* (both orders)."""
    sets = [shingles(t) for t in paras["text"]]
    plans = paras["plan_id"].tolist()
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        for sh in s:
            index[sh].append(i)
    out: list[_Match] = []
    for i, s in enumerate(sets):
        if not s:
            continue
        counts: dict[int, int] = defaultdict(int)
        for sh in s:
            for j in index[sh]:
                if plans[j] != plans[i]:
                    counts[j] += 1
        for j in sorted(counts):
            inter = counts[j]
            score = inter / min(len(s), len(sets[j]))
            if score >= threshold:
                out.append(_Match(i, j, inter, score))
    return sets, out


def _covered(paras: pd.DataFrame, threshold: float) -> tuple[pd.DataFrame, list[frozenset], list[_Match]]:
    """Per (paragraph, other plan): share of the paragraph's shingles inside its matching paragraphs there."""
    sets, matches = _matches(paras, threshold)
    by_pair: dict[tuple[int, str], set] = defaultdict(set)
    plans = paras["plan_id"].tolist()
    for m in matches:
        by_pair[(m.a, plans[m.b])] |= sets[m.b]
    rows = []
    for (i, other), union in by_pair.items():
        share = len(sets[i] & union) / len(sets[i])
        rows.append({"para": i, "other": other, "covered": share,
                     "credit": 1.0 if share >= threshold else share})
    cov = pd.DataFrame(rows, columns=["para", "other", "covered", "credit"])
    return cov.sort_values(["para", "other"], kind="stable").reset_index(drop=True), sets, matches


def reuse_matrix(corpus: Any, threshold: float = 0.8, min_chars: int = 120) -> pd.DataFrame:
    """Share of each plan's task text found near-verbatim in each other plan.

    Paragraphs are the lines of ``tasks.text`` with at least ``min_chars`` characters, compared as sets of word
    5-shingles of their match keys. A paragraph of the row plan is shared with the column plan when some paragraph
    there reaches ``threshold`` on the overlap coefficient |A ∩ B| / min(|A|, |B|) — the containment of the shorter
    in the longer, so a truncated or extended copy still matches. Its characters count in full when at least
    ``threshold`` of its own shingles lie in such matches; otherwise (a short shared piece inside a longer
    paragraph) only that share of them counts.

    Parameters
    ----------
    corpus : Corpus or DataFrame
        Anything with a ``.tasks`` DataFrame (plan_id, task_id, text, text_lines); plans without paragraphs get a
        NaN row.
    threshold : float
        Minimum overlap coefficient, in (0, 1].
    min_chars : int
        Minimum paragraph length in characters.

    Returns
    -------
    DataFrame
        Square, index and columns the sorted plan_ids (index name "plan", columns name "found_in"); values are
        shares of the row plan's paragraph characters, rounded to 4; diagonal 1.0. ``attrs`` holds threshold,
        min_chars and shingle_size.

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
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    tasks = tasks_of(corpus)
    ids = _plan_ids(corpus, tasks)
    paras = paragraphs(tasks, min_chars)
    out = pd.DataFrame(np.nan, index=pd.Index(ids, name="plan"), columns=pd.Index(ids, name="found_in"))
    if not paras.empty:
        cov, _, _ = _covered(paras, threshold)
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
    out.attrs.update(threshold=threshold, min_chars=min_chars, shingle_size=SHINGLE_SIZE)
    return out


def shared_passages(corpus: Any, threshold: float = 0.8, min_chars: int = 120) -> pd.DataFrame:
    """Paragraphs found near-verbatim in another plan, one row per matching pair (both directions).

    Parameters
    ----------
    corpus : Corpus or DataFrame
        Anything with a ``.tasks`` DataFrame (plan_id, task_id, text, text_lines).
    threshold : float
        Minimum overlap coefficient |A ∩ B| / min(|A|, |B|) of the paragraphs' word 5-shingles.
    min_chars : int
        Minimum paragraph length in characters.

    Returns
    -------
    DataFrame
        Columns :data:`PASSAGE_COLUMNS`: plan_a, task_a, line_a, plan_b, task_b, line_b, score (rounded to 4),
        text (the paragraph in plan_a's spelling); sorted by plan_a, line_a, plan_b, line_b. Each pair appears
        twice, once from each side, so filtering on plan_a gives all of a plan's shared passages.

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
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    paras = paragraphs(tasks_of(corpus), min_chars)
    if paras.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in PASSAGE_COLUMNS})
    _, matches = _matches(paras, threshold)
    recs = paras.to_dict("records")
    rows = [{"plan_a": recs[m.a]["plan_id"], "task_a": recs[m.a]["task_id"], "line_a": recs[m.a]["line"],
             "plan_b": recs[m.b]["plan_id"], "task_b": recs[m.b]["task_id"], "line_b": recs[m.b]["line"],
             "score": round(m.score, 4), "text": recs[m.a]["text"]} for m in matches]
    out = pd.DataFrame(rows, columns=list(PASSAGE_COLUMNS))
    if out.empty:
        return out
    out["line_a"] = out["line_a"].astype("Int64")
    out["line_b"] = out["line_b"].astype("Int64")
    out = out.sort_values(["plan_a", "line_a", "plan_b", "line_b"], kind="stable")
    return out.reset_index(drop=True)


def strip_shared(corpus: Any, threshold: float = 0.8, min_chars: int = 120) -> pd.DataFrame:
    """The tasks frame with shared paragraphs (boilerplate) removed from ``text`` and ``text_lines``.

    A paragraph is removed when at least ``threshold`` of its shingles lie in paragraphs of some other plan that
    match it (the rule by which :func:`reuse_matrix` counts it in full).

    Parameters
    ----------
    corpus : Corpus or DataFrame
        Anything with a ``.tasks`` DataFrame.
    threshold, min_chars
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
    tasks = tasks_of(corpus)
    paras = paragraphs(tasks, min_chars)
    out = tasks.copy()
    out.attrs = {"removed": 0, "removed_chars": 0}
    if paras.empty:
        return out
    cov, _, _ = _covered(paras, threshold)
    full = sorted(set(cov.loc[cov["covered"] >= threshold, "para"]))
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
) -> pd.DataFrame:
    """Theme coverage after removing paragraphs shared near-verbatim with another plan.

    The task texts are stripped of shared paragraphs (:func:`strip_shared`), re-tagged with
    :func:`ttdn_analysis.themes.tag_tasks` (titles are kept) and passed to :func:`ttdn_analysis.themes.coverage`,
    so a theme that a province only carries in copied boilerplate drops out. Compare with ``themes.coverage`` on
    the full text to see what is province-specific.

    Parameters
    ----------
    corpus : Corpus or DataFrame
        Anything with a ``.tasks`` DataFrame.
    threshold, min_chars
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
    stripped = strip_shared(corpus, threshold, min_chars)
    tagged = tag_tasks(stripped, codebook)
    out = coverage(SimpleNamespace(tasks=stripped, task_themes=tagged), by=by, measure=measure,
                           themes=themes, codebook=codebook)
    out.attrs.update(threshold=threshold, min_chars=min_chars, removed=stripped.attrs.get("removed", 0),
                     removed_chars=stripped.attrs.get("removed_chars", 0))
    return out
