"""Corpus: load plan files into plans / tasks / assignments / task_themes / problems tables, cached as Parquet."""
from __future__ import annotations

import csv
import hashlib
import os
import re
import sys
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from collections.abc import Mapping
from typing import Any, Iterable

import pandas as pd

from . import __version__
from .assignments import PlanContext, agency_heading, extract_tasks
from .citations import citations_from_lines
from .metadata import parse_metadata
from .outline import expand_tables, parse_outline
from .readers import RawDoc, read_plan
from .text import prepare_lines
from .timeline import parse_timeframe

__all__ = ["Corpus", "load_corpus", "tasks_of", "parse_plan", "PLAN_SUFFIXES", "TABLES", "COLUMNS"]

PLAN_SUFFIXES = (".txt", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm")
TABLES = ("plans", "tasks", "assignments", "task_themes", "problems", "citations")
META = ["province", "year", "level", "source_file"]
COLUMNS = {
    "plans": ["plan_id", "source_file", "province", "year", "issuer", "level", "number", "date", "title",
              "content_hash", "encoding", "n_lines"],
    "tasks": ["plan_id", "task_id", "path", "title", "text", "line_start", "line_end", "timeframe", "time_kind",
              "time_start", "time_end", "per_year", "section", "text_lines"] + META,
    "assignments": ["plan_id", "task_id", "path", "agency", "agency_raw", "role", "is_collective", "agency_type",
                    "line"] + META,
    "task_themes": ["plan_id", "task_id", "path", "theme", "core", "terms", "hits", "snippet", "line", "in_title",
                    "sentence_share", "focus", "codebook_version"] + META,
    "problems": ["source_file", "line", "severity", "kind", "message"],
    "citations": ["plan_id", "task_id", "line", "kind", "ref", "issuer", "date", "raw", "issuer_level"] + META,
}


@dataclass
class Corpus:
    """The tables of a set of plans. Every row carries plan_id and source lines; see ``COLUMNS``."""

    plans: pd.DataFrame
    tasks: pd.DataFrame
    assignments: pd.DataFrame
    task_themes: pd.DataFrame
    problems: pd.DataFrame
    citations: pd.DataFrame = field(default_factory=lambda: _empty("citations"))
    files: list[str] = field(default_factory=list)

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


def _empty(name: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS[name]})


def _plan_id(path: Path) -> str:
    return path.stem


def _manifest(folder: Path) -> dict[str, dict[str, str]]:
    f = folder / "manifest.csv"
    if not f.is_file():
        return {}
    try:
        with f.open(encoding="utf-8-sig") as fh:
            return {r["file"]: {k: v for k, v in r.items() if v} for r in csv.DictReader(fh) if r.get("file")}
    except Exception:
        return {}


