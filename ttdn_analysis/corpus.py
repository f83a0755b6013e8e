"""Corpus: load plan files into plans / tasks / assignments / task_themes / problems / citations tables.

The load: find the files (:mod:`ttdn_analysis.ingest.discover`) and their manifests, give each plan an id, read and
parse each plan (in worker processes when there are many; cached per plan), tag its tasks with themes (cached
apart, by codebook), put the tables together, check them across plans, type them, and cache the whole.

With the cache on, the loading process reads every plan whose entries are current as Arrow tables and converts
each table of the corpus to pandas once; workers only parse or re-tag the others, store them, and the loading
process reads them back the same way (a DataFrame per plan sent between processes costs more than the parse).

Plan ids are unique in a corpus and the same on every rerun: the file's stem ("dong-nai-2024-ubnd-ttdn"); when
two files share a stem, stem and suffix ("plan_txt", "plan_md"); when those still collide (the same name in two
folders), stem and suffix and the first 6 hex digits of the SHA-1 of the file's absolute path.

Provenance stays valid for the current call: cache entries never store a path as a caller wrote it (a plan's
entry holds no path; a corpus entry holds absolute paths), and each row's ``source_file`` is re-attached, on
load, as this call names the file.
"""
from __future__ import annotations

import hashlib
import os
import sys
import warnings
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

import ttdn_analysis.analysis.tagging as _tagging_module
import ttdn_analysis.checks as _checks_module
import ttdn_analysis.registry.codebook as _codebook_module
from ttdn_analysis.analysis.tagging import tag_tasks, tagging_fingerprint
from ttdn_analysis.cache import (
    _fingerprint,
    cache_dir,
    entry_path,
    prune_cache,
    read_arrow,
    read_entry,
    to_frame,
    write_entry,
)
from ttdn_analysis.checks import check_rows
from ttdn_analysis.ingest.discover import PlanFile, find_plan_files
from ttdn_analysis.ingest.manifest import Manifest, read_manifest
from ttdn_analysis.ingest.read import file_digest, read_plan
from ttdn_analysis.parse.plan import parse_plan
from ttdn_analysis.registry.codebook import Codebook, load_codebook
from ttdn_analysis.schema import COLUMNS, PARSE_TABLES, TABLES, empty_table

__all__ = ["Corpus", "tasks_of", "load_corpus", "plan_ids", "theme_fingerprints"]

#: Columns typed as categoricals (a small set of repeated values), wherever a table has them. The columns of one
#: group share their categories across the tables (so that merges on them keep the type); the others have the
#: values of their own table.
CATEGORICAL = (("province", "merged_province"), ("level",), ("role",), ("theme",), ("focus",), ("kind",),
               ("severity",))
SHARED = (("province", "merged_province"), ("level",))
#: Date columns (ISO text from the parser) typed as datetime64.
DATES = {"plans": ("date",), "citations": ("date",), "tasks": ("time_start", "time_end")}
#: Plans from which the load runs in worker processes.
PARALLEL_FROM = 40


