"""Corpus: load plan files into plans / tasks / assignments / task_themes / problems / citations / sections tables.

The load: find the files (:mod:`ttdn_analysis.ingest.discover`) and their manifests, give each plan an id, and run
the stages of :mod:`ttdn_analysis.loading`. Each plan is read, parsed, tagged with themes and checked on its own,
in a worker process when there are many (``loading.scheduling``, ``loading.worker``), within a time and memory
budget per file (``loading.budget``); its tables go to the cache as soon as they are made (without the cache, to
the load's own spill folder), keyed by content and code (``loading.keys``). The corpus is assembled from those
stored tables, one conversion per table, and the plans are compared for near duplicates over their stored
shingles (``loading.assembly``); the whole is cached too.

Plan ids are unique in a corpus and the same on every rerun: the file's stem ("dong-nai-2024-ubnd-ttdn"); when
two files share a stem, stem and suffix ("plan_txt", "plan_md"); when those still collide (the same name in two
folders), stem and suffix and the first 6 hex digits of the SHA-1 of the file's absolute path.

Provenance stays valid for the current call: cache entries never store a path as a caller wrote it (a plan's
entry holds no path; a corpus entry holds absolute paths), and each row's ``source_file`` is re-attached, on
load, as this call names the file.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ttdn_analysis.cache import open_cache, prune_cache
from ttdn_analysis.ingest.discover import find_plan_files
from ttdn_analysis.ingest.hygiene import name_key
from ttdn_analysis.ingest.manifest import Manifest, read_manifest
from ttdn_analysis.ingest.read import file_digest
from ttdn_analysis.loading.appending import grow, ledger_key, point, read_corpus, with_paths, write_corpus, write_ledger
from ttdn_analysis.loading.assembly import assemble, first, typed
from ttdn_analysis.loading.budget import memory_budget, seconds_budget
from ttdn_analysis.loading.keys import Job, corpus_key, theme_fingerprints
from ttdn_analysis.loading.scheduling import PARALLEL_FROM, parse_all
from ttdn_analysis.loading.worker import Failed, plan_or_message, run_stored, spilled, stored_plan
from ttdn_analysis.registry.codebook import Codebook, load_codebook
from ttdn_analysis.schema import TABLES, empty_table
from ttdn_analysis.tagging import tagging_fingerprint

__all__ = ["Corpus", "tasks_of", "load_corpus", "plan_ids", "theme_fingerprints", "PARALLEL_FROM"]


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


def _discover(path_or_paths, follow_links: bool):
    """Plan files, problem rows, what was met, and each file's checked manifest values."""
    found = find_plan_files(path_or_paths, follow_links)
    problems = list(found.problems)
    manifests: dict[str, Manifest] = {}
    for folder, display in found.manifests.items():
        manifests[folder] = read_manifest(display, display)
        problems += manifests[folder].problems
    named = {(f.folder, name_key(Path(f.display).name)) for f in found.files}  # NFC, as the manifest's keys
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
    nothing raises for a bad plan. A file that takes more than its time or memory budget
    (:mod:`ttdn_analysis.loading.budget`) is stopped and becomes a ``too_slow`` or ``too_large`` row. Results are
    cached (see :mod:`ttdn_analysis.cache`); a load that takes more than a few seconds shows a progress bar on a
    terminal or in a notebook.

    Parameters
    ----------
    path_or_paths : str, path, or iterable of them
        A folder (its files, not its subfolders), or a list of files and folders.
    cache : bool, default True
        Use and fill the cache; False parses everything again and writes nothing to the cache.
    workers : int, optional
        Worker processes for 40 plans or more (default: up to 4 cores); 1 reads in this process.
    follow_links : bool, default False
        Read symbolic links in a folder that lead out of it (else each is a ``skipped`` problem row).

    Returns
    -------
    Corpus

    Raises
    ------
    ttdn_analysis.registry.codebook.CodebookError
        When the theme codebook cannot be used (its message names the file and line): the load stops rather than
        tag with fewer themes.

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
    load_codebook()  # a broken codebook stops the load here (CodebookError names file and line)
    found, problems, manifests = _discover(path_or_paths, follow_links)
    ids = plan_ids(f.display for f in found.files)
    root = open_cache() if cache else None  # None, with a CacheWarning, for a folder that is not a cache
    seconds, memory = seconds_budget(), memory_budget()  # read here: a worker reads no environment of its own
    jobs = [Job(f.display, ids[f.display], tuple(sorted(manifests[f.folder].row(Path(f.display).name)
                                                        .items())) if f.folder in manifests else (), root,
                seconds=seconds, memory=memory)
            for f in found.files]
    files = [f.display for f in found.files]
    display = {f.identity: f.display for f in found.files}
    display.update({os.path.normpath(os.path.abspath(p["source_file"])): p["source_file"] for p in problems})
    digests = [file_digest(j.path) for j in jobs] if root is not None else []
    ckey = corpus_key(found.met, jobs, digests, follow_links, tagging_fingerprint()) if root is not None else ""
    cached = read_corpus(root, ckey) if root is not None else None
    lkey = ledger_key(found.files, follow_links, tagging_fingerprint()) if root is not None else ""
    if cached is not None and root is not None:
        point(root, lkey, ckey)  # the next plan added grows this corpus
        try:
            cached = {t: with_paths(df, lambda s: display.get(s, s)) for t, df in cached.items()}
            # the same paths as this call names them
            typed(cached)
            return Corpus(**cached, files=files)
        except Exception:  # noqa: BLE001 — an entry whose values do not fit the tables is a miss, never a crash
            pass
    if root is None:
        out = assemble(found.files, _load_spilled(jobs, workers), problems)
        typed(out)
        return Corpus(**out, files=files)
    grown = grow(root, lkey, found.files, jobs, digests, problems, display,
                 lambda js, ds: _load_cached(js, ds, workers))
    if grown is not None:
        out, results, info = grown
    else:
        results = _load_cached(jobs, digests, workers)
        keep: dict[str, Any] = {}
        out = assemble(found.files, results, problems, root, keep)
        info = {"base": None, "chain": 0, "new_ids": set(), "origin": keep["origin"], "sets": keep["sets"],
                "samples": None, "nearest": keep.get("nearest")}
    typed(out)  # stored typed: a later load reads the types back (Arrow keeps categories, dates, Int64)
    if _as_keyed(jobs, results, digests):
        chain = write_corpus(root, ckey, out, info["base"], info["new_ids"], info["chain"])
        if chain >= 0:
            write_ledger(root, lkey, ckey, chain, jobs, digests, out["plans"], info["sets"], info["origin"],
                         info["samples"], info["nearest"])
            prune_cache(root)
    return Corpus(**out, files=files)


