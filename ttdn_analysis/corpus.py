"""Corpus: load plan files into plans / tasks / assignments / task_themes / problems / citations tables."""
from __future__ import annotations

import csv
import hashlib
import os
import sys
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ttdn_analysis.analysis.tagging import tag_tasks, tagging_fingerprint
from ttdn_analysis.cache import _cache_dir, _fingerprint, _read_tables, _write_tables
from ttdn_analysis.checks import corpus_checks
from ttdn_analysis.ingest.formats import PLAN_SUFFIXES
from ttdn_analysis.ingest.read import read_plan
from ttdn_analysis.parse.plan import parse_plan
from ttdn_analysis.schema import COLUMNS, PARSE_TABLES, TABLES, empty_table

__all__ = ["Corpus", "tasks_of", "load_corpus"]

@dataclass
class Corpus:
    """The tables of a set of plans. Every row carries plan_id and source lines; see ``COLUMNS``."""

    plans: pd.DataFrame
    tasks: pd.DataFrame
    assignments: pd.DataFrame
    task_themes: pd.DataFrame
    problems: pd.DataFrame
    citations: pd.DataFrame = field(default_factory=lambda: empty_table("citations"))
    files: list[str] = field(default_factory=list)

    def select(self, provinces: str | Iterable[str] | None = None,
               years: int | Iterable[int] | None = None) -> Corpus:
        """The part of the corpus whose plans are of the given provinces and years (``None`` keeps all).

        Problems of the kept plans' files are kept; problems of files that gave no plan are kept only when no
        filter is applied.

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

        def keep(df: pd.DataFrame) -> pd.DataFrame:
            return df[df["plan_id"].isin(ids)].reset_index(drop=True)

        problems = self.problems[self.problems["source_file"].isin(files)].reset_index(drop=True)
        return Corpus(plans=plans, tasks=keep(self.tasks), assignments=keep(self.assignments),
                      task_themes=keep(self.task_themes), problems=problems, citations=keep(self.citations),
                      files=[f for f in self.files if f in files])

    def summary(self) -> pd.DataFrame:
        """One row per plan: province, year, level, tasks, assignments, distinct agencies, problems.

        Examples
        --------
        >>> c = load_corpus([], cache=False)
        >>> list(c.summary().columns)[:4]
        ['plan_id', 'province', 'year', 'level']
        """
        rows = []
        for _, p in self.plans.iterrows():
            a = self.assignments[self.assignments.plan_id == p.plan_id]
            rows.append({
                "plan_id": p.plan_id, "province": p.province, "year": p.year, "level": p.level,
                "tasks": int((self.tasks.plan_id == p.plan_id).sum()), "assignments": len(a),
                "agencies": int(a.agency.nunique()),
                "problems": int((self.problems.source_file == p.source_file).sum()),
            })
        return pd.DataFrame(rows, columns=["plan_id", "province", "year", "level", "tasks", "assignments",
                                           "agencies", "problems"])


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


def _manifest(folder: Path) -> dict[str, dict[str, str]]:
    f = folder / "manifest.csv"
    if not f.is_file():
        return {}
    try:
        with f.open(encoding="utf-8-sig") as fh:
            return {r["file"]: {k: v for k, v in r.items() if v} for r in csv.DictReader(fh) if r.get("file")}
    except Exception:
        return {}


def _plan_tables(path: Path, manifest: dict[str, str], cache: bool) -> dict[str, pd.DataFrame]:
    """All tables of one plan: the parse (cached by content and parser) and its themes (cached by codebook)."""
    doc = read_plan(path)
    key = hashlib.sha256(f"{doc.sha256}|{path.resolve()}|{sorted(manifest.items())}|{_fingerprint()}".encode()
                         ).hexdigest()[:32]
    cdir = _cache_dir() / key
    tables = _read_tables(cdir, PARSE_TABLES) if cache and doc.sha256 else None
    if tables is None:
        rows = parse_plan(doc, manifest)
        tables = {t: pd.DataFrame(rows[t], columns=COLUMNS[t]) for t in PARSE_TABLES}
        if cache and doc.sha256:
            _write_tables(cdir, tables)
    tables["task_themes"] = _plan_themes(tables, f"{key}-{tagging_fingerprint()}", cache and bool(doc.sha256))
    return tables


def _plan_themes(tables: dict[str, pd.DataFrame], key: str, cache: bool) -> pd.DataFrame:
    """Theme tags of one plan's tasks, cached apart from the parse: editing the codebook re-tags only."""
    tdir = _cache_dir() / "themes" / key
    cached = _read_tables(tdir, ("task_themes",)) if cache else None
    if cached is not None:
        return cached["task_themes"]
    tasks = tables["tasks"]
    try:
        themes = tag_tasks(tasks) if len(tasks) else empty_table("task_themes")
    except Exception as exc:  # theme tagging must not lose a plan: a problem row says what happened
        themes = empty_table("task_themes")
        row = {"source_file": str(tables["plans"]["source_file"].iloc[0]) if len(tables["plans"]) else None,
               "line": None, "severity": "error", "kind": "themes_failed",
               "message": f"theme tagging failed: {type(exc).__name__}: {exc}"}
        tables["problems"] = pd.concat([tables["problems"], pd.DataFrame([row], columns=COLUMNS["problems"])],
                                       ignore_index=True)
        return themes
    if cache:
        _write_tables(tdir, {"task_themes": themes})
    return themes