@dataclass(kw_only=True, repr=False)
class Corpus:
    """The tables of a set of plans. Every row carries plan_id and source lines; see ``schema.COLUMNS``.

    Built by :func:`load_corpus`; constructed by keyword only, so that no table lands in another's place.
    """

    plans: pd.DataFrame
    tasks: pd.DataFrame
    assignments: pd.DataFrame
    task_themes: pd.DataFrame
    problems: pd.DataFrame
    citations: pd.DataFrame = field(default_factory=lambda: empty_table("citations"))
    sections: pd.DataFrame = field(default_factory=lambda: empty_table("sections"))
    files: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        """Counts per table.

        Examples
        --------
        >>> load_corpus([], cache=False)
        Corpus(0 plans, 0 tasks, 0 assignments, 0 task_themes, 0 problems, 0 citations, 0 sections; 0 files)
        """
        counts = ", ".join(f"{len(getattr(self, t))} {t}" for t in TABLES)
        return f"Corpus({counts}; {len(self.files)} files)"

    def select(self, provinces: str | Iterable[str] | None = None,
               years: int | Iterable[int] | None = None) -> Corpus:
        """The part of the corpus whose plans are of the given provinces and years (``None`` keeps all).

        Problems of the kept plans' files are kept; problems of files that gave no plan are kept only when no
        filter is applied. Categories no kept row uses are dropped.

        Examples
        --------
        >>> c = load_corpus([], cache=False)
        >>> len(c.select(provinces="Gia Lai").plans)
        0
        """
        provs, yrs = _as_list(provinces), _as_list(years)
        if provs is None and yrs is None:
            return self
        plans = self.plans
        mask = pd.Series(True, index=plans.index)
        if provs is not None:
            mask &= plans["province"].isin(provs)
        if yrs is not None:
            mask &= plans["year"].isin([int(y) for y in yrs])
        plans = plans[mask].reset_index(drop=True)
        ids, files = set(plans["plan_id"]), set(plans["source_file"])

        def keep(df: pd.DataFrame, col: str = "plan_id", values: set | None = None) -> pd.DataFrame:
            out = df[df[col].isin(ids if values is None else values)].reset_index(drop=True)
            for c in out.columns:
                if isinstance(out[c].dtype, pd.CategoricalDtype):
                    out[c] = out[c].cat.remove_unused_categories()
            return out

        return Corpus(plans=keep(plans), tasks=keep(self.tasks), assignments=keep(self.assignments),
                      task_themes=keep(self.task_themes), problems=keep(self.problems, "source_file", files),
                      citations=keep(self.citations), sections=keep(self.sections),
                      files=[f for f in self.files if f in files])

    def summary(self) -> pd.DataFrame:
        """One row per plan: province, year, level, tasks, assignments, distinct agencies, the share of tasks with
        a lead agency, problems, and the problems by kind.

        Examples
        --------
        >>> c = load_corpus([], cache=False)
        >>> list(c.summary().columns)  # doctest: +NORMALIZE_WHITESPACE
        ['plan_id', 'province', 'year', 'level', 'tasks', 'assignments', 'agencies', 'lead_share', 'problems',
         'problems_by_kind']
        """
        cols = ["plan_id", "province", "year", "level", "tasks", "assignments", "agencies", "lead_share",
                "problems", "problems_by_kind"]
        p = self.plans
        if not len(p):
            return pd.DataFrame(columns=cols)
        t, a, pr = self.tasks, self.assignments, self.problems
        ids = p["plan_id"]
        n_tasks = t.groupby("plan_id", observed=True).size()
        n_assign = a.groupby("plan_id", observed=True).size()
        n_agencies = a.groupby("plan_id", observed=True)["agency"].nunique()
        led = a[a["role"] == "lead"].groupby("plan_id", observed=True)["task_id"].nunique()
        kinds = {f: Counter(g.astype(str)) for f, g in pr.groupby("source_file", observed=True)["kind"]}
        out = pd.DataFrame({
            "plan_id": ids, "province": p["province"], "year": p["year"], "level": p["level"],
            "tasks": ids.map(n_tasks).fillna(0).astype(int).to_numpy(),
            "assignments": ids.map(n_assign).fillna(0).astype(int).to_numpy(),
            "agencies": ids.map(n_agencies).fillna(0).astype(int).to_numpy(),
        })
        tasks = out["tasks"].where(out["tasks"] > 0)
        out["lead_share"] = (ids.map(led).fillna(0).to_numpy() / tasks).round(3)
        counted = [kinds.get(f, Counter()) for f in p["source_file"]]
        out["problems"] = [sum(c.values()) for c in counted]
        out["problems_by_kind"] = [", ".join(f"{k} {n}" for k, n in sorted(c.items())) for c in counted]
        return out[cols].reset_index(drop=True)


def _as_list(value: Any) -> list | None:
    if value is None:
        return None
    if isinstance(value, (str, int)):
        return [value]
    return list(value)


def tasks_of(obj: Any) -> pd.DataFrame:
    """The tasks table of a Corpus (or anything with ``.tasks``, a mapping with "tasks", or a tasks DataFrame).

    >>> tasks_of({"tasks": pd.DataFrame({"task_id": ["p:II.1"]})}).task_id.tolist()
    ['p:II.1']
    """
    if isinstance(obj, pd.DataFrame):
        return obj
    tasks = getattr(obj, "tasks", None)
    if tasks is None and isinstance(obj, Mapping):
        tasks = obj.get("tasks")
    if not isinstance(tasks, pd.DataFrame):
        raise TypeError("expected a Corpus (anything with a .tasks DataFrame) or a tasks DataFrame")
    return tasks


