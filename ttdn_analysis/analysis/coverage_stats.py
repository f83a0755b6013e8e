"""Coverage a researcher can defend: counts, denominators, bootstrap intervals and tests of differences.

A share of tasks is an estimate from a few dozen tasks, and how a plan splits its work into tasks moves it. This
module gives every share its counts and an interval, compares two groups of plans with a test, and says in words
whether a difference is distinguishable from noise (Benoit, Laver & Mikhaylov 2009 treat category shares of
political texts the same way).

Units (what is counted and resampled):

* ``task`` — a task mentions the theme or not (the default, as :func:`~ttdn_analysis.analysis.coverage.coverage`);
* ``item`` — a top-level item of the plan ("II.7" for II.7.a … II.7.h; "IV.3"): it mentions the theme when any of
  its tasks does. Does not depend on how finely a plan splits an item into sub-tasks;
* ``sentence`` — content sentences (assignment field lines are not content) that mention the theme, over all
  content sentences. Does not depend on task boundaries at all; a long task weighs by its length.

Intervals of a share: for tasks and items by default the
Clopper-Pearson ("exact") interval (``method="wilson"`` for Wilson's), which, unlike the bootstrap, never reaches 0
when the theme is seen at least once and does not collapse to a point when it appears in none or all units. For
sentences (and with ``method="bootstrap"``): percentile bootstrap, resampling units with replacement *within each
plan* (a stratified bootstrap: the plans of a group stay the same, their units vary), ``n_boot`` replicates from a
fixed seed; for the sentence unit tasks are resampled (cluster bootstrap) and the share is a ratio of sums. The
interval of a *difference* (:func:`compare_coverage`) is always that bootstrap.

What counts as a task: by default the plan's task list (``tasks.task_kind`` body tasks and appendix rows), the same
in every plan; the agencies' duty blocks of TỔ CHỨC THỰC HIỆN, which only some plans write, are left out
(``task_kinds=None`` counts every task).

Tests: Fisher's exact test on the 2×2 table (units with / without the theme in a and b) for task and item units;
for the sentence unit, whose sentences are not independent, a permutation test that shuffles whole tasks between
a and b. p-values are two-sided; ``p_holm`` adjusts them for the number of themes compared (Holm 1979).

References
----------
Benoit, K., Laver, M. & Mikhaylov, S. (2009). Treating words as data with error: uncertainty in text statements
of policy positions. American Journal of Political Science 53(2), 495-513.
Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap. Chapman & Hall.
Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian Journal of Statistics 6,
65-70.
"""
from __future__ import annotations

import re
import warnings
import zlib
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ttdn_analysis.labels import LANGUAGES, labels
from ttdn_analysis.messages import warning_text
from ttdn_analysis.registry.codebook import Codebook, _as_codebook
from ttdn_analysis.schema import COMPARABLE_TASK_KINDS, TASK_KINDS, task_kinds_of
from ttdn_analysis.tagging import _Doc, _isna

__all__ = ["UNITS", "PooledPlansWarning", "pooled_groups", "coverage_units", "coverage_stats", "compare_coverage",
           "describe_comparison", "describe_pooling"]

#: Units of :func:`coverage_stats` and :func:`compare_coverage`.
UNITS = ("task", "item", "sentence")
_ROMAN = re.compile(r"^(?:[IVXLC]+|PL)$")


class PooledPlansWarning(UserWarning):
    """A group pools plans of different kinds or levels (an implementation plan with a yearly plan, a
    department's plan with the province's): its share mixes documents that do not answer the same question."""


def pooled_groups(tasks: pd.DataFrame, plans: pd.DataFrame | None, by: Sequence[str]) -> dict[tuple, str]:
    """Groups of *tasks* (by the columns *by*) whose plans differ in kind or level, with their kinds and levels.

    Examples
    --------
    >>> tasks = pd.DataFrame({"plan_id": ["a", "b"], "province": "Đắk Lắk", "year": 2024,
    ...                       "level": ["department", "province"]})
    >>> plans = pd.DataFrame({"plan_id": ["a", "b"], "kind": ["annual", "implementation"]})
    >>> pooled_groups(tasks, plans, ["province", "year"])
    {('Đắk Lắk', 2024): 'annual (department) + implementation (province)'}
    """
    cols = list(by)
    if not len(tasks) or any(c not in tasks.columns for c in cols) or "plan_id" not in tasks.columns:
        return {}
    df = tasks[[*dict.fromkeys([*cols, "plan_id", *(["level"] if "level" in tasks.columns else [])])]]
    if plans is not None and "kind" in plans.columns:
        df = df.merge(plans[["plan_id", "kind"]].drop_duplicates("plan_id"), on="plan_id", how="left")
    out = {}
    for key, sub in df.drop_duplicates("plan_id").groupby(cols, sort=True, dropna=False, observed=True):
        kinds = _kinds(sub)
        if " + " in kinds:
            parts = key if isinstance(key, tuple) else (key,)
            out[tuple(p.item() if isinstance(p, np.generic) else p for p in parts)] = kinds
    return out