def _files(path_or_paths: str | os.PathLike | Iterable[str | os.PathLike]) -> tuple[list[Path], list[dict]]:
    problems = []
    if isinstance(path_or_paths, (str, os.PathLike)):
        items = [Path(path_or_paths)]
    else:
        items = [Path(p) for p in path_or_paths]
    files: list[Path] = []
    for it in items:
        if it.is_dir():
            for f in sorted(it.iterdir()):
                if f.is_file() and not f.name.startswith(".") and f.name != "manifest.csv":
                    if f.suffix.lower() in PLAN_SUFFIXES:
                        files.append(f)
                    else:
                        problems.append({"source_file": str(f), "line": None, "severity": "warning",
                                         "kind": "unsupported_format",
                                         "message": f"not a plan file type ({f.suffix or 'no suffix'}); skipped"})
        elif it.is_file():
            files.append(it)
        else:
            problems.append({"source_file": str(it), "line": None, "severity": "error", "kind": "unreadable",
                             "message": "no such file or folder"})
    return files, problems


def _safe_plan_tables(args: tuple[Path, dict[str, str], bool]) -> dict[str, pd.DataFrame] | str:
    """Worker: tables of one plan, or an error message (never raises)."""
    path, manifest, cache = args
    try:
        return _plan_tables(path, manifest, cache)
    except Exception as exc:  # never let one plan stop the corpus
        return f"{type(exc).__name__}: {exc}"


def _parse_all(jobs: list[tuple[Path, dict[str, str], bool]], workers: int | None) -> list:
    """Parse plans, across processes when there are many (cached plans are cheap either way)."""
    n = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if n > 1 and len(jobs) >= 40:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("fork" if os.name == "posix" else None)) as ex:
            return list(_progress_iter(ex.map(_safe_plan_tables, jobs, chunksize=8), len(jobs)))
    return [_safe_plan_tables(j) for j in _progress_iter(jobs, len(jobs))]


def _progress_iter(it, total: int):
    if total > 20 and sys.stderr.isatty():
        try:
            from tqdm import tqdm
            return tqdm(it, total=total, desc="plans")
        except ImportError:
            pass
    return it


def _corpus_key(files: list[Path], manifests: dict[Path, dict]) -> str:
    h = hashlib.sha256(f"{_fingerprint()}|{tagging_fingerprint()}".encode())
    for f in files:
        try:
            data = f.read_bytes()
        except OSError:
            data = b""
        h.update(f"{f.resolve()}|{sorted(manifests[f.parent].get(f.name, {}).items())}|".encode())
        h.update(hashlib.sha256(data).digest())
    return h.hexdigest()[:32]


def load_corpus(path_or_paths: str | os.PathLike | Iterable[str | os.PathLike], cache: bool = True,
                workers: int | None = None) -> Corpus:
    """Load a folder of plans (or a list of files) into a :class:`Corpus`.

    Unreadable files and lines that cannot be placed become rows of ``problems``; nothing raises for a bad
    plan. Results are cached as Parquet, per file and per set of files, keyed by content hash and code version
    (``cache=False`` bypasses the cache). Many plans are parsed in parallel (``workers``: processes, default
    up to 4 cores).

    Examples
    --------
    >>> c = load_corpus("data/plans")  # doctest: +SKIP
    >>> c.plans[["province", "year", "level"]]  # doctest: +SKIP
    """
    files, problems = _files(path_or_paths)
    manifests: dict[Path, dict] = {}
    for f in files:
        if f.parent not in manifests:
            manifests[f.parent] = _manifest(f.parent)
    ckey = _corpus_key(files, manifests) if cache else ""
    cdir = _cache_dir() / "corpus" / ckey
    cached = _read_tables(cdir, TABLES) if cache else None
    if cached is not None:
        return Corpus(**cached, files=[str(f) for f in files])
    jobs = [(f, manifests[f.parent].get(f.name, {}), cache) for f in files]
    parts: dict[str, list[pd.DataFrame]] = {t: [] for t in TABLES}
    hashes: dict[str, str] = {}
    for f, tables in zip(files, _parse_all(jobs, workers)):
        if isinstance(tables, str):
            problems.append({"source_file": str(f), "line": None, "severity": "error", "kind": "parse_failed",
                             "message": f"could not parse: {tables}"})
            continue
        plans = tables["plans"]
        if len(plans):
            h = plans["content_hash"].iloc[0]
            if h in hashes:
                problems.append({"source_file": str(f), "line": None, "severity": "warning", "kind": "duplicate",
                                 "message": f"same content as {hashes[h]}; not loaded twice"})
                continue
            hashes[h] = str(f)
        for t in TABLES:
            parts[t].append(tables[t])
    if problems:
        parts["problems"].append(pd.DataFrame(problems, columns=COLUMNS["problems"]))
    out = {}
    for t in TABLES:
        frames = [p for p in parts[t] if len(p)]
        with warnings.catch_warnings():  # all-NA columns (e.g. no number yet) are expected
            warnings.simplefilter("ignore", FutureWarning)
            df = pd.concat(frames, ignore_index=True) if frames else empty_table(t)
        if t == "problems":
            df = df.sort_values(["source_file", "line"], na_position="first", kind="stable").reset_index(drop=True)
        out[t] = df
    if len(out["plans"]):
        out["plans"]["year"] = out["plans"]["year"].astype("Int64")
    out["tasks"]["per_year"] = out["tasks"]["per_year"].astype("float64")
    for t in ("tasks", "assignments", "task_themes", "citations"):
        if len(out[t]) and "year" in out[t]:
            out[t]["year"] = out[t]["year"].astype("Int64")
    if len(out["problems"]):
        out["problems"]["line"] = out["problems"]["line"].astype("Int64")
    out["problems"] = corpus_checks(out)  # arrival checks across plans: defunct province or agency, copies
    if cache:
        _write_tables(cdir, out)
    return Corpus(**out, files=[str(f) for f in files])