def plan_ids(files: Iterable[str | os.PathLike]) -> dict[str, str]:
    """A plan id for each file: unique in the set, the same on every rerun (see the module's docstring).

    Examples
    --------
    >>> plan_ids(["d/plan.txt", "d/plan.md", "d/other.txt"])
    {'d/plan.txt': 'plan_txt', 'd/plan.md': 'plan_md', 'd/other.txt': 'other'}
    """
    paths = [str(f) for f in files]
    stems = Counter(Path(p).stem for p in paths)
    ids = {p: Path(p).stem if stems[Path(p).stem] == 1 else f"{Path(p).stem}_{Path(p).suffix.lstrip('.').lower()}"
           for p in paths}
    counts = Counter(ids.values())
    for p in paths:
        if counts[ids[p]] > 1:  # the same file name in two folders
            digest = hashlib.sha1(os.path.normpath(os.path.abspath(p)).encode()).hexdigest()[:6]
            ids[p] = f"{ids[p]}_{digest}"
    return ids


@dataclass(frozen=True)
class _Job:
    """One plan to load: everything a worker process needs (it reads no environment of its own)."""

    path: str  # as the caller names it; rows show it
    plan_id: str
    manifest: tuple[tuple[str, str], ...]
    cache: Path | None  # the cache folder, or None for no cache


def _with_source(tables: dict[str, pd.DataFrame], source: str) -> dict[str, pd.DataFrame]:
    """The tables with *source* as every row's ``source_file`` (a plan's entry is cached without its path)."""
    for df in tables.values():
        if "source_file" in df.columns and len(df):
            df["source_file"] = source
    return tables


def _parse_key(digest: str, job: _Job) -> str:
    """Key of a plan's parse: its content, its id, its manifest row and the parser's code and data."""
    return hashlib.sha256(f"{digest}|{job.plan_id}|{job.manifest}|{_fingerprint()}".encode()).hexdigest()[:32]


def _plan_tables(job: _Job) -> tuple[dict[str, pd.DataFrame], bool]:
    """All tables of one plan: the parse (cached by :func:`_parse_key`) and its themes (cached per theme); and
    whether the cache holds both as returned (then :func:`_cached_plan` reads them back)."""
    digest = file_digest(job.path) if job.cache is not None else None
    key = _parse_key(digest, job) if digest else None
    tables = read_entry(entry_path("plans", key, job.cache), PARSE_TABLES) if key else None
    stored = tables is not None
    if tables is not None:
        _with_source(tables, job.path)
    else:
        doc = read_plan(job.path)
        rows = parse_plan(doc, dict(job.manifest), job.plan_id)
        tables = {t: pd.DataFrame(rows[t], columns=COLUMNS[t]) for t in PARSE_TABLES}
        if job.cache is not None and doc.sha256:
            key = _parse_key(doc.sha256, job)
            stored = write_entry(entry_path("plans", key, job.cache),
                                 _with_source({t: df.copy() for t, df in tables.items()}, ""))
        else:
            key = None
    tables["task_themes"], themes_stored = _plan_themes(tables, key, job)
    return tables, stored and themes_stored


#: The second table of a themes entry: the fingerprint each theme's rows were tagged with.
_THEME_KEYS = {"task_themes": COLUMNS["task_themes"], "theme_keys": ["theme", "fingerprint"]}


@lru_cache(maxsize=1)
def _tagging_code() -> str:
    """Hash of the code that tags (the tagging and codebook modules)."""
    h = hashlib.sha256()
    for mod in (_tagging_module, _codebook_module):
        h.update(Path(str(mod.__file__)).read_bytes())
    return h.hexdigest()


def theme_fingerprints(codebook: Codebook) -> dict[str, str]:
    """A fingerprint per theme: its definition, the codebook's focus rule and the tagging code.

    A theme's rows depend on nothing else (not on the other themes), so a plan's cached rows of a theme stay valid
    while its fingerprint does; the codebook's version is only a label, rewritten on the rows.

    Examples
    --------
    >>> fp = theme_fingerprints(load_codebook())
    >>> len(fp) == len(load_codebook().themes), len(fp["border"])
    (True, 16)
    """
    base = f"{_tagging_code()}|{codebook.focus!r}"
    return {t.key: hashlib.sha256(f"{base}|{t!r}".encode()).hexdigest()[:16] for t in codebook.themes}


