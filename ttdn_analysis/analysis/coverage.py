"""Theme coverage by province, year or plan, and keyword in context (KWIC) evidence."""
from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ttdn_analysis.analysis.coverage_stats import PooledPlansWarning, pooled_groups
from ttdn_analysis.analysis.names import check_names, looks_like_key, unknown_name
from ttdn_analysis.corpus import tasks_of
from ttdn_analysis.messages import warning_text
from ttdn_analysis.registry.codebook import Codebook, _as_codebook
from ttdn_analysis.schema import COMPARABLE_TASK_KINDS, TASK_KINDS, task_kinds_of
from ttdn_analysis.tagging import (
    _WORD_RE,
    _context,
    _Doc,
    _isna,
    _keyed,
    _Locator,
    _signatures,
    _term_hits,
    _theme_hits,
    _Words,
)
from ttdn_analysis.text import (
    match_key,
)

__all__ = ["coverage", "kwic", "kwic_counts"]

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
    task_kinds: Sequence[str] | None = COMPARABLE_TASK_KINDS,
    warn: bool = True,
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
        Theme keys (columns) to show, in this order; default all codebook themes in codebook order. A key that is
        neither in the codebook nor in ``task_themes`` raises ``ValueError`` listing the valid ones.
    codebook : Codebook, path or None
        Gives the default theme order and version.
    task_kinds : sequence of str or None, default :data:`~ttdn_analysis.schema.COMPARABLE_TASK_KINDS`
        Which tasks count (``tasks.task_kind``): by default the plan's task list (body tasks and appendix rows),
        the unit every plan has; the agencies' duty blocks of TỔ CHỨC THỰC HIỆN are left out. None: every task.
    warn : bool, default True
        Raise :class:`PooledPlansWarning` for pooled groups (a report passes False and says so in words).

    Returns
    -------
    DataFrame
        Index: the groups (sorted); one column per theme; shares rounded to 4. ``attrs`` holds codebook_version,
        measure, by, task_kinds and pooled.

    Warns
    -----
    PooledPlansWarning
        When a group pools plans of different kinds (``plans.kind``, when the corpus has plans) or levels; the
        groups are also in ``attrs["pooled"]``.

    Notes
    -----
    Shares are over the tasks of ``tasks`` (tasks without any theme count in the denominator). A task that
    mentions a theme several times counts once. These are point estimates: :func:`coverage_stats` gives the
    counts, an interval and a test of differences.

    See Also
    --------
    tag_tasks : produces ``task_themes``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from ttdn_analysis.tagging import tag_tasks
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
    if task_kinds is not None:
        unknown = sorted(set(task_kinds) - set(TASK_KINDS))
        if unknown:
            raise ValueError(f"task_kinds must be among {tuple(TASK_KINDS)}, got {unknown}")
        tasks = tasks[task_kinds_of(tasks).isin(list(task_kinds)).to_numpy()]
    by_cols = [by] if isinstance(by, str) else list(by)
    missing = [c for c in by_cols + ["plan_id", "task_id"] if c not in tasks.columns]
    if missing:
        raise KeyError(f"tasks lacks columns {missing}")
    cb = _as_codebook(codebook)
    present = [] if tt is None or tt.empty else sorted(set(tt["theme"]) - set(cb.keys))
    if themes is None:
        cols = cb.keys + present
    else:
        cols = [themes] if isinstance(themes, str) else list(themes)
        check_names("theme", cols, cb.keys + present, f"in codebook {cb.version}")
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
    grouped = frame.groupby(by_cols, dropna=False, sort=True, observed=True)  # categorical keys: groups that occur
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
    out.attrs["task_kinds"] = tuple(task_kinds) if task_kinds is not None else None
    plans = getattr(corpus_or_tables, "plans", None)
    if plans is None and isinstance(corpus_or_tables, Mapping):
        plans = corpus_or_tables.get("plans")
    pooled = pooled_groups(tasks, plans if isinstance(plans, pd.DataFrame) else None, by_cols)
    out.attrs["pooled"] = {" ".join(map(str, k)): v for k, v in pooled.items()}
    if pooled and warn:
        groups = "; ".join(f"{g}: {k}" for g, k in out.attrs["pooled"].items())
        warnings.warn(warning_text("pooled_plans", "en", groups=groups), PooledPlansWarning, stacklevel=2)
    return out