def parse_plan(doc: RawDoc, manifest: dict[str, str] | None = None) -> dict[str, list[dict]]:
    """Parse one read file into table rows (no themes). Never raises for a bad plan: problems are rows.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "x.txt")
    >>> _ = open(p, "w", encoding="utf-8").write("Không phải kế hoạch.")
    >>> rows = parse_plan(read_plan(p))
    >>> sorted(r["kind"] for r in rows["problems"])
    ['no_province', 'no_tasks', 'no_year']
    """
    src = str(doc.path)
    rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    for p in doc.problems:
        rows["problems"].append({"source_file": src, **p})
    if not doc.lines:
        return rows
    pid = _plan_id(doc.path)
    lines = expand_tables(prepare_lines(doc.lines))
    outline = parse_outline(lines, is_agency_heading=lambda t: bool(agency_heading(t)))
    meta = parse_metadata(outline.header, outline.preamble, lines)
    manifest = manifest or {}
    for k in ("province", "issuer", "level", "number", "date", "title"):
        if manifest.get(k):
            setattr(meta, k, manifest[k])
    if manifest.get("year"):
        meta.year = int(manifest["year"])
    rows["plans"].append({
        "plan_id": pid, "source_file": src, "province": meta.province, "year": meta.year, "issuer": meta.issuer,
        "level": meta.level, "number": meta.number, "date": meta.date, "title": meta.title,
        "content_hash": doc.sha256, "encoding": doc.encoding, "n_lines": len(doc.lines),
    })
    for k in ("province", "year"):
        if getattr(meta, k) is None:
            rows["problems"].append({"source_file": src, "line": None, "severity": "warning", "kind": f"no_{k}",
                                     "message": f"could not read the plan's {k} from its header"})
    carry = {"province": meta.province, "year": meta.year, "level": meta.level, "source_file": src}
    ctx = PlanContext(meta.level, meta.issuer_agency)
    placed: set[int] = set()
    seen_unknown: set[str] = set()
    seen_paths: dict[str, int] = {}
    for block in outline.tasks():
        recs = extract_tasks(block, ctx)
        if recs:  # the heading of an item split into bullet tasks is accounted for by them
            placed.update(i for ln in block.lines for i in range(ln.start, ln.end + 1))
        for rec in recs:
            path = rec.path
            if path in seen_paths:  # a lost heading can repeat a number: keep ids unique, say so
                seen_paths[path] += 1
                rows["problems"].append({"source_file": src, "line": rec.head.start, "severity": "warning",
                                         "kind": "duplicate_path",
                                         "message": f"outline number {path} occurs again; kept as {path}~{seen_paths[path]}"})
                path = f"{path}~{seen_paths[path]}"
            else:
                seen_paths[path] = 1
            tid = f"{pid}:{path}"
            own = [ln for ln in rec.lines]
            placed.update(i for ln in own for i in range(ln.start, ln.end + 1))
            rows["tasks"].append({
                "plan_id": pid, "task_id": tid, "path": path, "title": rec.title,
                "text": "\n".join(ln.text for ln in own), "line_start": rec.head.start,
                "line_end": max(ln.end for ln in own), "timeframe": rec.timeframe, "section": rec.section,
                "text_lines": [ln.start for ln in own], **carry,
            })
            for role, hits in (("lead", rec.lead), ("support", rec.support)):
                for h in hits:
                    rows["assignments"].append({
                        "plan_id": pid, "task_id": tid, "path": path, "agency": h.agency.canonical,
                        "agency_raw": h.raw, "role": role, "is_collective": bool(h.agency.is_collective),
                        "agency_type": h.agency.type, "line": rec.hit_lines.get(h.agency.canonical, rec.head.start),
                        **carry,
                    })
            for h, line in rec.unknown:
                if h.agency.canonical not in seen_unknown:
                    seen_unknown.add(h.agency.canonical)
                    rows["problems"].append({"source_file": src, "line": line, "severity": "warning",
                                             "kind": "unknown_agency",
                                             "message": f"agency not in the registry: {h.raw!r} (add an alias "
                                                        "in ttdn_analysis/data/agency_aliases.csv)"})
    for row in rows["tasks"]:
        row.update(parse_timeframe(row["timeframe"], meta.year))
    task_of = {i: t["task_id"] for t in rows["tasks"] for i in t["text_lines"]}
    cit = citations_from_lines(pid, [(ln.start, ln.text) for ln in lines if not ln.skip], task_of)
    rows["citations"] = [{**r, **carry} for r in cit.to_dict("records")]
    rows["problems"] += _numbering_gaps(outline, src)
    if not rows["tasks"]:
        rows["problems"].append({"source_file": src, "line": None, "severity": "error", "kind": "no_tasks",
                                 "message": "no task section or numbered tasks found: is this a plan?"})
    # every line is accounted for: in a task, a known non-task part, or reported
    known_parts = outline.header + outline.preamble + outline.closing + outline.skipped
    for sec in outline.sections:
        if sec.section not in ("tasks", "implementation", "other"):
            known_parts += [ln for n in sec.walk() for ln in n.lines]
        else:
            known_parts += [ln for n in sec.walk() if n.children or n is sec for ln in n.lines]
    for ln in known_parts:
        placed.update(range(ln.start, ln.end + 1))
    for ln in lines:
        if ln.start not in placed:
            rows["problems"].append({"source_file": src, "line": ln.start, "severity": "info",
                                     "kind": "unplaced_line",
                                     "message": f"lines {ln.start}-{ln.end} not in any task (an implementation "
                                                f"item that names no agency?): {ln.text[:80]!r}"})
    return rows