def _merged_tags(tasks: pd.DataFrame, cached: dict[str, pd.DataFrame] | None, codebook: Codebook,
                 wanted: dict[str, str]) -> tuple[pd.DataFrame, bool]:
    """The plan's theme rows under *codebook*: cached rows of unchanged themes, the changed themes tagged anew.

    Returns the rows, in :func:`tag_tasks`'s order, and whether anything was tagged or dropped.
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


def _plan_themes(tables: dict[str, pd.DataFrame], key: str | None, job: _Job) -> tuple[pd.DataFrame, bool]:
    """Theme tags of one plan's tasks, cached apart from the parse and per theme: after an edit to the codebook only
    the themes whose definition changed are tagged again (see :func:`theme_fingerprints`). Also whether the cache
    holds them as returned."""
    path = entry_path("themes", key, job.cache) if key and job.cache is not None else None
    tasks = tables["tasks"]
    try:
        codebook = load_codebook()
        wanted = theme_fingerprints(codebook)
        cached = read_entry(path, list(_THEME_KEYS), _THEME_KEYS) if path is not None else None
        themes, changed = _merged_tags(tasks, cached, codebook, wanted)
        if cached is not None and not changed:
            return _with_source({"t": themes}, job.path)["t"], True
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
        stored = write_entry(path, _with_source({"task_themes": themes.copy(), "theme_keys": keys}, ""))
    return _with_source({"t": themes}, job.path)["t"], stored


def _cached_plan(job: _Job, digest: str | None, codebook: Codebook | None, wanted: dict[str, str] | None
                 ) -> dict[str, Any] | None:
    """A plan's tables as Arrow tables straight from the cache (parse and themes both current), else None.

    Read in the loading process: a cache hit costs no worker, and the corpus converts all hits to pandas at once.
    """
    import pyarrow as pa

    if job.cache is None or digest is None or codebook is None or wanted is None:
        return None
    key = _parse_key(digest, job)
    themes = read_arrow(entry_path("themes", key, job.cache), list(_THEME_KEYS), _THEME_KEYS)
    if themes is None:
        return None
    keys = themes["theme_keys"]
    if dict(zip(keys.column("theme").to_pylist(), keys.column("fingerprint").to_pylist())) != wanted:
        return None  # a theme changed: a worker tags it again
    tables = read_arrow(entry_path("plans", key, job.cache), PARSE_TABLES)
    if tables is None:
        return None
    tables["task_themes"] = themes["task_themes"]
    for t, table in tables.items():
        n = table.num_rows
        if not n:
            continue
        for col, value in (("source_file", job.path), ("codebook_version", codebook.version)):
            if col in table.column_names:
                table = table.set_column(table.schema.get_field_index(col), col,
                                         pa.repeat(pa.scalar(value, pa.string()), n))
        tables[t] = table
    return tables


def _safe_plan_tables(job: _Job) -> dict[str, pd.DataFrame] | str:
    """Worker: tables of one plan, or an error message (never raises)."""
    out = _safe_plan(job)
    return out if isinstance(out, str) else out[0]


def _retag_stored(job: _Job) -> bool:
    """Tag a plan whose parse is in the cache (its themes are not, or not under this codebook) and store the
    themes; True when done. Reads only the plan's tasks."""
    digest = file_digest(job.path) if job.cache is not None else None
    if digest is None:
        return False
    key = _parse_key(digest, job)
    cached = read_entry(entry_path("plans", key, job.cache), ["tasks"])
    if cached is None:
        return False
    return _plan_themes({"tasks": cached["tasks"], "problems": empty_table("problems")}, key, job)[1]


def _safe_plan_stored(job: _Job) -> dict[str, pd.DataFrame] | str | bool:
    """Worker: True when the plan's tables are in the cache (the loading process reads them there, faster than
    receiving them), else its tables, or an error message (never raises)."""
    try:
        if _retag_stored(job):
            return True
    except Exception:  # noqa: BLE001 — the full path below reads the plan again and reports what went wrong
        pass
    out = _safe_plan(job)
    if isinstance(out, str):
        return out
    return True if out[1] else out[0]


