"""Near duplicates across the plans of a corpus, incrementally: a plan that arrives is compared with every plan of
the corpus, not the whole corpus with itself again.

After each comparison the loader keeps, per folder set (:func:`scope_key`), each plan's content hash and the plan
it shares most of its text with (its *partner*, with the exact share). When the next load of those folders holds
every one of those plans unchanged and a few new ones, only the new plans are compared: each with every plan on
all its shingles (a new plan can become an old plan's partner, and get one of its own); the other plans' findings
are kept. Anything else (a plan removed or changed, many new plans, no state) runs the whole comparison
(:func:`ttdn_analysis.checks.near_duplicates`). A finding is the same as the whole comparison gives: the share of
the plan's shingles found in its partner, at least :data:`~ttdn_analysis.checks.NEAR_DUPLICATE`; on a tie, the
partner first by plan id.
"""
from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

import ttdn_analysis.checks as _checks
from ttdn_analysis.cache import _fingerprint
from ttdn_analysis.loading.keys import code_hash

__all__ = ["NEAREST", "scope_key", "state_of", "incremental", "share"]

#: The table of a comparison's state: per plan, its content hash, its partner ("" for none), the share of its
#: shingles in the partner, and its finding (severity and message; empty for none).
NEAREST = {"nearest": ["plan_id", "content_hash", "partner", "share", "severity", "message"]}
#: At most this share of the corpus (or 10 plans) may be new for the comparison to be incremental.
NEW_SHARE = 0.05
_PARTNER = re.compile(r"\(plan (.+)\)\. ")


def scope_key(plans: pd.DataFrame) -> str:
    """Key of the comparison state of a corpus: the parser's and the checks' code and the folders of its plans.

    Examples
    --------
    >>> a = scope_key(pd.DataFrame({"source_file": ["d/a.txt", "d/b.txt"]}))
    >>> b, c = (scope_key(pd.DataFrame({"source_file": [f]})) for f in ("d/c.txt", "e/a.txt"))
    >>> a == b, a == c
    (True, False)
    """
    folders = sorted({os.path.dirname(os.path.normpath(os.path.abspath(str(s)))) for s in plans["source_file"]})
    h = hashlib.sha256(f"{_fingerprint()}|{code_hash(_checks.__file__)}|copies-scope".encode())
    h.update("\n".join(folders).encode())
    return h.hexdigest()[:32]


def share(a: np.ndarray, b: np.ndarray) -> float:
    """The share of the (distinct, sorted) shingles *a* that are also in *b*, as the whole comparison computes it.

    Examples
    --------
    >>> share(np.array([1, 2, 3, 4]), np.array([2, 3, 4, 9]))
    0.75
    """
    return _checks.shingle_share(a, b)


def _eligible(plans: pd.DataFrame, sets: Mapping[str, np.ndarray], sizes: Mapping[str, int] | None = None
              ) -> list[str]:
    if sizes is not None:
        return sorted(p for p in set(plans["plan_id"]) if sizes.get(p, 0) >= _checks._MIN_SHINGLES)
    return sorted(p for p in set(plans["plan_id"]) if p in sets and len(sets[p]) >= _checks._MIN_SHINGLES)