def _numbering_gaps(outline, src: str) -> list[dict]:
    """Warn where the top-level numbering of a section skips (headings lost in conversion or scraping)."""
    out = []
    romans = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
    prev = 0
    for sec in outline.sections:
        if sec.implicit or sec.head is None or sec.label not in romans:
            continue
        n = romans.index(sec.label) + 1
        if n > prev + 1:
            missing = ", ".join(romans[prev:n - 1])
            out.append({"source_file": src, "line": sec.head.start, "severity": "warning", "kind": "numbering_gap",
                        "message": f"section {sec.label} follows {romans[prev - 1] if prev else 'the header'}: "
                                   f"section(s) {missing} missing (a heading lost, or a numbering slip in the plan)"})
        prev = n
    for sec in outline.sections:
        expected = 1
        for child in sec.children:
            if child.kind != "num" or "." in child.label:
                continue
            n = int(child.label)
            if n > expected and child.head is not None:
                missing = f"{expected}" if n == expected + 1 else f"{expected}–{n - 1}"
                where = (f"starts at item {n}" if expected == 1 else f"goes from item {expected - 1} to {n}")
                kept = (f"item {expected - 1}" if expected > 1 else
                        "the last item before it" if sec.implicit else "the section's introduction")
                out.append({"source_file": src, "line": child.head.start, "severity": "warning",
                            "kind": "numbering_gap",
                            "message": f"section {sec.path} {where}: item(s) {missing} missing (a heading lost in "
                                       f"conversion or scraping?); their text, if any, is read as part of {kept}"})
            expected = n + 1
    return out


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    """Hash of the package's code and data: a cache entry is valid only for the code that made it."""
    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).parent
    for p in sorted(list(root.glob("*.py")) + list(root.glob("data/*"))):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _cache_dir() -> Path:
    d = os.environ.get("TTDN_CACHE_DIR")
    return Path(d) if d else Path.home() / ".cache" / "ttdn_analysis"


def _read_tables(cdir: Path) -> dict[str, pd.DataFrame] | None:
    """The tables cached in *cdir* (Parquet, never pickle), or None when absent or unreadable."""
    if not all((cdir / f"{t}.parquet").is_file() for t in TABLES):
        return None
    try:
        tables = {t: pd.read_parquet(cdir / f"{t}.parquet") for t in TABLES}
    except Exception:
        return None
    if len(tables["tasks"]):  # Parquet gives arrays back; the contract is lists of ints
        tables["tasks"]["text_lines"] = tables["tasks"]["text_lines"].map(lambda a: [int(x) for x in a])
    return tables


def _write_tables(cdir: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Cache tables as Parquet; a read-only or full disk only costs speed."""
    try:
        cdir.mkdir(parents=True, exist_ok=True)
        for t, df in tables.items():
            df.to_parquet(cdir / f"{t}.parquet", index=False)
    except Exception:
        pass


def _plan_tables(path: Path, manifest: dict[str, str], cache: bool) -> dict[str, pd.DataFrame]:
    doc = read_plan(path)
    key = hashlib.sha256(f"{doc.sha256}|{path.resolve()}|{sorted(manifest.items())}|{_fingerprint()}".encode()
                         ).hexdigest()[:32]
    cdir = _cache_dir() / key
    if cache and doc.sha256:
        cached = _read_tables(cdir)
        if cached is not None:
            return cached
    rows = parse_plan(doc, manifest)
    try:
        from .themes import tag_tasks
        tasks_df = pd.DataFrame(rows["tasks"], columns=COLUMNS["tasks"])
        themes = tag_tasks(tasks_df) if len(tasks_df) else _empty("task_themes")
    except Exception as exc:  # theme tagging must not lose a plan
        themes = _empty("task_themes")
        rows["problems"].append({"source_file": str(path), "line": None, "severity": "error",
                                 "kind": "themes_failed", "message": f"theme tagging failed: {exc}"})
    tables = {t: pd.DataFrame(rows[t], columns=COLUMNS[t]) if t != "task_themes" else themes for t in TABLES}
    if cache and doc.sha256:
        _write_tables(cdir, tables)
    return tables


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
        from concurrent.futures import ProcessPoolExecutor
        import multiprocessing as mp
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
    h = hashlib.sha256(_fingerprint().encode())
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
    cached = _read_tables(cdir) if cache else None
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
            df = pd.concat(frames, ignore_index=True) if frames else _empty(t)
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
    if cache:
        _write_tables(cdir, out)
    return Corpus(**out, files=[str(f) for f in files])
