"""Checks when plans arrive: what a reader must know before comparing a plan with the others.

Four checks run on the assembled tables of a corpus, after every plan is parsed, and become ``problems`` rows
(see :data:`ttdn_analysis.schema.PROBLEM_KINDS`):

* ``province_defunct`` — the plan is dated after its province was merged into another one
  (Resolution 202/2025/QH15): a 2026 plan headed "Kon Tum" is misfiled or mislabelled;
* ``province_mismatch`` — the header's province is not the one the plan's own text names;
* ``near_duplicate`` — most of the plan's task text is found in another plan (named);
* ``agency_defunct`` — the plan assigns an agency that was abolished or merged before the plan's date (its
  successors named).

A plan's date is its signing date when the header gives one in full, else 1 January of the year it is for.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ttdn_analysis.registry.lineage import abolished_on, lineage_table, successors
from ttdn_analysis.registry.provinces import (
    MERGER_SOURCE,
    canonical_province,
    merged_province,
    province_end,
    province_mentions,
)
from ttdn_analysis.schema import COLUMNS, PROBLEM_KINDS
from ttdn_analysis.text import match_key

__all__ = ["NEAR_DUPLICATE", "SHINGLE_WORDS", "PLAN_CHECKS", "ORDER", "plan_date", "shingles", "plan_text",
           "near_duplicates", "shingle_share", "plan_checks", "ordered", "check_rows", "corpus_checks"]

#: Share of a plan's task text (word 5-grams) that must be found in one other plan to report a near duplicate.
NEAR_DUPLICATE = 0.8
#: Words per shingle of the near-duplicate check.
SHINGLE_WORDS = 5
#: Plans with fewer shingles than this are too short to call copies.
_MIN_SHINGLES = 50
#: Mentions of another province needed before a mismatch is reported (and it must be named more than twice as
#: often as the header's province).
_MISMATCH_MIN = 3

_WORD = re.compile(r"[^\W_]+")


def plan_date(date: Any, year: Any) -> str | None:
    """The date a plan is checked at: its signing date (ISO) when known, else 1 January of its year.

    Examples
    --------
    >>> plan_date("2023-11-08", 2024), plan_date(pd.Timestamp("2025-03-15"), 2025), plan_date(pd.NaT, 2026)
    ('2023-11-08', '2025-03-15', '2026-01-01')
    >>> plan_date(None, None) is None
    True
    """
    if isinstance(date, (pd.Timestamp, dt.date)) and not pd.isna(date):
        return date.strftime("%Y-%m-%d")
    if isinstance(date, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date.strip()):
        return date.strip()
    try:
        return f"{int(year):04d}-01-01" if year is not None and not pd.isna(year) else None
    except (TypeError, ValueError):
        return None


def _row(source_file: Any, line: Any, kind: str, message: str) -> dict[str, Any]:
    return {"source_file": source_file, "line": None if line is None or pd.isna(line) else int(line),
            "severity": PROBLEM_KINDS[kind].severity, "kind": kind, "message": message}


def _name(source_file: Any) -> str:
    return str(source_file).replace("\\", "/").rsplit("/", 1)[-1]


def _province_defunct(plans: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for p in plans.itertuples(index=False):
        signed = plan_date(getattr(p, "date", None), None)
        d = signed or plan_date(None, getattr(p, "year", None))
        end = province_end(p.province) if isinstance(p.province, str) and d else None
        if end and d and d > end[0]:
            last, into = end
            when = f"dated {signed}" if signed else f"for {d[:4]}"
            out.append(_row(p.source_file, None, "province_defunct",
                            f"{_name(p.source_file)}: the header names {p.province}, which became part of {into} "
                            f"after {last} ({MERGER_SOURCE}), but the plan is {when}. Check the province in the "
                            f"header, or whether the file is misfiled."))
    return out


def _same_unit(a: str, b: str, on: str | None) -> bool:
    """True when two provinces are one unit on the plan's date (a 2026 plan of the new Gia Lai names Bình Định)."""
    if a == b:
        return True
    try:
        return on is not None and merged_province(a, on=on) == merged_province(b, on=on)
    except ValueError:
        return False


