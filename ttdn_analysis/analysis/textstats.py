"""Text statistics on task text: keyness (Dunning's G²) and an exploratory topic view."""
from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ttdn_analysis.analysis.tagging import _FIELD_LINE_RE, _isna
from ttdn_analysis.corpus import tasks_of
from ttdn_analysis.text import (
    line_key,
    nfc,
    strip_footnote_markers,
    to_old_tones,
    unify_tones,
)

__all__ = ["keyness", "topic_view"]

_TOKEN_PATTERN = r"(?u)\b[^\W\d_]+(?:_[^\W\d_]+)*\b"


# Function words and plan boilerplate left out of topic models (pyvi tokens, new-style tones).
_VI_STOP = frozenset("""
và của các những cho trong với về được có là để theo tại trên từ đến này đó khi một hai ba nhằm thuộc vào bằng
qua đã sẽ cùng như mà thì do vì nên ở lần thứ hoặc giữa đối_với đồng_thời trong_đó nhất_là gồm cụ_thể như_sau
tỉnh năm số ngày tháng quý thực_hiện tổ_chức triển_khai tiếp_tục tăng_cường đẩy_mạnh nâng_cao công_tác hoạt_động
đơn_vị chủ_trì phối_hợp cơ_quan thời_gian thường_xuyên liên_quan có_liên_quan ban ngành sở huyện thị_xã thành_phố
ủy_ban nhân_dân ubnd kế_hoạch nội_dung nhiệm_vụ hiệu_quả
""".split())


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
