"""Text statistics on a document-term matrix built once: keyness (Dunning's G²) and an exploratory topic view.

As in quanteda (corpus → tokens → document-feature matrix → statistics), task texts are segmented with pyvi once,
counted into a :class:`DocumentTermMatrix`, and every statistic runs on that matrix: build it with :func:`dfm` and
pass it to :func:`keyness` and :func:`topic_view` as often as needed (they also accept a corpus, and then build the
matrix themselves; segmentation of a text is remembered within a session either way).
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse, stats

from ttdn_analysis.corpus import tasks_of
from ttdn_analysis.registry.provinces import province_mentions
from ttdn_analysis.tagging import _FIELD_LINE_RE, _isna
from ttdn_analysis.text import (
    line_key,
    nfc,
    strip_footnote_markers,
    to_old_tones,
    unify_tones,
)

__all__ = ["STOP_WORDS", "DocumentTermMatrix", "dfm", "keyness", "topic_view"]

_TOKEN_PATTERN = r"(?u)\b[^\W\d_]+(?:_[^\W\d_]+)*\b"


#: Words left out of the matrix (pyvi tokens, new-style tones): function words, plan boilerplate and the
#: abbreviations of document numbers ("KH-UBND", "QĐ-TTg"), which say which plan a word is from, not what it says.
STOP_WORDS = frozenset("""
và của các những cho trong với về được có là để theo tại trên từ đến này đó khi một hai ba nhằm thuộc vào bằng
qua đã sẽ cùng như mà thì do vì nên ở lần thứ hoặc giữa đối_với đồng_thời trong_đó nhất_là gồm cụ_thể như_sau
tỉnh năm số ngày tháng quý thực_hiện tổ_chức triển_khai tiếp_tục tăng_cường đẩy_mạnh nâng_cao công_tác hoạt_động
đơn_vị chủ_trì phối_hợp cơ_quan thời_gian thường_xuyên liên_quan có_liên_quan ban ngành sở huyện thị_xã thành_phố
ủy_ban nhân_dân ubnd kế_hoạch nội_dung nhiệm_vụ hiệu_quả
kh qđ ttg nq cp tw ct ctr btttt bttt hđnd tu kl qh nđ tt cv sxd stttt ubmttq bchbđbp
""".split())  # noqa: SIM905 - a word list reads better as text


@lru_cache(maxsize=50_000)
def _segment(text: str) -> str:
    """pyvi segmentation of one text (compounds joined by "_"), new-style tones; province names removed first.

    pyvi is fed old-style tone marks ("hoà bình"), the convention it segments best; its tokens are turned back to
    the new style, so "hoà bình" and "hòa bình" are one word. Province names are blanked before segmentation, so
    keyness compares what plans say rather than whose they are.
    """
    from pyvi import ViTokenizer

    t = strip_footnote_markers(nfc(text))
    spans = province_mentions(t)
    if spans:
        parts, at = [], 0
        for _, s, e in spans:
            parts += [t[at:s], " "]
            at = e
        t = "".join(parts) + t[at:]
    return unify_tones(ViTokenizer.tokenize(to_old_tones(t))) if t.strip() else ""


def _content_text(text: Any) -> str:
    """Task text without its assignment field lines ("Đơn vị chủ trì: …")."""
    if text is None or _isna(text):
        return ""
    lines = str(text).split("\n")
    return "\n".join(ln for ln in lines if not _FIELD_LINE_RE.match(line_key(nfc(ln))))


@dataclass(frozen=True)
class DocumentTermMatrix:
    """Word counts of task texts: one row per task, one column per word (a pyvi token; compounds as one word).

    Attributes
    ----------
    counts : scipy.sparse.csr_matrix
        Tasks × words, integer counts.
    terms : numpy.ndarray
        The words, sorted; a compound's syllables separated by spaces ("biên giới").
    docs : pandas.DataFrame
        The tasks' identifiers and metadata (plan_id, task_id, path, province, merged_province, year, level, kind
        …), aligned with the rows of ``counts``.
    """

    counts: sparse.csr_matrix
    terms: np.ndarray
    docs: pd.DataFrame

    def select(self, cond: Mapping[str, Any]) -> np.ndarray:
        """Boolean mask of the rows matching every ``column -> value (or list of values)`` of *cond*."""
        if not isinstance(cond, Mapping) or not cond:
            raise ValueError("a group is a non-empty dict of column -> value (or list of values)")
        mask = np.ones(len(self.docs), dtype=bool)
        for col, val in cond.items():
            if col not in self.docs.columns:
                raise KeyError(f"tasks has no column {col!r}")
            if isinstance(val, (list, tuple, set, frozenset)):
                mask &= self.docs[col].isin(list(val)).to_numpy()
            else:
                mask &= (self.docs[col] == val).to_numpy(dtype=bool)
        return mask


def dfm(corpus: Any, stop_words: bool = True) -> DocumentTermMatrix:
    """Segment every task's content text once and count its words.

    Parameters
    ----------
    corpus : object or DataFrame
        Anything with a ``.tasks`` DataFrame (or the tasks DataFrame itself) with a text column; a ``.plans``
        table adds the plans' ``kind``.
    stop_words : bool
        Leave out :data:`STOP_WORDS`. Default True.

    Returns
    -------
    DocumentTermMatrix

    Notes
    -----
    Assignment field lines ("Đơn vị chủ trì: …") and province names are left out before counting (see
    :func:`_segment`); words are letters only, lower case.

    Examples
    --------
    >>> tasks = pd.DataFrame({"province": ["Gia Lai", "Đồng Nai"], "text": [
    ...     "Tuyên truyền biên giới tỉnh Gia Lai", "Tuyên truyền quyền con người\\n- Đơn vị chủ trì: Sở Tư pháp"]})
    >>> m = dfm(tasks)
    >>> list(m.terms), m.counts.toarray().tolist()
    (['biên giới', 'con người', 'quyền', 'tuyên truyền'], [[1, 0, 0, 1], [0, 1, 1, 1]])
    """
    from sklearn.feature_extraction.text import CountVectorizer

    tasks = tasks_of(corpus)
    if "text" not in tasks.columns:
        raise KeyError("tasks has no text column")
    docs = [_segment(c) if c.strip() else "" for c in (_content_text(t) for t in tasks["text"])]
    meta = tasks.drop(columns=[c for c in ("text", "text_lines", "text_breaks", "title") if c in tasks.columns])
    plans = getattr(corpus, "plans", None)
    if isinstance(plans, pd.DataFrame) and "kind" in plans.columns and "kind" not in meta.columns \
            and "plan_id" in meta.columns:
        meta = meta.merge(plans[["plan_id", "kind"]].drop_duplicates("plan_id"), on="plan_id", how="left")
    vec = CountVectorizer(lowercase=True, token_pattern=_TOKEN_PATTERN,
                          stop_words=sorted(STOP_WORDS) if stop_words else None)
    try:
        x = vec.fit_transform(docs).tocsr()
        terms = np.array([t.replace("_", " ") for t in vec.get_feature_names_out()], dtype=object)
    except ValueError:  # no word at all
        x, terms = sparse.csr_matrix((len(docs), 0), dtype=np.int64), np.array([], dtype=object)
    return DocumentTermMatrix(counts=x, terms=terms, docs=meta.reset_index(drop=True))


def _as_dfm(corpus_or_dfm: Any) -> DocumentTermMatrix:
    return corpus_or_dfm if isinstance(corpus_or_dfm, DocumentTermMatrix) else dfm(corpus_or_dfm)


def _g2(a: np.ndarray, b: np.ndarray, c: float, d: float) -> np.ndarray:
    """Log-likelihood G² (unsigned) for frequencies a (target, size c) and b (reference, size d)."""
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(a > 0, a * np.log(a / e1), 0.0)
        t2 = np.where(b > 0, b * np.log(b / e2), 0.0)
    return 2.0 * (t1 + t2)


def _williams(a: np.ndarray, b: np.ndarray, c: float, d: float) -> np.ndarray:
    """Williams' (1976) correction factor q of G² for a 2×2 table (word / other words × target / reference)."""
    n = c + d
    col = a + b
    other = n - col
    with np.errstate(divide="ignore", invalid="ignore"):
        q = 1.0 + (n / c + n / d - 1.0) * (n / col + np.where(other > 0, n / other, 0.0) - 1.0) / (6.0 * n)
    return np.where(np.isfinite(q) & (q > 0), q, 1.0)