def _province_mismatch(plans: pd.DataFrame, tasks: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    by_plan = dict(iter(tasks.groupby("plan_id", sort=False))) if len(tasks) else {}
    for p in plans.itertuples(index=False):
        header = canonical_province(p.province) if isinstance(p.province, str) else None
        sub = by_plan.get(p.plan_id)
        if header is None or sub is None:
            continue
        # one scan per plan: the tasks' texts joined, each mention mapped back to its task and source line
        texts, offsets, at = [], [], 0
        for text in sub["text"]:
            t = text if isinstance(text, str) else ""
            texts.append(t)
            offsets.append(at)
            at += len(t) + 1
        joined = "\n".join(texts)
        counts: Counter[str] = Counter()
        first: dict[str, int | None] = {}
        for name, pos, _ in province_mentions(joined):
            counts[name] += 1
            if name not in first:
                k = bisect.bisect_right(offsets, pos) - 1
                lines, start = sub["text_lines"].iloc[k], sub["line_start"].iloc[k]
                i = texts[k].count("\n", 0, pos - offsets[k])
                has = isinstance(lines, (list, tuple, np.ndarray)) and i < len(lines)
                first[name] = int(lines[i]) if has else (None if pd.isna(start) else int(start))
        if not counts:
            continue
        other, n_other = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        own = counts.get(header, 0)
        d = plan_date(getattr(p, "date", None), getattr(p, "year", None))
        if n_other >= _MISMATCH_MIN and n_other > 2 * own and not _same_unit(header, other, d):
            where = f" (first at line {first[other]})" if first.get(other) is not None else ""
            out.append(_row(p.source_file, first.get(other), "province_mismatch",
                            f"{_name(p.source_file)}: the header names {header}, but the plan's tasks name {other} "
                            f"{n_other} times{where} and {header} {own} times. A plan of {other} relabelled, or the "
                            f"wrong province in the header?"))
    return out


def _word_hashes(words: list[str]) -> np.ndarray:
    """A stable 64-bit hash of each word (the same in every process and run, unlike Python's ``hash``)."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    return pd.util.hash_array(np.asarray(words, dtype=object), categorize=True).astype(np.uint64)


def shingles(text: str) -> np.ndarray:
    """The distinct hashes of the word 5-grams of *text* (lower case, split at spaces), sorted.

    The hashes are stable across processes and runs, so that a plan's shingles are computed once, where it is
    parsed, and kept with it (the index the near-duplicate check compares a new plan against).

    Examples
    --------
    >>> a = shingles("Sở Ngoại vụ chủ trì, phối hợp với các sở")
    >>> len(a), a.dtype.name, bool((shingles("SỞ NGOẠI VỤ chủ trì, phối hợp với các sở") == a).all())
    (6, 'uint64', True)
    """
    ids = _word_hashes(text.lower().split())  # punctuation stays on its word: a copy keeps it too
    n = len(ids) - SHINGLE_WORDS + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(SHINGLE_WORDS):
            h = h * np.uint64(1_000_003) + ids[j:n + j]
    return np.unique(h)


def plan_text(tasks: pd.DataFrame) -> str:
    r"""The task text of one plan as the near-duplicate check reads it: its tasks' texts, in order, one a line.

    Examples
    --------
    >>> plan_text(pd.DataFrame({"text": ["a b", None, "c"]}))
    'a b\nc'
    """
    return "\n".join(t for t in tasks["text"] if isinstance(t, str))


def _shingle_index(plans: pd.DataFrame, tasks: pd.DataFrame) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Each plan's shingles and first task line, from the tasks table."""
    if not len(tasks):
        return {}, {}
    wanted = set(plans["plan_id"])
    sets, first = {}, {}
    for pid, sub in tasks.groupby("plan_id", sort=True, observed=True):
        if pid in wanted:
            sets[pid] = shingles(plan_text(sub))
            first[pid] = sub["line_start"].min()
    return sets, first


def _incidence(sets: Mapping[str, np.ndarray], ids: list[str], hashes: np.ndarray, dtype: Any = np.int32):
    """The plans × shingles incidence matrix (sparse rows, 0/1) of the plans *ids* over the sorted, distinct
    shingles *hashes*: row i holds the columns of the shingles of plan ``ids[i]`` that are in *hashes*. Built plan
    by plan (a binary search each), with no entry list of the whole corpus.

    Examples
    --------
    >>> sets = {"a": np.array([3, 5, 9], np.uint32), "b": np.array([5, 7], np.uint32)}
    >>> _incidence(sets, ["a", "b"], np.array([5, 9], np.uint32)).toarray().tolist()
    [[1, 1], [1, 0]]
    """
    from scipy import sparse

    cols, indptr = [], np.zeros(len(ids) + 1, dtype=np.int64)
    for i, p in enumerate(ids):
        s = sets[p]
        at = np.searchsorted(hashes, s) if len(hashes) else np.zeros(0, dtype=np.int64)
        if len(at):
            inside = at < len(hashes)
            at, s = at[inside], s[inside]
            at = at[hashes[at] == s]
        cols.append(at.astype(np.int32))
        indptr[i + 1] = indptr[i] + len(at)
    indices = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int32)
    return sparse.csr_matrix((np.ones(len(indices), dtype=dtype), indices, indptr), shape=(len(ids), len(hashes)))


