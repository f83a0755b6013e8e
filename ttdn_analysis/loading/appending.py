"""A corpus that grows: the next load of the same folders with a few new plans reads only those plans and stores only
what changed.

After a load with the cache on, the loader keeps a *ledger* of the corpus per folder set (:func:`ledger_key`): each
plan (its file as an absolute path, id, manifest row, content digest and hash, and number of shingles), a sample of
each plan's shingles (those whose hash is 0 modulo :data:`SAMPLE`), the origin of each problem row (a plan's parse,
a plan's own checks, or the corpus: :data:`~ttdn_analysis.loading.assembly.ORIGINS`) and the key of the corpus entry.

When the next load of those folders holds every plan of the ledger unchanged and at most a few new files
(:data:`NEW_SHARE`), :func:`grow` reads only the new files (from the cache or parsed), and the corpus is the stored
one plus theirs:

- the tables of the plans' rows (plans, tasks, assignments, ...) are the stored rows and the new plans' rows, in
  the order of the files, as a whole load gives them;
- problems are made again from their parts: the stored rows of each plan's parse and own checks, the new plans'
  rows, the rows of this load's files that gave no plan, and the near-duplicate findings;
- near duplicates: each new plan is compared, on all shingles, with the plans whose sample shares enough with its
  own (:func:`candidates`; the others cannot reach the share a finding needs), whose shingles are read from their
  checks entries; the other plans' findings are kept (:func:`ttdn_analysis.loading.copies.incremental`).

Anything else (a plan removed or changed, an id that changed, a new file that is an earlier plan's duplicate, many
new files, a missing entry) loads the whole corpus as before. The grown corpus is stored as a *segment*
(:func:`write_corpus`): the whole plans and problems tables, the new plans' rows of the other tables and the key
of the entry it extends; after :data:`MAX_CHAIN` segments, or when the new rows are a large part, the corpus is
written whole again. :func:`read_corpus` reads either form.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ttdn_analysis.cache import _fingerprint, entry_path, read_arrow, read_entry, write_entry
from ttdn_analysis.ingest.discover import PlanFile
from ttdn_analysis.loading import keys as _keys
from ttdn_analysis.loading.assembly import (
    concat_frames,
    copies_of,
    first,
    merged_problems,
    plan_parts,
    plan_tables_of,
    shingle_sets,
)
from ttdn_analysis.loading.copies import NEAREST
from ttdn_analysis.loading.keys import Job, parse_key, plan_checks_key
from ttdn_analysis.loading.worker import CHECK_TABLES, Failed
from ttdn_analysis.schema import COLUMNS, TABLES

__all__ = ["SAMPLE", "MAX_CHAIN", "NEW_SHARE", "ROW_TABLES", "ledger_key", "sample_of", "candidates", "read_corpus",
           "write_corpus", "write_ledger", "point", "grow", "MissingShingles", "renamed", "with_paths",
           "absolute"]

#: A plan's sample: its shingles whose (32-bit) hash is 0 modulo SAMPLE (the same rule for every plan, so that two
#: plans' samples share about 1/SAMPLE of what the plans share).
SAMPLE = 16
#: A new plan is compared with a plan when their samples share at least this part of either sample (a finding needs
#: 0.8 of a plan's shingles; with 24 sampled shingles or more, a pair at 0.8 falls below 0.3 about once in 10⁹).
CANDIDATE_SHARE = 0.3
#: A plan with fewer sampled shingles than this is compared with every new plan (its sample says too little).
SMALL_SAMPLE = 24
#: Segments a corpus entry may extend before the corpus is written whole again.
MAX_CHAIN = 8
#: At most this part of the corpus (or 10 files) may be new for the corpus to grow instead of being loaded whole.
NEW_SHARE = 0.05
#: The tables whose rows belong to one plan each (a segment holds only its new plans' rows of these).
ROW_TABLES = ("tasks", "assignments", "task_themes", "citations", "sections")

LEDGER = {"members": ["path", "plan_id", "manifest", "digest", "content_hash", "n_shingles"],
          "sample": ["member", "h"], "origin": ["origin"], "chain": ["chain"], **NEAREST}
#: The entry of a folder set that names its last corpus loaded (whose ledger is keyed by the corpus key).
POINTER = {"target": ["key"]}
BASE = {"base": ["key"]}


class MissingShingles(KeyError):
    """A plan's stored shingles are gone (its checks entry was pruned): the corpus is loaded whole instead."""