def kwic(
    corpus: Any,
    theme_or_term: str,
    window: int = 60,
    codebook: Codebook | str | Path | None = None,
    limit: int | None = None,
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
    limit : int, optional
        Stop after this many hits (the first ones, in task order): a report that shows the first hits of a large
        corpus reads only as many tasks as it needs (:func:`kwic_counts` gives the totals).

    Returns
    -------
    DataFrame
        plan_id, task_id, path, line, column, left, match, right, source_file; one row per hit, in task order.
        ``line`` is the physical line of the source file the match begins on (also inside a paragraph whose hard
        wraps the loader re-joined) and ``column`` its 1-based position in that line as shown by
        :func:`~ttdn_analysis.analysis.evidence.task_text` (markup and table pipes removed; missing when the tasks
        carry no ``text_breaks``). ``match`` is the text's own spelling; newlines in the context are shown as
        spaces.

    Raises
    ------
    ValueError
        *theme_or_term* is empty, or it looks like a theme key (one word of Latin letters, digits or "_", such as
        ``"borders"``), is not a theme of the codebook and no task contains it: the message lists the themes.

    See Also
    --------
    tag_tasks : the first hit of each theme per task, with counts and focus.
    ttdn_analysis.analysis.evidence.task_text : a task's text with its line numbers, to read a hit in place.

    Examples
    --------
    >>> tasks = pd.DataFrame({"plan_id": ["p"], "task_id": ["1"], "path": ["II.1"], "text_lines": [[12]],
    ...                       "text": ["Xây dựng biên giới hoà bình, hữu nghị."]})
    >>> kwic(tasks, "hòa bình", window=10)[["line", "left", "match", "right"]].to_dict("records")
    [{'line': 12, 'left': 'biên giới ', 'match': 'hoà bình', 'right': ', hữu nghị'}]
    >>> kwic(tasks, "border")["match"].tolist()
    ['biên giới']

    A paragraph re-joined from two physical lines (12 and 13): the hit on the second line says so.

    >>> wrapped = tasks.assign(text=["Xây dựng đường biên giới hoà bình, hữu nghị và phát triển"],
    ...                        text_breaks=[[[0, 12], [35, 13]]])
    >>> kwic(wrapped, "phát triển")[["line", "column", "match"]].to_dict("records")
    [{'line': 13, 'column': 13, 'match': 'phát triển'}]
    >>> kwic(tasks, "borders")
    Traceback (most recent call last):
    ...
    ValueError: unknown theme 'borders' in codebook ..., and no task contains it as a phrase. Did you mean 'border'? ...
    """
    if not isinstance(theme_or_term, str) or not match_key(theme_or_term):
        raise ValueError("theme_or_term must be a non-empty string")
    tasks = tasks_of(corpus)
    cb = _as_codebook(codebook)
    theme = next((t for t in cb.themes if t.key == theme_or_term), None)
    if theme is not None:
        sigs = _signatures(theme)
    else:
        words = _WORD_RE.findall(match_key(theme_or_term))
        sigs = {tuple(words[:2]): (f" {' '.join(words)} ",)} if words else {}
    rows: list[dict[str, Any]] = []
    used = [c for c in ("plan_id", "task_id", "path", "text", "text_lines", "line_start", "text_breaks",
                        "source_file") if c in tasks.columns]
    for values in zip(*(tasks[c].tolist() for c in used)):
        if limit is not None and len(rows) >= limit:
            break
        rec = dict(zip(used, values))
        text = rec.get("text")
        if text is None or _isna(text):
            continue
        keyed = _keyed(str(text))
        if not _Words(keyed[3]).may_match(sigs):
            continue  # the theme's (or term's) words do not stand in the text: no hit (as in tag_tasks)
        doc = _Doc(str(text), keyed)
        hits = _theme_hits(theme, doc) if theme is not None else _term_hits(theme_or_term, doc)
        where = _Locator(doc, rec.get("text_lines"), rec.get("line_start"), rec.get("text_breaks")) if hits else None
        for h in hits:
            left, match, right = _context(doc, h, window)
            line, column = where.position(doc, h) if where is not None else (None, None)
            rows.append({"plan_id": rec.get("plan_id"), "task_id": rec.get("task_id"), "path": rec.get("path"),
                         "line": line, "column": column,
                         "left": left, "match": match, "right": right, "source_file": rec.get("source_file")})
    if not rows and theme is None and looks_like_key(theme_or_term):
        raise unknown_name("theme", theme_or_term, cb.keys,
                           f"in codebook {cb.version}, and no task contains it as a phrase")
    cols = ["plan_id", "task_id", "path", "line", "column", "left", "match", "right", "source_file"]
    out = pd.DataFrame(rows[:limit] if limit is not None else rows, columns=cols)
    out["line"] = out["line"].astype("Int64")
    out["column"] = out["column"].astype("Int64")
    return out


def kwic_counts(corpus: Any, theme: str) -> tuple[int, int]:
    """How many hits :func:`kwic` gives for *theme* and in how many tasks, read from the corpus's theme tags (the
    ``hits`` of each task's row) instead of matching every task again.

    Parameters
    ----------
    corpus : object
        A corpus (or a ``(tasks, task_themes)`` pair) whose ``task_themes`` were tagged with the codebook kwic uses.
    theme : str
        A theme key.

    Returns
    -------
    (int, int)
        Hits, tasks with at least one hit.

    Examples
    --------
    >>> from ttdn_analysis.tagging import tag_tasks
    >>> tasks = pd.DataFrame({"plan_id": ["p", "p"], "task_id": ["1", "2"], "path": ["1", "2"],
    ...                       "text": ["Biên giới hoà bình; mốc biên giới.", "Biển, đảo"]})
    >>> kwic_counts((tasks, tag_tasks(tasks)), "border"), len(kwic(tasks, "border"))
    ((2, 1), 2)
    """
    _, task_themes = _tables(corpus)
    rows = task_themes[task_themes["theme"].astype(object) == theme]
    hits = pd.to_numeric(rows["hits"], errors="coerce").fillna(0).astype(int)
    return int(hits.sum()), int(rows.loc[hits.to_numpy() > 0, "task_id"].nunique()) if len(rows) else 0
