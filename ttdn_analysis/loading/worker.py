"""One plan's work, in a worker process (or in the loading process for a few plans): read the file, parse it, tag
its tasks, run the checks of one plan, keep its shingles for the comparison across plans, and store all of it.

The tables go to the cache as soon as the plan is parsed (without the cache, to the load's own spill folder), and
the worker sends back only ``True``: the loading process reads each plan's tables from there as Arrow tables and
converts each table of the corpus once, so that no plan's tables wait in memory as DataFrames or pickles. A plan
the store cannot hold comes back as its tables; a plan that cannot be read comes back as a message.
"""
from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ttdn_analysis.cache import OcrCache, Packed, entry_path, read_arrow, read_entry, read_packed, write_entry
from ttdn_analysis.checks import plan_checks, plan_text, shingles
from ttdn_analysis.ingest.read import file_digest, read_plan
from ttdn_analysis.loading import budget
from ttdn_analysis.loading.keys import Job, parse_key, plan_checks_key
from ttdn_analysis.loading.themes import THEME_KEYS, plan_themes, with_source
from ttdn_analysis.parse.plan import parse_plan
from ttdn_analysis.schema import COLUMNS, PARSE_TABLES, empty_table

__all__ = ["Failed", "CHECK_TABLES", "SPILL_TABLES", "DIED", "plan_tables", "plan_or_message", "run_stored",
           "own_checks", "short_shingles", "spill_path"]

#: The tables of a plan's checks entry: the findings of the checks of one plan, and the plan's shingles.
CHECK_TABLES: dict[str, list[str]] = {"findings": COLUMNS["problems"], "shingles": ["h"]}
#: The tables of a plan in the spill folder (a load without the cache): everything in one entry.
SPILL_TABLES: dict[str, list[str]] = {**{t: COLUMNS[t] for t in PARSE_TABLES}, "task_themes": COLUMNS["task_themes"],
                                      **CHECK_TABLES}

DIED = ("the process reading this file stopped twice (it ran out of memory or crashed); the file was not loaded: "
        "check that it is a plan of ordinary size")


@dataclass(frozen=True)
class Failed:
    """A plan that was not loaded: the problem kind (``too_slow``, ``too_large``, ``parse_failed``) and message."""

    kind: str
    message: str