def _safe_plan(job: _Job) -> tuple[dict[str, pd.DataFrame], bool] | str:
    try:
        return _plan_tables(job)
    except RecursionError:
        return ("the plan is nested too deeply to be read (thousands of levels of lists or tags); check that it "
                "is a plan, or save it as .txt")
    except MemoryError:
        return "the plan needs more memory than this computer has; check that it is a plan"
    except Exception as exc:  # noqa: BLE001 — one plan never stops the corpus: its error becomes a problem row
        return f"the parser failed on this file (a bug; please report it with the file): {type(exc).__name__}: {exc}"


_UNGUARDED = ("A script that loads many plans runs its loading code under `if __name__ == \"__main__\":`; a worker "
              "process imports the script, and without that line it would load the plans again itself.")

_DIED = ("the process reading this file stopped twice (it ran out of memory or crashed); the file was not loaded: "
         "check that it is a plan of ordinary size")


def _ping() -> bool:
    return True


def _pool(n: int):
    """A process pool with a safe start method: forkserver on POSIX, spawn elsewhere (never fork in a process that
    may run threads, such as a Jupyter kernel)."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context(method))


def _pool_round(jobs: list, todo: deque, n: int, run: Callable, ping: bool = False
                ) -> tuple[dict[int, Any], list[int], bool]:
    """Run the jobs of *todo* (indexes; consumed) on *n* workers, at most *n* at a time.

    Returns the results by index, the jobs in flight when a worker died (empty when none did) and whether the pool
    worked at all (False when it could not start or died on the *ping*).
    """
    from concurrent.futures import FIRST_COMPLETED, CancelledError, wait
    from concurrent.futures.process import BrokenProcessPool

    done: dict[int, Any] = {}
    try:
        ex = _pool(n)
    except (OSError, ValueError, NotImplementedError):  # no processes here (a sandbox, no /dev/shm)
        return done, [], False
    try:
        if ping:
            try:
                ex.submit(_ping).result()
            except (BrokenProcessPool, OSError, RuntimeError):  # workers cannot start (e.g. an unguarded script)
                return done, [], False
        flying: dict[Any, int] = {}
        while todo or flying:
            while todo and len(flying) < n:
                i = todo.popleft()
                try:
                    flying[ex.submit(run, jobs[i])] = i
                except BrokenProcessPool:
                    todo.appendleft(i)
                    break
            finished, _ = wait(list(flying), return_when=FIRST_COMPLETED)
            broken = False
            for f in finished:
                i = flying.pop(f)
                try:
                    done[i] = f.result()
                except BrokenProcessPool:
                    broken = True
                    flying[f] = i
            if broken:
                lost = []
                for f, i in flying.items():
                    try:
                        done[i] = f.result()  # finished just before the break
                    except (BrokenProcessPool, CancelledError):
                        lost.append(i)
                return done, sorted(lost), True
    finally:
        ex.shutdown(wait=True, cancel_futures=True)
    return done, [], True


def _parse_all(jobs: list[_Job], workers: int | None, run: Callable[[_Job], Any] = _safe_plan_tables) -> list:
    """Results of *run* for every job, in order: across processes when there are many (cached plans are cheap).

    A worker that dies (killed for memory, a crash in a library) does not lose the load: the plans that were in
    flight are retried one by one, each in a fresh process, and a plan that kills its process again gets an error
    message instead of tables. When no worker process can start at all, the plans are read in this process, with
    a warning.
    """
    import multiprocessing as mp

    n = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if n <= 1 or len(jobs) < PARALLEL_FROM:
        return [run(j) for j in _progress_iter(jobs, len(jobs))]
    if getattr(mp.current_process(), "_inheriting", False):  # a worker is importing a script without a main guard
        raise RuntimeError(_UNGUARDED)
    out: dict[int, Any] = {}
    todo = deque(range(len(jobs)))
    first = True
    while todo:
        done, lost, usable = _pool_round(jobs, todo, n, run, ping=first)
        if not usable and first:
            warnings.warn(f"worker processes could not start, so the {len(jobs)} plans are read in this process "
                          f"(slower). {_UNGUARDED}", RuntimeWarning, stacklevel=3)
            out.update({i: run(jobs[i]) for i in todo})
            break
        first = False
        out.update(done)
        for i in lost:  # each plan that was in flight when a worker died, alone
            alone, again, _ = _pool_round(jobs, deque([i]), 1, run)
            out[i] = alone[i] if i in alone and not again else _DIED
    return [out.get(i, _DIED) for i in range(len(jobs))]


def _progress_iter(it, total: int):
    if total > 20 and sys.stderr.isatty():
        try:
            from tqdm import tqdm
            return tqdm(it, total=total, desc="plans")
        except ImportError:
            pass
    return it


def _corpus_key(met: list[tuple[str, str]], jobs: list[_Job], digests: list[str | None], follow_links: bool
                ) -> str:
    """Key of a corpus: the code and codebook, every entry met in the folders, each plan's content, id, manifest.

    The code: the parser's (:func:`~ttdn_analysis.cache._fingerprint`), the tagger's, and the modules that put the
    corpus together and check it (this one and :mod:`ttdn_analysis.checks`).
    """
    h = hashlib.sha256(f"{_fingerprint()}|{tagging_fingerprint()}|{_code_hash(__file__)}|"
                       f"{_code_hash(_checks_module.__file__)}|{follow_links}".encode())
    for ident, what in met:
        h.update(f"{ident}|{what}\n".encode())
    for j, digest in zip(jobs, digests):
        if digest is None:  # too large or unreadable: its size and time stand for it (it is refused unread)
            try:
                st = os.stat(j.path)
                digest = f"{st.st_size}:{st.st_mtime_ns}"
            except OSError:
                digest = "-"
        h.update(f"{os.path.abspath(j.path)}|{j.plan_id}|{j.manifest}|{digest}\n".encode())
    return h.hexdigest()[:32]


def _typed(out: dict[str, pd.DataFrame]) -> None:
    """Give the tables their types in place: nullable integers, datetime64 dates, categoricals."""
    for t in TABLES:
        df = out[t]
        if "year" in df.columns:
            df["year"] = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
        for col in DATES.get(t, ()):
            df[col] = pd.to_datetime(df[col], errors="coerce", format="%Y-%m-%d")
    out["tasks"]["per_year"] = out["tasks"]["per_year"].astype("float64")
    out["problems"]["line"] = pd.to_numeric(out["problems"]["line"], errors="coerce").astype("Int64")
    for group in CATEGORICAL:
        scopes = [list(TABLES)] if group in SHARED else [[t] for t in TABLES]
        for tables in scopes:
            cols = [(t, c) for t in tables for c in group if c in out[t].columns]
            values = sorted({v for t, c in cols for v in out[t][c].dropna().astype(str)})
            for t, c in cols:
                out[t][c] = pd.Categorical(out[t][c].astype(object).where(out[t][c].notna(), None),
                                           categories=values)


def _discover(path_or_paths, follow_links: bool):
    """Plan files, problem rows, what was met, and each file's checked manifest values."""
    found = find_plan_files(path_or_paths, follow_links)
    problems = list(found.problems)
    manifests: dict[str, Manifest] = {}
    for folder, display in found.manifests.items():
        manifests[folder] = read_manifest(display, display)
        problems += manifests[folder].problems
    named = {(f.folder, Path(f.display).name) for f in found.files}
    for folder, m in manifests.items():
        for name, line in m.lines.items():
            if (folder, name) not in named:
                problems.append({"source_file": found.manifests[folder], "line": line, "severity": "warning",
                                 "kind": "manifest", "message": f"line {line} names {name!r}, which is not among "
                                 "the plans of the folder (a typo, or the file was moved or skipped?)"})
    return found, problems, manifests


