"""A plan's theme tags, cached apart from its parse and per theme.

After an edit to the codebook only the themes whose definition changed are tagged again (see
:func:`~ttdn_analysis.loading.keys.theme_fingerprints`); the rows of the others are kept, under the codebook's new
version.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from ttdn_analysis.cache import entry_path, read_entry, write_entry
from ttdn_analysis.loading.keys import Job, theme_fingerprints
from ttdn_analysis.registry.codebook import Codebook, load_codebook
from ttdn_analysis.schema import COLUMNS, empty_table
from ttdn_analysis.tagging import tag_tasks

__all__ = ["THEME_KEYS", "merged_tags", "plan_themes", "with_source"]

#: The tables of a themes entry: the rows, and the fingerprint each theme's rows were tagged with.
THEME_KEYS = {"task_themes": COLUMNS["task_themes"], "theme_keys": ["theme", "fingerprint"]}


def with_source(tables: dict[str, pd.DataFrame], source: str) -> dict[str, pd.DataFrame]:
    """The tables with *source* as every row's ``source_file`` (a plan's entry is cached without its path).

    Examples
    --------
    >>> with_source({"t": pd.DataFrame({"source_file": ["", ""]})}, "a.txt")["t"].source_file.tolist()
    ['a.txt', 'a.txt']
    """
    for df in tables.values():
        if "source_file" in df.columns and len(df):
            df["source_file"] = source
    return tables


def merged_tags(tasks: pd.DataFrame, cached: dict[str, pd.DataFrame] | None, codebook: Codebook,
                wanted: dict[str, str]) -> tuple[pd.DataFrame, bool]:
    """The plan's theme rows under *codebook*: cached rows of unchanged themes, the changed themes tagged anew.

    Returns the rows, in :func:`~ttdn_analysis.tagging.tag_tasks`'s order, and whether anything was tagged or
    dropped.

    Examples
    --------
    >>> from ttdn_analysis.registry.codebook import load_codebook
    >>> cb = load_codebook()
    >>> rows, changed = merged_tags(empty_table("tasks"), None, cb, theme_fingerprints(cb))
    >>> len(rows), changed
    (0, True)
    """
    have = dict(zip(cached["theme_keys"]["theme"], cached["theme_keys"]["fingerprint"])) if cached else {}
    todo = [t for t in codebook.themes if have.get(t.key) != wanted[t.key]]
    stored = cached["task_themes"] if cached else empty_table("task_themes")
    kept = stored[stored["theme"].isin([k for k in wanted if have.get(k) == wanted[k]])]
    changed = bool(todo) or len(kept) != len(stored)
    if not changed:  # the usual case: the cached rows as they are, under the codebook's current version
        if len(stored) and (stored["codebook_version"] != codebook.version).any():
            stored = stored.assign(codebook_version=codebook.version)
        return stored, False
    parts = [kept] if len(kept) else []
    if todo and len(tasks):
        sub = Codebook(version=codebook.version, themes=todo, path=codebook.path, focus=codebook.focus)
        new = tag_tasks(tasks, sub)
        if len(new):
            parts.append(new[COLUMNS["task_themes"]])
    if not parts:
        return empty_table("task_themes"), changed
    if len(parts) == 1 and not len(kept):
        return parts[0].reset_index(drop=True), changed
    rows = pd.concat(parts, ignore_index=True)
    order = {tid: i for i, tid in enumerate(tasks["task_id"].tolist())}
    tids, themes = rows["task_id"].tolist(), rows["theme"].tolist()
    pos = sorted(range(len(rows)), key=lambda i: (order.get(tids[i], len(order)), themes[i]))  # by task, theme
    rows = rows.take(pos).reset_index(drop=True)
    rows["codebook_version"] = codebook.version
    return rows, changed


def plan_themes(tables: dict[str, Any], key: str | None, job: Job) -> tuple[pd.DataFrame, bool]:
    """Theme tags of one plan's tasks (``tables["tasks"]``), from the cache where current; and whether the cache
    holds them as returned. A failure of the tagging is a ``themes_failed`` row added to ``tables["problems"]``
    (the plan loads without themes)."""
    path = entry_path("themes", key, job.cache) if key and job.cache is not None else None
    tasks = tables["tasks"]
    try:
        codebook = load_codebook()
        wanted = theme_fingerprints(codebook)
        cached = read_entry(path, list(THEME_KEYS), THEME_KEYS) if path is not None else None
        themes, changed = merged_tags(tasks, cached, codebook, wanted)
        if cached is not None and not changed:
            return with_source({"t": themes}, job.path)["t"], True
    except Exception as exc:  # noqa: BLE001 — theme tagging must not lose a plan: a problem row says what happened
        row = {"source_file": job.path, "line": None, "severity": "error", "kind": "themes_failed",
               "message": f"theme tagging failed ({type(exc).__name__}: {exc}); this plan's tasks carry no themes. "
                          "Check the last edit to themes.toml"}
        tables["problems"] = pd.concat([tables["problems"], pd.DataFrame([row], columns=COLUMNS["problems"])],
                                       ignore_index=True)
        return empty_table("task_themes"), False
    stored = False
    if path is not None:
        keys = pd.DataFrame({"theme": list(wanted), "fingerprint": list(wanted.values())})
        stored = write_entry(path, with_source({"task_themes": themes.copy(), "theme_keys": keys}, ""))
    return with_source({"t": themes}, job.path)["t"], stored
