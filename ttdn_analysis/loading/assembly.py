"""The corpus tables from each plan's stored tables: one conversion per table, duplicates dropped (a row says so),
the checks across plans added, problems sorted, columns typed.

Each plan arrives as Arrow tables read from the store (or, rarely, as DataFrames); a table of the corpus is the
concatenation of the plans' tables of that name, converted to pandas once. Columns are carried by name as
``schema.COLUMNS`` lists them, so a column added to a table there needs nothing here.
"""
from __future__ import annotations

import hashlib
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ttdn_analysis.cache import Packed, _fingerprint, entry_path, extension_dtypes, read_entry, to_frame, write_entry
from ttdn_analysis.checks import near_duplicates, ordered
from ttdn_analysis.ingest.discover import PlanFile
from ttdn_analysis.loading.copies import NEAREST, incremental, scope_key, state_of
from ttdn_analysis.loading.keys import code_hash
from ttdn_analysis.loading.worker import Failed
from ttdn_analysis.schema import COLUMNS, TABLES, empty_table

__all__ = ["CATEGORICAL", "SHARED", "DATES", "ORIGINS", "assemble", "typed", "first", "plan_parts", "shingle_sets",
           "plan_tables_of", "merged_problems", "copies_of", "concat_frames"]

#: Columns typed as categoricals (a small set of repeated values), wherever a table has them. The columns of one
#: group share their categories across the tables (so that merges on them keep the type); the others have the
#: values of their own table.
CATEGORICAL = (("province", "merged_province"), ("level",), ("role",), ("theme",), ("focus",), ("kind",),
               ("severity",))
SHARED = (("province", "merged_province"), ("level",))
#: Date columns (ISO text from the parser) typed as datetime64.
DATES = {"plans": ("date",), "citations": ("date",), "tasks": ("time_start", "time_end")}


def _extension_dtypes(tables: list) -> dict[str, str]:
    """Columns that pandas wrote with an extension dtype (``Int64``…), as the entries note them."""
    out: dict[str, str] = {}
    for t in tables:
        for col, dtype in extension_dtypes(t).items():
            out.setdefault(col, dtype)
    return out


def concat_frames(frames: list[pd.DataFrame], name: str) -> pd.DataFrame:
    """The rows of *frames* (of the table *name*) one after the other, renumbered; the empty table when none has a
    row.

    Examples
    --------
    >>> len(concat_frames([empty_table("plans"), empty_table("plans")], "plans")), len(concat_frames(
    ...     [pd.DataFrame({"x": [1]}), pd.DataFrame({"x": [2]})], "plans"))
    (0, 2)
    """
    frames = [f for f in frames if len(f)]
    with warnings.catch_warnings():  # all-NA columns (e.g. no number yet) are expected
        warnings.simplefilter("ignore", FutureWarning)
        return pd.concat(frames, ignore_index=True) if frames else empty_table(name)


def _arrow_frame(tables: list, name: str) -> pd.DataFrame:
    """One DataFrame of a run of Arrow tables of the table *name*: one concatenation, one conversion."""
    import pyarrow as pa

    try:
        df = to_frame(pa.concat_tables([t.replace_schema_metadata(None) for t in tables],
                                       promote_options="permissive"))
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):  # types that do not unify: one conversion per plan
        return concat_frames([to_frame(t) for t in tables], name)
    for col, dtype in _extension_dtypes(tables).items():  # e.g. nullable Int64, which plain Arrow types lose
        if col in df.columns:
            df[col] = df[col].astype(dtype)
    return df


#: Rows of Arrow tables converted to pandas together: the run of decoded tables in memory stays small beside the
#: corpus's tables (a table of all plans is converted in slices and the slices concatenated).
RUN_ROWS = 50_000


