"""Validation of the theme tagger against a hand-coded reference."""
from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ttdn_analysis.corpus import Corpus
from ttdn_analysis.registry.codebook import Codebook, _as_codebook
from ttdn_analysis.tagging import _isna

__all__ = ["validate", "gold_plan"]

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
    >>> from ttdn_analysis.tagging import tag_tasks
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
    rows: list[dict[str, Any]] = [{"theme": k, **counts[k]} for k in core]
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


def gold_plan(corpus: Corpus, gold_path: str | os.PathLike) -> str | None:
    """plan_id of the corpus plan that a hand-coded reference file (gold JSON) describes, or None.

    The plan is found by content: the gold's ``doc`` file, when it sits in a ``seeds`` folder beside the
    gold folder, is hashed and matched against ``plans.content_hash``; otherwise by file name, and last by the
    header metadata (province, year and number, when the gold gives them).
    """
    gold_path = Path(gold_path)
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    doc = str(gold.get("doc", gold_path.stem))
    plans = corpus.plans
    if plans.empty:
        return None
    for cand in (gold_path.parent / doc, gold_path.parent.parent / "seeds" / doc):
        if cand.is_file():
            digest = hashlib.sha256(cand.read_bytes()).hexdigest()
            hit = plans[plans["content_hash"] == digest]
            if len(hit):
                return str(hit["plan_id"].iloc[0])
    names = plans["source_file"].map(lambda s: Path(str(s)).name)
    hit = plans[(names == Path(doc).name) | (plans["plan_id"] == Path(doc).stem)]
    if len(hit):
        return str(hit["plan_id"].iloc[0])
    keys = [k for k in ("province", "year", "number") if gold.get(k) not in (None, "")]
    if len(keys) == 3:
        mask = pd.Series(True, index=plans.index)
        for k in keys:
            mask &= plans[k].astype(str) == str(gold[k])
        if mask.sum() == 1:
            return str(plans.loc[mask, "plan_id"].iloc[0])
    return None