def ledger_key(files: Sequence[PlanFile], follow_links: bool, tagging: str) -> str:
    """Key of the ledger of a corpus: the code, the codebook and the folders of its files (not the files).

    Examples
    --------
    >>> a = ledger_key([PlanFile("d/a.txt", "/x/d/a.txt", "d")], False, "t")
    >>> a == ledger_key([PlanFile("d/b.txt", "/x/d/b.txt", "d")], False, "t")
    True
    """
    folders = sorted({os.path.dirname(f.identity) for f in files})
    h = hashlib.sha256(f"{_fingerprint()}|{tagging}|{_keys.loader_code()}|{follow_links}|ledger".encode())
    h.update("\n".join(folders).encode())
    return h.hexdigest()[:32]


def sample_of(h: np.ndarray) -> np.ndarray:
    """The sample of a plan's (distinct, sorted, 32-bit) shingles.

    Examples
    --------
    >>> sample_of(np.array([3, 16, 32, 33], dtype=np.uint32))
    array([16, 32], dtype=uint32)
    """
    h = np.asarray(h, dtype=np.uint32)
    return h[h % SAMPLE == 0]


def candidates(new_sample: np.ndarray, member: np.ndarray, h: np.ndarray, n_members: int) -> np.ndarray:
    """The members (indices) a new plan must be compared with: their samples share at least
    :data:`CANDIDATE_SHARE` of either sample, or either sample is small (:data:`SMALL_SAMPLE`).

    *member* and *h* are the ledger's sample (each sampled shingle's member index and hash).

    Examples
    --------
    >>> member = np.array([0] * 30 + [1] * 30 + [2] * 3)
    >>> h = np.concatenate([np.arange(30), np.arange(100, 130), np.arange(3)]).astype(np.uint32)
    >>> candidates(np.arange(30, dtype=np.uint32), member, h, 3).tolist()
    [0, 2]
    """
    sizes = np.bincount(member, minlength=n_members)
    if len(new_sample) < SMALL_SAMPLE:
        return np.arange(n_members)
    shared = np.bincount(member[np.isin(h, new_sample)], minlength=n_members)
    hit = (shared >= CANDIDATE_SHARE * len(new_sample)) | (shared >= CANDIDATE_SHARE * np.maximum(sizes, 1)) \
        | (sizes < SMALL_SAMPLE)
    return np.flatnonzero(hit)


class _StoredSets(Mapping):
    """Plans' shingles by plan id: the new plans' in memory, the others read from their checks entries when asked."""

    def __init__(self, loaded: dict[str, np.ndarray], paths: dict[str, Path]):
        self._loaded, self._paths = dict(loaded), paths

    def __getitem__(self, plan_id: str) -> np.ndarray:
        if plan_id not in self._loaded:
            path = self._paths.get(plan_id)
            got = read_arrow(path, ["shingles"], CHECK_TABLES) if path is not None else None
            if got is None:
                raise MissingShingles(plan_id)
            self._loaded[plan_id] = np.asarray(got["shingles"].column("h").to_numpy(), dtype=np.uint32)
        return self._loaded[plan_id]

    def __contains__(self, plan_id: object) -> bool:
        return plan_id in self._loaded or plan_id in self._paths

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(set(self._loaded) | set(self._paths)))

    def __len__(self) -> int:
        return len(set(self._loaded) | set(self._paths))


def read_corpus(root: Path, key: str, depth: int = 0) -> dict[str, pd.DataFrame] | None:
    """The tables of the corpus entry *key* (whole, or a segment and the entries it extends), or None.

    Paths are absolute, as stored. The rows of :data:`ROW_TABLES` come in the order of the plans table.
    """
    path = entry_path("corpus", key, root)
    seg = read_entry(path, [*TABLES, "base"], {**COLUMNS, **BASE})
    if seg is None:
        return read_entry(path, TABLES)
    if depth >= MAX_CHAIN or not len(seg["base"]):
        return None
    base = read_corpus(root, str(seg.pop("base")["key"].iloc[0]), depth + 1)
    if base is None:
        return None
    for t in ROW_TABLES:
        seg[t] = in_plan_order(concat_frames([base[t], seg[t]], t), seg["plans"])
    return seg