def state_of(plans: pd.DataFrame, sets: Mapping[str, np.ndarray], rows: list[dict[str, Any]],
             known: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """The comparison state after *rows* (the ``near_duplicate`` findings of *plans*), or None when a finding's
    partner cannot be told (the state is then not kept, and the next load compares the whole corpus). The share of
    a finding whose plan and partner are as in the state *known* (unchanged plans) is taken from it."""
    of_file = dict(zip(plans["source_file"], plans["plan_id"]))
    ids = set(plans["plan_id"])
    now = dict(zip(plans["plan_id"].astype(str), plans["content_hash"].astype(str)))
    hashes = {} if known is None else dict(zip(known["plan_id"].astype(str), known["content_hash"].astype(str)))
    before = {} if known is None else {
        r.plan_id: (r.partner, float(r.share)) for r in known.itertuples(index=False)
        if r.partner and now.get(r.plan_id) == hashes.get(r.plan_id) and now.get(r.partner) == hashes.get(r.partner)}
    found: dict[str, tuple[str, float, str, str]] = {}
    for r in rows:
        a = of_file.get(r["source_file"])
        m = _PARTNER.search(str(r["message"]))
        if a is None or m is None or m[1] not in ids or a not in sets or m[1] not in sets:
            return None
        was = before.get(a)
        value = was[1] if was is not None and was[0] == m[1] else share(sets[a], sets[m[1]])
        found[a] = (m[1], value, str(r["severity"]), str(r["message"]))
    out = pd.DataFrame({"plan_id": plans["plan_id"].astype(str), "content_hash": plans["content_hash"].astype(str)})
    out["partner"] = [found[p][0] if p in found else "" for p in out["plan_id"]]
    out["share"] = [found[p][1] if p in found else np.nan for p in out["plan_id"]]
    out["severity"] = [found[p][2] if p in found else "" for p in out["plan_id"]]
    out["message"] = [found[p][3] if p in found else "" for p in out["plan_id"]]
    return out


def incremental(plans: pd.DataFrame, sets: Mapping[str, np.ndarray], first_line: Mapping[str, Any],
                state: pd.DataFrame, compare=None, sizes: Mapping[str, int] | None = None,
                candidates: Mapping[str, list[str]] | None = None) -> list[dict[str, Any]] | None:
    """The ``near_duplicate`` findings of *plans*, from the *state* of an earlier comparison of some of them and a
    comparison of only the plans not in it; None when the state does not apply (a plan of the state is gone or
    changed, or too many are new). *compare* is the whole comparison, used on two plans at a time to word a new
    finding (default :func:`ttdn_analysis.checks.near_duplicates`).

    *sets* may load shingles on demand: with *sizes* (each plan's number of shingles) a plan's shingles are read
    only when it is compared, and with *candidates* a new plan is compared only with the plans listed for it (those
    that can share enough with it, see :mod:`ttdn_analysis.loading.appending`) instead of every plan.

    Examples
    --------
    >>> text = " ".join(f"w{i}" for i in range(80))
    >>> plans = pd.DataFrame({"plan_id": ["a", "b"], "source_file": ["d/a.txt", "d/b.txt"],
    ...                       "content_hash": ["h1", "h2"]})
    >>> sets = {"a": _checks.shingles(text), "b": _checks.shingles(text + " thêm")}
    >>> before = state_of(plans.iloc[:1], sets, [])
    >>> [r["source_file"] for r in incremental(plans, sets, {"a": 3, "b": 4}, before)]
    ['d/a.txt', 'd/b.txt']
    """
    compare = compare or _checks.near_duplicates
    now = dict(zip(plans["plan_id"].astype(str), plans["content_hash"].astype(str)))
    old = dict(zip(state["plan_id"].astype(str), state["content_hash"].astype(str)))
    if any(now.get(p) != h for p, h in old.items()):
        return None
    elig = _eligible(plans, sets, sizes)
    new = [p for p in elig if p not in old]
    if len(new) > max(10, int(NEW_SHARE * len(elig))):
        return None
    best: dict[str, tuple[float, str]] = {}
    kept: dict[str, tuple[str, str]] = {}
    for r in state.itertuples(index=False):
        if r.partner:
            best[r.plan_id] = (float(r.share), r.partner)
            kept[r.plan_id] = (r.severity, r.message)

    def better(a: str, s: float, b: str) -> None:
        if s >= _checks.NEAR_DUPLICATE and (a not in best or s > best[a][0] or (s == best[a][0] and b < best[a][1])):
            best[a] = (s, b)
            kept.pop(a, None)

    for n in new:
        sn = sets[n]
        for b in (elig if candidates is None or n not in candidates else candidates[n]):
            if b == n:
                continue
            sb = sets[b]
            pos = np.searchsorted(sn, sb).clip(max=len(sn) - 1)
            k = int((sn[pos] == sb).sum())  # shingles of b also in n (both distinct and sorted)
            if k >= _checks.NEAR_DUPLICATE * len(sn):
                better(n, share(sn, sb), b)
            if k >= _checks.NEAR_DUPLICATE * len(sb):
                better(b, share(sb, sn), n)
    file_of = dict(zip(plans["plan_id"], plans["source_file"]))
    out = []
    for a in sorted(best):
        if a in kept:
            line = first_line.get(a)
            out.append({"source_file": file_of[a], "line": None if line is None or pd.isna(line) else int(line),
                        "severity": kept[a][0], "kind": "near_duplicate", "message": kept[a][1]})
            continue
        b = best[a][1]
        pair = plans[plans["plan_id"].isin([a, b])]
        rows = [r for r in compare(pair, {a: sets[a], b: sets[b]}, first_line) if r["source_file"] == file_of[a]]
        if len(rows) != 1:
            return None
        out.append(rows[0])
    return out