def own_checks(tables: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """The checks entry of one plan: the findings of its own checks (``source_file`` left empty, as in every
    plan entry) and its shingles.

    Examples
    --------
    >>> t = {"plans": pd.DataFrame({"plan_id": ["p"], "source_file": ["p.txt"], "province": ["Gia Lai"],
    ...                             "year": [2025], "date": [None]}), "tasks": empty_table("tasks"),
    ...      "assignments": empty_table("assignments")}
    >>> {k: len(v) for k, v in own_checks(t).items()}
    {'findings': 0, 'shingles': 0}
    """
    findings = plan_checks(tables)
    if len(findings):
        findings["source_file"] = ""
    tasks = tables["tasks"]
    h = shingles(plan_text(tasks)) if len(tasks) else np.zeros(0, dtype=np.uint64)
    return {"findings": findings, "shingles": pd.DataFrame({"h": short_shingles(h)})}


def short_shingles(h: np.ndarray) -> np.ndarray:
    """A plan's shingle hashes kept in 32 bits (their low half), distinct and sorted: half the cache and memory of
    the 64-bit hashes, and the near-duplicate shares unchanged in practice (two plans of 5,000 shingles share a
    32-bit value by chance about 0.006 times, against the 80 % of shingles a finding needs).

    Examples
    --------
    >>> short_shingles(np.array([2 ** 32 + 5, 5, 7], dtype=np.uint64))
    array([5, 7], dtype=uint32)
    """
    return np.unique(np.asarray(h, dtype=np.uint64).astype(np.uint32))


def spill_path(job: Job) -> Path | None:
    """Where a plan's tables go in a load without the cache (None with the cache on)."""
    if job.spill is None or job.cache is not None:
        return None
    return job.spill / f"{hashlib.sha1(job.plan_id.encode()).hexdigest()[:20]}.zip"  # ids are unique in a load


def plan_tables(job: Job) -> tuple[dict[str, pd.DataFrame], bool]:
    """All tables of one plan and its checks entry (``findings``, ``shingles``), from the cache where current;
    and whether the store (cache or spill folder) holds all of them as returned."""
    digest = file_digest(job.path) if job.cache is not None else None
    key = parse_key(digest, job) if digest else None
    tables = read_entry(entry_path("plans", key, job.cache), PARSE_TABLES) if key else None
    stored = tables is not None
    if tables is not None:
        with_source(tables, job.path)
    else:
        doc = read_plan(job.path, ocr_store=OcrCache(job.cache) if job.cache is not None else None)
        rows = parse_plan(doc, dict(job.manifest), job.plan_id)
        tables = {t: pd.DataFrame(rows[t], columns=COLUMNS[t]) for t in PARSE_TABLES}
        if job.cache is not None and doc.sha256:
            key = parse_key(doc.sha256, job)  # the bytes that were parsed, not those hashed before
            stored = write_entry(entry_path("plans", key, job.cache),
                                 with_source({t: df.copy() for t, df in tables.items()}, ""))
        else:
            key = None
    tables["task_themes"], themes_stored = plan_themes(tables, key, job)
    checks_path = entry_path("checks", plan_checks_key(key), job.cache) if key and job.cache is not None else None
    checks = read_entry(checks_path, list(CHECK_TABLES), CHECK_TABLES) if checks_path is not None else None
    checks_stored = checks is not None
    if checks is None:
        checks = own_checks(tables)
        if checks_path is not None:
            checks_stored = write_entry(checks_path, checks)
    tables.update(with_source(checks, job.path))
    spill = spill_path(job)
    if spill is not None:
        return tables, write_entry(spill, with_source({t: df.copy() for t, df in tables.items()}, ""))
    return tables, stored and themes_stored and checks_stored


def _retag_stored(job: Job) -> bool:
    """Tag a plan whose parse and checks are in the cache (its themes are not, or not under this codebook) and
    store the themes; True when done. Reads only the plan's tasks."""
    digest = file_digest(job.path) if job.cache is not None else None
    if digest is None:
        return False
    key = parse_key(digest, job)
    if read_arrow(entry_path("checks", plan_checks_key(key), job.cache), list(CHECK_TABLES), CHECK_TABLES) is None:
        return False
    cached = read_entry(entry_path("plans", key, job.cache), ["tasks"])
    if cached is None:
        return False
    return plan_themes({"tasks": cached["tasks"], "problems": empty_table("problems")}, key, job)[1]


def _attempt(job: Job) -> tuple[dict[str, pd.DataFrame], bool] | Failed:
    """:func:`plan_tables` within the file's budget; a failure as a :class:`Failed` (never raises)."""
    seconds = job.seconds if job.seconds is not None else budget.seconds_budget()
    try:
        with budget.time_limit(seconds):
            return plan_tables(job)
    except budget.Overrun:
        return Failed("too_slow", budget.too_slow_message(seconds))
    except RecursionError:
        return Failed("parse_failed", "the plan is nested too deeply to be read (thousands of levels of lists or "
                      "tags); check that it is a plan, or save it as .txt")
    except MemoryError:
        if _CAPPED["cap"] is not None:
            return Failed("too_large", budget.too_large_message(_CAPPED["budget"] or budget.memory_budget()))
        return Failed("parse_failed", "the plan needs more memory than this computer has; check that it is a plan")
    except Exception as exc:  # noqa: BLE001 — one plan never stops the corpus: its error becomes a problem row
        return Failed("parse_failed", "the parser failed on this file (a bug; please report it with the file): "
                      f"{type(exc).__name__}: {exc}")


def plan_or_message(job: Job) -> dict[str, pd.DataFrame] | Failed:
    """A plan's tables, or why it was not loaded (never raises). Runs in the calling process, uncapped."""
    out = _attempt(job)
    return out if isinstance(out, Failed) else out[0]


#: Whether this process has capped its own memory (a worker does, before its first plan).
_CAPPED: dict[str, int | None] = {"cap": None, "budget": None}


def in_worker(memory: int | None = None) -> None:
    """Mark this process as a worker: its memory is capped at the file budget (*memory* bytes above what it holds
    now; default :func:`~ttdn_analysis.loading.budget.memory_budget`) from now on. Run once per worker, before its
    first plan.

    Arrow allocates through the C library's malloc here, like the parser: its default allocator (mimalloc,
    jemalloc) reserves large ranges of address space at its first allocation, and under the cap a later allocation
    of pandas or the tagger then fails (a worker that re-tags plans from the cache reads Arrow before it tags)."""
    if _CAPPED["cap"] is None:
        import pyarrow as pa

        pa.set_memory_pool(pa.system_memory_pool())
        _CAPPED["budget"] = memory if memory is not None else budget.memory_budget()
        _CAPPED["cap"] = budget.cap_memory(_CAPPED["budget"])


def run_stored(job: Job) -> dict[str, pd.DataFrame] | Failed | bool:
    """A worker's task: True when the plan's tables are in the store (the loading process reads them there, faster
    than receiving them), else its tables, or why it was not loaded (never raises)."""
    # the full path below reads the plan again and reports what went wrong
    with contextlib.suppress(Exception), budget.time_limit(job.seconds):
        if job.cache is not None and _retag_stored(job):
            return True
    out = _attempt(job)
    if isinstance(out, Failed):
        return out
    return True if out[1] else out[0]


def _source_columns(tables: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """Arrow tables with each column of *values* (``source_file``, ``codebook_version``) set to its value."""
    import pyarrow as pa

    for t, table in tables.items():
        n = table.num_rows
        if not n:
            continue
        for col, value in values.items():
            if col in table.column_names:
                table = table.set_column(table.schema.get_field_index(col), col,
                                         pa.repeat(pa.scalar(value, pa.string()), n))
        tables[t] = table
    return tables


def stored_plan(job: Job, digest: str | None, codebook: Any, wanted: dict[str, str] | None
                ) -> dict[str, Any] | None:
    """A plan's tables straight from the cache (parse, themes and checks all current), else None: the ``plans``
    table as an Arrow table, the others kept compressed (:class:`~ttdn_analysis.cache.Packed`).

    Read in the loading process: a cache hit costs no worker, and the corpus converts all hits to pandas at once.
    """
    if job.cache is None or digest is None or codebook is None or wanted is None:
        return None
    key = parse_key(digest, job)
    themes = read_packed(entry_path("themes", key, job.cache), list(THEME_KEYS), THEME_KEYS)
    if themes is None:
        return None
    keys = themes["theme_keys"].table()
    if dict(zip(keys.column("theme").to_pylist(), keys.column("fingerprint").to_pylist())) != wanted:
        return None  # a theme changed: a worker tags it again
    checks = read_packed(entry_path("checks", plan_checks_key(key), job.cache), list(CHECK_TABLES), CHECK_TABLES)
    if checks is None:
        return None
    tables = read_packed(entry_path("plans", key, job.cache), PARSE_TABLES)
    if tables is None:
        return None
    tables["task_themes"] = themes["task_themes"]
    tables.update(checks)
    return _unpacked_plans(tables, {"source_file": job.path, "codebook_version": codebook.version})


def _unpacked_plans(tables: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """A plan's tables for the assembly: the one-row ``plans`` table decoded (the load reads its id and content
    hash), the others kept packed until their table of the corpus is built; *values* set as whole columns."""
    out: dict[str, Any] = {}
    for name, t in tables.items():
        if isinstance(t, Packed):
            t = t.with_values(values)
            out[name] = t.table() if name == "plans" else t
        else:
            out[name] = _source_columns({name: t}, values)[name]
    return out


def spilled(job: Job) -> dict[str, Any] | None:
    """A plan's tables from the load's spill folder (a load without the cache), as :func:`stored_plan` gives them;
    the entry is removed once read."""
    path = spill_path(job)
    if path is None:
        return None
    tables = read_packed(path, list(SPILL_TABLES), SPILL_TABLES)
    with contextlib.suppress(OSError):
        path.unlink()
    return None if tables is None else _unpacked_plans(tables, {"source_file": job.path})