def load_corpus(path_or_paths: str | os.PathLike | Iterable[str | os.PathLike], cache: bool = True,
                workers: int | None = None, follow_links: bool = False) -> Corpus:
    """Load a folder of plans (or a list of files) into a :class:`Corpus`.

    Unreadable files, entries that are not plans and lines that cannot be placed become rows of ``problems``;
    nothing raises for a bad plan. Results are cached (see :mod:`ttdn_analysis.cache`).

    Parameters
    ----------
    path_or_paths : str, path, or iterable of them
        A folder (its files, not its subfolders), or a list of files and folders.
    cache : bool, default True
        Use and fill the cache; False parses everything again and writes nothing.
    workers : int, optional
        Worker processes for 40 plans or more (default: up to 4 cores); 1 reads in this process.
    follow_links : bool, default False
        Read symbolic links in a folder that lead out of it (else each is a ``skipped`` problem row).

    Returns
    -------
    Corpus

    Examples
    --------
    >>> seeds = Path(__file__).parents[1] / "data" / "plans"  # the plans shipped with the checkout
    >>> c = load_corpus(seeds, cache=False)
    >>> sorted(c.plans.province.unique()), c.tasks.task_id.is_unique
    (['Gia Lai', 'Đắk Lắk', 'Đồng Nai'], True)
    >>> c = load_corpus(["/no/such/folder"], cache=False)
    >>> c.problems[["kind", "message"]].values.tolist()
    [['unreadable', 'no such file or folder']]
    """
    found, problems, manifests = _discover(path_or_paths, follow_links)
    ids = plan_ids(f.display for f in found.files)
    root = cache_dir() if cache else None
    jobs = [_Job(f.display, ids[f.display], tuple(sorted(manifests[f.folder].rows.get(Path(f.display).name, {})
                                                         .items())) if f.folder in manifests else (), root)
            for f in found.files]
    display = {f.identity: f.display for f in found.files}
    display.update({os.path.normpath(os.path.abspath(p["source_file"])): p["source_file"] for p in problems})
    digests = [file_digest(j.path) for j in jobs] if cache else []
    ckey = _corpus_key(found.met, jobs, digests, follow_links) if cache else ""
    cpath = entry_path("corpus", ckey, root) if root is not None else None
    cached = read_entry(cpath, TABLES) if cpath is not None else None
    if cached is not None:
        for df in cached.values():
            if "source_file" in df.columns and len(df):
                df["source_file"] = df["source_file"].astype(object).map(lambda s: display.get(s, s))
                # the same paths as this call names them
        _typed(cached)
        return Corpus(**cached, files=[f.display for f in found.files])
    results = _load_cached(jobs, digests, workers) if root is not None else _parse_all(jobs, workers)
    out = _assemble(found.files, jobs, results, problems, root)
    if cpath is not None:
        stored = {}
        for t, df in out.items():
            df = df.copy()
            if "source_file" in df.columns and len(df):
                names = {s: os.path.normpath(os.path.abspath(s)) for s in df["source_file"].dropna().unique()}
                df["source_file"] = df["source_file"].astype(object).map(lambda s, m=names: m.get(s, s))
            stored[t] = df
        if write_entry(cpath, stored):
            prune_cache(root)
    _typed(out)
    return Corpus(**out, files=[f.display for f in found.files])


