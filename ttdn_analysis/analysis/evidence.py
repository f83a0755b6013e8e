"""Evidence in place: a task's text line by line, with the line numbers of the source file.

A number in a report or a hit from :func:`~ttdn_analysis.analysis.coverage.kwic` points at a file and a line;
:func:`task_text` shows the task the way the file has it, so the reader can check it against the plan.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ttdn_analysis.analysis.names import unknown_name
from ttdn_analysis.corpus import tasks_of
from ttdn_analysis.tagging import _breaks, _isna
from ttdn_analysis.text import nfc

__all__ = ["task_lines", "task_text"]


def _task(corpus: Any, task_id: str) -> dict[str, Any]:
    tasks = tasks_of(corpus)
    if "task_id" not in tasks.columns:
        raise KeyError("tasks lacks the column 'task_id'")
    sel = tasks[tasks["task_id"] == task_id]
    if sel.empty:
        raise unknown_name("task", task_id, sorted(map(str, tasks["task_id"])), "in this corpus")
    return sel.iloc[0].to_dict()


def task_lines(corpus: Any, task_id: str) -> pd.DataFrame:
    """A task's text split at the physical lines of its source file.

    Parameters
    ----------
    corpus : Corpus or DataFrame
        Anything with a ``.tasks`` DataFrame (plan_id, task_id, text, text_lines; text_breaks and line_start when
        present), or that frame.
    task_id : str
        The task (``corpus.tasks.task_id``, e.g. ``"dong-nai-2024-ubnd-ttdn:II.1.a"``).

    Returns
    -------
    DataFrame
        Columns ``line`` (1-based line of the source file; ``<NA>`` when unknown) and ``text`` (that line's part of
        the task text, as shown: NFC, markup and table pipes removed), in text order. A paragraph the loader
        re-joined from hard-wrapped lines is split again at its physical lines when the tasks carry
        ``text_breaks``; otherwise it is one row numbered with its first line. ``attrs`` holds task_id, plan_id,
        path and source_file.

    Raises
    ------
    ValueError
        No task has this id (the message lists close ones).

    See Also
    --------
    task_text : the same as printable text.
    ttdn_analysis.analysis.coverage.kwic : hits with their line and column.

    Examples
    --------
    >>> tasks = pd.DataFrame({"plan_id": ["p"], "task_id": ["p:II.1"], "path": ["II.1"], "line_start": [30],
    ...     "text": ["1. Tuyên truyền về chủ quyền biển, đảo và biên giới quốc gia\\n- Đơn vị chủ trì: Sở Ngoại vụ"],
    ...     "text_lines": [[30, 33]], "text_breaks": [[[0, 30], [42, 32], [61, 33]]]})
    >>> task_lines(tasks, "p:II.1").values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [[30, '1. Tuyên truyền về chủ quyền biển, đảo và'], [32, 'biên giới quốc gia'],
     [33, '- Đơn vị chủ trì: Sở Ngoại vụ']]
    """
    rec = _task(corpus, task_id)
    raw = rec.get("text")
    text = "" if raw is None or _isna(raw) else nfc(str(raw))
    firsts = rec.get("text_lines")
    firsts = list(firsts) if isinstance(firsts, (list, tuple, np.ndarray)) else []
    starts: dict[int, int | None] = dict(_breaks(text, firsts, rec.get("text_breaks")))
    offset = 0
    for n, logical in enumerate(text.split("\n")):
        if offset not in starts:
            line = firsts[n] if n < len(firsts) else (rec.get("line_start") if n == 0 else None)
            starts[offset] = None if line is None or _isna(line) else int(line)
        offset += len(logical) + 1
    order = sorted(starts)
    rows = []
    for i, off in enumerate(order):
        end = order[i + 1] if i + 1 < len(order) else len(text)
        rows.append({"line": starts[off], "text": text[off:end].rstrip("\n").rstrip()})
    out = pd.DataFrame(rows, columns=["line", "text"])
    out["line"] = out["line"].astype("Int64")
    out.attrs.update({k: rec.get(k) for k in ("task_id", "plan_id", "path", "source_file")})
    return out


def task_text(corpus: Any, task_id: str) -> str:
    """A task's text with the source file's line number in front of each line, ready to ``print``.

    Parameters
    ----------
    corpus : Corpus or DataFrame
        Anything with a ``.tasks`` DataFrame, or that frame (see :func:`task_lines`).
    task_id : str
        The task.

    Returns
    -------
    str
        A first line naming the task and its file, then one line per physical line of the source: the line number,
        right-aligned, and the text as shown (``?`` when the number is unknown).

    Raises
    ------
    ValueError
        No task has this id.

    Examples
    --------
    >>> tasks = pd.DataFrame({"plan_id": ["p"], "task_id": ["p:II.1"], "path": ["II.1"],
    ...     "source_file": ["dong-nai-2024.md"], "line_start": [98], "text_lines": [[98, 100]],
    ...     "text": ["1. Tuyên truyền về biên giới\\n- Đơn vị chủ trì: Sở Ngoại vụ"]})
    >>> print(task_text(tasks, "p:II.1"))
    p:II.1 (dong-nai-2024.md)
     98  1. Tuyên truyền về biên giới
    100  - Đơn vị chủ trì: Sở Ngoại vụ
    """
    lines = task_lines(corpus, task_id)
    numbers = ["?" if pd.isna(n) else str(int(n)) for n in lines["line"]]
    width = max((len(n) for n in numbers), default=1)
    src = lines.attrs.get("source_file")
    head = f"{task_id}" + ("" if src is None or _isna(src) else f" ({src})")
    return "\n".join([head] + [f"{n:>{width}}  {t}" for n, t in zip(numbers, lines["text"])])