def _table_of(parts: list[dict[str, Any]], name: str, columns: Sequence[str]) -> pd.DataFrame:
    """The table *name* of all plans, in their order; consecutive Arrow parts are converted together, a run of at
    most :data:`RUN_ROWS` rows at a time. Each part's table is decoded when its turn comes (a
    :class:`~ttdn_analysis.cache.Packed` one) and released once converted (the plans' tables do not wait beside the
    corpus's)."""
    frames: list[pd.DataFrame] = []
    run: list = []
    rows = 0
    for p in parts:
        x = p.pop(name, None)
        if x is None:
            continue
        if isinstance(x, pd.DataFrame):
            if run:
                frames.append(_arrow_frame(run, name))
                run, rows = [], 0
            frames.append(x)
        elif x.num_rows:
            run.append(x.table() if isinstance(x, Packed) else x)
            rows += x.num_rows
            if rows >= RUN_ROWS:
                frames.append(_arrow_frame(run, name))
                run, rows = [], 0
    if run:
        frames.append(_arrow_frame(run, name))
    df = concat_frames(frames, name) if name in COLUMNS else (pd.concat(frames, ignore_index=True) if frames
                                                       else pd.DataFrame(columns=list(columns)))
    return df[list(columns)].copy() if len(df.columns) != len(columns) or list(df.columns) != list(columns) else df


def first(df: Any, col: str) -> Any:
    """The first value of *col* in a DataFrame or an Arrow table (None when there is no row).

    Examples
    --------
    >>> int(first(pd.DataFrame({"x": [3, 4]}), "x")), first(pd.DataFrame({"x": []}), "x")
    (3, None)
    """
    if isinstance(df, pd.DataFrame):
        return df[col].iloc[0] if len(df) else None
    return df.column(col)[0].as_py() if df.num_rows else None


def _shingles_of(part: dict[str, Any]) -> np.ndarray:
    x = part.pop("shingles", None)
    if x is None:
        return np.zeros(0, dtype=np.uint32)
    if isinstance(x, Packed):
        x = x.table()
    col = x["h"].to_numpy() if isinstance(x, pd.DataFrame) else x.column("h").to_numpy()
    return np.asarray(col, dtype=np.uint32)


def _copies_key(plans: pd.DataFrame) -> str:
    """Key of the near-duplicate findings of a corpus: the parser's code and data, the checks' code, and the plans
    table (each plan's content hash, id, file and metadata determine its tasks)."""
    import ttdn_analysis.checks as checks_module

    h = hashlib.sha256(f"{_fingerprint()}|{code_hash(checks_module.__file__)}|copies".encode())
    h.update(plans.to_csv(index=False).encode())
    return h.hexdigest()[:32]


def copies_of(plans: pd.DataFrame, tasks: pd.DataFrame, sets: Mapping[str, np.ndarray], root: Path | None,
              sizes: Mapping[str, int] | None = None, candidates: Mapping[str, list[str]] | None = None,
              nearest: pd.DataFrame | None = None, keep: dict[str, Any] | None = None) -> pd.DataFrame:
    """The near-duplicate findings, compared over the plans' stored shingles; from the cache when the plans are the
    same (after a codebook edit); comparing only the new plans when the others were compared before
    (:mod:`ttdn_analysis.loading.copies`; *sizes* and *candidates* as there). The comparison state is *nearest*
    when given (a grown corpus's), else the one kept for the plans' folders; *keep* receives the state after."""
    scope = entry_path("checks", scope_key(plans), root) if root is not None else None
    state = {"nearest": nearest} if nearest is not None else (
        read_entry(scope, list(NEAREST), NEAREST) if scope is not None else None)
    path = entry_path("checks", _copies_key(plans), root) if root is not None else None
    cached = read_entry(path, ["problems"]) if path is not None else None
    if cached is not None:
        found = cached["problems"]
        found["line"] = pd.to_numeric(found["line"], errors="coerce").astype("Int64")
        if keep is not None:  # the state of these very plans (the folders' may be of another set of them)
            fits = state["nearest"] if state is not None and _state_fits(state["nearest"], plans) else None
            keep["nearest"] = fits if fits is not None else state_of(
                plans, sets, found.astype(object).where(found.notna(), None).to_dict("records"))
        return found
    first_line = tasks.groupby("plan_id", sort=False, observed=True)["line_start"].min().to_dict() if len(tasks) \
        else {}
    rows = incremental(plans, sets, first_line, state["nearest"], near_duplicates, sizes, candidates) \
        if state is not None else None
    if rows is None:  # no state of these folders, or it does not apply: the whole comparison
        rows = near_duplicates(plans, sets, first_line)
    found = pd.DataFrame(rows, columns=COLUMNS["problems"])
    found["line"] = found["line"].astype("Int64")
    if path is not None and scope is not None:
        write_entry(path, {"problems": found})
        after = state_of(plans, sets, rows, state["nearest"] if state is not None else None)
        if after is not None:
            write_entry(scope, {"nearest": after})
        if keep is not None:
            keep["nearest"] = after
    return found