def _load_cached(jobs: list[_Job], digests: list[str | None], workers: int | None) -> list:
    """Each plan's tables with the cache on: hits read here as Arrow tables; the others parsed or re-tagged by
    workers, which store them, and then read here the same way (or returned, when the cache cannot hold them)."""
    try:
        codebook: Codebook | None = load_codebook()
        wanted = theme_fingerprints(codebook) if codebook is not None else None
    except Exception:  # noqa: BLE001 — a broken codebook: every plan goes to a worker, which reports themes_failed
        codebook, wanted = None, None
    results: list = [_cached_plan(j, d, codebook, wanted) for j, d in zip(jobs, digests)]
    todo = [i for i, r in enumerate(results) if r is None]
    for i, r in zip(todo, _parse_all([jobs[i] for i in todo], workers, run=_safe_plan_stored)):
        if r is True:
            r = _cached_plan(jobs[i], digests[i], codebook, wanted) or _safe_plan_tables(jobs[i])
        results[i] = r
    return results


def _arrow_frame(tables: list, name: str) -> pd.DataFrame:
    """One DataFrame of a run of Arrow tables of the table *name*: one concatenation, one conversion."""
    import pyarrow as pa

    try:
        df = to_frame(pa.concat_tables([t.replace_schema_metadata(None) for t in tables],
                                       promote_options="permissive"))
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):  # types that do not unify: one conversion per plan
        return _concat([to_frame(t) for t in tables], name)
    for col, dtype in _extension_dtypes(tables).items():  # e.g. nullable Int64, which plain Arrow types lose
        df[col] = df[col].astype(dtype)
    return df


def _extension_dtypes(tables: list) -> dict[str, str]:
    """Columns that pandas wrote with an extension dtype (``Int64``…), from the tables' pandas metadata."""
    import json

    out: dict[str, str] = {}
    for t in tables:
        meta = (t.schema.metadata or {}).get(b"pandas")
        if not meta:
            continue
        for c in json.loads(meta).get("columns", ()):
            dtype = c.get("numpy_type")
            if isinstance(dtype, str) and dtype[:1].isupper():  # numpy's names are lower case; Int64, Float64…
                out.setdefault(c.get("name"), dtype)
    return out