def renamed(values: pd.Series, name: Callable[[Any], Any]) -> pd.Series:
    """*values* with each distinct value replaced by ``name(value)`` (computed once per distinct value).

    Examples
    --------
    >>> renamed(pd.Series(["a", "b", "a", None]), str.upper).tolist()
    ['A', 'B', 'A', None]
    """
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    names = np.array([name(u) for u in uniques] + [None], dtype=object)
    return pd.Series(names[codes], index=values.index, name=values.name, dtype=object)


def with_paths(df: pd.DataFrame, name: Callable[[Any], Any]) -> pd.DataFrame:
    """*df* with its ``source_file`` values renamed by *name* (the other columns shared, not copied)."""
    if "source_file" not in df.columns or not len(df):
        return df
    cols = {c: (renamed(df[c], name) if c == "source_file" else df[c]) for c in df.columns}
    return pd.DataFrame(cols, index=df.index, copy=False)


def absolute(df: pd.DataFrame) -> pd.DataFrame:
    """*df* with absolute, normalised paths in ``source_file`` (as a corpus entry stores them)."""
    return with_paths(df, lambda s: os.path.normpath(os.path.abspath(s)) if isinstance(s, str) else s)


def in_plan_order(df: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """*df*'s rows ordered as its plans are in *plans* (stable: each plan's rows keep their order).

    Examples
    --------
    >>> t = pd.DataFrame({"plan_id": ["b", "a", "b"], "n": [1, 2, 3]})
    >>> in_plan_order(t, pd.DataFrame({"plan_id": ["a", "b"]})).n.tolist()
    [2, 1, 3]
    """
    if not len(df):
        return df
    pos = df["plan_id"].astype(object).map({p: i for i, p in enumerate(plans["plan_id"])}).to_numpy(dtype=float)
    if np.all(pos[1:] >= pos[:-1]):
        return df
    return df.iloc[np.argsort(pos, kind="stable")].reset_index(drop=True)


def write_corpus(root: Path, key: str, tables: Mapping[str, pd.DataFrame], base: str | None, new_ids: set[str],
                 chain: int) -> int:
    """Store a corpus under *key*, its paths made absolute: as a segment extending *base* when it is given, the
    chain is short enough and the new plans' rows are a small part, else whole. Returns the chain length stored
    (0: whole; -1: not stored)."""
    if base is not None and chain < MAX_CHAIN:
        rows = {t: tables[t][tables[t]["plan_id"].astype(object).isin(new_ids)] for t in ROW_TABLES}
        if sum(len(r) for r in rows.values()) <= 0.25 * sum(len(tables[t]) for t in ROW_TABLES):
            seg = {"plans": absolute(tables["plans"]), "problems": absolute(tables["problems"]),
                   **{t: absolute(r) for t, r in rows.items()}, "base": pd.DataFrame({"key": [base]})}
            return chain + 1 if write_entry(entry_path("corpus", key, root), seg) else -1
    whole = {t: absolute(df) for t, df in tables.items()}
    return 0 if write_entry(entry_path("corpus", key, root), whole) else -1


def write_ledger(root: Path, lkey: str, ckey: str, chain: int, jobs: Sequence[Job], digests: Sequence[str | None],
                 plans: pd.DataFrame, sets: Mapping[str, np.ndarray], origin: np.ndarray,
                 samples: Mapping[str, tuple[np.ndarray, int]] | None = None, nearest: pd.DataFrame | None = None
                 ) -> bool:
    """Store the ledger of the corpus *ckey* (see the module's docstring). *samples* gives the plans' samples and
    numbers of shingles already known (a grown corpus's); the others come from *sets*. *nearest* is the state of
    the near-duplicate comparison of the corpus (none: the next grown corpus compares all its plans)."""
    in_corpus = set(plans["plan_id"].astype(str))
    hashes = dict(zip(plans["plan_id"].astype(str), plans["content_hash"].astype(object)))
    rows: list[dict[str, Any]] = []
    member: list[np.ndarray] = []
    h: list[np.ndarray] = []
    for j, d in zip(jobs, digests):
        if j.plan_id not in in_corpus or d is None:
            continue
        if samples is not None and j.plan_id in samples:
            s, n = samples[j.plan_id]
        else:
            full = sets.get(j.plan_id, np.zeros(0, dtype=np.uint32))
            s, n = sample_of(full), len(full)
        member.append(np.full(len(s), len(rows), dtype=np.uint32))
        h.append(np.asarray(s, dtype=np.uint32))
        rows.append({"path": os.path.normpath(os.path.abspath(j.path)), "plan_id": j.plan_id,
                     "manifest": repr(j.manifest), "digest": d, "content_hash": str(hashes.get(j.plan_id)),
                     "n_shingles": int(n)})
    tables = {"members": pd.DataFrame(rows, columns=LEDGER["members"]),
              "sample": pd.DataFrame({"member": np.concatenate(member) if member else np.zeros(0, dtype=np.uint32),
                                      "h": np.concatenate(h) if h else np.zeros(0, dtype=np.uint32)}),
              "origin": pd.DataFrame({"origin": pd.Series(origin, dtype=object)}),
              "chain": pd.DataFrame({"chain": [chain]}),
              "nearest": nearest if nearest is not None else pd.DataFrame(columns=NEAREST["nearest"])}
    return write_entry(entry_path("ledger", ckey, root), tables) and point(root, lkey, ckey)


def point(root: Path, lkey: str, ckey: str) -> bool:
    """Name the corpus *ckey* as the last one loaded from the folder set *lkey* (written only when it changes)."""
    path = entry_path("ledger", lkey, root)
    got = read_arrow(path, list(POINTER), POINTER)
    if got is not None and got["target"].num_rows and got["target"].column("key")[0].as_py() == ckey:
        return True
    return write_entry(path, {"target": pd.DataFrame({"key": [ckey]})})


def _read_ledger(root: Path, lkey: str) -> dict[str, Any] | None:
    target = read_arrow(entry_path("ledger", lkey, root), list(POINTER), POINTER)
    if target is None or not target["target"].num_rows:
        return None
    key = str(target["target"].column("key")[0].as_py())
    got = read_arrow(entry_path("ledger", key, root), list(LEDGER), LEDGER)
    if got is None:
        return None
    return {"members": got["members"].to_pandas(), "member": got["sample"].column("member").to_numpy(),
            "h": got["sample"].column("h").to_numpy(), "origin": got["origin"].column("origin").to_numpy(
                zero_copy_only=False), "key": key, "chain": int(got["chain"].column("chain")[0].as_py()),
            "nearest": got["nearest"].to_pandas() if got["nearest"].num_rows else None}


def grow(root: Path, lkey: str, files: Sequence[PlanFile], jobs: Sequence[Job], digests: Sequence[str | None],
         problems: list[dict], display: Mapping[str, str], load: Callable[[list[Job], list], list]
         ) -> tuple[dict[str, pd.DataFrame], list, dict[str, Any]] | None:
    """The corpus of *files* grown from the ledger *lkey*, or None when it cannot grow (see the module's docstring).

    *problems* are this load's rows of files that gave no plan (left as they are: the new files' failures and
    duplicates join a copy); *display* maps absolute paths to the caller's; *load*
    reads the new plans (the loader's cached read). Returns the tables (the caller's paths, before typing), each
    job's result (``True`` for a plan of the ledger, as read for a new one) and what the ledger and segment need.
    """
    ledger = _read_ledger(root, lkey)
    if ledger is None:
        return None
    problems = list(problems)
    members = ledger["members"]
    by_path = {p: i for i, p in enumerate(members["path"])}
    kept, todo = [], []
    for i, (j, d) in enumerate(zip(jobs, digests)):
        m = by_path.get(os.path.normpath(os.path.abspath(j.path)))
        if m is not None and d is not None and members.at[m, "digest"] == d \
                and members.at[m, "plan_id"] == j.plan_id and members.at[m, "manifest"] == repr(j.manifest):
            kept.append(m)
        else:
            todo.append(i)
    if len(set(kept)) != len(members) or len(todo) > max(10, int(NEW_SHARE * len(members))):
        return None
    stored = read_corpus(root, ledger["key"])
    if stored is None or len(stored["plans"]) != len(members) or len(ledger["origin"]) != len(stored["problems"]):
        return None
    loaded = load([jobs[i] for i in todo], [digests[i] for i in todo])
    results: list = [True] * len(jobs)
    for i, r in zip(todo, loaded):
        results[i] = r
    # duplicates, in file order: a new file with an old plan's content is a duplicate when it comes later; when it
    # comes first, the old plan would become the duplicate: the corpus is loaded whole
    old_hash = {str(h): str(p) for h, p in zip(members["content_hash"], members["path"])}
    position = {j.path: i for i, j in enumerate(jobs)}
    to_display = {os.path.normpath(os.path.abspath(j.path)): j.path for j in jobs}
    first_of: dict[str, str] = {}
    for i in todo:
        r = results[i]
        if isinstance(r, (str, Failed)):
            continue
        h = first(r["plans"], "content_hash")
        if h is not None and str(h) in old_hash:
            old = to_display[old_hash[str(h)]]
            if position[old] > i:
                return None
            first_of.setdefault(str(h), old)
    parts = plan_parts([files[i] for i in todo], [results[i] for i in todo], problems, first_of)
    new_sets = shingle_sets(parts)
    new, new_findings = plan_tables_of(parts)
    stored = {t: with_paths(df, lambda s: display.get(s, s)) for t, df in stored.items()}
    out: dict[str, pd.DataFrame] = {}
    plans = concat_frames([stored["plans"], new["plans"]], "plans")
    order = {j.plan_id: i for i, j in enumerate(jobs)}
    plans = plans.iloc[np.argsort(plans["plan_id"].astype(object).map(order).to_numpy(dtype=float),
                                  kind="stable")].reset_index(drop=True)
    out["plans"] = plans
    for t in ROW_TABLES:
        out[t] = in_plan_order(concat_frames([stored[t], new[t]], t), plans)
    origin = ledger["origin"]
    old_problems = stored["problems"]
    parsed = concat_frames([old_problems[origin == "parse"], new["problems"]], "problems")
    findings = concat_frames([old_problems[origin == "finding"], new_findings], "problems")
    other = pd.DataFrame(problems, columns=COLUMNS["problems"])
    # near duplicates: the new plans against their candidates only
    ids = list(members["plan_id"])
    new_jobs = set(todo)
    checks = {ids[m]: entry_path("checks", plan_checks_key(parse_key(str(digests[i]), jobs[i])), root)
              for m, i in zip(kept, [i for i in range(len(jobs)) if i not in new_jobs])}
    sizes = {**dict(zip(members["plan_id"], members["n_shingles"].astype(int))),
             **{p: len(s) for p, s in new_sets.items()}}
    cands: dict[str, list[str]] = {}
    for p, s in new_sets.items():
        near = candidates(sample_of(s), ledger["member"], ledger["h"], len(members))
        cands[p] = sorted({ids[k] for k in near} | (set(new_sets) - {p}))
    sets = _StoredSets(new_sets, checks)
    keep: dict[str, Any] = {}
    try:
        copies = copies_of(plans, out["tasks"], sets, root, sizes, cands, ledger["nearest"], keep)
    except MissingShingles:
        return None
    out["problems"], new_origin = merged_problems(parsed, other, findings, copies)
    new_ids = set(new["plans"]["plan_id"].astype(str))
    info = {"base": ledger["key"], "chain": ledger["chain"], "new_ids": new_ids, "origin": new_origin,
            "sets": new_sets, "samples": ledger_samples(ledger), "nearest": keep.get("nearest")}
    return out, results, info


def ledger_samples(ledger: dict[str, Any]) -> dict[str, tuple[np.ndarray, int]]:
    """Each ledger plan's sample and number of shingles, by plan id."""
    ids = list(ledger["members"]["plan_id"])
    n = ledger["members"]["n_shingles"].astype(int).tolist()
    member, h = ledger["member"], ledger["h"]
    order = np.argsort(member, kind="stable")
    bounds = np.searchsorted(member[order], np.arange(len(ids) + 1))
    return {p: (h[order[bounds[k]:bounds[k + 1]]], n[k]) for k, p in enumerate(ids)}
