"""Theme coverage by province, year or plan, and keyword in context (KWIC) evidence."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ttdn_analysis.analysis.tagging import (
    _context,
    _Doc,
    _isna,
    _line_of,
    _term_hits,
    _theme_hits,
)
from ttdn_analysis.corpus import tasks_of
from ttdn_analysis.registry.codebook import Codebook, _as_codebook
from ttdn_analysis.text import (
    match_key,
)

__all__ = ["coverage", "kwic"]

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
    >>> from ttdn_analysis.analysis.tagging import tag_tasks
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