def _concat(frames: list[pd.DataFrame], name: str) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    with warnings.catch_warnings():  # all-NA columns (e.g. no number yet) are expected
        warnings.simplefilter("ignore", FutureWarning)
        return pd.concat(frames, ignore_index=True) if frames else empty_table(name)


def _table_of(parts: list[dict[str, Any]], name: str) -> pd.DataFrame:
    """The table *name* of all plans, in their order; consecutive Arrow parts are converted together."""
    frames: list[pd.DataFrame] = []
    run: list = []
    for p in parts:
        x = p[name]
        if isinstance(x, pd.DataFrame):
            if run:
                frames.append(_arrow_frame(run, name))
                run = []
            frames.append(x)
        elif x.num_rows:
            run.append(x)
    if run:
        frames.append(_arrow_frame(run, name))
    return _concat(frames, name)


def _first(df: Any, col: str) -> Any:
    """The first value of *col* in a DataFrame or an Arrow table (None when there is no row)."""
    if isinstance(df, pd.DataFrame):
        return df[col].iloc[0] if len(df) else None
    return df.column(col)[0].as_py() if df.num_rows else None


def _checks_key(plans: pd.DataFrame) -> str:
    """Key of the arrival checks' findings: the parser's code and data, the checks' code, and the plans table
    (each plan's content hash, id, file and metadata determine its tasks and assignments)."""
    h = hashlib.sha256(f"{_fingerprint()}|{_code_hash(_checks_module.__file__)}".encode())
    h.update(plans.to_csv(index=False).encode())
    return h.hexdigest()[:32]


@lru_cache(maxsize=4)
def _code_hash(path: str | None) -> str:
    return hashlib.sha256(Path(str(path)).read_bytes()).hexdigest()[:16]


def _found(out: dict[str, pd.DataFrame], root: Path | None) -> pd.DataFrame:
    """The arrival checks' findings, from the cache when the plans are the same (after a codebook edit)."""
    path = entry_path("checks", _checks_key(out["plans"]), root) if root is not None else None
    cached = read_entry(path, ["problems"]) if path is not None else None
    if cached is not None:
        found = cached["problems"]
        found["line"] = pd.to_numeric(found["line"], errors="coerce").astype("Int64")
        return found
    found = check_rows(out)
    if path is not None:
        write_entry(path, {"problems": found})
    return found


def _assemble(files: list[PlanFile], jobs: list[_Job], results: list, problems: list[dict],
              root: Path | None = None) -> dict[str, pd.DataFrame]:
    """The corpus tables from each plan's tables: duplicates dropped (a row says so), problems sorted, checked."""
    parts: list[dict[str, Any]] = []
    first_of: dict[str, str] = {}
    for f, tables in zip(files, results):
        if isinstance(tables, str):
            problems.append({"source_file": f.display, "line": None, "severity": "error", "kind": "parse_failed",
                             "message": tables})
            continue
        h = _first(tables["plans"], "content_hash")
        if h is not None:
            if h in first_of:
                problems.append({"source_file": f.display, "line": None, "severity": "warning", "kind": "duplicate",
                                 "message": f"same content as {Path(first_of[h]).name}; loaded once"})
                continue
            first_of[h] = f.display
        parts.append(tables)
    if problems:
        parts.append({"problems": pd.DataFrame(problems, columns=COLUMNS["problems"])})
    out = {}
    for t in TABLES:
        df = _table_of([p for p in parts if t in p], t)
        out[t] = df[COLUMNS[t]].copy()
        if "year" in df.columns:  # the checks compare years; dates stay ISO text until _typed
            out[t]["year"] = pd.to_numeric(out[t]["year"], errors="coerce").astype("Int64")
    found = _found(out, root)  # arrival checks across plans: defunct province or agency, copies
    frames = [f for f in (out["problems"], found) if len(f)]
    if len(frames) > 1:
        out["problems"] = pd.concat(frames, ignore_index=True)
    elif frames:
        out["problems"] = frames[0]
    out["problems"]["line"] = out["problems"]["line"].astype("Int64")
    out["problems"] = out["problems"].sort_values(["source_file", "line"], na_position="first", kind="stable"
                                                  ).reset_index(drop=True)
    return out