def _tables(corpus: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    tasks, tt = getattr(corpus, "tasks", None), getattr(corpus, "task_themes", None)
    if tasks is None and isinstance(corpus, Mapping):
        tasks, tt = corpus.get("tasks"), corpus.get("task_themes")
    if not isinstance(tasks, pd.DataFrame) or not isinstance(tt, pd.DataFrame):
        raise TypeError("expected a Corpus (or a mapping) with tasks and task_themes DataFrames")
    plans = getattr(corpus, "plans", None)
    if plans is None and isinstance(corpus, Mapping):
        plans = corpus.get("plans")
    return tasks, tt, plans if isinstance(plans, pd.DataFrame) else None


def _item_of(path: Any) -> str:
    """The top-level item of an outline path: "II.7.a" → "II.7", "PL.I.2" → "PL.I", "3.a" → "3"."""
    parts = str(path).split("~")[0].split(".")
    return ".".join(parts[:2]) if _ROMAN.match(parts[0]) and len(parts) > 1 else parts[0]


def _content_sentences(text: Any) -> int:
    if text is None or _isna(text):
        return 0
    return sum(1 for _, _, is_field in _Doc(str(text)).sentences if not is_field)


def coverage_units(corpus: Any, unit: str = "task", themes: Sequence[str] | None = None,
                   focus: str = "any", codebook: Codebook | str | Path | None = None,
                   task_kinds: Sequence[str] | None = COMPARABLE_TASK_KINDS) -> pd.DataFrame:
    """One row per counted unit with its weight and, per theme, how much of it mentions the theme.

    Parameters
    ----------
    corpus : Corpus or mapping
        With ``tasks`` and ``task_themes`` (and ``plans``, whose columns such as ``kind`` are joined on).
    unit : {"task", "item", "sentence"}
        See the module notes.
    themes : sequence of str, optional
        Theme keys; default every codebook theme.
    focus : {"any", "central"}
        Count every mention, or only tasks where the theme is central (``task_themes.focus``).
    codebook : Codebook, path or None
    task_kinds : sequence of str or None, default :data:`~ttdn_analysis.schema.COMPARABLE_TASK_KINDS`
        Which tasks count (``tasks.task_kind``): by default a plan's task list (body tasks and appendix rows), the
        unit every plan has; the agencies' duty blocks of TỔ CHỨC THỰC HIỆN, which some plans have and others
        not, are left out. None counts every task.

    Returns
    -------
    DataFrame
        ``plan_id``, ``unit_id``, the tasks' metadata columns (province, merged_province, year, level, …) and the
        plan's ``kind`` when known, ``n`` (the unit's weight: 1, or its content sentences) and one column per
        theme (1/0, or the content sentences mentioning it). Sorted by plan and unit.

    Examples
    --------
    >>> tasks = pd.DataFrame({"plan_id": "p", "task_id": ["p:II.7.a", "p:II.7.b", "p:II.8"],
    ...                       "path": ["II.7.a", "II.7.b", "II.8"], "text": ["Biên giới.", "Tập huấn.", "Tập huấn."]})
    >>> tt = pd.DataFrame({"plan_id": ["p"], "task_id": ["p:II.7.a"], "theme": ["border"], "focus": ["central"],
    ...                    "sentences": [1]})
    >>> coverage_units({"tasks": tasks, "task_themes": tt}, unit="item", themes=["border"])[["unit_id", "n", "border"]]
      unit_id  n  border
    0    II.7  1       1
    1    II.8  1       0
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")
    if focus not in ("any", "central"):
        raise ValueError(f"focus must be 'any' or 'central', got {focus!r}")
    tasks, tt, plans = _tables(corpus)
    cb = _as_codebook(codebook)
    keys = list(themes) if themes is not None else cb.keys
    if focus == "central" and len(tt):
        tt = tt[tt["focus"] == "central"]
    df = tasks.drop(columns=[c for c in ("text_lines", "text_breaks") if c in tasks.columns]).copy()
    df["task_kind"] = task_kinds_of(df)
    if task_kinds is not None:
        unknown = sorted(set(task_kinds) - set(TASK_KINDS))
        if unknown:
            raise ValueError(f"task_kinds must be among {tuple(TASK_KINDS)}, got {unknown}")
        df = df[df["task_kind"].isin(list(task_kinds))].reset_index(drop=True)
    if plans is not None and "kind" in plans.columns and "kind" not in df.columns:
        df = df.merge(plans[["plan_id", "kind"]].drop_duplicates("plan_id"), on="plan_id", how="left")
    sel = tt[tt["theme"].isin(keys)] if len(tt) else tt
    if len(sel):  # plain strings: a categorical column (from a Parquet cache) would pivot every category
        sel = sel.assign(theme=sel["theme"].astype(str), task_id=sel["task_id"].astype(str))
    if unit == "sentence":
        df["n"] = [_content_sentences(t) for t in df.get("text", pd.Series([None] * len(df)))]
        counts = sel.pivot_table(index="task_id", columns="theme", values="sentences", aggfunc="sum") if len(sel) \
            else pd.DataFrame()
    else:
        df["n"] = 1
        counts = sel.assign(_one=1).pivot_table(index="task_id", columns="theme", values="_one", aggfunc="max") \
            if len(sel) else pd.DataFrame()
    for k in keys:
        col = counts[k] if k in counts.columns else pd.Series(dtype=float)
        df[k] = df["task_id"].map(col).fillna(0).astype("int64").to_numpy()
    if unit == "item":
        df["unit_id"] = df["path"].map(_item_of)
        meta = [c for c in df.columns if c not in keys and c not in ("n", "unit_id", "task_id", "path", "text",
                                                                      "title")]
        agg = dict.fromkeys([c for c in meta if c != "plan_id"], "first") | dict.fromkeys(keys, "max") | {"n": "max"}
        df = df.groupby(["plan_id", "unit_id"], sort=False, as_index=False).agg(agg)
    else:
        df["unit_id"] = df["task_id"]
    drop = [c for c in ("task_id", "path", "text", "title") if c in df.columns and c != "unit_id"]
    df = df.drop(columns=drop)
    cols = ["plan_id", "unit_id"] + [c for c in df.columns if c not in ("plan_id", "unit_id", "n", *keys)] + ["n"]
    return df[cols + keys].sort_values(["plan_id"], kind="stable").reset_index(drop=True)


def _rng(seed: int, key: Any) -> np.random.Generator:
    """A generator for one group: the same seed and group give the same draws whatever else is in the table."""
    parts = key if isinstance(key, tuple) else (key,)
    return np.random.default_rng([seed, zlib.crc32("|".join(map(str, parts)).encode("utf-8"))])


def _replicates(units: pd.DataFrame, keys: list[str], n_boot: int, rng: np.random.Generator
                ) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap sums (n_boot × themes numerators, n_boot denominators), resampling units within each plan."""
    num = np.zeros((n_boot, len(keys)))
    den = np.zeros(n_boot)
    for _, sub in units.groupby("plan_id", sort=True):
        m = len(sub)
        draws = rng.multinomial(m, np.full(m, 1.0 / m), size=n_boot)  # how often each unit is drawn
        num += draws @ sub[keys].to_numpy(dtype=float)
        den += draws @ sub["n"].to_numpy(dtype=float)
    return num, den


def _by_columns(units: pd.DataFrame, by: str | Sequence[str]) -> list[str]:
    cols = [by] if isinstance(by, str) else list(by)
    missing = [c for c in cols if c not in units.columns]
    if missing:
        raise KeyError(f"cannot group by {missing}: not a column of tasks or plans")
    return cols


def _kinds(sub: pd.DataFrame) -> str:
    """The kinds and levels of a group's plans, "annual (department) + implementation (province)"; one part alone
    when the other is not known (no plans table: levels only)."""
    has_kind, has_level = "kind" in sub.columns, "level" in sub.columns

    def show(v: Any, what: str) -> str:
        return f"unknown {what}" if v is None or _isna(v) else str(v)

    if has_kind and has_level:
        parts = {f"{show(k, 'kind')} ({show(lv, 'level')})" for k, lv in zip(sub["kind"], sub["level"])}
    elif has_kind or has_level:
        col = "kind" if has_kind else "level"
        parts = {show(v, col) for v in sub[col]}
    else:
        parts = set()
    return " + ".join(sorted(parts))


def _binomial_interval(found: np.ndarray, total: float, level: float, method: str
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Clopper-Pearson ("exact") or Wilson score intervals of x/total for each x of *found* (0-1 when total is 0).

    Examples
    --------
    >>> low, high = _binomial_interval(np.array([2.0]), 23, 0.95, "exact")
    >>> round(float(low[0]), 3), round(float(high[0]), 3)
    (0.011, 0.28)
    >>> low, high = _binomial_interval(np.array([2.0, 0.0]), 23, 0.95, "wilson")
    >>> [round(float(x), 3) for x in low], [round(float(x), 3) for x in high]
    ([0.024, 0.0], [0.268, 0.143])
    """
    if not total:
        return np.zeros(len(found)), np.ones(len(found))
    if method == "exact":  # Clopper-Pearson from the beta quantiles, all rows at once (as binomtest's "exact")
        k, n, alpha = np.asarray(found, dtype=float), float(total), 1.0 - level
        with np.errstate(invalid="ignore", divide="ignore"):
            low = np.where(k > 0, stats.beta.ppf(alpha / 2, k, n - k + 1), 0.0)
            high = np.where(k < n, stats.beta.ppf(1 - alpha / 2, k + 1, n - k), 1.0)
        return np.nan_to_num(low, nan=0.0), np.nan_to_num(high, nan=1.0)
    cis = [stats.binomtest(int(x), int(total)).proportion_ci(level, "wilson") for x in found]
    return np.array([c.low for c in cis]), np.array([c.high for c in cis])


def _plain(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def _names(unit: str) -> tuple[str, str]:
    return f"{unit}s_with_theme", f"{unit}s"


def coverage_stats(
    corpus: Any,
    by: str | Sequence[str] = ("province", "year"),
    level: float = 0.95,
    n_boot: int = 2000,
    seed: int = 0,
    unit: str = "task",
    themes: Sequence[str] | None = None,
    method: str | None = None,
    focus: str = "any",
    codebook: Codebook | str | Path | None = None,
    warn: bool = True,
    task_kinds: Sequence[str] | None = COMPARABLE_TASK_KINDS,
) -> pd.DataFrame:
    """Theme shares per group with their counts and a confidence interval.

    Parameters
    ----------
    corpus : Corpus or mapping
        With ``tasks``, ``task_themes`` and (for ``kind``) ``plans``.
    by : str or sequence of str
        Columns to group by: any column of ``tasks`` (``province``, ``merged_province``, ``year``, ``level``,
        ``plan_id`` …) or ``kind`` of ``plans``. Default ``("province", "year")``; ``"plan_id"`` compares plans
        one by one.
    level : float
        Confidence level of the interval. Default 0.95.
    n_boot : int
        Bootstrap replicates. Default 2000.
    seed : int
        Seed of the bootstrap; each group draws from its own stream derived from the seed and the group, so a
        group's interval does not change when other plans are added. Default 0.
    unit : {"task", "item", "sentence"}
        What is counted and resampled (see the module notes). Default ``"task"``.
    themes : sequence of str, optional
        Theme keys; default every codebook theme in codebook order.
    method : {"exact", "wilson", "bootstrap"}, optional
        Clopper-Pearson (exact), Wilson score (task and item units), or the percentile bootstrap within plans.
        Default: ``"exact"`` for tasks and items, whose interval never reaches 0 when the theme is seen at least
        once (2 of 23 tasks: 1.1% to 28%); ``"bootstrap"`` for sentences, which are not independent.
    focus : {"any", "central"}
        Count every mention, or only tasks where the theme is central. Default ``"any"``.
    codebook : Codebook, path or None
    warn : bool, default True
        Raise :class:`PooledPlansWarning` for pooled groups. A report passes False and shows
        :func:`describe_pooling` (the groups are also in ``attrs["pooled"]``).
    task_kinds : sequence of str or None, default :data:`~ttdn_analysis.schema.COMPARABLE_TASK_KINDS`
        Which tasks are counted (see :func:`coverage_units`); recorded in ``attrs``.

    Returns
    -------
    DataFrame
        One row per group and theme (groups sorted, themes in codebook order): the ``by`` columns, ``theme``,
        ``tasks_with_theme`` and ``tasks`` (``items_…`` / ``sentences_…`` for the other units), ``share``,
        ``ci_low``, ``ci_high``, ``plans`` (plans in the group) and ``kinds`` (their kinds and levels, e.g.
        ``"annual (department) + implementation (province)"``). ``attrs`` records unit, level, n_boot, seed, method
        and the codebook version.

    Warns
    -----
    PooledPlansWarning
        When a group pools plans of different kinds or levels; group by ``plan_id`` (or add ``kind`` and
        ``level`` to ``by``) to keep them apart.

    Notes
    -----
    The bootstrap resamples units within each plan of the group (see the module notes); an interval of [0, 0]
    means the theme was seen in no unit, not that it cannot occur: use ``method="exact"`` for an interval that
    says how large a share a sample of that size could have missed.

    Examples
    --------
    >>> tasks = pd.DataFrame({"plan_id": ["a"] * 4 + ["b"] * 4, "task_id": [f"t{i}" for i in range(8)],
    ...                       "path": [f"II.{i}" for i in range(8)], "province": ["Gia Lai"] * 4 + ["Đồng Nai"] * 4,
    ...                       "year": 2025, "text": "x"})
    >>> tt = pd.DataFrame({"plan_id": ["a", "a", "b"], "task_id": ["t0", "t1", "t4"], "theme": "border",
    ...                    "focus": "central", "sentences": 1})
    >>> s = coverage_stats({"tasks": tasks, "task_themes": tt}, themes=["border"], n_boot=500)
    >>> s[["province", "tasks_with_theme", "tasks", "share"]].values.tolist()
    [['Gia Lai', 2, 4, 0.5], ['Đồng Nai', 1, 4, 0.25]]
    >>> bool((s["ci_low"] <= s["share"]).all() and (s["share"] <= s["ci_high"]).all())
    True
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    if method is None:
        method = "bootstrap" if unit == "sentence" else "exact"
    if method not in ("bootstrap", "exact", "wilson"):
        raise ValueError(f"method must be 'exact', 'wilson' or 'bootstrap', got {method!r}")
    if method != "bootstrap" and unit == "sentence":
        raise ValueError(f"method={method!r} assumes independent units: use the bootstrap for sentences")
    if n_boot < 100:
        raise ValueError("n_boot must be at least 100")
    cb = _as_codebook(codebook)
    keys = list(themes) if themes is not None else cb.keys
    units = coverage_units(corpus, unit=unit, themes=keys, focus=focus, codebook=cb, task_kinds=task_kinds)
    by_cols = _by_columns(units, by)
    with_name, n_name = _names(unit)
    alpha = 1.0 - level
    rows: list[dict[str, Any]] = []
    for gkey, sub in units.groupby(by_cols, sort=True, dropna=False, observed=True):
        gkey = gkey if isinstance(gkey, tuple) else (gkey,)
        total = float(sub["n"].sum())
        found = sub[keys].sum().to_numpy(dtype=float)
        share = found / total if total else np.zeros(len(keys))
        if method == "bootstrap":
            num, den = _replicates(sub, keys, n_boot, _rng(seed, gkey))
            with np.errstate(invalid="ignore", divide="ignore"):
                reps = np.where(den[:, None] > 0, num / np.where(den[:, None] > 0, den[:, None], 1), 0.0)
            low, high = np.quantile(reps, [alpha / 2, 1 - alpha / 2], axis=0)
        else:
            low, high = _binomial_interval(found, total, level, method)
        kinds = _kinds(sub.drop_duplicates("plan_id"))
        for i, k in enumerate(keys):
            rows.append({**dict(zip(by_cols, gkey)), "theme": k, with_name: int(found[i]), n_name: int(total),
                         "share": round(float(share[i]), 4), "ci_low": round(float(min(low[i], share[i])), 4),
                         "ci_high": round(float(max(high[i], share[i])), 4), "plans": int(sub["plan_id"].nunique()),
                         "kinds": kinds})
    out = pd.DataFrame(rows, columns=[*by_cols, "theme", with_name, n_name, "share", "ci_low", "ci_high", "plans",
                                      "kinds"])
    pooled = out.drop_duplicates(by_cols)
    pooled = pooled[pooled["kinds"].str.contains(" + ", regex=False)]
    pooled_map = {tuple(_plain(v) for v in r[:len(by_cols)]): str(r[-1])
                  for r in pooled[[*by_cols, "kinds"]].itertuples(index=False)}
    if pooled_map and warn:
        groups = "; ".join(f"{' '.join(map(str, k))}: {v}" for k, v in pooled_map.items())
        warnings.warn(warning_text("pooled_plans", "en", groups=groups), PooledPlansWarning, stacklevel=2)
    out.attrs.update({"unit": unit, "level": level, "n_boot": n_boot, "seed": seed, "method": method,
                      "focus": focus, "codebook_version": cb.version, "by": tuple(by_cols), "pooled": pooled_map,
                      "task_kinds": tuple(task_kinds) if task_kinds is not None else None})
    return out


def _select(units: pd.DataFrame, cond: Mapping[str, Any], name: str) -> pd.Series:
    if not isinstance(cond, Mapping) or not cond:
        raise ValueError(f"{name} must be a non-empty dict of column -> value (or list of values)")
    mask = pd.Series(True, index=units.index)
    for col, val in cond.items():
        if col not in units.columns:
            raise KeyError(f"{name}: no column {col!r} in tasks or plans")
        if isinstance(val, (list, tuple, set, frozenset)):
            mask &= units[col].isin(list(val))
        else:
            mask &= units[col] == val
    if not mask.any():
        raise ValueError(f"no unit matches {name} = {dict(cond)}")
    return mask


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment of p-values (ties and NaN kept in place)."""
    out = np.full(len(p), np.nan)
    ok = ~np.isnan(p)
    idx = np.argsort(p[ok], kind="stable")
    vals = p[ok][idx] * (ok.sum() - np.arange(ok.sum()))
    adj = np.minimum(1.0, np.maximum.accumulate(vals))
    res = np.empty(ok.sum())
    res[idx] = adj
    out[ok] = res
    return out


def _permutation_p(sa: pd.DataFrame, sb: pd.DataFrame, keys: list[str], n_perm: int, rng: np.random.Generator
                   ) -> np.ndarray:
    """Two-sided p-values of the difference of ratio shares, shuffling whole units (tasks) between the groups."""
    both = pd.concat([sa, sb], ignore_index=True)
    x = both[keys].to_numpy(dtype=float)
    n = both["n"].to_numpy(dtype=float)
    na = len(sa)

    zero = np.zeros(len(keys))

    def diff(mask: np.ndarray) -> np.ndarray:
        da, db = n[mask].sum(), n[~mask].sum()
        share_b = x[~mask].sum(axis=0) / db if db else zero
        share_a = x[mask].sum(axis=0) / da if da else zero
        return np.asarray(share_b - share_a, dtype=float)

    base = np.zeros(len(both), dtype=bool)
    base[:na] = True
    observed = np.abs(diff(base))
    extreme = np.zeros(len(keys))
    for _ in range(n_perm):
        mask = np.zeros(len(both), dtype=bool)
        mask[rng.permutation(len(both))[:na]] = True
        extreme += np.abs(diff(mask)) >= observed - 1e-12
    return (extreme + 1) / (n_perm + 1)


def compare_coverage(
    corpus: Any,
    a: Mapping[str, Any],
    b: Mapping[str, Any],
    unit: str = "task",
    level: float = 0.95,
    n_boot: int = 2000,
    seed: int = 0,
    themes: Sequence[str] | None = None,
    focus: str = "any",
    codebook: Codebook | str | Path | None = None,
    warn: bool = True,
    task_kinds: Sequence[str] | None = COMPARABLE_TASK_KINDS,
    units: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compare theme shares between two groups of plans, with an interval for the difference and a test.

    Parameters
    ----------
    corpus : Corpus or mapping
    a, b : dict
        Column -> value (or list of values) selecting each group, on any column of ``tasks`` or ``plans.kind``:
        ``{"province": "Đắk Lắk", "year": 2024}``, ``{"merged_province": "Gia Lai", "year": 2026}``,
        ``{"plan_id": [...]}``. The groups must not overlap.
    unit : {"task", "item", "sentence"}
        See the module notes. Default ``"task"``.
    level : float
        Confidence level of the interval of the difference. Default 0.95.
    n_boot : int
        Bootstrap replicates (and permutations for the sentence unit). Default 2000.
    seed : int
        Default 0; the same inputs give the same numbers.
    themes : sequence of str, optional
    focus : {"any", "central"}
    codebook : Codebook, path or None
    warn : bool, default True
        Raise :class:`PooledPlansWarning` when a group pools plans of different kinds or levels.
    units : DataFrame, optional
        :func:`coverage_units` of the corpus made with the same *unit*, *themes*, *focus*, *codebook* and
        *task_kinds*, when many pairs are compared (each comparison then selects from it instead of building it).
    task_kinds : sequence of str or None, default :data:`~ttdn_analysis.schema.COMPARABLE_TASK_KINDS`
        Which tasks are counted (see :func:`coverage_units`).

    Returns
    -------
    DataFrame
        One row per theme (codebook order): ``theme``, ``with_a``, ``n_a``, ``with_b``, ``n_b`` (counts of the
        unit), ``share_a``, ``share_b``, ``diff`` (``share_b - share_a``), ``ci_low``, ``ci_high`` (percentile
        bootstrap of the difference, resampling units within each plan of each group), ``p_value`` (two-sided),
        ``p_holm`` (Holm-adjusted over the themes compared), ``test`` (``"fisher_exact"`` for task and item units,
        ``"permutation"`` for sentences) and ``distinguishable`` (``p_holm`` below ``1 - level``). ``attrs`` hold
        both selections, the unit, level, seed and the kinds of plan in each group.

    Warns
    -----
    PooledPlansWarning
        When a group pools plans of different kinds or levels.

    See Also
    --------
    describe_comparison : the result in sentences, Vietnamese or English.

    Examples
    --------
    >>> tasks = pd.DataFrame({"plan_id": ["a"] * 18 + ["b"] * 21, "task_id": [f"t{i}" for i in range(39)],
    ...                       "path": [f"II.{i}" for i in range(39)], "year": [2024] * 18 + [2025] * 21, "text": "x"})
    >>> tt = pd.DataFrame({"plan_id": ["a"] * 3 + ["b"] * 5, "task_id": ["t0", "t1", "t2", "t18", "t19", "t20",
    ...                    "t21", "t22"], "theme": "border", "focus": "central", "sentences": 1})
    >>> c = compare_coverage({"tasks": tasks, "task_themes": tt}, {"year": 2024}, {"year": 2025}, themes=["border"])
    >>> c[["with_a", "n_a", "with_b", "n_b", "test", "distinguishable"]].values.tolist()
    [[3, 18, 5, 21, 'fisher_exact', False]]
    >>> round(float(c["p_value"].iloc[0]), 2)
    0.7
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    cb = _as_codebook(codebook)
    keys = list(themes) if themes is not None else cb.keys
    if units is None:
        units = coverage_units(corpus, unit=unit, themes=keys, focus=focus, codebook=cb, task_kinds=task_kinds)
    ma, mb = _select(units, a, "a"), _select(units, b, "b")
    if (ma & mb).any():
        raise ValueError("groups a and b overlap: a unit cannot be compared with itself")
    sa, sb = units[ma], units[mb]
    kinds = {"a": _kinds(sa.drop_duplicates("plan_id")), "b": _kinds(sb.drop_duplicates("plan_id"))}
    pooled = {g: k for g, k in kinds.items() if " + " in k}
    if pooled and warn:
        warnings.warn("; ".join(warning_text("pooled_pair", "en", group=g, kinds=k) for g, k in pooled.items()),
                      PooledPlansWarning, stacklevel=2)
    xa, xb = sa[keys].sum().to_numpy(dtype=float), sb[keys].sum().to_numpy(dtype=float)
    na, nb = float(sa["n"].sum()), float(sb["n"].sum())
    share_a = xa / na if na else np.zeros(len(keys))
    share_b = xb / nb if nb else np.zeros(len(keys))
    rng = _rng(seed, (*sorted(map(str, a.items())), "|", *sorted(map(str, b.items())), unit))
    num_a, den_a = _replicates(sa, keys, n_boot, rng)
    num_b, den_b = _replicates(sb, keys, n_boot, rng)
    with np.errstate(invalid="ignore", divide="ignore"):
        reps = (np.where(den_b[:, None] > 0, num_b / np.maximum(den_b[:, None], 1e-300), 0.0)
                - np.where(den_a[:, None] > 0, num_a / np.maximum(den_a[:, None], 1e-300), 0.0))
    alpha = 1.0 - level
    low, high = np.quantile(reps, [alpha / 2, 1 - alpha / 2], axis=0)
    if unit == "sentence":
        p = _permutation_p(sa, sb, keys, n_boot, rng)
        test = "permutation"
    else:
        p = np.array([stats.fisher_exact([[int(xa[i]), int(na - xa[i])], [int(xb[i]), int(nb - xb[i])]])[1]
                      for i in range(len(keys))])
        test = "fisher_exact"
    p_holm = _holm(p)
    diff = share_b - share_a
    out = pd.DataFrame({
        "theme": keys, "with_a": xa.astype("int64"), "n_a": int(na), "with_b": xb.astype("int64"), "n_b": int(nb),
        "share_a": np.round(share_a, 4), "share_b": np.round(share_b, 4), "diff": np.round(diff, 4),
        "ci_low": np.round(np.minimum(low, diff), 4), "ci_high": np.round(np.maximum(high, diff), 4),
        "p_value": np.round(p, 4), "p_holm": np.round(p_holm, 4), "test": test,
        "distinguishable": p_holm < alpha,
    })
    out.attrs.update({"a": dict(a), "b": dict(b), "unit": unit, "level": level, "n_boot": n_boot, "seed": seed,
                      "focus": focus, "kinds_a": kinds["a"], "kinds_b": kinds["b"], "codebook_version": cb.version,
                      "task_kinds": tuple(task_kinds) if task_kinds is not None else None})
    return out


@lru_cache(maxsize=1)
def _templates() -> dict[str, dict[str, Any]]:
    """The findings' sentences by language (``labels.toml``, sections ``findings`` and ``plan_kinds``)."""
    return {lang: {**labels(lang, "findings"), "kinds": labels(lang, "plan_kinds")} for lang in LANGUAGES}


def _group_name(cond: Mapping[str, Any]) -> str:
    return " ".join(str(v) if not isinstance(v, (list, tuple, set)) else "/".join(map(str, v)) for v in cond.values())


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _points(x: float) -> str:
    """Signed percentage points with a true minus sign ("+7", "−17")."""
    return f"{100 * x:+.0f}".replace("-", "−")


def _p(p: float, lang: str) -> str:
    s = f"{p:.2f}" if p >= 0.01 else "< 0.01"
    return s.replace(".", ",") if lang == "vi" else s  # Vietnamese writes a decimal comma


def describe_comparison(table: pd.DataFrame, lang: str = "vi", codebook: Codebook | str | Path | None = None,
                        names: tuple[str, str] | None = None) -> list[str]:
    """One sentence per theme saying whether the difference between the groups is distinguishable from noise.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`compare_coverage`.
    lang : {"vi", "en"}
        Language of the sentences (templates in ``ttdn_analysis/labels.toml``).
    codebook : Codebook, path or None
        Gives the theme labels.
    names : (str, str), optional
        How to call groups a and b; default their selections' values ("Đắk Lắk 2024").

    Returns
    -------
    list of str

    Examples
    --------
    >>> t = pd.DataFrame({"theme": ["border"], "with_a": [3], "n_a": [18], "with_b": [5], "n_b": [21],
    ...                   "share_a": [0.1667], "share_b": [0.2381], "diff": [0.0714], "ci_low": [-0.17],
    ...                   "ci_high": [0.31], "p_value": [0.70], "p_holm": [0.70], "test": ["fisher_exact"],
    ...                   "distinguishable": [False]})
    >>> t.attrs.update({"a": {"province": "Đắk Lắk", "year": 2024}, "b": {"province": "Đắk Lắk", "year": 2025},
    ...                 "unit": "task", "level": 0.95})
    >>> print(describe_comparison(t, lang="en")[0])  # doctest: +NORMALIZE_WHITESPACE
    Land border: 3 of 18 tasks (17%) in Đắk Lắk 2024, 5 of 21 (24%) in Đắk Lắk 2025; the difference of +7
    points (95% interval −17 to +31) is not distinguishable from noise (Fisher's exact test, p = 0.70).
    """
    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be 'vi' or 'en', got {lang!r}")
    tpl = _templates()[lang]
    cb = _as_codebook(codebook)
    theme_names = {t.key: (t.label_vi if lang == "vi" else t.label_en) for t in cb.themes}
    a_name, b_name = names or (_group_name(table.attrs.get("a", {"": "a"})),
                               _group_name(table.attrs.get("b", {"": "b"})))
    unit = table.attrs.get("unit", "task")
    level = table.attrs.get("level", 0.95)
    out = []
    for r in table.itertuples(index=False):
        stat = f"{tpl[f'test_{r.test}']}, p = {_p(r.p_value, lang)}"
        if len(table) > 1:
            stat += "; " + tpl["holm"].format(p_holm=_p(r.p_holm, lang), k=len(table))
        if r.distinguishable:
            key = "higher" if r.diff > 0 else "lower"
        else:
            key = "noise"
        out.append(tpl[key].format(
            theme=theme_names.get(r.theme, r.theme), with_a=r.with_a, n_a=r.n_a, with_b=r.with_b, n_b=r.n_b,
            share_a=_pct(r.share_a), share_b=_pct(r.share_b), a=a_name, b=b_name,
            unit=tpl[f"unit_{unit}"], diff=f"{100 * abs(r.diff):.0f}" if r.distinguishable else _points(r.diff),
            ci_low=_points(r.ci_low), ci_high=_points(r.ci_high), level=f"{100 * level:.0f}%",
            stat=stat))
    return out


def describe_pooling(stats_table: pd.DataFrame, lang: str = "vi") -> list[str]:
    """Sentences naming the groups of a :func:`coverage_stats` table that pool plans of different kinds or levels.

    Examples
    --------
    >>> s = pd.DataFrame({"province": ["Đắk Lắk"], "year": [2024], "theme": ["border"], "plans": [2],
    ...                   "kinds": ["annual (department) + implementation (province)"]})
    >>> s.attrs["by"] = ("province", "year")
    >>> describe_pooling(s, lang="en")  # doctest: +NORMALIZE_WHITESPACE
    ['Đắk Lắk 2024 pools 2 plans of different kinds: annual (department) + implementation (province); its shares
      do not describe one plan.']
    """
    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be 'vi' or 'en', got {lang!r}")
    tpl = _templates()[lang]
    by = list(stats_table.attrs.get("by", ()))
    groups = stats_table.drop_duplicates(by) if by else stats_table.iloc[:0]
    out = []
    for r in groups.itertuples(index=False):
        if " + " not in str(r.kinds):
            continue
        name = " ".join(str(getattr(r, c)) for c in by)
        kinds = str(r.kinds)
        names: dict[str, str] = tpl.get("kinds", {})
        for word, translated in names.items():
            kinds = kinds.replace(word, translated)
        out.append(tpl["pooled"].format(group=name, plans=r.plans, kinds=kinds))
    return out