_KEYNESS_COLUMNS = ["term", "g2", "p_value", "p_bonferroni", "target_freq", "reference_freq", "target_per_10k",
                    "reference_per_10k", "direction"]


def keyness(
    corpus: Any,
    target: Mapping[str, Any],
    reference: Mapping[str, Any] | None = None,
    top: int = 30,
    min_count: int = 5,
    correction: str = "williams",
) -> pd.DataFrame:
    """Words that distinguish a target group of tasks from a reference group (log-likelihood G², with p-values).

    For each word with frequency a in the target (c words) and b in the reference (d words),
    G² = 2 Σ O ln(O/E) over the 2×2 table (this word / other words × target / reference); the sign is + when the
    word is relatively more frequent in the target, − when in the reference. The p-value is that of G² (with
    Williams' correction by default) against χ² with one degree of freedom; ``p_bonferroni`` multiplies it by the
    number of words tested.

    Parameters
    ----------
    corpus : DocumentTermMatrix, object or DataFrame
        A matrix from :func:`dfm` (build it once for many comparisons), or anything with a ``.tasks`` DataFrame
        (or the tasks DataFrame itself) with a text column.
    target : dict
        Column -> value (or list of values) selecting the target tasks, e.g. ``{"province": "Gia Lai"}``.
    reference : dict, optional
        Selects the reference tasks; default all other tasks. Tasks also in the target are left out.
    top : int
        Number of rows returned.
    min_count : int
        Words seen fewer times in target and reference together are not tested (G² is unreliable for rare
        words). Default 5.
    correction : {"williams", "none"}
        Default ``"williams"``.

    Returns
    -------
    DataFrame
        term (words of a compound separated by spaces), g2 (signed, rounded 3), p_value, p_bonferroni,
        target_freq, reference_freq, target_per_10k, reference_per_10k, direction ("target" or "reference");
        sorted by |G²| descending, then term. ``attrs``: words tested, min_count, correction.

    Notes
    -----
    Province names are removed before segmentation and function words, plan boilerplate and document-number
    abbreviations are not counted (:data:`STOP_WORDS`), so the list says what a group writes about rather than
    whose plans they are.

    See Also
    --------
    dfm : the matrix every statistic runs on.
    topic_view : an exploratory, unsupervised view of the same texts.

    References
    ----------
    Dunning, T. (1993). Accurate methods for the statistics of surprise and coincidence. Computational
    Linguistics 19(1), 61-74.
    Williams, D. A. (1976). Improved likelihood ratio tests for complete contingency tables. Biometrika 63(1),
    33-37.

    Examples
    --------
    >>> tasks = pd.DataFrame({"province": ["A", "A", "B", "B"], "text": [
    ...     "Tuyên truyền biên giới", "Tuyên truyền biên giới", "Tuyên truyền Biển Đông", "Tuyên truyền Biển Đông"]})
    >>> keyness(tasks, {"province": "A"}, min_count=1, correction="none")[["term", "g2", "target_freq",
    ...                                                                      "reference_freq", "direction"]]
               term     g2  target_freq  reference_freq  direction
    0     biên giới  2.773            2               0     target
    1     biển đông -2.773            0               2  reference
    2  tuyên truyền  0.000            2               2     target
    """
    if correction not in ("williams", "none"):
        raise ValueError(f"correction must be 'williams' or 'none', got {correction!r}")
    m = _as_dfm(corpus)
    tmask = m.select(target)
    rmask = (m.select(reference) if reference is not None else ~tmask) & ~tmask
    if not tmask.any():
        raise ValueError(f"no task matches target {dict(target)}")
    if not rmask.any():
        raise ValueError("the reference group is empty")
    a = np.asarray(m.counts[tmask].sum(axis=0)).ravel().astype(float)
    b = np.asarray(m.counts[rmask].sum(axis=0)).ravel().astype(float)
    c, d = max(a.sum(), 1.0), max(b.sum(), 1.0)
    keep = (a + b) >= max(min_count, 1)
    a, b, terms = a[keep], b[keep], m.terms[keep]
    g2 = _g2(a, b, c, d)
    if correction == "williams":
        g2 = g2 / _williams(a, b, c, d)
    p = stats.chi2.sf(g2, 1)
    signed = np.where(a / c >= b / d, g2, -g2)
    out = pd.DataFrame({
        "term": terms.astype(str),
        "g2": np.round(signed, 3) + 0.0,
        "p_value": np.round(p, 6),
        "p_bonferroni": np.round(np.minimum(1.0, p * len(terms)), 6),
        "target_freq": a.astype("int64"),
        "reference_freq": b.astype("int64"),
        "target_per_10k": np.round(a / c * 10_000, 2),
        "reference_per_10k": np.round(b / d * 10_000, 2),
        "direction": np.where(a / c >= b / d, "target", "reference"),
    }, columns=_KEYNESS_COLUMNS)
    out["_abs"] = out["g2"].abs()
    out = out.sort_values(["_abs", "term"], ascending=[False, True], kind="stable").drop(columns="_abs")
    out = out.head(top).reset_index(drop=True)
    out.attrs.update({"tested": int(keep.sum()), "min_count": min_count, "correction": correction})
    return out