def _pair_counts(m) -> tuple[np.ndarray, np.ndarray]:
    """Ordered pairs (a, b), a != b, of rows of the incidence matrix *m* that share a column (a shingle), with how
    many they share (pair codes ``a * n + b``, sorted; n rows).

    The counts are the product of *m* with its transpose (sparse): the work is that of the pairs, and the memory
    that of the distinct pairs, however many shingles a cluster of plans (a template filled in by many communes)
    shares.

    Examples
    --------
    >>> from scipy import sparse
    >>> m = sparse.csr_matrix(np.array([[1, 1, 1], [1, 1, 0], [0, 0, 1]], dtype=np.int32))
    >>> pairs, counts = _pair_counts(m)
    >>> [(int(p) // 3, int(p) % 3, int(c)) for p, c in zip(pairs, counts)]
    [(0, 1, 2), (0, 2, 1), (1, 0, 2), (2, 0, 1)]
    """
    n = m.shape[0]
    shared = (m @ m.T).tocoo()
    keep = shared.row != shared.col
    codes = shared.row[keep].astype(np.int64) * n + shared.col[keep]
    order = np.argsort(codes, kind="stable")
    return codes[order], shared.data[keep][order].astype(np.int64)


def _shared_in(m, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each pair (a[i], b[i]) of rows of the 0/1 sparse matrix *m* (pairs grouped by a), how many columns both
    have: a's columns marked once, each partner's columns looked up in the marks (memory: one row's partners).

    Examples
    --------
    >>> from scipy import sparse
    >>> m = sparse.csr_matrix(np.array([[1, 1, 0], [1, 1, 1], [0, 0, 1]], dtype=np.int32))
    >>> _shared_in(m, np.array([0, 0, 1]), np.array([1, 2, 2])).tolist()
    [2, 0, 1]
    """
    out = np.zeros(len(a), dtype=np.int64)
    if not len(a):
        return out
    mark = np.zeros(m.shape[1], dtype=bool)
    indptr, indices = m.indptr.astype(np.int64), m.indices
    cuts = np.flatnonzero(np.diff(a)) + 1
    for s, e in zip(np.concatenate([[0], cuts]).tolist(), np.concatenate([cuts, [len(a)]]).tolist()):
        own = indices[indptr[a[s]]:indptr[a[s] + 1]]
        if not len(own):
            continue
        mark[own] = True
        lo, hi = indptr[b[s:e]], indptr[b[s:e] + 1]
        lengths = hi - lo
        total = int(lengths.sum())
        if total:
            at = np.repeat(lo - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(total)
            out[s:e] = np.bincount(np.repeat(np.arange(e - s), lengths), weights=mark[indices[at]],
                                   minlength=e - s).astype(np.int64)
        mark[own] = False
    return out


def shingle_share(a: np.ndarray, b: np.ndarray) -> float:
    """The share of the distinct shingles *a* that are also in the distinct shingles *b*.

    Examples
    --------
    >>> shingle_share(np.array([1, 3, 5, 7], np.uint32), np.array([3, 4, 7], np.uint32))
    0.5
    """
    return float(np.isin(a, b, assume_unique=True).mean()) if len(a) else 0.0


def near_duplicates(plans: pd.DataFrame, sets: Mapping[str, np.ndarray], first_line: Mapping[str, Any]
                    ) -> list[dict[str, Any]]:
    """The ``near_duplicate`` findings of a corpus from each plan's shingles (:func:`shingles`).

    A plan is reported when at least :data:`NEAR_DUPLICATE` of its shingles are in one other plan (the one
    sharing the most; the first plan id on a tie). Candidates share rare shingles: a copy contains all of the
    original's, and boilerplate (a shingle in more than one plan in twenty, at least 5) is left out of the search,
    so the pairs stay linear in the corpus size; each candidate is then compared on all its shingles.

    Examples
    --------
    >>> text = " ".join(f"w{i}" for i in range(80))
    >>> plans = pd.DataFrame({"plan_id": ["a", "b"], "source_file": ["d/a.txt", "d/b.txt"]})
    >>> rows = near_duplicates(plans, {"a": shingles(text), "b": shingles(text + " thêm")}, {"a": 3, "b": 4})
    >>> [(r["source_file"], r["line"]) for r in rows]
    [('d/a.txt', 3), ('d/b.txt', 4)]
    """
    if len(plans) < 2:
        return []
    ids = sorted(pid for pid in set(plans["plan_id"]) if pid in sets and len(sets[pid]) >= _MIN_SHINGLES)
    if len(ids) < 2:
        return []
    allh = np.concatenate([sets[p] for p in ids])
    allh.sort()  # every shingle of every plan, in order: the runs are the shingles and their number of plans
    start = np.flatnonzero(np.concatenate([[True], allh[1:] != allh[:-1]])) if len(allh) else np.zeros(0, int)
    df = np.diff(np.append(start, len(allh))).astype(np.int32)  # each shingle's number of plans
    hashes = allh[start]
    del allh, start
    cap = max(5, len(ids) // 20)
    rare_m = _incidence(sets, ids, hashes[(df > 1) & (df <= cap)])
    pairs, shared = _pair_counts(rare_m)
    rare = np.diff(rare_m.indptr) + 1  # each plan's rare shingles (+1)
    del rare_m
    a_of, b_of = pairs // len(ids), pairs % len(ids)
    hopeful = shared / rare[a_of] >= NEAR_DUPLICATE / 2
    a_of, b_of, shared = a_of[hopeful], b_of[hopeful], shared[hopeful]
    # the exact share of each hopeful pair: the rare shingles it shares, plus the common (boilerplate) ones, counted
    # over the incidence matrix of the common shingles (shingles of one plan only are shared by none)
    common = df > cap
    if len(a_of) and common.any():
        shared = shared + _shared_in(_incidence(sets, ids, hashes[common], np.int8), a_of, b_of)
    sizes = np.array([len(sets[p]) for p in ids], dtype=np.int64)
    share = shared / sizes[a_of] if len(a_of) else np.zeros(0)
    found = share >= NEAR_DUPLICATE
    a_of, b_of, share = a_of[found], b_of[found], share[found]
    pick = np.lexsort((b_of, -share, a_of))  # by plan; the highest share first, the first plan id on a tie
    firsts = pick[np.concatenate([[True], a_of[pick][1:] != a_of[pick][:-1]])] if len(pick) else pick
    best = {int(a_of[k]): (float(share[k]), int(b_of[k])) for k in firsts}
    file_of = dict(zip(plans["plan_id"], plans["source_file"]))
    out = []
    for a, (share, b) in sorted(best.items()):
        pa, pb = ids[a], ids[b]
        out.append(_row(file_of[pa], first_line.get(pa), "near_duplicate",
                        f"{_name(file_of[pa])}: {share:.0%} of its task text (passages of {SHINGLE_WORDS} words) is "
                        f"also in {_name(file_of[pb])} (plan {pb}). A copy, or a template filled in? Compare the two "
                        f"before counting both."))
    return out


def _describe(options: list[dict]) -> str:
    parts = []
    for o in options:
        extra = [o["function"]] if o["function"] else []
        if not o["confirmed"]:
            extra.append("not confirmed")
        parts.append(o["successor"] + (f" ({'; '.join(extra)})" if extra else ""))
    return ", ".join(parts)


def _agency_defunct(plans: pd.DataFrame, assignments: pd.DataFrame) -> list[dict[str, Any]]:
    if not len(assignments):
        return []
    out = []
    info = {p.plan_id: p for p in plans.itertuples(index=False)}
    dates = {pid: plan_date(getattr(p, "date", None), getattr(p, "year", None)) for pid, p in info.items()}
    # only agencies the crosswalk names, and those of an abolished level, can be defunct
    changed = {match_key(n) for n in lineage_table()["old"]}
    candidates = {a for a in assignments["agency"].dropna().astype(str).unique()
                  if match_key(a) in changed or abolished_on(a) is not None}
    if not candidates:
        return []
    sel = assignments[assignments["agency"].astype(str).isin(candidates)]
    first = sel.groupby(["plan_id", sel["agency"].astype(str)], sort=True, observed=True)["line"].min()
    memo: dict[tuple[str, str | None, str], str | None] = {}
    for (pid, agency), line in first.items():
        p, d = info.get(pid), dates.get(pid)
        if p is None or d is None:
            continue
        province = p.province if isinstance(p.province, str) else None
        key = (agency, province, d)
        if key not in memo:
            memo[key] = _defunct_message(agency, province, d)
        if memo[key]:
            out.append(_row(p.source_file, line, "agency_defunct",
                            f"{_name(p.source_file)}, line {'?' if pd.isna(line) else int(line)}: {memo[key]}"))
    return out


def _defunct_message(agency: str, province: str | None, d: str) -> str | None:
    options = successors(agency, on=d, province=province)
    if len(options) == 1 and options[0]["effective"] == "":  # no recorded change in force
        ended = abolished_on(agency)
        if ended is None or ended > d:
            return None
        return (f"'{agency}' belongs to a level of government abolished on {ended}, before the plan's date ({d}); "
                f"no successor is recorded in lineage.csv.")
    if any(o["successor"] == agency for o in options):
        return None
    when = max(o["effective"] for o in options)
    return (f"'{agency}' was merged or abolished on {when}, before the plan's date ({d}); its work passed to "
            f"{_describe(options)}.")


#: The checks of one plan alone, in the order their findings are listed; ``near_duplicate`` compares plans.
PLAN_CHECKS = ("province_defunct", "province_mismatch", "agency_defunct")
#: The order of the kinds in :func:`check_rows`.
ORDER = ("province_defunct", "province_mismatch", "near_duplicate", "agency_defunct")


def plan_checks(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The findings of the checks that read one plan alone (:data:`PLAN_CHECKS`), in ``problems`` columns.

    Run where the plan is parsed and kept with it, so that a corpus only adds the comparison across plans.
    The tables may hold several plans: each is checked on its own rows.

    Examples
    --------
    >>> plans = pd.DataFrame({"plan_id": ["kt"], "source_file": ["kt.txt"], "province": ["Kon Tum"],
    ...                       "year": [2026], "date": [None]})
    >>> plan_checks({"plans": plans})["kind"].tolist()
    ['province_defunct']
    """
    plans = tables["plans"]
    tasks = tables.get("tasks", pd.DataFrame(columns=COLUMNS["tasks"]))
    assignments = tables.get("assignments", pd.DataFrame(columns=COLUMNS["assignments"]))
    rows = _province_defunct(plans) + _province_mismatch(plans, tasks) + _agency_defunct(plans, assignments)
    return pd.DataFrame(rows, columns=COLUMNS["problems"]).astype({"line": "Int64"})


def ordered(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings in :func:`check_rows`'s order: by kind (:data:`ORDER`), then as given.

    Examples
    --------
    >>> f = pd.DataFrame({"kind": ["agency_defunct", "near_duplicate", "province_defunct"]})
    >>> ordered(f)["kind"].tolist()
    ['province_defunct', 'near_duplicate', 'agency_defunct']
    """
    rank = findings["kind"].astype(object).map({k: i for i, k in enumerate(ORDER)}).fillna(len(ORDER))
    return findings.iloc[np.argsort(rank.to_numpy(), kind="stable")].reset_index(drop=True)


def check_rows(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The findings of the arrival checks alone (see :func:`corpus_checks`), in ``problems`` columns.

    They depend only on ``plans``, ``tasks`` and ``assignments``, which the loader's cache uses to keep them.

    Examples
    --------
    >>> plans = pd.DataFrame({"plan_id": ["kt"], "source_file": ["kt.txt"], "province": ["Kon Tum"],
    ...                       "year": [2026], "date": [None]})
    >>> check_rows({"plans": plans})["kind"].tolist()
    ['province_defunct']
    """
    plans = tables["plans"]
    tasks = tables.get("tasks", pd.DataFrame(columns=COLUMNS["tasks"]))
    own = plan_checks(tables)
    copies = pd.DataFrame(near_duplicates(plans, *_shingle_index(plans, tasks)), columns=COLUMNS["problems"])
    frames = [f for f in (own, copies.astype({"line": "Int64"})) if len(f)]
    if not frames:
        return own
    return ordered(pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0])


def corpus_checks(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The problems table with the arrival checks added (``province_defunct``, ``province_mismatch``,
    ``near_duplicate``, ``agency_defunct``), sorted by file and line as the loader sorts it.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The corpus tables (``plans``, ``tasks``, ``assignments``, ``problems``) as ``load_corpus`` assembles
        them.

    Returns
    -------
    DataFrame
        ``problems`` columns; the rows of ``tables["problems"]`` and one row per finding, each message naming the
        file and, where there is one, the line.

    Examples
    --------
    >>> plans = pd.DataFrame({"plan_id": ["kt"], "source_file": ["data/kon-tum-2026.txt"], "province": ["Kon Tum"],
    ...                       "year": [2026], "date": [None]})
    >>> tasks = pd.DataFrame({"plan_id": ["kt"], "text": ["Sở Thông tin và Truyền thông tỉnh Kon Tum"],
    ...                       "text_lines": [[40]], "line_start": [40]})
    >>> assignments = pd.DataFrame({"plan_id": ["kt"], "agency": ["Sở Thông tin và Truyền thông"], "line": [41]})
    >>> out = corpus_checks({"plans": plans, "tasks": tasks, "assignments": assignments})
    >>> out["kind"].tolist(), out["line"].tolist()
    (['province_defunct', 'agency_defunct'], [<NA>, 41])
    >>> print(out["message"].iloc[0])  # doctest: +NORMALIZE_WHITESPACE
    kon-tum-2026.txt: the header names Kon Tum, which became part of Quảng Ngãi after 2025-06-30
    (Resolution 202/2025/QH15), but the plan is for 2026. Check the province in the header, or whether the file
    is misfiled.
    """
    problems = tables.get("problems", pd.DataFrame(columns=COLUMNS["problems"]))
    found = check_rows(tables)
    if not len(found):
        return problems
    frames = [f for f in (problems, found) if len(f)]
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else found
    out = out.sort_values(["source_file", "line"], na_position="first", kind="stable").reset_index(drop=True)
    out["line"] = out["line"].astype("Int64")
    return out