def _state_fits(state: pd.DataFrame, plans: pd.DataFrame) -> bool:
    """Whether a comparison state is of exactly these plans, unchanged."""
    return dict(zip(state["plan_id"].astype(str), state["content_hash"].astype(str))) == dict(
        zip(plans["plan_id"].astype(str), plans["content_hash"].astype(str)))


def _failure_row(f: PlanFile, result: str | Failed) -> dict[str, Any]:
    kind, message = (result.kind, result.message) if isinstance(result, Failed) else ("parse_failed", result)
    return {"source_file": f.display, "line": None, "severity": "error", "kind": kind, "message": message}


def plan_parts(files: Sequence[PlanFile], results: Sequence[Any], problems: list[dict],
               first_of: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The tables of the plans that load, in file order: a failed plan becomes one row of its kind and a plan with
    the content of an earlier one (by *first_of*, content hash to file, extended in place) a ``duplicate`` row,
    both appended to *problems*."""
    parts: list[dict[str, Any]] = []
    first_of = {} if first_of is None else first_of
    for f, tables in zip(files, results):
        if isinstance(tables, (str, Failed)):
            problems.append(_failure_row(f, tables))
            continue
        h = first(tables["plans"], "content_hash")
        if h is not None:
            if h in first_of:
                problems.append({"source_file": f.display, "line": None, "severity": "warning", "kind": "duplicate",
                                 "message": f"same content as {Path(first_of[h]).name}; loaded once"})
                continue
            first_of[h] = f.display
        parts.append(dict(tables))
    return parts


def shingle_sets(parts: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    """Each plan's shingles (taken out of its tables), by plan id."""
    sets = {}
    for p in parts:
        pid = first(p["plans"], "plan_id")
        s = _shingles_of(p)
        if pid is not None:
            sets[pid] = s
    return sets


def plan_tables_of(parts: list[dict[str, Any]]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The tables of *parts* (each converted once; problems: the plans' own parse rows), and the findings of the
    plans' own checks."""
    findings = _table_of(parts, "findings", COLUMNS["problems"])
    out = {}
    for t in TABLES:
        df = _table_of(parts, t, COLUMNS[t])
        out[t] = df[COLUMNS[t]].copy() if list(df.columns) != list(COLUMNS[t]) else df
        if "year" in out[t].columns:  # the checks compare years; dates stay ISO text until typed()
            out[t]["year"] = pd.to_numeric(out[t]["year"], errors="coerce").astype("Int64")
    findings["line"] = pd.to_numeric(findings["line"], errors="coerce").astype("Int64")
    return out, findings


#: Where each row of a corpus's problems comes from: a plan's parse, a plan's own checks, or the corpus (files
#: that gave no plan, failures, duplicates, manifests, near duplicates). A grown corpus keeps the first two.
ORIGINS = ("parse", "finding", "corpus")


def merged_problems(parsed: pd.DataFrame, other: pd.DataFrame, findings: pd.DataFrame, copies: pd.DataFrame
                    ) -> tuple[pd.DataFrame, np.ndarray]:
    """The problems of a corpus and each row's origin (:data:`ORIGINS`): the plans' parse rows, then the rows of
    the corpus, then the checks' findings in their kind order, sorted by file and line (stable)."""
    checked = [f for f in (findings, copies) if len(f)]
    tagged = [parsed.assign(_origin="parse"), other.assign(_origin="corpus")]
    if checked:
        both = ordered(concat_frames([findings.assign(_origin="finding"), copies.assign(_origin="corpus")],
                                     "problems"))
        tagged.append(both)
    if not any(len(f) for f in tagged):
        return empty_table("problems"), np.zeros(0, dtype=object)
    df = concat_frames(tagged, "problems")
    df["line"] = pd.to_numeric(df["line"], errors="coerce").astype("Int64")
    df = df.sort_values(["source_file", "line"], na_position="first", kind="stable").reset_index(drop=True)
    origin = df.pop("_origin").to_numpy(dtype=object)
    return df[list(COLUMNS["problems"])], origin


def assemble(files: Sequence[PlanFile], results: Sequence[Any], problems: list[dict],
             root: Path | None = None, keep: dict[str, Any] | None = None) -> dict[str, pd.DataFrame]:
    """The corpus tables from each plan's tables (a dict of Arrow tables or DataFrames, or why it failed).

    Duplicates are dropped with a ``duplicate`` row, a failed plan is one row of its kind, the findings of each
    plan's own checks are added, the plans are compared for near duplicates, and problems are sorted by file and
    line. *problems* (rows of files that gave no plan) is extended in place. *keep*, when given, receives what a
    later load needs to grow this corpus (:mod:`ttdn_analysis.loading.appending`): ``sets`` (each plan's shingles)
    and ``origin`` (of each problem row).
    """
    parts = plan_parts(files, results, problems)
    sets = shingle_sets(parts)
    out, findings = plan_tables_of(parts)
    copies = copies_of(out["plans"], out["tasks"], sets, root, keep=keep)
    other = pd.DataFrame(problems, columns=COLUMNS["problems"])
    out["problems"], origin = merged_problems(out["problems"], other, findings, copies)
    if keep is not None:
        keep.update(sets=sets, origin=origin)
    return out


def typed(out: dict[str, pd.DataFrame]) -> None:
    """Give the tables their types in place: nullable integers, datetime64 dates, categoricals.

    Examples
    --------
    >>> t = {n: empty_table(n) for n in TABLES}
    >>> typed(t)
    >>> str(t["plans"]["date"].dtype), str(t["problems"]["kind"].dtype)
    ('datetime64[ns]', 'category')
    """
    def integers(df: pd.DataFrame, col: str) -> None:
        if str(df[col].dtype) != "Int64":
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")

    for t in TABLES:
        df = out[t]
        if "year" in df.columns:
            integers(df, "year")
        for col in DATES.get(t, ()):
            if str(df[col].dtype) != "datetime64[ns]":
                df[col] = pd.to_datetime(df[col], errors="coerce", format="%Y-%m-%d")
    out["tasks"]["per_year"] = out["tasks"]["per_year"].astype("float64")
    integers(out["problems"], "line")
    for t in ("tasks", "assignments", "problems"):  # the page of a PDF or scan (None for other files)
        integers(out[t], "page")
    for col in ("ocr_low_confidence", "numbering_repaired"):
        if out["tasks"][col].dtype != bool:
            out["tasks"][col] = out["tasks"][col].fillna(False).astype(bool)
    for group in CATEGORICAL:
        scopes = [list(TABLES)] if group in SHARED else [[t] for t in TABLES]
        for tables in scopes:
            cols = [(t, c) for t in tables for c in group if c in out[t].columns]
            values = sorted({v for t, c in cols for v in _values(out[t][c])})
            for t, c in cols:
                col = out[t][c]
                if isinstance(col.dtype, pd.CategoricalDtype):  # e.g. a corpus read back typed from the cache
                    if list(col.cat.categories) != values:
                        out[t][c] = col.cat.set_categories(values)
                    continue
                out[t][c] = pd.Categorical(col.astype(object).where(col.notna(), None), categories=values)


def _values(col: pd.Series) -> list[str]:
    """The distinct values (as text) a column holds."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        used = col.cat.remove_unused_categories().cat.categories
        if all(isinstance(v, str) for v in used):
            return list(used)
        return [str(v) for v in used]
    return list(pd.unique(col.dropna().astype(str)))