def topic_view(corpus: Any, n_topics: int = 6, seed: int = 42, top_terms: int = 10
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exploratory topic model of task texts: TF-IDF on pyvi words, then NMF.

    This is an exploratory view, not a measurement: topics depend on the corpus, the number of topics and the
    seed; read them alongside the codebook themes, never instead of them. Assignment field lines
    ("Đơn vị chủ trì: …") and common function words are left out.

    Parameters
    ----------
    corpus : DocumentTermMatrix, object or DataFrame
        A matrix from :func:`dfm`, or anything with a ``.tasks`` DataFrame (or the tasks DataFrame itself).
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
    dfm : the matrix (TF-IDF weights are computed from its counts).
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
    from sklearn.feature_extraction.text import TfidfTransformer

    m = _as_dfm(corpus)
    n = m.counts.shape[0]
    empty_tasks = pd.DataFrame(columns=["plan_id", "task_id", "path", "topic", "weight"])
    empty_topics = pd.DataFrame(columns=["topic", "terms", "n_tasks"])
    if n == 0 or m.counts.shape[1] == 0:
        return empty_tasks, empty_topics
    # the document-frequency limits TfidfVectorizer would apply: words in fewer than 2 tasks (20 tasks or more)
    # or in more than 90% of tasks (10 or more) say little about a topic
    df = np.asarray((m.counts > 0).sum(axis=0)).ravel()
    keep = (df >= (2 if n >= 20 else 1)) & (df <= (0.9 * n if n >= 10 else n))
    if not keep.any():
        return empty_tasks, empty_topics
    x = TfidfTransformer(sublinear_tf=True).fit_transform(m.counts[:, keep].astype(float))
    names = m.terms[keep]
    k = max(1, min(n_topics, x.shape[0], x.shape[1]))
    nmf = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=1000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = nmf.fit_transform(x)
    h = nmf.components_
    has = w.max(axis=1) > 0
    topic = np.where(has, w.argmax(axis=1), -1)

    def get(c: str) -> list[Any]:
        return m.docs[c].tolist() if c in m.docs.columns else [None] * n

    by_task = pd.DataFrame({"plan_id": get("plan_id"), "task_id": get("task_id"), "path": get("path"),
                            "topic": topic.astype("int64"), "weight": np.round(w.max(axis=1), 4)})
    rows = []
    for j in range(k):
        order = sorted(range(len(names)), key=lambda i: (-h[j, i], names[i]))[:top_terms]
        rows.append({"topic": j, "terms": "; ".join(str(names[i]) for i in order if h[j, i] > 0),
                     "n_tasks": int((topic == j).sum())})
    return by_task, pd.DataFrame(rows)