def _as_keyed(jobs: list[Job], results: list, digests: list[str | None]) -> bool:
    """Whether the corpus may be stored under the key of *digests*: every plan was parsed from the bytes those
    digests hashed (its content hash, from the same read as the parse), no file changed during the load, and no
    plan failed (a failure may be transient: memory, a killed worker, a time limit; it is never kept as a verdict).
    """
    for r, digest in zip(results, digests):
        if r is True:  # a plan of the corpus grown from (its digest unchanged)
            continue
        if isinstance(r, (str, Failed)):
            return False
        h = first(r["plans"], "content_hash")
        if h is not None and h != digest:
            return False  # edited between the digest and the read: the parse is of other bytes
    return [file_digest(j.path) for j in jobs] == digests


def _name(job: Job) -> str:
    return job.path


def _load_cached(jobs: list[Job], digests: list[str | None], workers: int | None) -> list:
    """Each plan's tables with the cache on: hits read here as Arrow tables; the others parsed or re-tagged by
    workers, which store them, and then read here the same way (or returned, when the cache cannot hold them)."""
    try:
        codebook: Codebook | None = load_codebook()
        wanted = theme_fingerprints(codebook) if codebook is not None else None
    except Exception:  # noqa: BLE001 — a broken codebook: every plan goes to a worker, which reports themes_failed
        codebook, wanted = None, None
    results: list = [stored_plan(j, d, codebook, wanted) for j, d in zip(jobs, digests)]
    todo = [i for i, r in enumerate(results) if r is None]
    for i, r in zip(todo, parse_all([jobs[i] for i in todo], workers, run_stored, _name)):
        if r is True:
            r = stored_plan(jobs[i], digests[i], codebook, wanted) or plan_or_message(jobs[i])
        results[i] = r
    return results


def _load_spilled(jobs: list[Job], workers: int | None) -> list:
    """Each plan's tables without the cache: in worker processes, each plan is written to a spill folder of this
    load as soon as it is made and read back here as Arrow tables (no DataFrames in flight); the folder is removed
    at the end. A few plans are read in this process."""
    if len(jobs) < PARALLEL_FROM or (workers is not None and workers <= 1):
        return parse_all(jobs, workers, plan_or_message, _name)
    spill = Path(tempfile.mkdtemp(prefix="ttdn-load-"))
    try:
        own = [dataclasses.replace(j, cache=None, spill=spill) for j in jobs]
        results = parse_all(own, workers, run_stored, _name)
        return [(spilled(j) or plan_or_message(j)) if r is True else r for j, r in zip(own, results)]
    finally:
        shutil.rmtree(spill, ignore_errors=True)
